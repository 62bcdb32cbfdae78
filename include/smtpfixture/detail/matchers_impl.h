// The machinery behind smtpfixture/matchers.h. Not part of the API: names here
// may change between releases. Users include <smtpfixture/matchers.h>.
//
// Two matcher classes do almost all the work:
//   FieldMatcher      one value read from the subject: "has <name> that ..."
//   AnyElementMatcher some element of a list read from the subject:
//                     "has <noun> that ...", negated "has no <noun> that ..."
// Each public matcher is one of them, given the words to say and a function
// that reads the value. The few left are written out at the end.
#ifndef SMTPFIXTURE_DETAIL_MATCHERS_IMPL_H_
#define SMTPFIXTURE_DETAIL_MATCHERS_IMPL_H_

#include <gmock/gmock.h>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "smtpfixture/message.h"
#include "smtpfixture/printers.h"
#include "smtpfixture/tls.h"

namespace smtpfixture::detail {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Runs `matcher` and appends its explanation, if it gives one, after ", " as
// GoogleMock's own matchers do ("whose subject is "Hi", which ...").
template <typename T>
bool MatchAndExplainInner(const ::testing::Matcher<const T&>& matcher,
                          const T& value,
                          ::testing::MatchResultListener* listener) {
  if (!listener->IsInterested()) return matcher.Matches(value);
  ::testing::StringMatchResultListener inner;
  const bool matched = ::testing::ExplainMatchResult(matcher, value, &inner);
  if (!inner.str().empty()) *listener << ", " << inner.str();
  return matched;
}

// The accessors that let one matcher work on a ReceivedMessage and on a
// Session alike.
inline const TlsInfo& TlsOf(const ReceivedMessage& message) {
  return message.tls();
}
inline const TlsInfo& TlsOf(const Session& session) { return session.tls; }
inline const std::optional<AuthInfo>& AuthOf(const ReceivedMessage& message) {
  return message.auth();
}
inline const std::optional<AuthInfo>& AuthOf(const Session& session) {
  return session.auth;
}
// A message's violations are the protocol's and its MIME reader's.
inline std::vector<Violation> ViolationsOf(const ReceivedMessage& message) {
  return message.AllViolations();
}
inline std::vector<Violation> ViolationsOf(const Session& session) {
  return session.violations;
}

// ---------------------------------------------------------------------------
// One value read from the subject.

struct FieldWords {
  const char* name;               // "subject"
  bool plural = false;            // "whose envelope recipients are ..."
  const char* missing = nullptr;  // when Get returns an empty optional
};

// `Get` maps the subject to the value, or to a std::optional of it when the
// subject may lack one (then `words.missing` explains the mismatch).
template <typename Value, typename Get>
class FieldMatcher {
 public:
  using is_gtest_matcher = void;

  FieldMatcher(FieldWords words, Get get,
               ::testing::Matcher<const Value&> inner)
      : words_(words), get_(std::move(get)), inner_(std::move(inner)) {}

  template <typename Subject>
  bool MatchAndExplain(const Subject& subject,
                       ::testing::MatchResultListener* listener) const {
    decltype(auto) value = get_(subject);
    if constexpr (IsOptional<std::decay_t<decltype(value)>>::value) {
      if (!value) {
        *listener << words_.missing;
        return false;
      }
      return MatchValue(*value, listener);
    } else {
      return MatchValue(value, listener);
    }
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has " << words_.name << " that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "doesn't have " << words_.name << " that ";
    inner_.DescribeTo(os);
  }

 private:
  bool MatchValue(const Value& value,
                  ::testing::MatchResultListener* listener) const {
    if (listener->IsInterested()) {
      *listener << "whose " << words_.name << (words_.plural ? " are " : " is ")
                << Show(value);
    }
    return MatchAndExplainInner(inner_, value, listener);
  }

  FieldWords words_;
  Get get_;
  ::testing::Matcher<const Value&> inner_;
};

template <typename Value, typename Get, typename M>
FieldMatcher<Value, Get> MakeFieldMatcher(FieldWords words, Get get,
                                          const M& m) {
  return {words, std::move(get), ::testing::SafeMatcherCast<const Value&>(m)};
}

// The words of the TLS handshake error, shared by HandshakeFailed(m) and
// HandshakeFailed().
inline constexpr FieldWords kTlsErrorWords = {
    "TLS handshake error", false, "which has no TLS handshake error"};

inline std::optional<std::string> TlsErrorOf(const Session& session) {
  if (session.tls_error.empty()) return std::nullopt;
  return session.tls_error;
}

// ---------------------------------------------------------------------------
// Some element of a list read from the subject.

struct ListWords {
  std::string describe;  // "envelope recipient that "
  std::string singular;  // "envelope recipient" (a match: "whose ... #0 is")
  std::string missing;   // "which has no envelope recipients"
  std::string whose;     // "whose envelope recipients are " (no match)
};

// A List is a ListWords plus `Element`, `Value` (what the inner matcher
// sees), `Get(subject)` returning a std::vector<Element> (or a reference to
// one) and `Project(element)` giving the Value. It may hide Show(element)
// and ShowAll(elements) to show its elements another way.
struct ListBase : ListWords {
  template <typename Element>
  std::string Show(const Element& e) const {
    return detail::Show(e);
  }
  template <typename Element>
  std::string ShowAll(const std::vector<Element>& all) const {
    return whose + ShowList(all);
  }
};

template <typename List>
class AnyElementMatcher {
 public:
  using is_gtest_matcher = void;
  using Value = typename List::Value;

  AnyElementMatcher(List list, ::testing::Matcher<const Value&> inner)
      : list_(std::move(list)), inner_(std::move(inner)) {}

  template <typename Subject>
  bool MatchAndExplain(const Subject& subject,
                       ::testing::MatchResultListener* listener) const {
    decltype(auto) elements = list_.Get(subject);
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const Value& value = List::Project(elements[i]);
      if (!inner_.Matches(value)) continue;
      if (listener->IsInterested()) {
        *listener << "whose " << list_.singular << " #" << i << " is "
                  << list_.Show(elements[i]);
      }
      MatchAndExplainInner(inner_, value, listener);
      return true;
    }
    if (listener->IsInterested()) {
      *listener << (elements.empty() ? list_.missing : list_.ShowAll(elements));
    }
    return false;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has " << list_.describe;
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no " << list_.describe;
    inner_.DescribeTo(os);
  }

 private:
  List list_;
  ::testing::Matcher<const Value&> inner_;
};

struct RecipientList : ListBase {
  using Element = std::string;
  using Value = std::string;
  RecipientList()
      : ListBase{{"envelope recipient that ", "envelope recipient",
                  "which has no envelope recipients",
                  "whose envelope recipients are "}} {}
  const std::vector<std::string>& Get(const ReceivedMessage& message) const {
    return message.envelope().rcpt_to;
  }
  static const std::string& Project(const std::string& e) { return e; }
};

struct HeaderList : ListBase {
  using Element = std::string;
  using Value = std::string;
  explicit HeaderList(std::string header)
      : ListBase{{"header " + Quote(header) + " that ",
                  Quote(header) + " header",
                  "which has no " + Quote(header) + " header",
                  "whose " + Quote(header) + " headers are "}},
        name(std::move(header)) {}
  std::vector<std::string> Get(const ReceivedMessage& message) const {
    return message.Headers(name);
  }
  static const std::string& Project(const std::string& e) { return e; }
  std::string name;
};

struct AddressList : ListBase {
  using Element = Address;
  using Value = std::string;
  explicit AddressList(std::string header_name)
      : ListBase{{Quote(header_name) + " address that ",
                  Quote(header_name) + " address",
                  "which has no " + Quote(header_name) + " address",
                  "whose " + Quote(header_name) + " addresses are "}},
        header(std::move(header_name)) {}
  std::vector<Address> Get(const ReceivedMessage& message) const {
    return message.Addresses(header);
  }
  static const std::string& Project(const Address& e) { return e.address; }
  std::string header;
};

struct AttachmentList : ListBase {
  using Element = Attachment;
  using Value = Attachment;
  // `connector`: "with " (a filename, maybe content) or "that " (a matcher
  // of Attachment); `show_content` when the content is being matched.
  AttachmentList(const char* connector, bool content)
      : ListBase{{std::string("attachment ") + connector, "attachment",
                  "which has no attachments", "whose attachments are "}},
        show_content(content) {}
  std::vector<Attachment> Get(const ReceivedMessage& message) const {
    return message.Attachments();
  }
  static const Attachment& Project(const Attachment& e) { return e; }
  std::string Show(const Attachment& e) const {
    std::string shown = detail::Show(e);
    if (show_content) shown += " with content " + Quote(e.content);
    return shown;
  }
  std::string ShowAll(const std::vector<Attachment>& all) const {
    return whose +
           JoinShown(all, [this](const Attachment& e) { return Show(e); });
  }
  bool show_content;
};

struct ViolationList : ListBase {
  using Element = Violation;
  using Value = std::string;
  ViolationList()
      : ListBase{{"violation with code that ", "violation",
                  "which has no violations", "whose violations are "}} {}
  template <typename Subject>
  std::vector<Violation> Get(const Subject& subject) const {
    return ViolationsOf(subject);
  }
  static const std::string& Project(const Violation& e) { return e.code; }
};

struct TranscriptList : ListBase {
  // A failing TranscriptContains shows the end of the dialogue, where the
  // surprise usually is.
  static constexpr std::size_t kShownLines = 30;
  using Element = TranscriptLine;
  using Value = std::string;
  TranscriptList()
      : ListBase{{"transcript line that ", "transcript line",
                  "whose transcript is empty", "whose transcript is:"}} {}
  const std::vector<TranscriptLine>& Get(const Session& session) const {
    return session.transcript;
  }
  static const std::string& Project(const TranscriptLine& e) { return e.text; }
  std::string ShowAll(const std::vector<TranscriptLine>& all) const {
    std::string out = whose;
    const std::size_t first =
        all.size() > kShownLines ? all.size() - kShownLines : 0;
    if (first > 0) {
      out += "\n    ... (" + std::to_string(first) + " earlier lines)";
    }
    for (std::size_t i = first; i < all.size(); ++i) {
      out += "\n    " + detail::Show(all[i]);
    }
    return out;
  }
};

struct LinkList : ListBase {
  using Element = std::string;
  using Value = std::string;
  LinkList()
      : ListBase{
            {"link that ", "link", "which has no links", "whose links are "}} {}
  std::vector<std::string> Get(const ReceivedMessage& message) const {
    return message.Links();
  }
  static const std::string& Project(const std::string& e) { return e; }
};

// HasLink(m): an AnyElementMatcher over Links() that says "has a link".
class HasLinkMatcher {
 public:
  using is_gtest_matcher = void;
  explicit HasLinkMatcher(::testing::Matcher<const std::string&> inner)
      : any_(LinkList(), inner), inner_(std::move(inner)) {}

  bool MatchAndExplain(const ReceivedMessage& message,
                       ::testing::MatchResultListener* listener) const {
    return any_.MatchAndExplain(message, listener);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a link that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no link that ";
    inner_.DescribeTo(os);
  }

 private:
  AnyElementMatcher<LinkList> any_;
  ::testing::Matcher<const std::string&> inner_;
};

template <typename List, typename M>
AnyElementMatcher<List> MakeAnyElementMatcher(List list, const M& m) {
  return {std::move(list),
          ::testing::SafeMatcherCast<const typename List::Value&>(m)};
}

// ---------------------------------------------------------------------------
// The matchers that are neither a field nor an element of a list.

// An attachment's filename, and its content when given.
class AttachmentPartsMatcher {
 public:
  using is_gtest_matcher = void;

  explicit AttachmentPartsMatcher(
      ::testing::Matcher<const std::string&> filename)
      : filename_(std::move(filename)),
        content_(::testing::A<const std::string&>()),
        has_content_(false) {}
  AttachmentPartsMatcher(::testing::Matcher<const std::string&> filename,
                         ::testing::Matcher<const std::string&> content)
      : filename_(std::move(filename)),
        content_(std::move(content)),
        has_content_(true) {}

  // The enclosing AnyElementMatcher shows the attachment (and its content
  // when it is matched), so there is nothing to add here.
  bool MatchAndExplain(const Attachment& attachment,
                       ::testing::MatchResultListener* /*listener*/) const {
    return filename_.Matches(attachment.filename) &&
           (!has_content_ || content_.Matches(attachment.content));
  }
  void DescribeTo(std::ostream* os) const {
    *os << "filename that ";
    filename_.DescribeTo(os);
    if (has_content_) {
      *os << " and content that ";
      content_.DescribeTo(os);
    }
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "filename that ";
    filename_.DescribeNegationTo(os);
    if (has_content_) {
      *os << " or content that ";
      content_.DescribeNegationTo(os);
    }
  }

 private:
  // Not std::optional<Matcher>: GCC 12's -Wmaybe-uninitialized misfires on
  // it in optimised sanitizer builds, and users compile this header with
  // their own -Werror.
  ::testing::Matcher<const std::string&> filename_;
  ::testing::Matcher<const std::string&> content_;
  bool has_content_;
};

// HasHeader(name): the header is present.
class HasHeaderNamedMatcher {
 public:
  using is_gtest_matcher = void;
  explicit HasHeaderNamedMatcher(std::string name) : list_(std::move(name)) {}

  bool MatchAndExplain(const ReceivedMessage& message,
                       ::testing::MatchResultListener* listener) const {
    const std::vector<std::string> values = list_.Get(message);
    if (listener->IsInterested()) {
      *listener << (values.empty() ? list_.missing : list_.ShowAll(values));
    }
    return !values.empty();
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has header " << Quote(list_.name);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no header " << Quote(list_.name);
  }

 private:
  HeaderList list_;
};

class HasNoViolationsMatcher {
 public:
  using is_gtest_matcher = void;

  template <typename Subject>
  bool MatchAndExplain(const Subject& subject,
                       ::testing::MatchResultListener* listener) const {
    const std::vector<Violation> violations = ViolationsOf(subject);
    if (listener->IsInterested()) {
      const ViolationList list;
      *listener << (violations.empty() ? list.missing
                                       : list.ShowAll(violations));
    }
    return violations.empty();
  }
  void DescribeTo(std::ostream* os) const { *os << "has no violations"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "has violations"; }
};

// HandshakeFailed(): a handshake was started and did not complete.
class HandshakeFailedMatcher {
 public:
  using is_gtest_matcher = void;

  bool MatchAndExplain(const Session& session,
                       ::testing::MatchResultListener* listener) const {
    if (session.tls_error.empty()) {
      *listener << kTlsErrorWords.missing;
      return false;
    }
    if (listener->IsInterested()) {
      *listener << "whose " << kTlsErrorWords.name << " is "
                << Show(session.tls_error);
    }
    return true;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a " << kTlsErrorWords.name;
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no " << kTlsErrorWords.name;
  }
};

// ResistedTlsAttack(): no violation whose code starts with "insecure-"; the
// explanation names each one with the transcript line that showed it (the
// client line the violation's detail starts with, in double quotes).
class ResistedTlsAttackMatcher {
 public:
  using is_gtest_matcher = void;

  bool MatchAndExplain(const Session& session,
                       ::testing::MatchResultListener* listener) const {
    bool resisted = true;
    for (const Violation& v : session.violations) {
      if (v.code.compare(0, 9, "insecure-") != 0) continue;
      if (!listener->IsInterested()) return false;
      *listener << (resisted ? "which did not resist: " : "; ") << v.code;
      resisted = false;
      bool shown = false;
      std::size_t number = 0;
      for (const TranscriptLine& line : session.transcript) {
        ++number;
        const std::string quoted = "\"" + line.text + "\": ";
        if (line.direction == Direction::kClient &&
            v.detail.compare(0, quoted.size(), quoted) == 0) {
          *listener << " at transcript line " << number
                    << ", C: " << Quote(line.text) << ", "
                    << v.detail.substr(quoted.size());
          shown = true;
          break;
        }
      }
      if (!shown) *listener << " (" << v.detail << ")";
    }
    if (resisted) *listener << "which has no insecure-* violation";
    return resisted;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "resisted the TLS attack (no violation whose code starts with "
           "\"insecure-\")";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "did not resist the TLS attack (some violation's code starts "
           "with \"insecure-\")";
  }
};

// HasValidDkimSignature(): some DKIM result is kPass and signs the whole
// body (no octets past l=), with a d= matching `domain` when one is given.
class HasValidDkimSignatureMatcher {
 public:
  using is_gtest_matcher = void;
  HasValidDkimSignatureMatcher()
      : domain_(::testing::A<const std::string&>()), has_domain_(false) {}
  explicit HasValidDkimSignatureMatcher(
      ::testing::Matcher<const std::string&> domain)
      : domain_(std::move(domain)), has_domain_(true) {}

  bool MatchAndExplain(const ReceivedMessage& message,
                       ::testing::MatchResultListener* listener) const {
    const std::vector<DkimResult> results = message.Dkim();
    bool matched = false;
    for (const DkimResult& result : results) {
      if (Counts(result) && domain_.Matches(result.domain)) {
        matched = true;
        break;
      }
    }
    if (listener->IsInterested()) {
      if (results.empty()) {
        *listener << "which has no DKIM-Signature";
      } else {
        // Every result, passing or not: why the others failed is the
        // useful part when the one expected is missing.
        *listener << "whose DKIM results are: ";
        for (std::size_t i = 0; i < results.size(); ++i) {
          if (i > 0) *listener << "; ";
          *listener << Show(results[i]);
          if (results[i].status == DkimStatus::kPass && !Counts(results[i])) {
            *listener << ", which does not count";
          }
        }
      }
    }
    return matched;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a valid DKIM signature";
    DescribeDomain(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no valid DKIM signature";
    DescribeDomain(os);
  }

 private:
  // A pass whose l= leaves part of the body unsigned does not: a test asking
  // "is my mail signed" means the whole mail.
  static bool Counts(const DkimResult& result) {
    return result.status == DkimStatus::kPass &&
           result.unsigned_body_bytes == 0;
  }

  void DescribeDomain(std::ostream* os) const {
    if (!has_domain_) return;
    *os << " with domain that ";
    domain_.DescribeTo(os);
  }

  // A matcher and a flag, not std::optional<Matcher>: see
  // AttachmentPartsMatcher.
  ::testing::Matcher<const std::string&> domain_;
  bool has_domain_;
};

// PresentedClientCertificate(): the client presented a certificate that
// verified against ServerOptions::client_ca_pem, with a subject matching
// `subject` when one is given.
class PresentedClientCertificateMatcher {
 public:
  using is_gtest_matcher = void;
  PresentedClientCertificateMatcher()
      : subject_(::testing::A<const std::string&>()), has_subject_(false) {}
  explicit PresentedClientCertificateMatcher(
      ::testing::Matcher<const std::string&> subject)
      : subject_(std::move(subject)), has_subject_(true) {}

  template <typename Subject>
  bool MatchAndExplain(const Subject& subject,
                       ::testing::MatchResultListener* listener) const {
    const TlsInfo& tls = TlsOf(subject);
    if (tls.client_certificate_subject.empty()) {
      *listener << "which presented no client certificate";
      return false;
    }
    if (!tls.client_certificate_verified) {
      if (listener->IsInterested()) {
        *listener << "whose client certificate "
                  << Show(tls.client_certificate_subject) << " did not verify";
      }
      return false;
    }
    if (!has_subject_) {
      if (listener->IsInterested()) {
        *listener << "whose client certificate "
                  << Show(tls.client_certificate_subject) << " verified";
      }
      return true;
    }
    if (listener->IsInterested()) {
      *listener << "whose verified client certificate's subject is "
                << Show(tls.client_certificate_subject);
    }
    return MatchAndExplainInner(subject_, tls.client_certificate_subject,
                                listener);
  }
  void DescribeTo(std::ostream* os) const {
    *os << "presented a client certificate that verified";
    DescribeSubject(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "presented no client certificate that verified";
    DescribeSubject(os);
  }

 private:
  void DescribeSubject(std::ostream* os) const {
    if (!has_subject_) return;
    *os << " with subject that ";
    subject_.DescribeTo(os);
  }

  // A matcher and a flag, not std::optional<Matcher>: see
  // AttachmentPartsMatcher.
  ::testing::Matcher<const std::string&> subject_;
  bool has_subject_;
};

}  // namespace smtpfixture::detail

#endif  // SMTPFIXTURE_DETAIL_MATCHERS_IMPL_H_
