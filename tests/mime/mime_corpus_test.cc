// Every tests/data/mime/NAME.eml read through ReceivedMessage must give what
// NAME.expected says: Python's reading for the generated messages (see
// generate.py there), hand-written expectations for the malformed ones.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fixture/base/base64.h"
#include "fixture/message/message_record.h"
#include "smtpfixture/message.h"
#include "tests/support/expected_format.h"

namespace smtpfixture::detail {
namespace {

using ::smtpfixture::testing::Fnv1a64;
using ::smtpfixture::testing::SplitSpaces;
using ::smtpfixture::testing::Unbase64;

constexpr char kCorpusDir[] = SMTPFIXTURE_TEST_DATA_DIR "/mime";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> CorpusNames() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(kCorpusDir)) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".eml") {
        names.push_back(name.substr(0, name.size() - 4));
      }
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What one .expected file says, in the order the reader must give it.
struct Expected {
  std::string subject;
  std::vector<std::string> addresses;  // "header|name|address"
  std::optional<std::string> text;
  std::optional<std::string> html;
  std::vector<std::string> attachments;  // "name|type|size|hash|cid|inline"
  std::vector<std::string> violations;
};

Expected ReadExpected(const std::string& path) {
  Expected expected;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = SplitSpaces(line);
    const std::string& kind = f[0];
    if (kind == "subject" && f.size() == 2) {
      expected.subject = Unbase64(f[1]);
    } else if (kind == "address" && f.size() == 4) {
      expected.addresses.push_back(f[1] + "|" + Unbase64(f[2]) + "|" +
                                   Unbase64(f[3]));
    } else if ((kind == "text" || kind == "html") && f.size() == 2) {
      std::optional<std::string> body;
      if (f[1] != "-") body = Unbase64(f[1]);
      (kind == "text" ? expected.text : expected.html) = body;
    } else if (kind == "attachment" && f.size() == 7) {
      expected.attachments.push_back(Unbase64(f[1]) + "|" + f[2] + "|" + f[3] +
                                     "|" + f[4] + "|" + Unbase64(f[5]) + "|" +
                                     f[6]);
    } else if (kind == "violation" && f.size() == 2) {
      expected.violations.push_back(f[1]);
    } else {
      ADD_FAILURE() << path << ": unreadable line: " << line;
    }
  }
  return expected;
}

class MimeCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MimeCorpusTest, ReadsAsExpected) {
  const std::string base = std::string(kCorpusDir) + "/" + GetParam();
  const Expected expected = ReadExpected(base + ".expected");
  auto record = std::make_shared<MessageRecord>();
  record->data = ReadFile(base + ".eml");
  ASSERT_FALSE(record->data.empty());
  const ReceivedMessage message(record);

  EXPECT_EQ(message.Subject(), expected.subject);
  std::vector<std::string> addresses;
  for (const char* header : {"from", "to", "cc", "reply-to"}) {
    for (const Address& a : message.Addresses(header)) {
      addresses.push_back(std::string(header) + "|" + a.display_name + "|" +
                          a.address);
    }
  }
  EXPECT_EQ(addresses, expected.addresses);
  EXPECT_EQ(message.TextBody(), expected.text);
  EXPECT_EQ(message.HtmlBody(), expected.html);
  std::vector<std::string> attachments;
  for (const Attachment& a : message.Attachments()) {
    attachments.push_back(a.filename + "|" + a.content_type + "|" +
                          std::to_string(a.content.size()) + "|" +
                          Fnv1a64(a.content) + "|" + a.content_id + "|" +
                          (a.is_inline ? "1" : "0"));
  }
  EXPECT_EQ(attachments, expected.attachments);
  std::vector<std::string> violations;
  for (const Violation& v : message.MimeViolations()) {
    violations.push_back(v.code);
  }
  EXPECT_EQ(violations, expected.violations);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, MimeCorpusTest, ::testing::ValuesIn(CorpusNames()),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
      return param_info.param;
    });

TEST(MimeCorpusSizeTest, CorpusIsThere) {
  EXPECT_GE(CorpusNames().size(), 20u);
}

}  // namespace
}  // namespace smtpfixture::detail
