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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/error.h"
#include "smtpfixture/faults.h"
#include "smtpfixture/message.h"
#include "smtpfixture/options.h"
#include "smtpfixture/tls.h"

namespace smtpfixture {

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
  // "localhost" when bound to loopback (every certificate the server serves
  // names it, so clients verify), else the bound address ("[::1]" style for
  // IPv6).
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
