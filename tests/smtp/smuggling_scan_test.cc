// The end-of-data look-alike scan alone (fixture/smtp/smuggling_scan.h),
// against a plain reference over whole strings, fed whole, byte by byte and
// in random pieces.
#include "fixture/smtp/smuggling_scan.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace smtpfixture::detail {
namespace {

// The reference: every line-start "." with its delimiters, the first to be
// complete (in stream order) that is not <CRLF>.<CRLF>.
std::optional<std::string> Reference(std::string_view s) {
  std::optional<std::string> best;
  std::size_t best_end = std::string_view::npos;
  for (std::size_t d = 0; d < s.size(); ++d) {
    if (s[d] != '.') continue;
    if (d > 0 && s[d - 1] != '\r' && s[d - 1] != '\n') continue;
    std::string prefix = "<CR><LF>";
    if (d > 0 && s[d - 1] == '\r') prefix = "<CR>";
    if (d > 0 && s[d - 1] == '\n' && (d < 2 || s[d - 2] != '\r')) {
      prefix = "<LF>";
    }
    std::string suffix;
    std::size_t end = 0;
    if (d + 1 < s.size() && s[d + 1] == '\n') {
      suffix = "<LF>";
      end = d + 1;
    } else if (d + 2 < s.size() && s[d + 1] == '\r') {
      suffix = s[d + 2] == '\n' ? "<CR><LF>" : "<CR>";
      end = d + 2;
    } else {
      continue;
    }
    if (prefix == "<CR><LF>" && suffix == "<CR><LF>") continue;
    if (end < best_end) {
      best_end = end;
      best = prefix + "." + suffix + " at octet " + std::to_string(d);
    }
  }
  return best;
}

TEST(SmugglingScanTest, AgreesWithTheReferenceHoweverSplit) {
  std::mt19937 random(7);
  const char alphabet[] = {'\r', '\n', '.', 'a'};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const std::size_t length = random() % 24;
    for (std::size_t i = 0; i < length; ++i) s += alphabet[random() % 4];
    const std::optional<std::string> expected = Reference(s);
    SmugglingScan whole;
    whole.Feed(s);
    ASSERT_EQ(whole.first(), expected) << ::testing::PrintToString(s);
    SmugglingScan pieces;
    std::string_view rest = s;
    while (!rest.empty()) {
      const std::size_t n =
          std::min<std::size_t>(rest.size(), 1 + random() % 4);
      pieces.Feed(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    ASSERT_EQ(pieces.first(), expected) << ::testing::PrintToString(s);
  }
}

TEST(SmugglingScanTest, LongCleanDataAroundALookAlike) {
  SmugglingScan scan;
  const std::string line(1000, 'x');
  for (int i = 0; i < 100; ++i) scan.Feed(line + "\r\n");
  EXPECT_FALSE(scan.first().has_value());
  scan.Feed(line + "\n.\r\n" + line);
  ASSERT_TRUE(scan.first().has_value());
  EXPECT_EQ(*scan.first(),
            "<LF>.<CR><LF> at octet " + std::to_string(100 * 1002 + 1000 + 1));
}

}  // namespace
}  // namespace smtpfixture::detail
