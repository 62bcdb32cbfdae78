#include "examples/server/event_reporter.h"

#include <fstream>
#include <iostream>
#include <system_error>
#include <utility>
#include <vector>

#include "examples/server/json_writer.h"

namespace server_cli {
namespace {

namespace fs = std::filesystem;
using smtpfixture::ReceivedMessage;
using smtpfixture::Session;

const char* ModeName(smtpfixture::TlsMode mode) {
  switch (mode) {
    case smtpfixture::TlsMode::kNone:
      return "none";
    case smtpfixture::TlsMode::kStartTls:
      return "starttls";
    case smtpfixture::TlsMode::kImplicit:
      return "implicit";
  }
  return "none";
}

std::string TlsJson(const smtpfixture::TlsInfo& tls) {
  return JsonObject()
      .String("mode", ModeName(tls.mode))
      .String("version", tls.version)
      .String("cipher", tls.cipher)
      .String("sni", tls.sni)
      .str();
}

std::string AuthJson(const std::optional<smtpfixture::AuthInfo>& auth) {
  if (!auth) return "null";
  return JsonObject()
      .String("mechanism", auth->mechanism)
      .String("username", auth->username)
      .str();
}

std::string SessionOpened(const Session& session) {
  return JsonObject()
      .String("event", "session_opened")
      .Number("id", session.id)
      .String("peer", session.peer)
      .str();
}

std::string SessionClosed(const Session& session) {
  std::vector<std::string> codes;
  for (const auto& violation : session.violations) {
    codes.push_back(violation.code);
  }
  JsonObject event;
  event.String("event", "session_closed")
      .Number("id", session.id)
      .String("peer", session.peer)
      .Raw("tls", TlsJson(session.tls));
  if (session.tls_error.empty()) {
    event.Null("tls_error");
  } else {
    event.String("tls_error", session.tls_error);
  }
  return event.Raw("auth", AuthJson(session.auth))
      .Raw("violations", JsonStringArray(codes))
      .Number("messages", session.messages)
      .Number("transcript_lines", session.transcript.size())
      .str();
}

std::string MessageReceived(const ReceivedMessage& message,
                            const std::string& eml) {
  const smtpfixture::Envelope& envelope = message.envelope();
  JsonObject parameters;
  for (const auto& parameter : envelope.mail_parameters) {
    parameters.String(parameter.name, parameter.value);
  }
  // The protocol's violations, then the MIME reader's: what HasViolation()
  // and HasNoViolations() look at.
  std::vector<smtpfixture::Violation> all = message.violations();
  const std::vector<smtpfixture::Violation> mime = message.MimeViolations();
  all.insert(all.end(), mime.begin(), mime.end());
  std::vector<std::string> violations;
  for (const auto& violation : all) {
    violations.push_back(JsonObject()
                             .String("code", violation.code)
                             .String("detail", violation.detail)
                             .str());
  }
  // Verified with --dkim-key's records; one result per DKIM-Signature.
  std::vector<std::string> dkim;
  for (const smtpfixture::DkimResult& result : message.Dkim()) {
    dkim.push_back(
        JsonObject()
            .String("status", smtpfixture::DkimStatusName(result.status))
            .String("domain", result.domain)
            .String("selector", result.selector)
            .String("algorithm", result.algorithm)
            .String("reason", result.reason)
            .str());
  }
  JsonObject event;
  event.String("event", "message_received")
      .Number("id", message.id())
      .Number("session_id", message.session_id())
      .Raw("envelope", JsonObject()
                           .String("helo", envelope.helo)
                           .String("mail_from", envelope.mail_from)
                           .Raw("rcpt_to", JsonStringArray(envelope.rcpt_to))
                           .Raw("mail_parameters", parameters.str())
                           .str())
      .String("subject", message.Subject())
      .Raw("tls", TlsJson(message.tls()))
      .Raw("auth", AuthJson(message.auth()))
      .Raw("violations", JsonArray(violations))
      .Raw("dkim", JsonArray(dkim))
      .Number("size", message.data().size());
  if (!eml.empty()) event.String("eml", eml);
  return event.str();
}

}  // namespace

EventReporter::EventReporter(const smtpfixture::Server& server,
                             std::ostream* events,
                             std::optional<std::filesystem::path> dump_dir)
    : server_(server), events_(events), dump_dir_(std::move(dump_dir)) {}

void EventReporter::WaitAndReport() {
  const bool message =
      server_.WaitForMessages(messages_reported_ + 1, kPollPeriod);
  const auto now = std::chrono::steady_clock::now();
  // The snapshot of every session is the costly part; take it when a
  // message or a close says something happened, and otherwise only every
  // kOpenPeriod for sessions that opened and have done neither yet. The
  // check for a close is a count under the store's lock, no copy.
  const bool closed = events_ != nullptr &&
                      server_.WaitForSessionsClosed(
                          closes_reported_ + 1, std::chrono::milliseconds(0));
  if (message || closed || now - last_report_ >= kOpenPeriod) Report();
}

void EventReporter::Report() {
  last_report_ = std::chrono::steady_clock::now();
  // Sessions first, then messages: see the header for why this order makes
  // every session's events come in order.
  std::vector<Session> sessions;
  if (events_ != nullptr) sessions = server_.Sessions();
  const std::vector<ReceivedMessage> messages = server_.Messages();

  for (const Session& session : sessions) {
    if (session.id <= last_opened_) continue;
    Emit(SessionOpened(session));
    last_opened_ = session.id;
    open_.insert(session.id);
  }
  for (; messages_reported_ < messages.size(); ++messages_reported_) {
    const ReceivedMessage& message = messages[messages_reported_];
    if (events_ != nullptr && message.session_id() > last_opened_) break;
    const std::string eml = dump_dir_ ? Dump(message) : std::string();
    if (events_ != nullptr) Emit(MessageReceived(message, eml));
  }
  for (const Session& session : sessions) {
    if (session.closed && open_.erase(session.id) != 0) {
      Emit(SessionClosed(session));
      ++closes_reported_;
    }
  }
}

std::string EventReporter::Dump(const ReceivedMessage& message) const {
  const fs::path file = *dump_dir_ / (std::to_string(message.id()) + ".eml");
  // Written under another name and renamed, so that whoever watches the
  // directory never reads half a message.
  const fs::path partial = fs::path(file) += ".partial";
  std::ofstream out(partial, std::ios::binary);
  out << message.data();
  out.close();
  std::error_code error;
  if (out) fs::rename(partial, file, error);
  if (!out || error) {
    std::cerr << "smtpfixture-server: cannot write " << file << "\n";
    return "";
  }
  return file.string();
}

void EventReporter::Emit(const std::string& line) {
  // Flushed line by line: a test reading the pipe waits for each event.
  *events_ << line << std::endl;
}

}  // namespace server_cli
