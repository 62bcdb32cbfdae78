#include "tools/smtpfixture-server/event_reporter.h"

#include <iostream>
#include <optional>
#include <vector>

#include "tools/smtpfixture-server/json_writer.h"

namespace server_cli {
namespace {

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
      .String("client_certificate_subject", tls.client_certificate_subject)
      .Bool("client_certificate_verified", tls.client_certificate_verified)
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
                            const std::string& eml, bool dkim) {
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
  // Verified with --dkim-key's records, one result per DKIM-Signature; null
  // without --dkim-key: not verified.
  std::vector<std::string> dkim_results;
  for (const smtpfixture::DkimResult& result :
       dkim ? message.Dkim() : std::vector<smtpfixture::DkimResult>()) {
    dkim_results.push_back(
        JsonObject()
            .String("status", smtpfixture::DkimStatusName(result.status))
            .String("domain", result.domain)
            .String("selector", result.selector)
            .String("algorithm", result.algorithm)
            .String("reason", result.reason)
            .Number("unsigned_body_bytes", result.unsigned_body_bytes)
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
      .Raw("dkim", dkim ? JsonArray(dkim_results) : "null")
      .Number("size", message.data().size());
  if (!eml.empty()) event.String("eml", eml);
  return event.str();
}

}  // namespace

EventReporter::EventReporter(const smtpfixture::Server& server,
                             EventOutput* events, DumpDirectory* dump,
                             bool dkim)
    : server_(server), events_(events), dump_(dump), dkim_(dkim) {}

void EventReporter::Report() {
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
    std::string eml;
    if (dump_ != nullptr) {
      std::string error;
      const std::optional<std::string> path =
          dump_->Write(std::to_string(message.id()), message.data(), &error);
      if (path) {
        eml = *path;
      } else {
        std::cerr << "smtpfixture-server: cannot write message " << message.id()
                  << " to the dump directory: " << error << "\n";
      }
    }
    if (events_ != nullptr) Emit(MessageReceived(message, eml, dkim_));
  }
  for (const Session& session : sessions) {
    if (session.closed && open_.erase(session.id) != 0) {
      Emit(SessionClosed(session));
    }
  }
}

void EventReporter::Emit(const std::string& line) {
  if (events_ != nullptr) events_->Append(line);
}

}  // namespace server_cli
