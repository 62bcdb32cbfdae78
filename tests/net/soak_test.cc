// No loss, no duplicates, no invention, under load: 32 client threads send
// SMTPFIXTURE_SOAK_MESSAGES messages (default 2,000; the full soak is 20,000)
// to three servers at once, plaintext, STARTTLS and implicit TLS. Some
// clients pipeline; some disconnect at random points mid-transaction (after
// MAIL, mid-DATA, or right after the final "." before reading its reply).
//
// Every message carries a unique X-Soak-Id header and a random body with
// lines that need dot-stuffing. At the end:
// - every message whose 250 a client read is stored exactly once, byte for
//   byte as sent (dot-unstuffed);
// - a message whose final "." was sent but whose reply the client did not
//   wait for may or may not be stored, at most once;
// - nothing else is stored (no message whose final "." was never sent);
// - so the 250s the clients read equal the messages stored minus those
//   stored from the "sent the final dot but left" set.
//
// The choices of every client come from a seeded RNG; the seed is printed
// with every failure (set SMTPFIXTURE_SOAK_SEED to replay the choices; thread
// scheduling is the machine's).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fixture/base/openssl_ptr.h"
#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::detail::SslCtxPtr;
using ::smtpfixture::detail::SslPtr;
using ::smtpfixture::testing::RawClient;

constexpr int kClients = 32;
constexpr std::size_t kDefaultMessages = 2000;
// Out of 100 messages, how many end in each kind of disconnection.
constexpr int kLeaveAfterMailPercent = 2;
constexpr int kLeaveMidDataPercent = 2;
constexpr int kLeaveAfterDotPercent = 3;

std::size_t FromEnvironment(const char* name, std::size_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
}

enum class Mode { kPlain, kStartTls, kImplicit };
constexpr std::array<Mode, 3> kModes = {Mode::kPlain, Mode::kStartTls,
                                        Mode::kImplicit};

// What became of a message, as its client saw it.
enum class Fate : std::uint8_t {
  kNotSent,       // never got to the final "." (left earlier, or unused)
  kAcknowledged,  // the client read 250 after the final "."
  kDotSentLeft,   // the final "." was sent, the client left without its reply
};

// One client connection, plaintext or TLS over the same blocking socket.
// Every read is bounded (SO_RCVTIMEO) so a broken server fails the test
// instead of hanging it.
class Connection {
 public:
  bool Open(std::uint16_t port, Mode mode, SSL_CTX* context) {
    if (!socket_.Connect(port)) return false;
    const auto timeout = ScaledTimeout(std::chrono::seconds(30));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (mode == Mode::kImplicit && !Handshake(context)) return false;
    if (ReadCode() != 220 || Command("EHLO soak.example\r\n") != 250) {
      return false;
    }
    if (mode == Mode::kStartTls) {
      if (Command("STARTTLS\r\n") != 220 || !Handshake(context)) return false;
      if (Command("EHLO soak.example\r\n") != 250) return false;
    }
    return true;
  }

  bool Send(const std::string& bytes) {
    if (ssl_ != nullptr) {
      std::size_t written = 0;
      ERR_clear_error();
      return SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written) ==
                 1 &&
             written == bytes.size();
    }
    return socket_.Send(bytes);
  }

  // The code of the next whole reply (continuation lines skipped), 0 at EOF,
  // on a timeout or a TLS error.
  int ReadCode() {
    for (;;) {
      const std::size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        const std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        if (line.size() < 4) return 0;
        if (line[3] == '-') continue;
        return std::atoi(line.substr(0, 3).c_str());
      }
      char chunk[4096];
      long n = 0;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        n = SSL_read(ssl_.get(), chunk, sizeof chunk);
      } else {
        n = recv(socket_.fd(), chunk, sizeof chunk, 0);
      }
      if (n <= 0) return 0;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  int Command(const std::string& line) { return Send(line) ? ReadCode() : 0; }

  // Abrupt: no QUIT, no close_notify.
  void Close() {
    ssl_.reset();
    socket_.Close();
  }

 private:
  bool Handshake(SSL_CTX* context) {
    ssl_.reset(SSL_new(context));
    SSL_set_fd(ssl_.get(), socket_.fd());
    SSL_set_tlsext_host_name(ssl_.get(), "localhost");
    SSL_set1_host(ssl_.get(), "localhost");
    ERR_clear_error();
    return SSL_connect(ssl_.get()) == 1;
  }

  RawClient socket_;
  SslPtr ssl_;
  std::string buffer_;
};

// The message with id `id` as it must be stored, and as it goes on the wire
// (dot-stuffed, with the final ".").
struct Payload {
  std::string stored;
  std::string wire;
};

Payload MakePayload(std::size_t id, std::mt19937_64& rng) {
  Payload payload;
  payload.stored = "Message-ID: <soak-" + std::to_string(id) +
                   "@soak.example>\r\nX-Soak-Id: " + std::to_string(id) +
                   "\r\nSubject: soak " + std::to_string(id) + "\r\n\r\n";
  std::uniform_int_distribution<int> lines(0, 40), length(0, 120),
      printable(0x20, 0x7e), percent(0, 99);
  for (int i = lines(rng); i > 0; --i) {
    std::string line;
    // Lines of dots and lines that start with one: the stuffing must be
    // undone exactly once.
    const int kind = percent(rng);
    if (kind < 5) {
      line = ".";
    } else if (kind < 15) {
      line = "..";
    }
    for (int n = length(rng); n > 0; --n) {
      line += static_cast<char>(printable(rng));
    }
    payload.stored += line + "\r\n";
  }
  std::size_t start = 0;
  while (start < payload.stored.size()) {
    const std::size_t end = payload.stored.find("\r\n", start) + 2;
    if (payload.stored[start] == '.') payload.wire += '.';
    payload.wire.append(payload.stored, start, end - start);
    start = end;
  }
  payload.wire += ".\r\n";
  return payload;
}

struct Servers {
  std::array<std::unique_ptr<Server>, 3> by_mode;
  Server& operator[](Mode mode) { return *by_mode[static_cast<int>(mode)]; }
};

std::unique_ptr<Server> StartServer(Mode mode) {
  ServerOptions options;
  options.tls = mode == Mode::kPlain      ? TlsPolicy::kNone
                : mode == Mode::kStartTls ? TlsPolicy::kStartTlsRequired
                                          : TlsPolicy::kImplicit;
  auto server = std::make_unique<Server>(options);
  server->Start();
  return server;
}

// What the clients did, shared by their threads.
struct Ledger {
  std::mutex mutex;
  std::vector<Fate> fates;  // by id
  std::vector<std::string> errors;
  std::array<std::size_t, 3> connections{};  // by mode
  void Error(const std::string& text) {
    const std::lock_guard<std::mutex> lock(mutex);
    if (errors.size() < 20) errors.push_back(text);
  }
};

// One client thread: connections to its server, a random number of messages
// each, ids taken from `next` until there are none left.
void RunClient(int index, std::uint64_t seed, std::size_t total,
               Servers& servers, SSL_CTX* context,
               std::atomic<std::size_t>& next, std::vector<Payload>& payloads,
               Ledger& ledger) {
  std::mt19937_64 rng(seed + static_cast<std::uint64_t>(index));
  const Mode mode = kModes[static_cast<std::size_t>(index) % kModes.size()];
  const bool pipelining = index % 4 == 0;
  std::uniform_int_distribution<int> per_connection(1, 20), percent(0, 99);
  const std::string who = "client " + std::to_string(index) + ": ";
  for (;;) {
    if (next.load() >= total) return;
    Connection connection;
    {
      const std::lock_guard<std::mutex> lock(ledger.mutex);
      ++ledger.connections[static_cast<int>(mode)];
    }
    if (!connection.Open(servers[mode].Port(), mode, context)) {
      return ledger.Error(who + "could not open a session");
    }
    bool left = false;
    for (int n = per_connection(rng); n > 0 && !left; --n) {
      const std::size_t id = next.fetch_add(1);
      if (id >= total) break;
      payloads[id] = MakePayload(id, rng);
      const std::string& wire = payloads[id].wire;
      const std::string mail =
          "MAIL FROM:<soak-" + std::to_string(id) + "@soak.example>\r\n";
      const std::string rcpt = "RCPT TO:<sink@soak.example>\r\n";
      const int leave = percent(rng);
      int fate_point = 0;  // 1 after MAIL, 2 mid-DATA, 3 after the dot
      if (leave < kLeaveAfterMailPercent) {
        fate_point = 1;
      } else if (leave < kLeaveAfterMailPercent + kLeaveMidDataPercent) {
        fate_point = 2;
      } else if (leave < kLeaveAfterMailPercent + kLeaveMidDataPercent +
                             kLeaveAfterDotPercent) {
        fate_point = 3;
      }
      if (fate_point == 1) {
        connection.Send(mail);
        connection.Close();
        left = true;
        break;
      }
      bool ready = false;
      if (pipelining) {
        ready = connection.Send(mail + rcpt + "DATA\r\n") &&
                connection.ReadCode() == 250 && connection.ReadCode() == 250 &&
                connection.ReadCode() == 354;
      } else {
        ready = connection.Command(mail) == 250 &&
                connection.Command(rcpt) == 250 &&
                connection.Command("DATA\r\n") == 354;
      }
      if (!ready)
        return ledger.Error(who + "transaction refused, id " +
                            std::to_string(id));
      if (fate_point == 2) {
        // Everything but the final ".": a message never finished.
        connection.Send(wire.substr(0, wire.size() / 2));
        connection.Close();
        left = true;
        break;
      }
      if (!connection.Send(wire)) {
        return ledger.Error(who + "could not send id " + std::to_string(id));
      }
      if (fate_point == 3) {
        {
          const std::lock_guard<std::mutex> lock(ledger.mutex);
          ledger.fates[id] = Fate::kDotSentLeft;
        }
        connection.Close();
        left = true;
        break;
      }
      const int code = connection.ReadCode();
      if (code != 250) {
        return ledger.Error(who + "end of data got " + std::to_string(code) +
                            " for id " + std::to_string(id));
      }
      const std::lock_guard<std::mutex> lock(ledger.mutex);
      ledger.fates[id] = Fate::kAcknowledged;
    }
    if (!left) connection.Command("QUIT\r\n");
  }
}

// The value of the X-Soak-Id header, or npos.
std::size_t SoakId(const std::string& data) {
  const std::string name = "\r\nX-Soak-Id: ";
  const std::size_t at = data.find(name);
  if (at == std::string::npos) return std::string::npos;
  return std::strtoull(data.c_str() + at + name.size(), nullptr, 10);
}

TEST(SoakTest, NoLossNoDuplicatesNothingInvented) {
  const std::size_t total =
      FromEnvironment("SMTPFIXTURE_SOAK_MESSAGES", kDefaultMessages);
  const std::uint64_t seed =
      FromEnvironment("SMTPFIXTURE_SOAK_SEED", std::random_device{}() | 1);
  SCOPED_TRACE("SMTPFIXTURE_SOAK_SEED=" + std::to_string(seed) +
               " SMTPFIXTURE_SOAK_MESSAGES=" + std::to_string(total));

  Servers servers;
  for (Mode mode : kModes) {
    servers.by_mode[static_cast<int>(mode)] = StartServer(mode);
  }
  SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(
      SSL_CTX_load_verify_locations(
          context.get(), servers[Mode::kStartTls].CaFile().c_str(), nullptr),
      1);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);

  Ledger ledger;
  ledger.fates.assign(total, Fate::kNotSent);
  std::vector<Payload> payloads(total);
  std::atomic<std::size_t> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back(RunClient, i, seed, total, std::ref(servers),
                         context.get(), std::ref(next), std::ref(payloads),
                         std::ref(ledger));
  }
  for (std::thread& client : clients) client.join();
  ASSERT_THAT(ledger.errors, ::testing::IsEmpty());

  // A client that left is a session the server closes on its own time; the
  // fates are final once every session is closed.
  std::vector<ReceivedMessage> stored;
  for (Mode mode : kModes) {
    Server& server = servers[mode];
    ASSERT_TRUE(
        server.WaitForSessionsClosed(ledger.connections[static_cast<int>(mode)],
                                     ScaledTimeout(std::chrono::seconds(60))));
    for (ReceivedMessage& message : server.Messages()) {
      stored.push_back(std::move(message));
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  std::size_t acknowledged = 0, dot_sent_left = 0, stored_unacknowledged = 0;
  for (Fate fate : ledger.fates) {
    acknowledged += fate == Fate::kAcknowledged;
    dot_sent_left += fate == Fate::kDotSentLeft;
  }
  std::vector<int> times_stored(total, 0);
  for (const ReceivedMessage& message : stored) {
    const std::size_t id = SoakId(message.data());
    ASSERT_LT(id, total) << "a message without a valid X-Soak-Id:\n"
                         << message.data().substr(0, 200);
    if (++times_stored[id] > 1) {
      ADD_FAILURE() << "id " << id << " stored twice";
      continue;
    }
    switch (ledger.fates[id]) {
      case Fate::kNotSent:
        ADD_FAILURE() << "id " << id
                      << " stored, but its final \".\" was never sent";
        break;
      case Fate::kDotSentLeft:
        ++stored_unacknowledged;
        break;
      case Fate::kAcknowledged:
        break;
    }
    EXPECT_EQ(message.data(), payloads[id].stored) << "id " << id;
  }
  for (std::size_t id = 0; id < total; ++id) {
    if (ledger.fates[id] == Fate::kAcknowledged && times_stored[id] == 0) {
      ADD_FAILURE() << "id " << id << " acknowledged with 250 but lost";
    }
  }
  EXPECT_EQ(acknowledged, stored.size() - stored_unacknowledged);

  std::size_t sessions = 0;
  for (std::size_t n : ledger.connections) sessions += n;
  std::cout << "[soak] seed " << seed << ": " << total << " messages, "
            << acknowledged << " acknowledged, " << dot_sent_left
            << " left after the final dot (" << stored_unacknowledged
            << " of them stored), " << stored.size() << " stored, " << sessions
            << " sessions, in " << seconds << " s ("
            << static_cast<long>(static_cast<double>(stored.size()) / seconds)
            << " stored messages/s)\n";
  RecordProperty(
      "messages_per_second",
      static_cast<int>(static_cast<double>(stored.size()) / seconds));
}

}  // namespace
}  // namespace smtpfixture
