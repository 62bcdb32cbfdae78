// smtpfixture-server: the fixture's SMTP server as a standalone process, for
// test suites in other languages, shell scripts and manual poking.
//
// It prints one JSON line on stdout once it accepts connections, e.g.
//   {"event":"listening","host":"127.0.0.1","port":40123,
//    "url":"smtp://localhost:40123","ca_file":"/tmp/smtpfixture-ab12/ca.pem",
//    "tls":"starttls"}
// (on one line), serves until SIGINT or SIGTERM, then prints a summary on
// stderr and exits 0. With --events it goes on printing one JSON line per
// event (event_reporter.h); with --dump-dir, every accepted message is
// written to DIR/<id>.eml as it arrives (dump_directory.h). Command-line
// mistakes exit 2 with a message naming the option; a server that cannot
// start exits 1, and so does one whose --events reader closed its end.
//
// One ordinary process, built on the library's public headers only. Two
// threads of its own besides the server's loop: the main thread reports,
// and a watcher waits for SIGINT, SIGTERM or (with --events) the reader's
// end of stdout closing, and then stops the server, which wakes the main
// thread whatever it waits for (Server::WaitForChange, or a write to a full
// pipe: event_output.h). A stop ends the process within a second, whatever
// the reader of stdout does.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "smtpfixture/server.h"
#include "smtpfixture/tls.h"
#include "tools/smtpfixture-server/dump_directory.h"
#include "tools/smtpfixture-server/event_output.h"
#include "tools/smtpfixture-server/event_reporter.h"
#include "tools/smtpfixture-server/json_writer.h"

namespace {

using server_cli::EventOutput;
using server_cli::JsonObject;
using smtpfixture::ServerOptions;
using smtpfixture::Stage;
using smtpfixture::TlsPolicy;

constexpr char kUsage[] =
    R"(Usage: smtpfixture-server [options]

Runs smtpfixture's SMTP server until SIGINT or SIGTERM. Prints one JSON line
on stdout when ready: {"event":"listening", "host", "port", "url", "ca_file",
"tls", "attack"}.

Options:
  --host ADDR               address to bind (default 127.0.0.1; ::1 for IPv6)
  --port N                  port to bind (default 0: an ephemeral port)
  --hostname NAME           name in the greeting and certificate (localhost)
  --tls MODE                none | starttls | starttls-required | implicit
                            (default starttls)
  --events                  print one JSON line per event on stdout:
                            session_opened, message_received, session_closed;
                            the server stops when the reader closes stdout
  --dump-dir DIR            write each accepted message to DIR/<id>.eml (or
                            <id>-N.eml if taken); DIR is created mode 0700,
                            an existing one must be yours and writable by
                            nobody else
  --auth USER:PASSWORD      accept these credentials (repeatable; visible in
                            ps: prefer --auth-file)
  --auth-file FILE          accept the credentials in FILE, one USER:PASSWORD
                            a line; blank lines and lines starting with # are
                            skipped
  --auth-mechanisms LIST    SASL mechanisms offered, in order, comma-separated
                            (default PLAIN,LOGIN; also CRAM-MD5, XOAUTH2,
                            EXTERNAL: offered after TLS to a client whose
                            certificate verified)
  --auth-accept-any         accept any credentials
  --auth-allow-plaintext    offer AUTH before TLS
  --request-client-certificate
                            ask TLS clients for a certificate; events show
                            its subject and whether it verified
  --require-client-certificate
                            the TLS handshake fails without a client
                            certificate that verifies
  --client-ca FILE          PEM trust anchors for client certificates
                            (default: the run's CA, ca_file)
  --attack NAME             attack the client's TLS upgrade (--tls is then
                            ignored): strip-starttls, refuse-starttls,
                            reject-starttls, starttls-wrong-reply,
                            refuse-ehlo, inject-replies,
                            inject-partial-reply or
                            plaintext-on-implicit-port; what the client did
                            that it should not have shows as insecure-*
                            codes in session_closed's violations (default
                            none)
  --fault SPEC              script a reply (repeatable; tried in order):
                            STAGE[:CONTAINS]:CODE TEXT[ xN], e.g.
                            "rcpt:bounce@:550 5.1.1 No such user" or
                            "eod:451 4.3.0 Try again later x1". STAGE is
                            connect, helo, starttls, auth, mail, rcpt, data,
                            end-of-data (or eod), rset, noop or quit; CONTAINS
                            limits the rule to commands whose argument
                            contains it (at end-of-data: the message data); a
                            final " xN" applies the rule N times only
  --line-endings MODE       lenient (default) | strict: a bare CR or LF is
                            refused
  --max-connections N       refuse connections beyond N with 421 (0: no limit)
  --dkim-key NAME=RECORD    a DKIM key record, as DNS would publish it
                            (sel._domainkey.example.com=v=DKIM1; k=rsa; p=...);
                            repeatable; events then carry each message's
                            DKIM results (null without --dkim-key)
  --max-message-bytes N     refuse larger messages (0: no limit)
  --idle-timeout-ms N       close connections idle this long
  --help                    show this help

Process-level tuning (GLIBC_TUNABLES, MALLOC_ARENA_MAX, ...) is yours to set
in the environment the server starts in; it changes nothing of its own.
)";

// A command-line mistake: reported with the usage hint, exit status 2.
struct UsageError {
  std::string message;
};

// One --fault: a FaultRule to add once the server exists.
struct FaultSpec {
  Stage stage = Stage::kConnect;
  std::optional<std::string> contains;
  int code = 0;
  std::string text;
  int times = 0;  // 0: every time
};

struct Config {
  ServerOptions options;
  std::string tls_name = "starttls";  // as spelled on the command line
  std::string attack_name = "none";
  std::optional<std::string> dump_dir;
  std::vector<FaultSpec> faults;
  bool events = false;
  bool help = false;
};

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool AsciiEqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string_view TrimWhitespace(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::uint64_t ParseNumber(const std::string& option, const std::string& text,
                          std::uint64_t max) {
  // strtoull accepts "-1" and leading spaces; a test harness passing either
  // has a bug worth reporting.
  const bool digits_only = IsDigits(text);
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

// The stage names of --fault: Stage's names in lower case, as a user types
// them, with the aliases ehlo and eod.
std::optional<Stage> LookupStage(std::string_view name) {
  static const std::pair<const char*, Stage> kStages[] = {
      {"connect", Stage::kConnect},
      {"helo", Stage::kHelo},
      {"ehlo", Stage::kHelo},
      {"starttls", Stage::kStartTls},
      {"auth", Stage::kAuth},
      {"mail", Stage::kMailFrom},
      {"rcpt", Stage::kRcptTo},
      {"data", Stage::kData},
      {"end-of-data", Stage::kEndOfData},
      {"eod", Stage::kEndOfData},
      {"rset", Stage::kRset},
      {"noop", Stage::kNoop},
      {"quit", Stage::kQuit},
  };
  for (const auto& [known, stage] : kStages) {
    if (AsciiEqualsIgnoreCase(name, known)) return stage;
  }
  return std::nullopt;
}

// STAGE[:CONTAINS]:CODE TEXT[ xN]. CONTAINS may hold colons; the reply is
// what follows the first colon that is followed by three digits and a space
// (or the end).
FaultSpec ParseFault(const std::string& spec) {
  const auto bad = [&spec](const std::string& what) {
    return UsageError{"--fault '" + spec + "': " + what +
                      " (expected STAGE[:CONTAINS]:CODE TEXT[ xN])"};
  };
  FaultSpec fault;
  std::string_view rest = spec;
  if (const auto x = rest.rfind(" x");
      x != std::string_view::npos && IsDigits(rest.substr(x + 2))) {
    const std::string count(rest.substr(x + 2));
    if (count.size() > 6 || std::stoi(count) < 1) {
      throw bad("xN needs N from 1 to 999999");
    }
    fault.times = std::stoi(count);
    rest = rest.substr(0, x);
  }
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) throw bad("no ':' after the stage");
  const std::string_view stage_name = rest.substr(0, colon);
  const std::optional<Stage> stage = LookupStage(stage_name);
  if (!stage) {
    throw bad("unknown stage '" + std::string(stage_name) +
              "'; stages: connect, helo, starttls, auth, mail, rcpt, data, "
              "end-of-data (eod), rset, noop, quit");
  }
  fault.stage = *stage;
  rest = rest.substr(colon + 1);
  const auto is_reply_at = [&rest](std::size_t at) {
    return rest.size() >= at + 3 && IsDigits(rest.substr(at, 3)) &&
           (rest.size() == at + 3 || rest[at + 3] == ' ');
  };
  std::size_t reply = 0;
  if (!is_reply_at(0)) {
    reply = std::string_view::npos;
    for (auto at = rest.find(':'); at != std::string_view::npos;
         at = rest.find(':', at + 1)) {
      if (is_reply_at(at + 1)) {
        reply = at;
        break;
      }
    }
    if (reply == std::string_view::npos) {
      throw bad("no reply code (three digits) after the stage or CONTAINS");
    }
    if (reply == 0) throw bad("empty CONTAINS");
    fault.contains = std::string(rest.substr(0, reply));
    ++reply;  // past the colon
  }
  fault.code = std::stoi(std::string(rest.substr(reply, 3)));
  if (fault.code < 200 || fault.code > 599) {
    throw bad("reply code " + std::to_string(fault.code) +
              " is not in 200..599");
  }
  fault.text = std::string(rest.size() > reply + 4 ? rest.substr(reply + 4)
                                                   : std::string_view());
  return fault;
}

// USER:PASSWORD lines; # comments and blank lines skipped. Kept in a file so
// that the passwords are not in the command line, which `ps` shows to every
// user of the machine.
void ReadAuthFile(const std::string& path,
                  std::map<std::string, std::string>* credentials) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError{"--auth-file " + path +
                     ": cannot read it: " + std::strerror(errno)};
  }
  std::size_t added = 0;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string_view trimmed = TrimWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw UsageError{"--auth-file " + path + ": line " +
                       std::to_string(number) + ": expected USER:PASSWORD"};
    }
    (*credentials)[line.substr(0, colon)] = line.substr(colon + 1);
    ++added;
  }
  if (in.bad()) {
    throw UsageError{"--auth-file " + path + ": cannot read it"};
  }
  if (added == 0) {
    throw UsageError{"--auth-file " + path + ": no USER:PASSWORD line in it"};
  }
}

// One of TlsAttackName()'s names; "none" (the default) too, so that a
// script looping over the attacks can run its baseline the same way.
smtpfixture::TlsAttack ParseAttack(const std::string& text) {
  if (text == smtpfixture::TlsAttackName(smtpfixture::TlsAttack::kNone)) {
    return smtpfixture::TlsAttack::kNone;
  }
  std::string names = "none";
  for (const smtpfixture::TlsAttack attack : smtpfixture::AllTlsAttacks()) {
    if (text == smtpfixture::TlsAttackName(attack)) return attack;
    names += names.empty() ? "" : ", ";
    names += smtpfixture::TlsAttackName(attack);
  }
  throw UsageError{"--attack: unknown attack '" + text +
                   "' (attacks: " + names + ")"};
}

// The whole of a PEM file, for --client-ca.
std::string ReadPemFile(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError{option + " " + path +
                     ": cannot read it: " + std::strerror(errno)};
  }
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  if (in.bad()) throw UsageError{option + " " + path + ": cannot read it"};
  if (content.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    throw UsageError{option + " " + path + ": no PEM certificate in it"};
  }
  return content;
}

// "plain,cram-md5" -> {"PLAIN", "CRAM-MD5"}.
std::vector<std::string> ParseMechanisms(const std::string& list) {
  static const char* const kKnown[] = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
                                       "EXTERNAL"};
  std::vector<std::string> mechanisms;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    const std::string_view item =
        TrimWhitespace(std::string_view(list).substr(begin, end - begin));
    const char* found = nullptr;
    for (const char* known : kKnown) {
      if (AsciiEqualsIgnoreCase(item, known)) found = known;
    }
    if (found == nullptr) {
      throw UsageError{"--auth-mechanisms: unknown mechanism '" +
                       std::string(item) +
                       "' (supported: PLAIN, LOGIN, CRAM-MD5, XOAUTH2, "
                       "EXTERNAL)"};
    }
    mechanisms.push_back(found);
    if (end == list.size()) break;
    begin = end + 1;
  }
  return mechanisms;
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
    } else if (name == "--attack") {
      config.attack_name = value();
      options.attack = ParseAttack(config.attack_name);
    } else if (name == "--request-client-certificate") {
      flag();
      options.request_client_certificate = true;
    } else if (name == "--require-client-certificate") {
      flag();
      options.require_client_certificate = true;
    } else if (name == "--client-ca") {
      options.client_ca_pem = ReadPemFile(name, value());
    } else if (name == "--dump-dir") {
      config.dump_dir = value();
    } else if (name == "--events") {
      flag();
      config.events = true;
    } else if (name == "--fault") {
      config.faults.push_back(ParseFault(value()));
    } else if (name == "--auth-file") {
      ReadAuthFile(value(), &options.auth.credentials);
    } else if (name == "--auth-mechanisms") {
      options.auth.mechanisms = ParseMechanisms(value());
    } else if (name == "--line-endings") {
      const std::string mode = value();
      if (mode == "strict") {
        options.line_endings = smtpfixture::LineEndings::kStrict;
      } else if (mode == "lenient") {
        options.line_endings = smtpfixture::LineEndings::kLenient;
      } else {
        throw UsageError{"--line-endings: got '" + mode +
                         "', expected strict or lenient"};
      }
    } else if (name == "--dkim-key") {
      // Split on the first "=": the record itself is full of them.
      const std::string key = value();
      const auto equals = key.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw UsageError{
            "--dkim-key: expected NAME=RECORD, e.g. "
            "sel._domainkey.example.com=v=DKIM1; k=rsa; p=..."};
      }
      options.dkim_keys[key.substr(0, equals)] = key.substr(equals + 1);
    } else if (name == "--max-connections") {
      options.limits.max_connections =
          static_cast<std::size_t>(ParseNumber(name, value(), 1000000));
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

// What ended the run, set by the watcher thread.
struct StopReason {
  std::atomic<int> signal{0};
  std::atomic<bool> stdout_closed{false};
};

// The watcher: waits until SIGINT or SIGTERM arrives (on `signal_fd`), the
// reader of stdout goes away (if `watch_stdout`), or `quit_fd` is readable
// (the main thread is done); then records why, makes `stop_fd` readable and
// stops the server, which wakes the main thread's WaitForChange().
void WatchForStop(int signal_fd, bool watch_stdout, int quit_fd,
                  int stop_write_fd, StopReason* reason,
                  smtpfixture::Server* server) {
  // Events 0 on stdout: poll() still reports POLLERR (the reader of a pipe
  // closed it) and POLLHUP (a terminal hung up), and nothing else.
  pollfd fds[3] = {{signal_fd, POLLIN, 0},
                   {quit_fd, POLLIN, 0},
                   {watch_stdout ? STDOUT_FILENO : -1, 0, 0}};
  for (;;) {
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      if (read(signal_fd, &info, sizeof info) == sizeof info) {
        reason->signal = static_cast<int>(info.ssi_signo);
        break;
      }
    }
    if ((fds[1].revents & POLLIN) != 0) return;  // not a stop: main is done
    if ((fds[2].revents & POLLNVAL) != 0) {
      fds[2].fd = -1;  // stdout is not open: nothing to watch
    } else if ((fds[2].revents & (POLLERR | POLLHUP)) != 0) {
      reason->stdout_closed = true;
      break;
    }
  }
  const char byte = 1;
  while (write(stop_write_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  server->Stop();
}

// How long the events reported after the stop may take to reach a reader
// that reads slowly, or not at all: the rest of the second a stop may take
// (Server::Stop() takes at most a quarter of it).
constexpr std::chrono::milliseconds kFinalFlush{400};

int Serve(const Config& config) {
  std::unique_ptr<server_cli::DumpDirectory> dump;
  if (config.dump_dir) {
    std::string error;
    dump = server_cli::DumpDirectory::Open(*config.dump_dir, &error);
    if (dump == nullptr) {
      std::cerr << "smtpfixture-server: --dump-dir " << error << "\n";
      return 1;
    }
  }

  // Block the signals before any thread starts: threads inherit the mask, so
  // SIGINT and SIGTERM are read from the signalfd by the watcher and never
  // interrupt another thread. A closed stdout is an EPIPE to report, not a
  // SIGPIPE to die of.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  int stop_pipe[2] = {-1, -1};  // readable once the server stops
  int quit_pipe[2] = {-1, -1};  // readable once the main thread is done
  if (signal_fd < 0 || pipe2(stop_pipe, O_CLOEXEC) != 0 ||
      pipe2(quit_pipe, O_CLOEXEC) != 0) {
    std::cerr << "smtpfixture-server: " << std::strerror(errno) << "\n";
    return 1;
  }

  const auto& auth = config.options.auth;
  if (config.options.tls == TlsPolicy::kNone &&
      (!auth.credentials.empty() || auth.accept_any) && !auth.allow_plaintext) {
    std::cerr << "smtpfixture-server: warning: AUTH is offered only after "
                 "TLS; with --tls none add --auth-allow-plaintext\n";
  }

  smtpfixture::Server server(config.options);
  for (const FaultSpec& fault : config.faults) {
    // The rule takes effect, whole, when `rule` goes out of scope.
    smtpfixture::FaultRule rule = server.Faults().At(fault.stage);
    if (fault.contains) rule.WhenArgumentContains(*fault.contains);
    rule.Reply(fault.code, fault.text);  // the code was checked: no throw
    if (fault.times > 0) rule.Times(fault.times);
  }
  try {
    server.Start();
  } catch (const std::exception& e) {  // smtpfixture::Error, with the cause
    std::cerr << "smtpfixture-server: " << e.what() << "\n";
    return 1;
  }

  StopReason reason;
  std::thread watcher(WatchForStop, signal_fd, config.events, quit_pipe[0],
                      stop_pipe[1], &reason, &server);

  EventOutput output(STDOUT_FILENO, stop_pipe[0]);
  output.Append(JsonObject()
                    .String("event", "listening")
                    .String("host", server.Host())
                    .Number("port", server.Port())
                    .String("url", server.Url())
                    .String("ca_file", server.CaFile().string())
                    .String("tls", config.tls_name)
                    .String("attack", config.attack_name)
                    .str());
  EventOutput::Result written = output.Flush();

  server_cli::EventReporter reporter(server, config.events ? &output : nullptr,
                                     dump.get(),
                                     !config.options.dkim_keys.empty());
  const bool reporting = config.events || dump != nullptr;
  if (!reporting && written == EventOutput::Result::kWritten) {
    pollfd stop{stop_pipe[0], POLLIN, 0};
    while (poll(&stop, 1, -1) < 0 && errno == EINTR) {
    }
  }
  // Report, then wait for the next change; the count is read before the
  // snapshots, so that a change made during a report wakes the next wait.
  while (reporting && written == EventOutput::Result::kWritten &&
         server.IsRunning()) {
    const std::uint64_t seen = server.ChangeCount();
    reporter.Report();
    written = output.Flush();
    if (written == EventOutput::Result::kWritten) {
      server.WaitForChange(seen, std::chrono::milliseconds::max());
    }
  }

  server.Stop();
  if (written != EventOutput::Result::kClosed) {
    reporter.Report();  // after Stop(): the last messages, every close
    written = output.Flush(std::chrono::steady_clock::now() + kFinalFlush);
  }
  const char byte = 1;
  while (write(quit_pipe[1], &byte, 1) < 0 && errno == EINTR) {
  }
  watcher.join();

  int status = 0;
  std::string why = "signal " + std::to_string(reason.signal.load());
  if (written == EventOutput::Result::kClosed || reason.stdout_closed) {
    why = "stdout was closed";
    if (!output.error().empty()) why += " (" + output.error() + ")";
    status = 1;
  } else if (output.pending() > 0) {
    std::cerr << "smtpfixture-server: " << output.pending()
              << " octets of events were not written: stdout is not read\n";
  }
  std::cerr << "smtpfixture-server: stopped (" << why
            << "): messages=" << server.Messages().size()
            << " sessions=" << server.Sessions().size() << "\n";
  return status;
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
