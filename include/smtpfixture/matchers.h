// GoogleMock matchers on what the server received.
//
//   EXPECT_THAT(server().Messages(),
//               ElementsAre(AllOf(EnvelopeFrom("a@example.com"),
//                                 TlsModeIs(TlsMode::kStartTls),
//                                 HasSubject(HasSubstr("Hi")))));
//   EXPECT_THAT(server().Sessions(),
//               Contains(HandshakeFailed(HasSubstr("unknown ca"))));
//
// Every argument named `m` is a plain value (compared with Eq) or any matcher
// of that type. Every matcher describes itself ("has subject that is equal to
// "Hi""), its negation ("doesn't have subject that is equal to "Hi"") and
// explains a result with the actual value ("whose subject is "Hello""),
// followed by the inner matcher's own explanation, if any. They compose with
// Not, AllOf, AnyOf, ElementsAre, Contains and Each. Long values are cut to
// about 200 bytes in explanations.
//
// Matchers on the message's content (headers, subject, bodies, attachments,
// MIME violations) parse the message on the calling thread, once per message.
#ifndef SMTPFIXTURE_MATCHERS_H_
#define SMTPFIXTURE_MATCHERS_H_

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

namespace smtpfixture {
namespace detail {

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

// The accessors that let one matcher class work on a ReceivedMessage and on
// a Session alike.
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
  std::vector<Violation> all = message.violations();
  std::vector<Violation> mime = message.MimeViolations();
  all.insert(all.end(), mime.begin(), mime.end());
  return all;
}
inline std::vector<Violation> ViolationsOf(const Session& session) {
  return session.violations;
}

// ---------------------------------------------------------------------------
// One value read from the subject: "has <name> that <inner>".
//
// A Field is a struct with `Value`, `kName`, `kPlural` (whether to say "are"),
// a static `Get(subject)` returning the value (or a std::optional of it, when
// the subject may lack one) and, if optional, `kMissing` (the explanation
// when it is absent).
template <typename Field>
class FieldMatcher {
 public:
  using is_gtest_matcher = void;
  using Value = typename Field::Value;

  explicit FieldMatcher(::testing::Matcher<const Value&> inner)
      : inner_(std::move(inner)) {}

  template <typename Subject>
  bool MatchAndExplain(const Subject& subject,
                       ::testing::MatchResultListener* listener) const {
    decltype(auto) value = Field::Get(subject);
    if constexpr (IsOptional<std::decay_t<decltype(value)>>::value) {
      if (!value) {
        *listener << Field::kMissing;
        return false;
      }
      return MatchValue(*value, listener);
    } else {
      return MatchValue(value, listener);
    }
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has " << Field::kName << " that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "doesn't have " << Field::kName << " that ";
    inner_.DescribeTo(os);
  }

 private:
  bool MatchValue(const Value& value,
                  ::testing::MatchResultListener* listener) const {
    if (listener->IsInterested()) {
      *listener << "whose " << Field::kName
                << (Field::kPlural ? " are " : " is ") << Show(value);
    }
    return MatchAndExplainInner(inner_, value, listener);
  }

  ::testing::Matcher<const Value&> inner_;
};

template <typename Field, typename M>
FieldMatcher<Field> MakeFieldMatcher(const M& m) {
  return FieldMatcher<Field>(
      ::testing::SafeMatcherCast<const typename Field::Value&>(m));
}

struct EnvelopeFromField {
  using Value = std::string;
  static constexpr const char* kName = "envelope sender";
  static constexpr bool kPlural = false;
  static const std::string& Get(const ReceivedMessage& message) {
    return message.envelope().mail_from;
  }
};

struct EnvelopeToField {
  using Value = std::vector<std::string>;
  static constexpr const char* kName = "envelope recipients";
  static constexpr bool kPlural = true;
  static const std::vector<std::string>& Get(const ReceivedMessage& message) {
    return message.envelope().rcpt_to;
  }
};

struct HeloNameField {
  using Value = std::string;
  static constexpr const char* kName = "HELO name";
  static constexpr bool kPlural = false;
  static const std::string& Get(const ReceivedMessage& message) {
    return message.envelope().helo;
  }
};

struct AuthenticatedUserField {
  using Value = std::string;
  static constexpr const char* kName = "authenticated user";
  static constexpr bool kPlural = false;
  static constexpr const char* kMissing = "which did not authenticate";
  template <typename Subject>
  static std::optional<std::string> Get(const Subject& subject) {
    const std::optional<AuthInfo>& auth = AuthOf(subject);
    if (!auth) return std::nullopt;
    return auth->username;
  }
};

struct AuthMechanismField {
  using Value = std::string;
  static constexpr const char* kName = "AUTH mechanism";
  static constexpr bool kPlural = false;
  static constexpr const char* kMissing = "which did not authenticate";
  template <typename Subject>
  static std::optional<std::string> Get(const Subject& subject) {
    const std::optional<AuthInfo>& auth = AuthOf(subject);
    if (!auth) return std::nullopt;
    return auth->mechanism;
  }
};

struct SubjectField {
  using Value = std::string;
  static constexpr const char* kName = "subject";
  static constexpr bool kPlural = false;
  static std::string Get(const ReceivedMessage& message) {
    return message.Subject();
  }
};

struct TextBodyField {
  using Value = std::string;
  static constexpr const char* kName = "text body";
  static constexpr bool kPlural = false;
  static constexpr const char* kMissing = "which has no text/plain body";
  static std::optional<std::string> Get(const ReceivedMessage& message) {
    return message.TextBody();
  }
};

struct HtmlBodyField {
  using Value = std::string;
  static constexpr const char* kName = "HTML body";
  static constexpr bool kPlural = false;
  static constexpr const char* kMissing = "which has no text/html body";
  static std::optional<std::string> Get(const ReceivedMessage& message) {
    return message.HtmlBody();
  }
};

struct DataField {
  using Value = std::string;
  static constexpr const char* kName = "data";
  static constexpr bool kPlural = false;
  static const std::string& Get(const ReceivedMessage& message) {
    return message.data();
  }
};

struct TlsModeField {
  using Value = TlsMode;
  static constexpr const char* kName = "TLS mode";
  static constexpr bool kPlural = false;
  template <typename Subject>
  static const TlsMode& Get(const Subject& subject) {
    return TlsOf(subject).mode;
  }
};

struct TlsVersionField {
  using Value = std::string;
  static constexpr const char* kName = "TLS version";
  static constexpr bool kPlural = false;
  template <typename Subject>
  static const std::string& Get(const Subject& subject) {
    return TlsOf(subject).version;
  }
};

struct CipherField {
  using Value = std::string;
  static constexpr const char* kName = "TLS cipher";
  static constexpr bool kPlural = false;
  template <typename Subject>
  static const std::string& Get(const Subject& subject) {
    return TlsOf(subject).cipher;
  }
};

struct SniField {
  using Value = std::string;
  static constexpr const char* kName = "SNI";
  static constexpr bool kPlural = false;
  template <typename Subject>
  static const std::string& Get(const Subject& subject) {
    return TlsOf(subject).sni;
  }
};

struct TlsErrorField {
  using Value = std::string;
  static constexpr const char* kName = "TLS handshake error";
  static constexpr bool kPlural = false;
  static constexpr const char* kMissing = "which has no TLS handshake error";
  static std::optional<std::string> Get(const Session& session) {
    if (session.tls_error.empty()) return std::nullopt;
    return session.tls_error;
  }
};

// ---------------------------------------------------------------------------
// Some element of a list read from the subject: "has <noun> that <inner>",
// negated "has no <noun> that <inner>".
//
// A List has `Element`, `Value` (what the inner matcher sees), `Get(subject)`
// returning a std::vector<Element>, `Project(element)` giving the Value, and
// the words: `Describe()` ("envelope recipient that "), `Singular()`,
// `Missing()` (explanation for an empty list), `Show(element)` and
// `ShowAll(elements)` (explanation for a list without a match).
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
        *listener << "whose " << list_.Singular() << " #" << i << " is "
                  << list_.Show(elements[i]);
      }
      MatchAndExplainInner(inner_, value, listener);
      return true;
    }
    if (listener->IsInterested()) {
      *listener << (elements.empty() ? list_.Missing()
                                     : list_.ShowAll(elements));
    }
    return false;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has " << list_.Describe();
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no " << list_.Describe();
    inner_.DescribeTo(os);
  }

 private:
  List list_;
  ::testing::Matcher<const Value&> inner_;
};

// `{ a, b }` with each element shown by `show`, at most `max_items`.
template <typename Element, typename ShowFn>
std::string JoinShown(const std::vector<Element>& elements, ShowFn show,
                      std::size_t max_items = 10) {
  std::string out = "{";
  for (std::size_t i = 0; i < elements.size() && i < max_items; ++i) {
    out += i == 0 ? " " : ", ";
    out += show(elements[i]);
  }
  if (elements.size() > max_items) {
    out += ", ... (" + std::to_string(elements.size() - max_items) + " more)";
  }
  out += elements.empty() ? "}" : " }";
  return out;
}

struct RecipientList {
  using Element = std::string;
  using Value = std::string;
  const std::vector<std::string>& Get(const ReceivedMessage& message) const {
    return message.envelope().rcpt_to;
  }
  static const std::string& Project(const std::string& e) { return e; }
  std::string Describe() const { return "envelope recipient that "; }
  std::string Singular() const { return "envelope recipient"; }
  std::string Missing() const { return "which has no envelope recipients"; }
  std::string Show(const std::string& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<std::string>& all) const {
    return "whose envelope recipients are " + ShowList(all);
  }
};

struct HeaderList {
  std::string name;
  using Element = std::string;
  using Value = std::string;
  std::vector<std::string> Get(const ReceivedMessage& message) const {
    return message.Headers(name);
  }
  static const std::string& Project(const std::string& e) { return e; }
  std::string Describe() const { return "header " + Quote(name) + " that "; }
  std::string Singular() const { return Quote(name) + " header"; }
  std::string Missing() const {
    return "which has no " + Quote(name) + " header";
  }
  std::string Show(const std::string& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<std::string>& all) const {
    return "whose " + Quote(name) + " headers are " + ShowList(all);
  }
};

struct AddressList {
  std::string header;
  using Element = Address;
  using Value = std::string;
  std::vector<Address> Get(const ReceivedMessage& message) const {
    return message.Addresses(header);
  }
  static const std::string& Project(const Address& e) { return e.address; }
  std::string Describe() const { return Quote(header) + " address that "; }
  std::string Singular() const { return Quote(header) + " address"; }
  std::string Missing() const {
    return "which has no " + Quote(header) + " address";
  }
  std::string Show(const Address& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<Address>& all) const {
    return "whose " + Quote(header) + " addresses are " + ShowList(all);
  }
};

struct AttachmentList {
  const char* connector;  // "with " (filename and content) or "that "
  bool show_content;      // when the content is being matched
  using Element = Attachment;
  using Value = Attachment;
  std::vector<Attachment> Get(const ReceivedMessage& message) const {
    return message.Attachments();
  }
  static const Attachment& Project(const Attachment& e) { return e; }
  std::string Describe() const {
    return std::string("attachment ") + connector;
  }
  std::string Singular() const { return "attachment"; }
  std::string Missing() const { return "which has no attachments"; }
  std::string Show(const Attachment& e) const {
    std::string shown = detail::Show(e);
    if (show_content) shown += " with content " + Quote(e.content);
    return shown;
  }
  std::string ShowAll(const std::vector<Attachment>& all) const {
    return "whose attachments are " +
           JoinShown(all, [this](const Attachment& e) { return Show(e); });
  }
};

struct ViolationList {
  using Element = Violation;
  using Value = std::string;
  template <typename Subject>
  std::vector<Violation> Get(const Subject& subject) const {
    return ViolationsOf(subject);
  }
  static const std::string& Project(const Violation& e) { return e.code; }
  std::string Describe() const { return "violation with code that "; }
  std::string Singular() const { return "violation"; }
  std::string Missing() const { return "which has no violations"; }
  std::string Show(const Violation& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<Violation>& all) const {
    return "whose violations are " + ShowList(all);
  }
};

struct TranscriptList {
  // A failing TranscriptContains shows the end of the dialogue, where the
  // surprise usually is.
  static constexpr std::size_t kShownLines = 30;
  using Element = TranscriptLine;
  using Value = std::string;
  const std::vector<TranscriptLine>& Get(const Session& session) const {
    return session.transcript;
  }
  static const std::string& Project(const TranscriptLine& e) { return e.text; }
  std::string Describe() const { return "transcript line that "; }
  std::string Singular() const { return "transcript line"; }
  std::string Missing() const { return "whose transcript is empty"; }
  std::string Show(const TranscriptLine& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<TranscriptLine>& all) const {
    std::string out = "whose transcript is:";
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

// HasLink(m): some link of ReceivedMessage::Links() matches. A block of its
// own: the list, and the matcher that words it "has a link that ...".
struct LinkList {
  using Element = std::string;
  using Value = std::string;
  std::vector<std::string> Get(const ReceivedMessage& message) const {
    return message.Links();
  }
  static const std::string& Project(const std::string& e) { return e; }
  std::string Describe() const { return "link that "; }
  std::string Singular() const { return "link"; }
  std::string Missing() const { return "which has no links"; }
  std::string Show(const std::string& e) const { return detail::Show(e); }
  std::string ShowAll(const std::vector<std::string>& all) const {
    return "whose links are " + ShowList(all);
  }
};

class HasLinkMatcher {
 public:
  using is_gtest_matcher = void;
  explicit HasLinkMatcher(::testing::Matcher<const std::string&> inner)
      : any_(LinkList{}, inner), inner_(std::move(inner)) {}

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

// HasHeader(name): the header is present.
class HasHeaderNamedMatcher {
 public:
  using is_gtest_matcher = void;
  explicit HasHeaderNamedMatcher(std::string name) : list_{std::move(name)} {}

  bool MatchAndExplain(const ReceivedMessage& message,
                       ::testing::MatchResultListener* listener) const {
    const std::vector<std::string> values = list_.Get(message);
    if (listener->IsInterested()) {
      *listener << (values.empty() ? list_.Missing() : list_.ShowAll(values));
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
      *listener << (violations.empty() ? ViolationList().Missing()
                                       : ViolationList().ShowAll(violations));
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
      *listener << TlsErrorField::kMissing;
      return false;
    }
    if (listener->IsInterested()) {
      *listener << "whose " << TlsErrorField::kName << " is "
                << Show(session.tls_error);
    }
    return true;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "has a " << TlsErrorField::kName;
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "has no " << TlsErrorField::kName;
  }
};

}  // namespace detail

// ---------------------------------------------------------------------------
// On ReceivedMessage.

// The MAIL FROM address, without <>; "" for the null reverse-path.
template <typename M>
detail::FieldMatcher<detail::EnvelopeFromField> EnvelopeFrom(const M& m) {
  return detail::MakeFieldMatcher<detail::EnvelopeFromField>(m);
}

// The accepted RCPT TO addresses, in order, as a std::vector<std::string>:
// EnvelopeTo(ElementsAre("a@example.com", "b@example.com")).
template <typename M>
detail::FieldMatcher<detail::EnvelopeToField> EnvelopeTo(const M& container_m) {
  return detail::MakeFieldMatcher<detail::EnvelopeToField>(container_m);
}

// Some accepted RCPT TO address matches.
template <typename M>
detail::AnyElementMatcher<detail::RecipientList> HasEnvelopeRecipient(
    const M& m) {
  return {detail::RecipientList{},
          ::testing::SafeMatcherCast<const std::string&>(m)};
}

// The argument of the EHLO or HELO in force.
template <typename M>
detail::FieldMatcher<detail::HeloNameField> HeloName(const M& m) {
  return detail::MakeFieldMatcher<detail::HeloNameField>(m);
}

// The message (or session) was authenticated, as a user matching `user_m`.
template <typename M>
detail::FieldMatcher<detail::AuthenticatedUserField> AuthenticatedAs(
    const M& user_m) {
  return detail::MakeFieldMatcher<detail::AuthenticatedUserField>(user_m);
}

// The message (or session) was authenticated with a mechanism matching `m`
// ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2").
template <typename M>
detail::FieldMatcher<detail::AuthMechanismField> AuthMechanismIs(const M& m) {
  return detail::MakeFieldMatcher<detail::AuthMechanismField>(m);
}

// Some header named `name` (case-insensitive) has a raw, unfolded value
// matching `m`.
template <typename M>
detail::AnyElementMatcher<detail::HeaderList> HasHeader(std::string name,
                                                        const M& m) {
  return {detail::HeaderList{std::move(name)},
          ::testing::SafeMatcherCast<const std::string&>(m)};
}

// A header named `name` (case-insensitive) is present.
inline detail::HasHeaderNamedMatcher HasHeader(std::string name) {
  return detail::HasHeaderNamedMatcher(std::move(name));
}

// Some address in the headers named `header_name` (From, To, Cc, ...) has an
// address (local@domain, without the display name) matching `address_m`.
template <typename M>
detail::AnyElementMatcher<detail::AddressList> HasAddress(
    std::string header_name, const M& address_m) {
  return {detail::AddressList{std::move(header_name)},
          ::testing::SafeMatcherCast<const std::string&>(address_m)};
}

// The Subject, RFC 2047 decoded ("" without a Subject header).
template <typename M>
detail::FieldMatcher<detail::SubjectField> HasSubject(const M& m) {
  return detail::MakeFieldMatcher<detail::SubjectField>(m);
}

// The first text/plain body, decoded to UTF-8 with LF line ends; a message
// without one does not match.
template <typename M>
detail::FieldMatcher<detail::TextBodyField> HasTextBody(const M& m) {
  return detail::MakeFieldMatcher<detail::TextBodyField>(m);
}

// The first text/html body, as HasTextBody.
template <typename M>
detail::FieldMatcher<detail::HtmlBodyField> HasHtmlBody(const M& m) {
  return detail::MakeFieldMatcher<detail::HtmlBodyField>(m);
}

// The message as received (dot-unstuffed, CRLF line ends as sent).
template <typename M>
detail::FieldMatcher<detail::DataField> HasData(const M& m) {
  return detail::MakeFieldMatcher<detail::DataField>(m);
}

// Some attachment has a filename matching `filename_m`.
template <typename M>
detail::AnyElementMatcher<detail::AttachmentList> HasAttachment(
    const M& filename_m) {
  return {detail::AttachmentList{"with ", false},
          detail::AttachmentPartsMatcher(
              ::testing::SafeMatcherCast<const std::string&>(filename_m))};
}

// Some attachment has a filename matching `filename_m` and decoded content
// matching `content_m`.
template <typename F, typename C>
detail::AnyElementMatcher<detail::AttachmentList> HasAttachment(
    const F& filename_m, const C& content_m) {
  return {detail::AttachmentList{"with ", true},
          detail::AttachmentPartsMatcher(
              ::testing::SafeMatcherCast<const std::string&>(filename_m),
              ::testing::SafeMatcherCast<const std::string&>(content_m))};
}

// Some attachment matches a matcher of Attachment:
// HasAttachmentWhere(Field(&Attachment::content_type, "image/png")).
template <typename M>
detail::AnyElementMatcher<detail::AttachmentList> HasAttachmentWhere(
    const M& attachment_m) {
  return {detail::AttachmentList{"that ", false},
          ::testing::SafeMatcherCast<const Attachment&>(attachment_m)};
}

// Some link of ReceivedMessage::Links() (the HTML body's hrefs, then the
// text body's URLs) matches:
// HasLink(StartsWith("https://example.com/reset?token=")).
template <typename M>
detail::HasLinkMatcher HasLink(const M& m) {
  return detail::HasLinkMatcher(
      ::testing::SafeMatcherCast<const std::string&>(m));
}

// ---------------------------------------------------------------------------
// On ReceivedMessage and Session alike.

// Some violation's code ("bare-lf", "no-from", ...) matches. On a message:
// its protocol violations and its MIME reader's; on a session: the session's.
template <typename M>
detail::AnyElementMatcher<detail::ViolationList> HasViolation(const M& code_m) {
  return {detail::ViolationList{},
          ::testing::SafeMatcherCast<const std::string&>(code_m)};
}

inline detail::HasNoViolationsMatcher HasNoViolations() { return {}; }

// TlsModeIs(TlsMode::kStartTls); a matcher of TlsMode works too.
template <typename M>
detail::FieldMatcher<detail::TlsModeField> TlsModeIs(const M& mode) {
  return detail::MakeFieldMatcher<detail::TlsModeField>(mode);
}

// OpenSSL's name of the version: "TLSv1.3"; "" without TLS.
template <typename M>
detail::FieldMatcher<detail::TlsVersionField> TlsVersionIs(const M& m) {
  return detail::MakeFieldMatcher<detail::TlsVersionField>(m);
}

// OpenSSL's name of the cipher: "TLS_AES_256_GCM_SHA384".
template <typename M>
detail::FieldMatcher<detail::CipherField> CipherIs(const M& m) {
  return detail::MakeFieldMatcher<detail::CipherField>(m);
}

// The server name the client sent; "" if none.
template <typename M>
detail::FieldMatcher<detail::SniField> SniIs(const M& m) {
  return detail::MakeFieldMatcher<detail::SniField>(m);
}

// ---------------------------------------------------------------------------
// On Session.

// A TLS handshake was started and did not complete, with OpenSSL's reason
// (which carries the client's alert: "tlsv1 alert unknown ca") matching.
template <typename M>
detail::FieldMatcher<detail::TlsErrorField> HandshakeFailed(const M& reason_m) {
  return detail::MakeFieldMatcher<detail::TlsErrorField>(reason_m);
}

// A TLS handshake was started and did not complete, for whatever reason.
inline detail::HandshakeFailedMatcher HandshakeFailed() { return {}; }

// Some transcript line matches; a line is the whole line as sent, reply code
// included, without CRLF ("250 2.1.0 OK", "MAIL FROM:<a@example.com>").
template <typename M>
detail::AnyElementMatcher<detail::TranscriptList> TranscriptContains(
    const M& m) {
  return {detail::TranscriptList{},
          ::testing::SafeMatcherCast<const std::string&>(m)};
}

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_MATCHERS_H_
