// smtpfixture-server: the fixture's SMTP server as a standalone process, for
// test suites in other languages, shell scripts and manual poking.
//
// It prints one JSON line on stdout once it accepts connections, e.g.
//   {"host":"127.0.0.1","port":40123,"url":"smtp://localhost:40123",
//    "ca_file":"/tmp/smtpfixture-ab12/ca.pem","tls":"starttls"}
// (on one line), serves until SIGINT or SIGTERM, then prints a summary on
// stderr and exits 0. With --dump-dir, every accepted message is written to
// DIR/<id>.eml as it arrives.
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "smtpfixture/server.h"

namespace {

namespace fs = std::filesystem;
using smtpfixture::ServerOptions;
using smtpfixture::TlsPolicy;

constexpr char kUsage[] =
    R"(Usage: smtpfixture-server [options]

Runs smtpfixture's SMTP server until SIGINT or SIGTERM. Prints one JSON line
on stdout when ready: {"host", "port", "url", "ca_file", "tls"}.

Options:
  --host ADDR               address to bind (default 127.0.0.1; ::1 for IPv6)
  --port N                  port to bind (default 0: an ephemeral port)
  --hostname NAME           name in the greeting and certificate (localhost)
  --tls MODE                none | starttls | starttls-required | implicit
                            (default starttls)
  --dump-dir DIR            write each accepted message to DIR/<id>.eml
  --auth USER:PASSWORD      accept these credentials (repeatable)
  --auth-accept-any         accept any credentials
  --auth-allow-plaintext    offer AUTH before TLS
  --max-message-bytes N     refuse larger messages (0: no limit)
  --idle-timeout-ms N       close connections idle this long
  --help                    show this help
)";

// A command-line mistake: reported with the usage hint, exit status 2.
struct UsageError {
  std::string message;
};

struct Config {
  ServerOptions options;
  std::string tls_name = "starttls";  // as spelled on the command line
  std::optional<fs::path> dump_dir;
  bool help = false;
};

std::uint64_t ParseNumber(const std::string& option, const std::string& text,
                          std::uint64_t max) {
  // strtoull accepts "-1" and leading spaces; a test harness passing either
  // has a bug worth reporting.
  const bool digits_only =
      !text.empty() &&
      text.find_first_not_of("0123456789") == std::string::npos;
  errno = 0;
  const unsigned long long value =
      digits_only ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits_only || errno == ERANGE || value > max) {
    throw UsageError{option + ": not a number in 0.." + std::to_string(max) +
                     ": '" + text + "'"};
  }
  return value;
}

TlsPolicy ParseTls(const std::string& text) {
  if (text == "none") return TlsPolicy::kNone;
  if (text == "starttls") return TlsPolicy::kStartTlsOptional;
  if (text == "starttls-required") return TlsPolicy::kStartTlsRequired;
  if (text == "implicit") return TlsPolicy::kImplicit;
  throw UsageError{"--tls: got '" + text +
                   "', expected none, starttls, starttls-required or implicit"};
}

// Accepts "--name value" and "--name=value".
Config ParseArguments(int argc, char** argv) {
  Config config;
  ServerOptions& options = config.options;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    std::optional<std::string> inline_value;
    if (const auto equals = name.find('='); equals != std::string::npos) {
      inline_value = name.substr(equals + 1);
      name.resize(equals);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) throw UsageError{name + ": missing value"};
      return argv[++i];
    };
    auto flag = [&] {
      if (inline_value) throw UsageError{name + " takes no value"};
    };

    if (name == "--help" || name == "-h") {
      flag();
      config.help = true;
    } else if (name == "--host") {
      options.bind_address = value();
    } else if (name == "--port") {
      options.port =
          static_cast<std::uint16_t>(ParseNumber(name, value(), UINT16_MAX));
    } else if (name == "--hostname") {
      options.hostname = value();
    } else if (name == "--tls") {
      config.tls_name = value();
      options.tls = ParseTls(config.tls_name);
    } else if (name == "--dump-dir") {
      config.dump_dir = value();
    } else if (name == "--auth") {
      const std::string credentials = value();
      const auto colon = credentials.find(':');
      if (colon == std::string::npos || colon == 0) {
        throw UsageError{"--auth: expected USER:PASSWORD"};
      }
      options.auth.credentials[credentials.substr(0, colon)] =
          credentials.substr(colon + 1);
    } else if (name == "--auth-accept-any") {
      flag();
      options.auth.accept_any = true;
    } else if (name == "--auth-allow-plaintext") {
      flag();
      options.auth.allow_plaintext = true;
    } else if (name == "--max-message-bytes") {
      options.limits.max_message_bytes =
          static_cast<std::size_t>(ParseNumber(name, value(), SIZE_MAX));
    } else if (name == "--idle-timeout-ms") {
      options.limits.idle_timeout = std::chrono::milliseconds(
          ParseNumber(name, value(), 24ULL * 3600 * 1000));
    } else {
      throw UsageError{"unknown option '" + name + "'"};
    }
  }
  return config;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x",
                        static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;  // UTF-8 passes through
        }
    }
  }
  return out + "\"";
}

// Writes messages to the dump directory as they arrive, from its own thread,
// so the main thread stays free to wait for signals.
class MessageDumper {
 public:
  MessageDumper(const smtpfixture::Server& server, fs::path dir)
      : server_(server), dir_(std::move(dir)) {
    thread_ = std::thread([this] { Run(); });
  }
  MessageDumper(const MessageDumper&) = delete;
  MessageDumper& operator=(const MessageDumper&) = delete;
  // Call after Server::Stop(): writes whatever arrived since the last poll.
  ~MessageDumper() {
    stop_ = true;
    thread_.join();
    DumpNew();
  }

 private:
  void Run() {
    while (!stop_) {
      // The wait returns as soon as a message arrives; its timeout only
      // bounds how long shutdown waits for this thread.
      if (server_.WaitForMessages(written_ + 1,
                                  std::chrono::milliseconds(200))) {
        DumpNew();
      }
    }
  }

  void DumpNew() {
    const auto messages = server_.Messages();
    for (; written_ < messages.size(); ++written_) {
      const auto& message = messages[written_];
      const fs::path file = dir_ / (std::to_string(message.id()) + ".eml");
      // Written under another name and renamed, so that whoever watches
      // the directory never reads half a message.
      const fs::path partial = fs::path(file) += ".partial";
      std::ofstream out(partial, std::ios::binary);
      out << message.data();
      out.close();
      std::error_code error;
      if (out) fs::rename(partial, file, error);
      if (!out || error) {
        std::cerr << "smtpfixture-server: cannot write " << file << "\n";
      }
    }
  }

  const smtpfixture::Server& server_;
  const fs::path dir_;
  std::size_t written_ = 0;  // only the dumper's thread, then the destructor
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int Serve(const Config& config) {
  if (config.dump_dir) {
    std::error_code error;
    fs::create_directories(*config.dump_dir, error);
    if (error) {
      std::cerr << "smtpfixture-server: cannot create " << *config.dump_dir
                << ": " << error.message() << "\n";
      return 1;
    }
  }

  // Block the signals before any thread starts: threads inherit the mask, so
  // SIGINT and SIGTERM reach only the sigwait() below, never the loop thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const auto& auth = config.options.auth;
  if (config.options.tls == TlsPolicy::kNone &&
      (!auth.credentials.empty() || auth.accept_any) && !auth.allow_plaintext) {
    std::cerr << "smtpfixture-server: warning: AUTH is offered only after "
                 "TLS; with --tls none add --auth-allow-plaintext\n";
  }

  smtpfixture::Server server(config.options);
  try {
    server.Start();
  } catch (const std::exception& e) {  // smtpfixture::Error, with the cause
    std::cerr << "smtpfixture-server: " << e.what() << "\n";
    return 1;
  }
  std::optional<MessageDumper> dumper;
  if (config.dump_dir) dumper.emplace(server, *config.dump_dir);

  std::cout << "{\"host\":" << JsonString(server.Host())
            << ",\"port\":" << server.Port()
            << ",\"url\":" << JsonString(server.Url())
            << ",\"ca_file\":" << JsonString(server.CaFile().string())
            << ",\"tls\":" << JsonString(config.tls_name) << "}" << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);

  server.Stop();
  dumper.reset();  // after Stop(): nothing can arrive after its last pass
  std::cerr << "smtpfixture-server: stopped (signal " << signal_number
            << "): messages=" << server.Messages().size()
            << " sessions=" << server.Sessions().size() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  try {
    config = ParseArguments(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "smtpfixture-server: " << e.message
              << "\nTry 'smtpfixture-server --help'.\n";
    return 2;
  }
  if (config.help) {
    std::cout << kUsage;
    return 0;
  }
  return Serve(config);
}
