// Differential test of the MIME reader: tests/e2e/mime_differential.py makes
// varied messages with Python's email package, sends them to a real Server
// with smtplib and writes Python's own reading of each; what ReceivedMessage
// reads from the stored data must be the same, field by field.
//
// The seed is fixed so that a failure reproduces; set
// SMTPFIXTURE_DIFFERENTIAL_SEED (and _COUNT) to explore others.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fixture/base/base64.h"
#include "smtpfixture/message.h"
#include "smtpfixture/server.h"
#include "tests/support/expected_format.h"
#include "tests/support/run_process.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::Fnv1a64;
using ::smtpfixture::testing::SplitSpaces;
using ::smtpfixture::testing::Unbase64;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Python's reading, in the line format of tests/data/mime/generate.py,
// turned into the same strings Ours() makes from a ReceivedMessage.
std::vector<std::string> Expected(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = SplitSpaces(line);
    if (f[0] == "subject" && f.size() == 2) {
      lines.push_back("subject: " + Unbase64(f[1]));
    } else if (f[0] == "address" && f.size() == 4) {
      lines.push_back(f[1] + ": \"" + Unbase64(f[2]) + "\" <" + Unbase64(f[3]) +
                      ">");
    } else if ((f[0] == "text" || f[0] == "html") && f.size() == 2) {
      lines.push_back(f[0] + ": " + (f[1] == "-" ? "(none)" : Unbase64(f[1])));
    } else if (f[0] == "attachment" && f.size() == 7) {
      lines.push_back("attachment: \"" + Unbase64(f[1]) + "\" " + f[2] + " " +
                      f[3] + " bytes " + f[4] + " cid \"" + Unbase64(f[5]) +
                      "\" inline " + f[6]);
    } else if (f[0] == "violation" && f.size() == 2) {
      lines.push_back("violation: " + f[1]);
    } else {
      ADD_FAILURE() << "unreadable line: " << line;
    }
  }
  return lines;
}

std::vector<std::string> Ours(const ReceivedMessage& message) {
  std::vector<std::string> lines;
  lines.push_back("subject: " + message.Subject());
  for (const char* header : {"from", "to", "cc", "reply-to"}) {
    for (const Address& a : message.Addresses(header)) {
      lines.push_back(std::string(header) + ": \"" + a.display_name + "\" <" +
                      a.address + ">");
    }
  }
  lines.push_back("text: " + message.TextBody().value_or("(none)"));
  lines.push_back("html: " + message.HtmlBody().value_or("(none)"));
  for (const Attachment& a : message.Attachments()) {
    lines.push_back("attachment: \"" + a.filename + "\" " + a.content_type +
                    " " + std::to_string(a.content.size()) + " bytes " +
                    Fnv1a64(a.content) + " cid \"" + a.content_id +
                    "\" inline " + (a.is_inline ? "1" : "0"));
  }
  for (const Violation& v : message.MimeViolations()) {
    lines.push_back("violation: " + v.code);
  }
  return lines;
}

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

TEST(MimeDifferentialTest, ReadsWhatPythonReads) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const int seed = EnvInt("SMTPFIXTURE_DIFFERENTIAL_SEED", 1);
  const int count = EnvInt("SMTPFIXTURE_DIFFERENTIAL_COUNT", 200);

  ServerOptions options;
  options.tls = TlsPolicy::kNone;
  Server server(options);
  server.Start();

  const std::filesystem::path out =
      std::filesystem::path(::testing::TempDir()) /
      ("mime_differential_" + std::to_string(seed));
  std::filesystem::remove_all(out);
  const testing::ProcessResult result = testing::RunProcess(
      {"python3",
       std::string(SMTPFIXTURE_SOURCE_DIR) + "/tests/e2e/mime_differential.py",
       "--port", std::to_string(server.Port()), "--count",
       std::to_string(count), "--seed", std::to_string(seed), "--out",
       out.string()},
      "", std::chrono::seconds(120));
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(server.WaitForMessages(static_cast<std::size_t>(count)));

  const std::vector<ReceivedMessage> messages = server.Messages();
  ASSERT_EQ(messages.size(), static_cast<std::size_t>(count));
  int differing = 0;
  for (const ReceivedMessage& message : messages) {
    const std::optional<std::string> index =
        message.Header("X-Differential-Index");
    ASSERT_TRUE(index.has_value()) << "message " << message.id();
    const std::filesystem::path expected_path = out / (*index + ".expected");
    const std::vector<std::string> expected = Expected(ReadFile(expected_path));
    ASSERT_FALSE(expected.empty()) << expected_path;
    // One failure per message, naming the file to look at, is enough.
    EXPECT_EQ(Ours(message), expected)
        << "message " << *index << " (seed " << seed << "): see "
        << (out / (*index + ".eml")) << " and " << expected_path;
    if (Ours(message) != expected) ++differing;
  }
  server.Stop();
  // Keep the files of a failing run for inspection.
  if (differing == 0) std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace smtpfixture
