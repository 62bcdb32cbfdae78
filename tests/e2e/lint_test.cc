// The message lint against real mailers: every message that Python's email
// package, nodemailer's shapes and the MIME corpus produce must arrive with
// no violation at all, message or session. Plus the links of a newsletter
// sent by smtplib, as a password-reset test reads them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"

namespace smtpfixture::e2e {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// The corpus files that are malformed on purpose, each with what it breaks
// (their .expected lists the codes).
const std::vector<std::string> kMalformedCorpus = {
    "malformed_bad_encodings",           // bad base64 and quoted-printable
    "malformed_headers",                 // no separator, 8-bit, no From/Date
    "malformed_missing_final_boundary",  // a multipart never closed
    "malformed_nested_unclosed",         // an inner multipart never closed
    "malformed_no_boundary",             // multipart without a boundary
};

class LintRealMailersTest : public ClientTest {
 protected:
  // Runs real_mailers.py with `args`, waits for what it sent and checks that
  // every message and session is clean; records the counts.
  void ExpectNoViolations(const std::vector<std::string>& args) {
    const ProcessResult result = PythonMailers(args);
    ASSERT_EQ(result.exit_code, 0) << result.Describe();
    const int sent = std::stoi("0" + KeyValues(result.out).Get("sent"));
    ASSERT_GT(sent, 0) << result.Describe();
    ASSERT_TRUE(AwaitMessages(server(), static_cast<std::size_t>(sent)));

    int false_positives = 0;
    for (const ReceivedMessage& message : server().Messages()) {
      const bool clean = ::testing::Value(message, HasNoViolations());
      if (!clean) ++false_positives;
      EXPECT_THAT(message, HasNoViolations())
          << "message "
          << message.Header("X-Lint-Name").value_or(message.Subject());
    }
    for (const Session& session : server().Sessions()) {
      EXPECT_THAT(session, HasNoViolations());
    }
    EXPECT_EQ(false_positives, 0);
    RecordProperty("messages_checked", sent);
    RecordProperty("false_positives", false_positives);
    std::cout << "[ lint     ] " << sent << " messages checked, "
              << false_positives << " with violations\n";
  }
};

TEST_F(LintRealMailersTest, PythonEmailPackageMessagesAreClean) {
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  ExpectNoViolations({"--kind", "python"});
}

TEST_F(LintRealMailersTest, NodemailerShapedMessagesAreClean) {
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  ExpectNoViolations({"--kind", "nodemailer"});
}

TEST_F(LintRealMailersTest, EveryWellFormedCorpusMessageIsClean) {
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  std::vector<std::string> args = {"--kind", "corpus", "--dir",
                                   SMTPFIXTURE_TEST_DATA_DIR "/mime"};
  for (const std::string& name : kMalformedCorpus) {
    args.push_back("--skip");
    args.push_back(name);
  }
  ExpectNoViolations(args);
}

class LinksEndToEndTest : public ClientTest {};

// "The password-reset test in one line": smtplib sends an HTML newsletter
// whose long link Python's email package wraps with quoted-printable soft
// line breaks; the link arrives whole.
TEST_F(LinksEndToEndTest, PythonNewsletterLinkArrivesWhole) {
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  const ProcessResult result = PythonMailers({"--kind", "newsletter"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  std::string url = "https://example.com/reset?token=";
  for (int i = 0; i < 6; ++i) url += "0123456789abcdef";
  url += "&user=bob%40example.net";
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  // On the wire the 96-character token cannot fit a quoted-printable line
  // (76 at most): soft line breaks cut it, in both parts.
  EXPECT_THAT(messages[0], HasData(HasSubstr("quoted-printable")));
  EXPECT_THAT(messages[0],
              Not(HasData(HasSubstr(url.substr(url.find("token=") + 6, 96)))));
  EXPECT_THAT(messages[0], HasLink(HasSubstr("token=")));
  // The HTML part's href (with &amp; decoded), then the text part's URL.
  EXPECT_THAT(messages[0].Links(), ElementsAre(url, url));
  EXPECT_THAT(messages[0], HasNoViolations());
}

}  // namespace
}  // namespace smtpfixture::e2e
