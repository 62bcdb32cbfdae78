// libFuzzer target for the SMTP session.
//
// Input: the attack byte, two configuration bytes, then chunks. The attack
// byte chooses the TlsAttack (its value modulo 9: 0 none, then
// AllTlsAttacks() in order). The next byte chooses the TLS policy, line
// endings, AUTH options, a size limit and whether enhanced status codes are on;
// the second switches the other extensions off one by one (PIPELINING,
// 8BITMIME, SMTPUTF8, CHUNKING, DSN, SIZE), picks the recipient limit and seeds
// the random split. A chunk starts with a control byte: below 0xF0 it means
// "feed the next (byte & 0x3F) + 1 octets"; 0xF0 makes TLS established, 0xF1
// the idle timeout, 0xF2 a shutdown, 0xF3 the client closing, 0xF4 the end of a
// held reply (HoldAction); other values are skipped. Under an attack, every run
// also checks that an insecure-* violation is never recorded without one and
// that the injected bytes follow the 220 in its own write.
//
// The same input is also fed one byte at a time and in random pieces, and
// every run must produce identical actions (pipelining-not-advertised left
// out: it depends on the split by definition). Every run checks that replies
// are well-formed lines, that nothing follows a close, and that stored
// messages respect the limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "fixture/smtp/tls_attack.h"

namespace {

using namespace smtpfixture;
using namespace smtpfixture::detail;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

struct Event {
  enum Kind { kFeed, kTls, kIdle, kShutdown, kClientClosed, kHoldEnded } kind;
  std::string_view bytes;
};

SessionConfig MakeConfig(std::uint8_t bits, std::uint8_t more) {
  SessionConfig config;
  const TlsPolicy policies[] = {TlsPolicy::kNone, TlsPolicy::kStartTlsOptional,
                                TlsPolicy::kStartTlsRequired,
                                TlsPolicy::kImplicit};
  config.tls_policy = policies[bits & 3];
  if (bits & 4) config.line_endings = LineEndings::kStrict;
  if (bits & 8) {
    config.auth.accept_any = true;
  } else {
    config.auth.credentials = {{"alice", "secret"}};
  }
  config.auth.allow_plaintext = (bits & 16) != 0;
  config.auth.required = (bits & 32) != 0;
  // CRAM-MD5 is left out: its challenge is random, so two runs would differ.
  config.auth.mechanisms = {"PLAIN", "LOGIN", "XOAUTH2", "EXTERNAL"};
  config.limits.max_message_bytes = (bits & 64) ? 64 : 0;
  config.limits.max_recipients = (more & 64) ? 0 : 3;
  config.extensions.pipelining = (more & 1) == 0;
  config.extensions.eightbitmime = (more & 2) == 0;
  config.extensions.smtputf8 = (more & 4) == 0;
  config.extensions.dsn = (more & 16) == 0;
  config.extensions.size = (more & 32) == 0;
  config.extensions.enhanced_status_codes = (bits & 128) == 0;
  config.extensions.chunking = (more & 8) == 0;
  return config;
}

void AddRules(FaultScript& script) {
  script.At(Stage::kRcptTo).WhenArgumentContains("x").Reply(550, "5.1.1 no");
  script.At(Stage::kData).WhenArgumentContains("9").Reply(451, "a\nb").Times(2);
  script.At(Stage::kEndOfData).WhenArgumentContains("q").Reply(250, "2.0.0 ok");
  script.At(Stage::kNoop)
      .WhenArgumentContains("z")
      .Delay(std::chrono::milliseconds(1));
  script.At(Stage::kHelo).WhenArgumentContains("bye").Reply(421, "4.0.0 bye");
  script.At(Stage::kMailFrom).WhenArgumentContains("hush").Silence();
}

void CheckWrite(const std::string& bytes) {
  if (bytes.size() < 6 || bytes.compare(bytes.size() - 2, 2, "\r\n") != 0) {
    Fail("write does not end in CRLF", bytes);
  }
  std::size_t start = 0;
  std::string code;
  while (start < bytes.size()) {
    const std::size_t end = bytes.find("\r\n", start);
    const std::string line = bytes.substr(start, end - start);
    start = end + 2;
    if (line.size() < 4) Fail("short reply line", line);
    if (line.find_first_of("\r\n") != std::string::npos) {
      Fail("bare CR or LF in a reply line", line);
    }
    if (line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
        line[2] < '0' || line[2] > '9') {
      Fail("bad reply code", line);
    }
    if (code.empty()) code = line.substr(0, 3);
    if (line.compare(0, 3, code) != 0) Fail("mixed codes in a reply", line);
    const bool last = start >= bytes.size();
    if (line[3] != (last ? ' ' : '-')) Fail("bad continuation mark", line);
  }
}

std::string Describe(const Action& action) {
  if (const auto* w = std::get_if<WriteAction>(&action)) return "W" + w->bytes;
  if (const auto* d = std::get_if<DeliverAction>(&action)) {
    std::string s = "D" + std::to_string(d->message->id) + d->message->data;
    for (const std::string& r : d->message->envelope.rcpt_to) s += "," + r;
    for (const Violation& v : d->message->violations) s += ";" + v.code;
    return s;
  }
  if (std::holds_alternative<StartTlsAction>(action)) return "S";
  if (const auto* h = std::get_if<HoldAction>(&action)) {
    return "H" + std::to_string(h->duration.count());
  }
  if (std::holds_alternative<CloseAction>(action)) return "C";
  if (std::holds_alternative<SilenceAction>(action)) return "Q";
  if (const auto* t = std::get_if<WaitAction>(&action)) {
    return "T" + std::to_string(t->duration.count());
  }
  if (const auto* t = std::get_if<TranscriptAction>(&action)) {
    return (t->line.direction == Direction::kClient ? "c" : "s") + t->line.text;
  }
  if (const auto* v = std::get_if<ViolationAction>(&action)) {
    return "V" + v->violation.code + v->violation.detail;
  }
  if (const auto* v = std::get_if<ViolationsDroppedAction>(&action)) {
    return "X" + std::to_string(v->total);
  }
  if (const auto* a = std::get_if<AuthAttemptAction>(&action)) {
    return "A" + a->attempt.mechanism + a->attempt.username +
           std::to_string(a->attempt.reply_code);
  }
  if (const auto* a = std::get_if<AuthenticatedAction>(&action)) {
    return a->auth ? "U" + a->auth->mechanism + a->auth->username : "U-";
  }
  return "?";
}

// How to cut each chunk: 0 whole, 1 one byte at a time, else a seed for
// random pieces of 1 to 16 octets.
// `client_name`: the CN of a verified client certificate (AUTH EXTERNAL),
// given with every TLS event; "" for none.
std::vector<std::string> Run(const SessionConfig& base,
                             const std::vector<Event>& events,
                             std::uint32_t split, bool faults,
                             const std::string& client_name) {
  FaultScript script;
  SessionConfig config = base;
  if (faults) {
    AddRules(script);
    config.faults = &script;
  }
  SmtpSession session(config);
  Actions out;
  bool tls_pending = false;
  if (config.tls_policy == TlsPolicy::kImplicit) {
    session.TlsEstablished(out, client_name);
  }
  session.Greet(out);
  for (const Event& event : events) {
    const std::size_t before = out.size();
    switch (event.kind) {
      case Event::kFeed: {
        std::string_view rest = event.bytes;
        std::uint32_t state = split;
        while (!rest.empty()) {
          std::size_t n = rest.size();
          if (split == 1) {
            n = 1;
          } else if (split > 1) {
            state = state * 1103515245u + 12345u;
            n = std::min<std::size_t>(n, 1 + (state >> 16) % 16);
          }
          session.Feed(rest.substr(0, n), out);
          rest.remove_prefix(n);
        }
        break;
      }
      case Event::kTls:
        // As the connection would: only after a StartTlsAction.
        if (tls_pending) session.TlsEstablished(out, client_name);
        tls_pending = false;
        break;
      case Event::kIdle:
        session.IdleTimeout(out);
        break;
      case Event::kShutdown:
        session.Shutdown(out);
        break;
      case Event::kClientClosed:
        session.ClientClosed(out);
        break;
      case Event::kHoldEnded:
        session.HoldEnded();
        break;
    }
    for (std::size_t i = before; i < out.size(); ++i) {
      if (std::holds_alternative<StartTlsAction>(out[i])) tls_pending = true;
    }
  }
  bool ended = false;
  std::vector<std::string> described;
  for (const Action& action : out) {
    if (ended) Fail("action after close", Describe(action));
    if (const auto* w = std::get_if<WriteAction>(&action)) {
      // An injection attack's plaintext follows the 220 in its write.
      const std::string injected =
          InjectedAfterStartTls(config.attack, config.hostname);
      if (!injected.empty() && w->bytes.size() > injected.size() &&
          w->bytes.compare(0, 4, "220 ") == 0 &&
          w->bytes.compare(w->bytes.size() - injected.size(), injected.size(),
                           injected) == 0) {
        CheckWrite(w->bytes.substr(0, w->bytes.size() - injected.size()));
      } else {
        CheckWrite(w->bytes);
      }
    }
    if (const auto* v = std::get_if<ViolationAction>(&action)) {
      if (config.attack == TlsAttack::kNone &&
          v->violation.code.compare(0, 9, "insecure-") == 0) {
        Fail("insecure-* violation without an attack", v->violation.detail);
      }
    }
    if (const auto* d = std::get_if<DeliverAction>(&action)) {
      const std::size_t limit = config.limits.max_message_bytes;
      if (limit != 0 && d->message->data.size() > limit) {
        Fail("stored message over the limit", d->message->data);
      }
      if (d->message->envelope.rcpt_to.empty()) {
        Fail("message without recipients", d->message->data);
      }
      const std::size_t max = config.limits.max_recipients;
      if (max != 0 && d->message->envelope.rcpt_to.size() > max) {
        Fail("too many recipients", d->message->data);
      }
    }
    if (std::holds_alternative<CloseAction>(action) ||
        std::holds_alternative<SilenceAction>(action)) {
      ended = true;
    }
    const auto* v = std::get_if<ViolationAction>(&action);
    if (v != nullptr && v->violation.code == "pipelining-not-advertised") {
      continue;  // depends on Feed() boundaries by definition
    }
    described.push_back(Describe(action));
  }
  if (session.closed() != ended) Fail("closed() disagrees", "");
  return described;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size < 3) return 0;
  const TlsAttack attacks[] = {TlsAttack::kNone,
                               TlsAttack::kStripStartTls,
                               TlsAttack::kRefuseStartTls,
                               TlsAttack::kRejectStartTls,
                               TlsAttack::kStartTlsWrongReply,
                               TlsAttack::kRefuseEhlo,
                               TlsAttack::kInjectReplies,
                               TlsAttack::kInjectPartialReply,
                               TlsAttack::kPlaintextOnImplicitPort};
  SessionConfig config = MakeConfig(data[1], data[2]);
  config.attack = attacks[data[0] % 9];
  // As the connection does: the attack decides the policy served.
  config.tls_policy = AttackedTlsPolicy(config.attack, config.tls_policy);
  const bool faults = (data[1] & 3) == 1;
  const std::uint32_t seed = 2u + (data[2] >> 7) + 2u * data[1];
  const std::string_view input(reinterpret_cast<const char*>(data) + 3,
                               size - 3);
  std::vector<Event> events;
  std::size_t pos = 0;
  while (pos < input.size()) {
    const auto control = static_cast<std::uint8_t>(input[pos++]);
    if (control >= 0xF0) {
      switch (control) {
        case 0xF0:
          events.push_back({Event::kTls, {}});
          break;
        case 0xF1:
          events.push_back({Event::kIdle, {}});
          break;
        case 0xF2:
          events.push_back({Event::kShutdown, {}});
          break;
        case 0xF3:
          events.push_back({Event::kClientClosed, {}});
          break;
        case 0xF4:
          events.push_back({Event::kHoldEnded, {}});
          break;
        default:
          break;
      }
      continue;
    }
    const std::size_t n =
        std::min<std::size_t>((control & 0x3F) + 1, input.size() - pos);
    events.push_back({Event::kFeed, input.substr(pos, n)});
    pos += n;
  }
  // Bit 7 of data[1] also varies the seed; any bit will do.
  const std::string client_name = (data[1] & 128) != 0 ? "mailer" : "";
  const std::vector<std::string> chunked =
      Run(config, events, 0, faults, client_name);
  for (const std::uint32_t split : {1u, seed}) {
    const std::vector<std::string> split_run =
        Run(config, events, split, faults, client_name);
    if (chunked == split_run) continue;
    std::string where;
    for (std::size_t i = 0; i < std::min(chunked.size(), split_run.size());
         ++i) {
      if (chunked[i] != split_run[i]) {
        where = "action " + std::to_string(i) + ": [" + chunked[i] + "] vs [" +
                split_run[i] + "]";
        break;
      }
    }
    if (where.empty()) where = "different lengths";
    Fail("split dependence", where);
  }
  return 0;
}
