// Benchmarks of the server: start/stop cost, and message throughput in
// plaintext and over TLS, with Postfix's smtp-sink as the reference for the
// plaintext figure when it is installed.
//
//   build/dev/tests/bench/server_bench
//
// Throughput benchmarks report items_per_second = messages per second; the
// ones with the server in its own process also report server_us_per_message,
// its CPU time (user + system, from /proc) per message.
//
// To profile the server side alone, give the external server a wrapper:
//   SMTPFIXTURE_BENCH_SERVER_WRAPPER="valgrind --tool=callgrind
//     --toggle-collect=uv_run --callgrind-out-file=/tmp/server.%p"
//     build/dev/tests/bench/server_bench --benchmark_filter=SmtpfixtureServer
// (uv_run: the loop thread's work, not the start-up). smtpfixture-server no
// longer re-executes itself for a huge-page heap: to compare with figures
// taken with it, give the wrapper "env GLIBC_TUNABLES=glibc.malloc.hugetlb=1:
// glibc.malloc.arena_max=1" (without the line break). The floor_server and
// smtp-sink rows are the references for the plaintext figure.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "smtpfixture/server.h"

extern char** environ;

namespace smtpfixture {
namespace {

constexpr int kConnections = 4;
constexpr std::size_t kMessageBytes = 2048;

std::string MakeMessage() {
  std::string message = "Subject: benchmark\r\nFrom: a@example.com\r\n\r\n";
  while (message.size() < kMessageBytes - 2) message += "0123456789abcdef\r\n";
  message.resize(kMessageBytes - 2);
  return message + "\r\n";
}

// A blocking client connection, plaintext or TLS.
class Client {
 public:
  ~Client() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
  }
  bool Connect(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return connect(fd_, reinterpret_cast<sockaddr*>(&address),
                   sizeof address) == 0;
  }
  bool StartTls(SSL_CTX* context) {
    ssl_ = SSL_new(context);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    buffer_.clear();
    return SSL_connect(ssl_) == 1;
  }
  bool Write(const std::string& bytes) {
    if (ssl_) {
      return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
             static_cast<int>(bytes.size());
    }
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // The code of the next complete reply, 0 on EOF.
  int Reply() {
    for (;;) {
      std::size_t start = 0;
      for (std::size_t end;
           (end = buffer_.find("\r\n", start)) != std::string::npos;
           start = end + 2) {
        if (end - start >= 4 && buffer_[start + 3] == ' ') {
          const int code = std::atoi(buffer_.substr(start, 3).c_str());
          buffer_.erase(0, end + 2);
          return code;
        }
      }
      char chunk[8192];
      const int n = ssl_ ? SSL_read(ssl_, chunk, sizeof chunk)
                         : static_cast<int>(recv(fd_, chunk, sizeof chunk, 0));
      if (n <= 0) return 0;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

enum class Mode { kPlain, kStartTls, kImplicit };

// Opens a connection and gets it to the point where MAIL may be sent.
bool Open(Client& client, std::uint16_t port, Mode mode, SSL_CTX* context) {
  if (!client.Connect(port)) return false;
  if (mode == Mode::kImplicit && !client.StartTls(context)) return false;
  if (client.Reply() != 220) return false;
  if (!client.Write("EHLO bench\r\n") || client.Reply() != 250) return false;
  if (mode == Mode::kStartTls) {
    if (!client.Write("STARTTLS\r\n") || client.Reply() != 220) return false;
    if (!client.StartTls(context)) return false;
    if (!client.Write("EHLO bench\r\n") || client.Reply() != 250) return false;
  }
  return true;
}

bool SendOne(Client& client, const std::string& message) {
  // Pipelined, as a real PIPELINING client does: one round trip for the
  // envelope, one for the data.
  if (!client.Write("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
                    "DATA\r\n")) {
    return false;
  }
  if (client.Reply() != 250 || client.Reply() != 250 || client.Reply() != 354) {
    return false;
  }
  return client.Write(message + ".\r\n") && client.Reply() == 250;
}

// Sends `per_connection` messages over each of kConnections connections in
// parallel; `reconnect` opens a new connection (and handshake) per message.
bool Load(std::uint16_t port, Mode mode, SSL_CTX* context, int per_connection,
          bool reconnect) {
  const std::string message = MakeMessage();
  std::atomic<bool> ok{true};
  std::vector<std::thread> threads;
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&] {
      std::optional<Client> client;
      for (int i = 0; i < per_connection && ok; ++i) {
        if (!client || reconnect) {
          client.emplace();
          if (!Open(*client, port, mode, context)) ok = false;
        }
        if (ok && !SendOne(*client, message)) ok = false;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return ok;
}

SSL_CTX* ClientContext() {
  static SSL_CTX* context = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(
        c, Certificates::ForThisRun().CaFile().c_str(), nullptr);
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
    return c;
  }();
  return context;
}

void BM_StartStop(benchmark::State& state) {
  ServerOptions options;
  options.tls = TlsPolicy::kNone;
  for (auto _ : state) {
    Server server(options);
    server.Start();
    server.Stop();
  }
}
BENCHMARK(BM_StartStop)->Unit(benchmark::kMicrosecond);

void BM_StartStopWithTls(benchmark::State& state) {
  Certificates::ForThisRun().Leaf("localhost");  // once per run, not per test
  for (auto _ : state) {
    Server server;
    server.Start();
    server.Stop();
  }
}
BENCHMARK(BM_StartStopWithTls)->Unit(benchmark::kMicrosecond);

void RunInProcess(benchmark::State& state, TlsPolicy policy, Mode mode,
                  bool reconnect) {
  ServerOptions options;
  options.tls = policy;
  Server server(options);
  server.Start();
  const int per_connection = static_cast<int>(state.range(0));
  for (auto _ : state) {
    if (!Load(server.Port(), mode, ClientContext(), per_connection,
              reconnect)) {
      state.SkipWithError("a message was refused");
      break;
    }
    state.PauseTiming();
    server.Clear();  // keep memory flat across iterations
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * per_connection * kConnections);
}

void BM_Plaintext(benchmark::State& state) {
  RunInProcess(state, TlsPolicy::kNone, Mode::kPlain, false);
}
void BM_StartTlsReused(benchmark::State& state) {
  RunInProcess(state, TlsPolicy::kStartTlsOptional, Mode::kStartTls, false);
}
void BM_ImplicitTlsReused(benchmark::State& state) {
  RunInProcess(state, TlsPolicy::kImplicit, Mode::kImplicit, false);
}
void BM_StartTlsConnectionPerMessage(benchmark::State& state) {
  RunInProcess(state, TlsPolicy::kStartTlsOptional, Mode::kStartTls, true);
}
void BM_ImplicitTlsConnectionPerMessage(benchmark::State& state) {
  RunInProcess(state, TlsPolicy::kImplicit, Mode::kImplicit, true);
}
BENCHMARK(BM_Plaintext)->Arg(250)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StartTlsReused)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImplicitTlsReused)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StartTlsConnectionPerMessage)
    ->Arg(25)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImplicitTlsConnectionPerMessage)
    ->Arg(25)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// External servers: a process started once, loaded over loopback.
struct ExternalServer {
  pid_t pid = -1;
  std::uint16_t port = 0;
  std::string ca_file;  // smtpfixture-server's own run CA
  ExternalServer() = default;
  ExternalServer(ExternalServer&& other) noexcept
      : pid(other.pid), port(other.port), ca_file(std::move(other.ca_file)) {
    other.pid = -1;  // the moved-from object must not kill the process
  }
  ExternalServer(const ExternalServer&) = delete;
  ExternalServer& operator=(const ExternalServer&) = delete;
  ExternalServer& operator=(ExternalServer&&) = delete;
  ~ExternalServer() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

// Words of SMTPFIXTURE_BENCH_SERVER_WRAPPER, put before an external
// server's command line (a profiler).
std::vector<std::string> ServerWrapper() {
  std::vector<std::string> words;
  const char* wrapper = std::getenv("SMTPFIXTURE_BENCH_SERVER_WRAPPER");
  if (wrapper == nullptr) return words;
  std::string word;
  for (const char* p = wrapper;; ++p) {
    if (*p == ' ' || *p == '\0') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      if (*p == '\0') break;
    } else {
      word.push_back(*p);
    }
  }
  return words;
}

bool WaitUntilListening(std::uint16_t port) {
  // Long enough for a server started under valgrind.
  for (int attempt = 0; attempt < 3000; ++attempt) {
    Client probe;
    if (probe.Connect(port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::optional<ExternalServer> Spawn(std::vector<std::string> argv,
                                    bool reads_port_from_stdout,
                                    std::uint16_t port) {
  int out[2];
  if (pipe(out) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> words = ServerWrapper();
  words.insert(words.end(), argv.begin(), argv.end());
  std::vector<char*> args;
  for (std::string& arg : words) args.push_back(arg.data());
  args.push_back(nullptr);
  ExternalServer server;
  const int rc = posix_spawnp(&server.pid, args[0], &actions, nullptr,
                              args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    server.pid = -1;
    return std::nullopt;
  }
  if (reads_port_from_stdout) {
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    const std::size_t at = line.find("\"port\":");
    if (at == std::string::npos) return std::nullopt;
    port = static_cast<std::uint16_t>(std::atoi(line.c_str() + at + 7));
    const std::size_t ca = line.find("\"ca_file\":\"");
    if (ca != std::string::npos) {
      const std::size_t begin = ca + 11;
      server.ca_file = line.substr(begin, line.find('"', begin) - begin);
    }
  }
  close(out[0]);
  server.port = port;
  if (!WaitUntilListening(port)) return std::nullopt;
  return server;
}

// CPU seconds the process has used so far in user mode and in the kernel,
// from /proc.
struct CpuSeconds {
  double user = 0;
  double system = 0;
  double minor_faults = 0;  // page faults served without I/O (fresh pages)
};
CpuSeconds ProcessCpuSeconds(pid_t pid) {
  FILE* file =
      std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (file == nullptr) return {};
  char buffer[1024];
  const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, file);
  std::fclose(file);
  buffer[n] = '\0';
  // Fields after the command name in parentheses: utime is the 12th, stime
  // the 13th.
  const char* rest = std::strrchr(buffer, ')');
  if (rest == nullptr) return {};
  unsigned long long faults = 0, utime = 0, stime = 0;
  std::sscanf(rest + 2,
              "%*c %*d %*d %*d %*d %*d %*u %llu %*u %*u %*u %llu %llu", &faults,
              &utime, &stime);
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {static_cast<double>(utime) / tick, static_cast<double>(stime) / tick,
          static_cast<double>(faults)};
}

// Loads a server running in its own process, so that its CPU time is
// measured apart from the client's: counter server_us_per_message.
void RunExternal(benchmark::State& state, std::vector<std::string> argv,
                 bool reads_port, std::uint16_t port, Mode mode = Mode::kPlain,
                 bool reconnect = false) {
  std::optional<ExternalServer> server =
      Spawn(std::move(argv), reads_port, port);
  if (!server) {
    state.SkipWithError("cannot start the server program");
    for (auto _ : state) {
    }
    return;
  }
  SSL_CTX* context = nullptr;
  if (mode != Mode::kPlain) {
    context = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(context, server->ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nullptr);
  }
  const int per_connection = static_cast<int>(state.range(0));
  const CpuSeconds cpu_before = ProcessCpuSeconds(server->pid);
  for (auto _ : state) {
    if (!Load(server->port, mode, context, per_connection, reconnect)) {
      state.SkipWithError("a message was refused");
      break;
    }
  }
  const CpuSeconds cpu_after = ProcessCpuSeconds(server->pid);
  const double user = cpu_after.user - cpu_before.user;
  const double system = cpu_after.system - cpu_before.system;
  const auto messages = state.iterations() * per_connection * kConnections;
  state.SetItemsProcessed(messages);
  if (messages > 0) {
    const double per_message = 1e6 / static_cast<double>(messages);
    state.counters["server_us_per_message"] = (user + system) * per_message;
    state.counters["server_user_us"] = user * per_message;
    state.counters["server_system_us"] = system * per_message;
    state.counters["server_page_faults"] =
        (cpu_after.minor_faults - cpu_before.minor_faults) /
        static_cast<double>(messages);
  }
  if (context != nullptr) SSL_CTX_free(context);
}

#ifdef SMTPFIXTURE_SERVER_PROGRAM
void BM_PlaintextSmtpfixtureServer(benchmark::State& state) {
  RunExternal(state, {SMTPFIXTURE_SERVER_PROGRAM, "--tls", "none"}, true, 0);
}
BENCHMARK(BM_PlaintextSmtpfixtureServer)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_StartTlsSmtpfixtureServer(benchmark::State& state) {
  RunExternal(state, {SMTPFIXTURE_SERVER_PROGRAM, "--tls", "starttls"}, true, 0,
              Mode::kStartTls);
}
BENCHMARK(BM_StartTlsSmtpfixtureServer)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ImplicitTlsSmtpfixtureServer(benchmark::State& state) {
  RunExternal(state, {SMTPFIXTURE_SERVER_PROGRAM, "--tls", "implicit"}, true, 0,
              Mode::kImplicit);
}
BENCHMARK(BM_ImplicitTlsSmtpfixtureServer)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// A full TLS 1.3 handshake (ECDSA P-256, X25519) per message.
void BM_ImplicitTlsConnectionPerMessageSmtpfixtureServer(
    benchmark::State& state) {
  RunExternal(state, {SMTPFIXTURE_SERVER_PROGRAM, "--tls", "implicit"}, true, 0,
              Mode::kImplicit, /*reconnect=*/true);
}
BENCHMARK(BM_ImplicitTlsConnectionPerMessageSmtpfixtureServer)
    ->Arg(50)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
#endif

#ifdef SMTPFIXTURE_FLOOR_PROGRAM
// The machine's floor: two reads and two writes a message, nothing parsed
// beyond DATA and the dot, nothing stored (floor_server.cc).
void BM_PlaintextFloor(benchmark::State& state) {
  RunExternal(state, {SMTPFIXTURE_FLOOR_PROGRAM}, true, 0);
}
BENCHMARK(BM_PlaintextFloor)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
#endif

void BM_PlaintextPostfixSmtpSink(benchmark::State& state) {
  const std::uint16_t port = FreePort();
  RunExternal(state,
              {"/usr/sbin/smtp-sink", "-u", "postfix",
               "127.0.0.1:" + std::to_string(port), "128"},
              false, port);
}
BENCHMARK(BM_PlaintextPostfixSmtpSink)
    ->Arg(250)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smtpfixture

BENCHMARK_MAIN();
