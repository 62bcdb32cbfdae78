// Malformed and hostile input: ParseMessage never crashes, never hangs and
// still gives its best reading.
#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fixture/mime/mime.h"

namespace smtpfixture::detail {
namespace {

using ::testing::Contains;
using ::testing::Field;
using ::testing::Optional;
using ::testing::SizeIs;

constexpr char kCorpusDir[] = SMTPFIXTURE_TEST_DATA_DIR "/mime";

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> paths;
  if (DIR* dir = opendir(kCorpusDir)) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name.size() > 4 && name.substr(name.size() - 4) == ".eml") {
        paths.push_back(std::string(kCorpusDir) + "/" + name);
      }
    }
    closedir(dir);
  }
  return paths;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Everything a user can ask for, so that every code path runs.
std::size_t Touch(const ParsedMessage& parsed) {
  std::size_t n = parsed.headers.size() + parsed.violations.size();
  for (const HeaderField& field : parsed.headers) {
    n += DecodeHeaderValue(field.value).size();
    n += ParseAddressList(field.value).size();
  }
  n += parsed.text_body.value_or("").size() +
       parsed.html_body.value_or("").size();
  for (const Attachment& a : parsed.attachments) {
    n += a.filename.size() + a.content.size() + a.content_type.size();
  }
  return n;
}

TEST(MimeRobustnessTest, EveryPrefixOfEveryCorpusMessage) {
  const std::vector<std::string> files = CorpusFiles();
  ASSERT_THAT(files, ::testing::Not(::testing::IsEmpty()));
  std::size_t total = 0;
  for (const std::string& path : files) {
    const std::string data = ReadFile(path);
    // Every length would be slow for the bigger files; 500 cuts spread
    // over the message cover every part boundary region well enough.
    const std::size_t step = data.size() / 500 + 1;
    for (std::size_t n = 0; n <= data.size(); n += step) {
      total += Touch(ParseMessage(std::string_view(data).substr(0, n)));
    }
  }
  EXPECT_GT(total, 0u);
}

TEST(MimeRobustnessTest, TruncatedMultipartStillGivesWhatItHas) {
  const std::string message =
      "From: a@example.com\r\nDate: x\r\n"
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
      "--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: "
      "base64\r\n"
      "\r\nJVBERi0x";
  ParsedMessage parsed = ParseMessage(message);
  EXPECT_THAT(parsed.text_body, Optional(std::string("first")));
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content, "%PDF-1");
  EXPECT_THAT(parsed.violations,
              Contains(Field(&Violation::code, "missing-final-boundary")));
}

TEST(MimeRobustnessTest, TenThousandLevelsOfNesting) {
  std::string message = "From: a@example.com\r\nDate: x\r\n";
  for (int i = 0; i < 10000; ++i) {
    message += "Content-Type: multipart/mixed; boundary=\"b" +
               std::to_string(i) + "\"\r\n\r\n--b" + std::to_string(i) + "\r\n";
  }
  message += "\r\ndeep\r\n";
  for (int i = 9999; i >= 0; --i)
    message += "--b" + std::to_string(i) + "--\r\n";
  ParsedMessage parsed = ParseMessage(message);
  EXPECT_THAT(parsed.violations,
              Contains(Field(&Violation::code, "nesting-too-deep")));
  EXPECT_EQ(parsed.text_body, std::nullopt);
}

TEST(MimeRobustnessTest, TenThousandLevelsWithTheSameBoundary) {
  std::string message = "From: a@example.com\r\nDate: x\r\n";
  for (int i = 0; i < 10000; ++i) {
    message += "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n";
  }
  ParsedMessage parsed = ParseMessage(message);
  EXPECT_THAT(parsed.violations,
              Contains(Field(&Violation::code, "missing-final-boundary")));
}

TEST(MimeRobustnessTest, ManyTinyParts) {
  std::string message =
      "From: a@example.com\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
      "Message-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; "
      "boundary=b\r\n\r\n";
  for (int i = 0; i < 20000; ++i) {
    message += "--b\r\nContent-Type: image/gif\r\n\r\nx\r\n";
  }
  message += "--b--\r\n";
  ParsedMessage parsed = ParseMessage(message);
  EXPECT_THAT(parsed.attachments, SizeIs(20000));
  EXPECT_TRUE(parsed.violations.empty());
}

TEST(MimeRobustnessTest, HostileHeaders) {
  std::string message = "From: a@example.com\r\nDate: x\r\nSubject: ";
  for (int i = 0; i < 20000; ++i) message += "=?utf-8?q?a?= =?";
  message += "\r\nTo: ";
  for (int i = 0; i < 20000; ++i) message += "((((\"<<[";
  message += "\r\nContent-Type: multipart/mixed; ";
  for (int i = 0; i < 5000; ++i) {
    message += "x*" + std::to_string(i) + "*=%; ";
  }
  // Many distinct RFC 2231 names: merging them must not be quadratic.
  for (int i = 0; i < 50000; ++i) {
    message += "p" + std::to_string(i) + "*=utf-8''%41; ";
  }
  message += "boundary=\"" + std::string(5000, '-') + "\"\r\n\r\n";
  message += std::string(200000, '-') + "\r\n";
  ParsedMessage parsed = ParseMessage(message);
  EXPECT_THAT(parsed.headers, SizeIs(5));
  EXPECT_GT(DecodeHeaderValue(parsed.headers[2].value).size(), 20000u);
  EXPECT_LE(ParseAddressList(parsed.headers[3].value).size(), 1u);
}

TEST(MimeRobustnessTest, RandomMutationsOfTheCorpus) {
  const std::vector<std::string> files = CorpusFiles();
  ASSERT_THAT(files, ::testing::Not(::testing::IsEmpty()));
  // A fixed seed: a failure must be reproducible.
  std::mt19937 random(20240601);
  const char kInteresting[] = {'\r', '\n', '-', '=',    '?',    '"',  '(',
                               ')',  '<',  '>', ';',    ':',    '\\', '%',
                               '*',  '\'', ' ', '\x80', '\xFF', '\0'};
  std::size_t total = 0;
  for (const std::string& path : files) {
    const std::string original = ReadFile(path);
    if (original.empty()) continue;
    for (int round = 0; round < 40; ++round) {
      std::string data = original;
      const int edits = 1 + static_cast<int>(random() % 16);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = random() % data.size();
        switch (random() % 4) {
          case 0:
            data[at] = static_cast<char>(random() % 256);
            break;
          case 1:
            data[at] = kInteresting[random() % sizeof(kInteresting)];
            break;
          case 2:
            data.erase(at, random() % 64);
            break;
          default:
            data.insert(at,
                        data.substr(random() % data.size(), random() % 128));
        }
        if (data.empty()) data = "x";
      }
      total += Touch(ParseMessage(data));
    }
  }
  EXPECT_GT(total, 0u);
}

TEST(MimeRobustnessTest, RandomBytes) {
  std::mt19937 random(7);
  std::size_t total = 0;
  for (int round = 0; round < 300; ++round) {
    std::string data(random() % 2048, '\0');
    for (char& c : data) c = static_cast<char>(random() % 256);
    total += Touch(ParseMessage(data)) + 1;
  }
  EXPECT_GT(total, 0u);
}

// Big attachments: decoded exactly, and the reader copies each at most a
// couple of times (timing itself is measured by the benchmark).
TEST(MimeRobustnessTest, LargeMessageWithFiveAttachments) {
  std::string payload(3 * 1024 * 1024, '\0');
  std::mt19937 random(1);
  for (char& c : payload) c = static_cast<char>(random() % 256);
  std::string encoded;
  {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t line = 0;
    for (std::size_t i = 0; i < payload.size(); i += 3) {
      std::uint32_t bits = static_cast<unsigned char>(payload[i]) << 16;
      if (i + 1 < payload.size())
        bits |= static_cast<unsigned char>(payload[i + 1]) << 8;
      if (i + 2 < payload.size())
        bits |= static_cast<unsigned char>(payload[i + 2]);
      encoded += kAlphabet[(bits >> 18) & 63];
      encoded += kAlphabet[(bits >> 12) & 63];
      encoded += i + 1 < payload.size() ? kAlphabet[(bits >> 6) & 63] : '=';
      encoded += i + 2 < payload.size() ? kAlphabet[bits & 63] : '=';
      if (++line == 19) {
        encoded += "\r\n";
        line = 0;
      }
    }
  }
  std::string message =
      "From: a@example.com\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
      "Message-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; "
      "boundary=\"----=_Part_0\"\r\n\r\n------=_Part_0\r\n\r\nbody\r\n";
  for (int i = 0; i < 5; ++i) {
    message +=
        "------=_Part_0\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment; filename=\"f" +
        std::to_string(i) +
        ".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded +
        "\r\n";
  }
  message += "------=_Part_0--\r\n";
  const auto start = std::chrono::steady_clock::now();
  ParsedMessage parsed = ParseMessage(message);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_THAT(parsed.attachments, SizeIs(5));
  for (const Attachment& a : parsed.attachments) {
    ASSERT_EQ(a.content.size(), payload.size());
    EXPECT_TRUE(a.content == payload);
  }
  EXPECT_TRUE(parsed.violations.empty());
  RecordProperty(
      "parse_ms",
      static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)
              .count()));
}

}  // namespace
}  // namespace smtpfixture::detail
