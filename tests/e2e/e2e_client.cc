#include "tests/e2e/e2e_client.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "tests/support/raw_client.h"

namespace smtpfixture::e2e {
namespace {

using ::smtpfixture::testing::RunProcess;

// Every client gets this long; a healthy exchange takes milliseconds.
constexpr std::chrono::seconds kClientTimeout{20};

std::string TimeoutSeconds() {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                            ScaledTimeout(kClientTimeout))
                            .count());
}

void InitCurlOnce() {
  // curl_global_init is not thread-safe and must run before any handle is
  // made; the tests never call libcurl from two threads at once.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The state of one libcurl transfer, kept alive until it finishes.
struct Transfer {
  const LibcurlRequest* request = nullptr;
  CURL* easy = nullptr;
  curl_slist* recipients = nullptr;
  curl_slist* resolve = nullptr;
  std::size_t offset = 0;  // how much of the message curl has read
  char error[CURL_ERROR_SIZE] = "";
  LibcurlResult result;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(recipients);
    curl_slist_free_all(resolve);
  }
};

std::size_t ReadMessage(char* buffer, std::size_t size, std::size_t count,
                        void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string& message = transfer->request->message;
  const std::size_t n =
      std::min(size * count, message.size() - transfer->offset);
  message.copy(buffer, n, transfer->offset);
  transfer->offset += n;
  return n;
}

int Trace(CURL* /*easy*/, curl_infotype type, char* data, std::size_t size,
          void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const char* prefix = type == CURLINFO_TEXT         ? "* "
                       : type == CURLINFO_HEADER_IN  ? "< "
                       : type == CURLINFO_HEADER_OUT ? "> "
                                                     : nullptr;
  // Only the dialogue and curl's notes; data and TLS records are noise.
  if (prefix != nullptr) {
    transfer->result.log += prefix;
    transfer->result.log.append(data, size);
  }
  return 0;
}

void Configure(Transfer& transfer, std::uint16_t port) {
  const LibcurlRequest& request = *transfer.request;
  CURL* easy = transfer.easy;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  // The URL names localhost (so SNI and hostname checks see it); the server
  // listens on 127.0.0.1 only.
  transfer.resolve = curl_slist_append(
      nullptr, ("localhost:" + std::to_string(port) + ":127.0.0.1").c_str());
  curl_easy_setopt(easy, CURLOPT_RESOLVE, transfer.resolve);
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, request.from.c_str());
  for (const std::string& recipient : request.recipients) {
    transfer.recipients =
        curl_slist_append(transfer.recipients, recipient.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, transfer.recipients);
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, &ReadMessage);
  curl_easy_setopt(easy, CURLOPT_READDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.message.size()));
  curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(request.use_ssl));
  curl_easy_setopt(easy, CURLOPT_SSLVERSION, request.ssl_version);
  if (!request.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, request.ca_file.c_str());
  }
  if (!request.cert_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLCERT, request.cert_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSLKEY, request.key_file.c_str());
  }
  if (!request.user.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, request.user.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, request.password.c_str());
  }
  if (!request.login_options.empty()) {
    curl_easy_setopt(easy, CURLOPT_LOGIN_OPTIONS,
                     request.login_options.c_str());
  }
  if (!request.bearer.empty()) {
    curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, request.bearer.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);
  curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &Trace);
  curl_easy_setopt(easy, CURLOPT_DEBUGDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(ScaledTimeout(kClientTimeout).count()));
}

// The interpreter behind `python3` in PATH, found once: a version manager's
// shim (pyenv) costs hundreds of milliseconds on every start.
const std::string& Python() {
  static const std::string python = [] {
    const ProcessResult result =
        RunProcess({"python3", "-c", "import sys; print(sys.executable)"}, "",
                   std::chrono::seconds(30));
    std::string path = result.out.substr(0, result.out.find('\n'));
    return result.exit_code == 0 && !path.empty() ? path
                                                  : std::string("python3");
  }();
  return python;
}

}  // namespace

std::string ClientScript(const std::string& name) {
  return std::string(SMTPFIXTURE_SOURCE_DIR) + "/tests/e2e/clients/" + name;
}

KeyValues::KeyValues(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    values_.emplace(line.substr(0, equals), line.substr(equals + 1));
  }
}

std::string KeyValues::Get(const std::string& key) const {
  const auto found = values_.find(key);
  return found == values_.end() ? std::string() : found->second;
}

std::vector<std::string> KeyValues::All(const std::string& key) const {
  std::vector<std::string> all;
  const auto range = values_.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    all.push_back(it->second);
  }
  return all;
}

TempFile::TempFile(const std::string& stem, const std::string& content) {
  static std::atomic<int> counter{0};
  path_ = ::testing::TempDir() + "smtpfixture-e2e-" + std::to_string(getpid()) +
          "-" + std::to_string(++counter) + "-" + stem;
  std::ofstream out(path_, std::ios::binary);
  out << content;
  if (!out.flush()) ADD_FAILURE() << "cannot write " << path_;
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

std::string LibcurlResult::Describe() const {
  return "CURLcode " + std::to_string(code) + " (" + curl_easy_strerror(code) +
         "), last reply " + std::to_string(response_code) + ", error \"" +
         error + "\"\n--- trace ---\n" + log.substr(0, 6000);
}

std::vector<LibcurlResult> SendWithLibcurl(
    const std::vector<LibcurlRequest>& requests, std::uint16_t port) {
  InitCurlOnce();
  std::vector<std::unique_ptr<Transfer>> transfers;
  CURLM* multi = curl_multi_init();
  for (const LibcurlRequest& request : requests) {
    auto transfer = std::make_unique<Transfer>();
    transfer->request = &request;
    transfer->easy = curl_easy_init();
    Configure(*transfer, port);
    curl_multi_add_handle(multi, transfer->easy);
    transfers.push_back(std::move(transfer));
  }
  // Each easy handle has its own CURLOPT_TIMEOUT_MS, so this loop ends.
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi, &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    for (auto& transfer : transfers) {
      if (transfer->easy == message->easy_handle) {
        transfer->result.code = message->data.result;
      }
    }
  }
  std::vector<LibcurlResult> results;
  for (auto& transfer : transfers) {
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE,
                      &transfer->result.response_code);
    transfer->result.error = transfer->error;
    curl_multi_remove_handle(multi, transfer->easy);
    results.push_back(std::move(transfer->result));
  }
  transfers.clear();
  curl_multi_cleanup(multi);
  return results;
}

LibcurlResult SendWithLibcurl(const LibcurlRequest& request,
                              std::uint16_t port) {
  return SendWithLibcurl(std::vector<LibcurlRequest>{request}, port).front();
}

std::string ClientTest::CaFile() { return server().CaFile().string(); }

std::string ClientTest::Port() { return std::to_string(server().Port()); }

ProcessResult ClientTest::PythonSend(const std::vector<std::string>& args,
                                     const std::string& message) {
  std::vector<std::string> argv = {
      Python(), "-I",        ClientScript("smtp_send.py"),
      "--port", Port(),      "--cafile",
      CaFile(), "--timeout", TimeoutSeconds()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, message);
}

ProcessResult ClientTest::PythonMailers(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      Python(),        "-I",   ClientScript("real_mailers.py"),
      "--port",        Port(), "--timeout",
      TimeoutSeconds()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

ProcessResult ClientTest::PythonRaw(const std::string& mode,
                                    const std::vector<std::string>& args,
                                    const std::string& input) {
  std::vector<std::string> argv = {Python(),
                                   "-I",
                                   ClientScript("raw_smtp.py"),
                                   mode,
                                   "--port",
                                   Port(),
                                   "--cafile",
                                   CaFile(),
                                   "--timeout",
                                   TimeoutSeconds()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, input);
}

ProcessResult ClientTest::Curl(const std::vector<std::string>& args,
                               const std::string& input) {
  std::vector<std::string> argv = {
      "curl",       "--verbose",
      "--silent",   "--show-error",
      "--max-time", TimeoutSeconds(),
      "--resolve",  "localhost:" + Port() + ":127.0.0.1"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, input);
}

ProcessResult ClientTest::Swaks(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"swaks",         "--server", "127.0.0.1",
                                   "--port",        Port(),     "--timeout",
                                   TimeoutSeconds()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv);
}

ProcessResult ClientTest::OpenSslClient(const std::vector<std::string>& args,
                                        const std::string& input) {
  std::vector<std::string> argv = {"openssl", "s_client", "-connect",
                                   "127.0.0.1:" + Port()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(argv, input);
}

}  // namespace smtpfixture::e2e
