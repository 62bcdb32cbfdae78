// The in-process SMTP server.
//
// Threads: Start() runs a libuv loop on a background thread that owns every
// socket and TLS object. Every public member function may be called from any
// thread; Messages(), Sessions() and the waits return snapshots. Every wait
// treats a timeout too large to add to the clock (e.g.
// std::chrono::milliseconds::max()) as "wait without end".
#ifndef SMTPFIXTURE_SERVER_H_
#define SMTPFIXTURE_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
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
  // "localhost" when bound to a loopback address (every certificate the
  // server serves names it, so clients verify it), else the bound address
  // ("[::2]" for IPv6).
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
  // True as soon as some received message satisfies `predicate` (messages
  // already received count). The predicate runs on the calling thread, once
  // per message, never while the server is blocked on it; an exception it
  // throws propagates out of this call. A Clear() during the wait forgets
  // what was judged: messages arriving after it are judged as they come.
  // Returns false at the timeout, or at once (after judging every message)
  // when the server is not running or stops: nothing more can arrive.
  // The timeout is not scaled; AwaitMessage() in gtest.h is the wait with a
  // failure message.
  bool WaitForMessage(
      std::function<bool(const ReceivedMessage&)> predicate,
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
  // Following the server without polling (smtpfixture-server's --events
  // does): ChangeCount() grows with every change to what Messages(),
  // Sessions() or IsRunning() report: a message stored, a session opened,
  // updated (TLS, AUTH, violations, errors) or closed, transcript lines
  // recorded, Clear(), Start() and Stop(). It never decreases (Clear() does
  // not reset it), may grow by one for several changes made together, and
  // says nothing of what changed: read the snapshots. WaitForChange()
  // blocks until ChangeCount() > seen: true then (at once if it is already),
  // false at the timeout. Both may be called from any thread; while no
  // thread waits, the loop thread pays nothing for them.
  //
  //   for (std::uint64_t seen = 0;; server.WaitForChange(seen, timeout)) {
  //     seen = server.ChangeCount();  // before the snapshots
  //     ... read Sessions(), Messages() ...
  //   }
  std::uint64_t ChangeCount() const;
  bool WaitForChange(std::uint64_t seen, std::chrono::milliseconds timeout =
                                             std::chrono::seconds(5)) const;
  // Forgets every message and every closed session. Sessions still open stay
  // recorded (they are live), their transcripts kept.
  void Clear();
  FaultScript& Faults();  // thread-safe; see faults.h

  // Problems the server had that are not a client's session: accept
  // failures (EMFILE, ENFILE: the process ran out of descriptors and the
  // client was dropped before it became a session), internal errors outside
  // a connection. The first 100 word for word, then "... and N more".
  // Errors inside a connection are on its Session::errors. Kept across
  // Stop() and Clear(), for the life of the Server.
  std::vector<std::string> Errors() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_SERVER_H_
