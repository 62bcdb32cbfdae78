// Real SMTP clients for the end-to-end tests: Python's smtplib (scripts in
// tests/e2e/clients/), the curl command line, libcurl, swaks and
// `openssl s_client`, each pointed at the fixture's server.
//
// Every client runs with a bounded timeout (scaled by
// SMTPFIXTURE_TIMEOUT_MULTIPLIER) and verifies certificates against the
// server's CA unless a test says otherwise.
#ifndef SMTPFIXTURE_TESTS_E2E_E2E_CLIENT_H_
#define SMTPFIXTURE_TESTS_E2E_E2E_CLIENT_H_

#include <curl/curl.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/support/run_process.h"

namespace smtpfixture::e2e {

using ::smtpfixture::testing::ProcessResult;

// The path of a script in tests/e2e/clients/.
std::string ClientScript(const std::string& name);

// The "key=value" lines a client script prints.
class KeyValues {
 public:
  explicit KeyValues(const std::string& text);
  // The first value of `key`, or "" if there is none.
  std::string Get(const std::string& key) const;
  // Every value of `key`, in order.
  std::vector<std::string> All(const std::string& key) const;

 private:
  std::multimap<std::string, std::string> values_;
};

// A file under ::testing::TempDir() with the given content, removed when
// this goes out of scope.
class TempFile {
 public:
  TempFile(const std::string& stem, const std::string& content);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One message sent through libcurl's easy interface.
struct LibcurlRequest {
  std::string url;  // server().Url() unless the test wants another scheme
  std::string from = "a@example.com";
  std::vector<std::string> recipients = {"b@example.com"};
  std::string message =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: libcurl\r\n\r\n"
      "Hello from libcurl\r\n";
  std::string ca_file;  // CURLOPT_CAINFO when not empty
  curl_usessl use_ssl = CURLUSESSL_NONE;
  long ssl_version = CURL_SSLVERSION_DEFAULT;
  std::string cert_file, key_file;  // a client certificate
  std::string user, password, login_options, bearer;
};

struct LibcurlResult {
  CURLcode code = CURLE_FAILED_INIT;
  long response_code = 0;  // the last SMTP reply code curl saw
  std::string error;       // CURLOPT_ERRORBUFFER
  std::string log;         // the verbose trace: "< 250 ...", "> MAIL ..."
  std::string Describe() const;
};

// Sends each request on its own connection; all at once through one
// curl_multi handle, so the connections are open in parallel.
std::vector<LibcurlResult> SendWithLibcurl(
    const std::vector<LibcurlRequest>& requests, std::uint16_t port);
LibcurlResult SendWithLibcurl(const LibcurlRequest& request,
                              std::uint16_t port);

// The fixture for every end-to-end test: a server (configured by Options(),
// as SmtpServerTest documents) and one runner per client program, each with
// the server's port and CA already filled in.
class ClientTest : public SmtpServerTest {
 protected:
  // python3 smtp_send.py --port P --cafile CA <args>; `message` on stdin.
  ProcessResult PythonSend(const std::vector<std::string>& args,
                           const std::string& message = "");
  // python3 raw_smtp.py <mode> --port P --cafile CA <args>.
  ProcessResult PythonRaw(const std::string& mode,
                          const std::vector<std::string>& args = {},
                          const std::string& input = "");
  // python3 real_mailers.py --port P <args>: messages as real mailers write
  // them (Python's email package, nodemailer's shapes, a corpus directory).
  ProcessResult PythonMailers(const std::vector<std::string>& args);
  // curl -v --silent --show-error, resolving localhost to the server's
  // address; the URL and everything else come from `args`.
  ProcessResult Curl(const std::vector<std::string>& args,
                     const std::string& input = "");
  // swaks --server 127.0.0.1 --port P <args>.
  ProcessResult Swaks(const std::vector<std::string>& args);
  // openssl s_client -connect 127.0.0.1:P <args>, `input` on stdin.
  ProcessResult OpenSslClient(const std::vector<std::string>& args,
                              const std::string& input);

  std::string CaFile();
  std::string Port();
};

}  // namespace smtpfixture::e2e

#endif  // SMTPFIXTURE_TESTS_E2E_E2E_CLIENT_H_
