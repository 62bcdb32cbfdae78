// The in-process SMTP server.
//
// Threads: Start() runs a libuv loop on a background thread that owns every
// socket and TLS object. Every public member function may be called from any
// thread; Messages(), Sessions() and the waits return snapshots.
#ifndef SMTPFIXTURE_SERVER_H_
#define SMTPFIXTURE_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/error.h"
#include "smtpfixture/faults.h"
#include "smtpfixture/message.h"
#include "smtpfixture/tls.h"

namespace smtpfixture {

struct AuthOptions {
  std::vector<std::string> mechanisms = {"PLAIN", "LOGIN"};  // also "CRAM-MD5",
                                                             // "XOAUTH2"
  std::map<std::string, std::string> credentials;            // user -> password
                                                             // (XOAUTH2: token)
  bool accept_any = false;       // any credentials succeed
  bool required = false;         // MAIL refused with 530 5.7.0 until AUTH
  bool allow_plaintext = false;  // offer AUTH before TLS
};  // AUTH is offered when credentials is non-empty or accept_any is true

struct Limits {
  std::size_t max_message_bytes = 32 * 1024 * 1024;  // advertised as SIZE;
                                                     // 0 = none
  std::size_t max_recipients = 1000;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  std::size_t max_connections = 0;  // 0 = unlimited
};

struct Extensions {  // what EHLO advertises (and accepts)
  bool pipelining = true, eightbitmime = true, smtputf8 = true, chunking = true,
       dsn = true, enhanced_status_codes = true, size = true;
};

// kStrict: a bare CR or LF in the data gets 550 5.5.2 at the end of the data
// and the message is not stored. kLenient stores it and records a Violation.
enum class LineEndings { kLenient, kStrict };

struct ServerOptions {
  std::string bind_address = "127.0.0.1";  // "::1" for IPv6
  std::uint16_t port = 0;                  // 0: ephemeral
  std::string hostname = "localhost";      // greeting, EHLO reply, certificate
  TlsPolicy tls = TlsPolicy::kStartTlsOptional;
  CertificateProblem certificate_problem = CertificateProblem::kNone;
  std::optional<PemIdentity> certificate;                    // bring your own
  std::string min_tls_version = "TLSv1.2", max_tls_version;  // empty: maximum
  bool request_client_certificate = false;
  AuthOptions auth;
  Limits limits;
  Extensions extensions;
  LineEndings line_endings = LineEndings::kLenient;
  // The DKIM key records ReceivedMessage::Dkim() verifies with; read only
  // when a test asks, never at Start().
  DkimKeys dkim_keys;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();  // Stop()s

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the loop thread; when it returns, clients can
  // connect. Throws Error naming the cause (address in use, bad option, bad
  // certificate). A stopped server can be started again (a new port if 0).
  void Start();
  // Idempotent and bounded (well under a second whatever clients do): closes
  // the listener, lets queued replies finish, sends 421 4.3.2 to idle
  // sessions, closes every connection and joins the thread. Messages and
  // sessions stay readable.
  void Stop();
  bool IsRunning() const;

  std::uint16_t Port() const;  // the bound port; 0 before Start()
  std::string Host() const;    // the bound address, "127.0.0.1"
  // "smtp://localhost:PORT", or "smtps://..." for implicit TLS. The host is
  // ServerOptions::hostname when bound to loopback, so certificates verify.
  std::string Url() const;
  const ServerOptions& Options() const;

  std::string CaPem() const;  // trust anchor for this server's certificate
  std::filesystem::path CaFile() const;

  std::vector<ReceivedMessage> Messages() const;  // snapshot, arrival order
  std::vector<Session> Sessions() const;  // snapshot, failed and open ones too
  bool WaitForMessages(std::size_t count, std::chrono::milliseconds timeout =
                                              std::chrono::seconds(5)) const;
  bool WaitForSessionsClosed(
      std::size_t count,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Forgets every message and every closed session. Sessions still open stay
  // recorded (they are live), their transcripts kept.
  void Clear();
  FaultScript& Faults();  // thread-safe; see faults.h

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_SERVER_H_
