#include "fixture/smtp/data_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

auto IsViolation(const std::string& code, const std::string& detail) {
  return AllOf(Field(&Violation::code, code),
               Field(&Violation::detail, detail));
}

struct Decoded {
  std::size_t consumed = 0;
  bool finished = false;
  std::string data;
  std::uint64_t octets = 0;
  bool over_limit = false;
  bool bare = false;
  std::vector<Violation> violations;
};

// Feeds `input` in pieces of the given sizes (the last piece takes the rest),
// stopping where the decoder stops consuming.
Decoded DecodeSplit(std::string_view input,
                    const std::vector<std::size_t>& cuts,
                    DataDecoderOptions options = {}) {
  DataDecoder decoder(options);
  Decoded result;
  std::size_t pos = 0;
  std::size_t piece = 0;
  while (pos < input.size() && !decoder.finished()) {
    std::size_t n = piece < cuts.size() ? cuts[piece] : input.size() - pos;
    n = std::min(n, input.size() - pos);
    ++piece;
    const std::size_t used = decoder.FeedDotStuffed(input.substr(pos, n));
    result.consumed += used;
    if (used < n) break;  // the decoder stopped at the end of the data
    pos += n;
  }
  result.finished = decoder.finished();
  result.octets = decoder.octets();
  result.over_limit = decoder.over_limit();
  result.bare = decoder.saw_bare_line_ending();
  result.violations = decoder.violations();
  result.data = decoder.TakeData();
  return result;
}

std::string Describe(const Decoded& d) {
  std::string s = std::to_string(d.consumed) + (d.finished ? " F " : " - ") +
                  std::to_string(d.octets) + (d.over_limit ? " O " : " - ") +
                  (d.bare ? "B " : "- ") + "[" + d.data + "]";
  for (const Violation& v : d.violations) s += " " + v.code + "@" + v.detail;
  return s;
}

// Whole, one byte at a time, and a few random splits: all must agree.
Decoded Decode(std::string_view input, DataDecoderOptions options = {}) {
  const Decoded whole = DecodeSplit(input, {}, options);
  const Decoded bytewise =
      DecodeSplit(input, std::vector<std::size_t>(input.size(), 1), options);
  EXPECT_EQ(Describe(whole), Describe(bytewise)) << "input: " << input;
  std::mt19937 random(static_cast<unsigned>(input.size()));
  for (int round = 0; round < 5; ++round) {
    std::vector<std::size_t> cuts;
    for (std::size_t total = 0; total < input.size();) {
      const std::size_t n = 1 + random() % 7;
      cuts.push_back(n);
      total += n;
    }
    EXPECT_EQ(Describe(whole), Describe(DecodeSplit(input, cuts, options)))
        << "input: " << input;
  }
  return whole;
}

TEST(DataDecoderTest, StoresEverythingBeforeTheEndLine) {
  const Decoded d = Decode("Subject: hi\r\n\r\nBody\r\n.\r\n");
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "Subject: hi\r\n\r\nBody\r\n");
  EXPECT_EQ(d.octets, d.data.size());
  EXPECT_THAT(d.violations, IsEmpty());
}

TEST(DataDecoderTest, StopsRightAfterTheEndLine) {
  const std::string input = "a\r\n.\r\nQUIT\r\n";
  const Decoded d = Decode(input);
  EXPECT_EQ(d.consumed, input.size() - 6);
  EXPECT_EQ(d.data, "a\r\n");
}

TEST(DataDecoderTest, DotLineFirstIsAnEmptyMessage) {
  const Decoded d = Decode(".\r\n");
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "");
  EXPECT_EQ(d.consumed, 3u);
}

TEST(DataDecoderTest, WaitsForMore) {
  const Decoded d = Decode("a\r\n.\r");
  EXPECT_FALSE(d.finished);
  EXPECT_EQ(d.consumed, 5u);
  EXPECT_EQ(d.data, "a\r\n");  // the dot and CR are still undecided
}

TEST(DataDecoderTest, UnstuffsLeadingDots) {
  EXPECT_EQ(Decode("..\r\n.\r\n").data, ".\r\n");
  EXPECT_EQ(Decode("a\r\n..b\r\n...\r\n.\r\n").data, "a\r\n.b\r\n..\r\n");
  // RFC 5321 4.5.2: the first dot goes whatever follows it.
  EXPECT_EQ(Decode(".x\r\n.\r\n").data, "x\r\n");
  // A dot not at a line start stays.
  EXPECT_EQ(Decode("a.\r\n a\r\n.\r\n").data, "a.\r\n a\r\n");
}

TEST(DataDecoderTest, LfDotCrLfIsNotTheEnd) {
  const Decoded d = Decode("a\n.\r\nb\r\n.\r\n");
  EXPECT_TRUE(d.finished);
  // The LF is data and starts no line: the dot after it is not unstuffed.
  EXPECT_EQ(d.data, "a\n.\r\nb\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-lf", "line 1")));
  EXPECT_TRUE(d.bare);
}

TEST(DataDecoderTest, CrLfDotLfIsNotTheEnd) {
  const Decoded d = Decode("a\r\n.\nb\r\n.\r\n");
  EXPECT_TRUE(d.finished);
  // The line after the CRLF starts with a dot, which is unstuffed; the LF is
  // data.
  EXPECT_EQ(d.data, "a\r\n\nb\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-lf", "line 2")));
}

TEST(DataDecoderTest, LfDotLfIsNotTheEnd) {
  const Decoded d = Decode("a\n.\nb\r\n.\r\n");
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "a\n.\nb\r\n");
}

TEST(DataDecoderTest, CrDotCrIsNotTheEnd) {
  const Decoded d = Decode("a\r.\rb\r\n.\r\n");
  EXPECT_EQ(d.data, "a\r.\rb\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-cr", "line 1")));
}

TEST(DataDecoderTest, DotCrWithoutLfIsDataWithABareCr) {
  const Decoded d = Decode("a\r\n.\rx\r\n.\r\n");
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "a\r\n\rx\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-cr", "line 2")));
  EXPECT_EQ(Decode("a\r\n.\r\r\n.\r\n").data, "a\r\n\r\r\n");
}

TEST(DataDecoderTest, EndLineWithoutPrecedingCrLfNeedsItsOwnLine) {
  // "a.\r\n" is not an end line; only "." alone on a line is.
  const Decoded d = Decode("a.\r\n");
  EXPECT_FALSE(d.finished);
}

TEST(DataDecoderTest, KeepsBareCrAndLfBytes) {
  const Decoded d = Decode("x\ry\nz\r\r\n.\r\n");
  EXPECT_EQ(d.data, "x\ry\nz\r\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-cr", "line 1"),
                                        IsViolation("bare-lf", "line 1")));
}

TEST(DataDecoderTest, RecordsEachCodeOnce) {
  const Decoded d = Decode("a\nb\nc\rd\re\r\n.\r\n");
  ASSERT_EQ(d.violations.size(), 2u);
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("bare-lf", "line 1"),
                                        IsViolation("bare-cr", "line 3")));
}

TEST(DataDecoderTest, LineOf998OctetsIsFine) {
  const Decoded d = Decode(std::string(998, 'a') + "\r\n.\r\n");
  EXPECT_THAT(d.violations, IsEmpty());
}

TEST(DataDecoderTest, LineOf999OctetsIsTooLong) {
  const Decoded d = Decode("ok\r\n" + std::string(999, 'a') + "\r\n.\r\n");
  EXPECT_THAT(d.violations,
              ElementsAre(IsViolation("line-too-long", "line 2")));
}

TEST(DataDecoderTest, TrailingCrCountsOnlyWhenItIsNotPartOfCrLf) {
  // 998 octets, then a bare CR (999 octets of content), then CRLF.
  const Decoded d = Decode(std::string(998, 'a') + "\r\r\n.\r\n");
  EXPECT_THAT(d.violations,
              ElementsAre(IsViolation("bare-cr", "line 1"),
                          IsViolation("line-too-long", "line 1")));
}

TEST(DataDecoderTest, LongLineEndedByBareLf) {
  const Decoded d = Decode(std::string(1200, 'a') + "\nb\r\n.\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("line-too-long", "line 1"),
                                        IsViolation("bare-lf", "line 1")));
}

TEST(DataDecoderTest, ViolationOrderDoesNotDependOnSplits) {
  // Decode() checks every split gives the same order; this input puts two
  // checks into one line, in either order.
  Decode(std::string(1000, 'a') + "\x80\r\n.\r\n");
  Decode(std::string(10, 'a') + "\x80" + std::string(1000, 'a') + "\r\n.\r\n");
  const Decoded d = Decode(std::string(1000, 'a') + "\x80\r\n.\r\n");
  EXPECT_THAT(d.violations,
              ElementsAre(IsViolation("line-too-long", "line 1"),
                          IsViolation("8bit-without-8bitmime", "line 1")));
}

TEST(DataDecoderTest, EightBitWithoutDeclaration) {
  const Decoded d = Decode("a\r\nb\xC3\xA9\r\n\xff\r\n.\r\n");
  EXPECT_THAT(d.violations,
              ElementsAre(IsViolation("8bit-without-8bitmime", "line 2")));
  EXPECT_EQ(d.data, "a\r\nb\xC3\xA9\r\n\xff\r\n");
}

TEST(DataDecoderTest, EightBitDeclared) {
  DataDecoderOptions options;
  options.eight_bit_declared = true;
  EXPECT_THAT(Decode("b\xC3\xA9\r\n.\r\n", options).violations, IsEmpty());
}

TEST(DataDecoderTest, MessageOfExactlyTheLimitIsKept) {
  DataDecoderOptions options;
  options.max_message_bytes = 10;
  const Decoded exact = Decode("12345678\r\n.\r\n", options);
  EXPECT_FALSE(exact.over_limit);
  EXPECT_EQ(exact.octets, 10u);
  EXPECT_EQ(exact.data, "12345678\r\n");
}

TEST(DataDecoderTest, CountsUnstuffedOctets) {
  DataDecoderOptions options;
  options.max_message_bytes = 10;
  // 11 octets on the wire before the end line, 10 after unstuffing.
  const Decoded d = Decode(".12345678\r\n.\r\n", options);
  EXPECT_FALSE(d.over_limit);
  EXPECT_EQ(d.data, "12345678\r\n");
}

TEST(DataDecoderTest, OverTheLimitKeepsReadingAndStoresNothing) {
  DataDecoderOptions options;
  options.max_message_bytes = 10;
  const std::string input =
      "123456789\r\n" + std::string(5000, 'x') + "\r\n.\r\nNOOP\r\n";
  const Decoded d = Decode(input, options);
  EXPECT_TRUE(d.finished);
  EXPECT_TRUE(d.over_limit);
  EXPECT_EQ(d.data, "");
  EXPECT_EQ(d.octets, 11u + 5002u);
  EXPECT_EQ(d.consumed, input.size() - 6);
}

TEST(DataDecoderTest, BinaryIsTakenAsIs) {
  DataDecoder decoder({});
  decoder.FeedBinary("a\r\n.\r\n");
  decoder.FeedBinary("..\n\r");
  EXPECT_FALSE(decoder.finished());
  EXPECT_FALSE(decoder.saw_bare_line_ending());
  EXPECT_THAT(decoder.violations(), IsEmpty());
  EXPECT_EQ(decoder.octets(), 10u);
  EXPECT_EQ(decoder.TakeData(), "a\r\n.\r\n..\n\r");
}

TEST(DataDecoderTest, BinaryChecksEightBitAndLineLength) {
  DataDecoder decoder({});
  decoder.FeedBinary("x\n" + std::string(500, 'a'));
  decoder.FeedBinary(std::string(500, 'a') + "\xfe");
  EXPECT_THAT(decoder.violations(),
              ElementsAre(IsViolation("line-too-long", "line 2"),
                          IsViolation("8bit-without-8bitmime", "line 2")));
}

TEST(DataDecoderTest, BinaryMimeHasNoLines) {
  DataDecoderOptions options;
  options.eight_bit_declared = true;
  options.check_line_length = false;
  DataDecoder decoder(options);
  decoder.FeedBinary(std::string(5000, '\xff'));
  EXPECT_THAT(decoder.violations(), IsEmpty());
}

TEST(DataDecoderTest, BinaryLimit) {
  DataDecoderOptions options;
  options.max_message_bytes = 4;
  DataDecoder decoder(options);
  decoder.FeedBinary("ab");
  decoder.FeedBinary("cd");
  EXPECT_FALSE(decoder.over_limit());
  decoder.FeedBinary("e");
  EXPECT_TRUE(decoder.over_limit());
  EXPECT_EQ(decoder.TakeData(), "");
}

// The bulk scan stores whole clean lines at once and leaves everything else
// to the octet-wise path; these put its edges where it looks: a CR as the
// last octet of a piece, a dot as the first octet of the next, a check that
// fails in the middle of a run of clean lines.
TEST(DataDecoderTest, CrAtTheEndOfAPiece) {
  const Decoded d = DecodeSplit("ab\r\ncd\r\n.\r\n", {7});
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "ab\r\ncd\r\n");
  EXPECT_THAT(d.violations, IsEmpty());
  const Decoded bare = DecodeSplit("ab\r\ncd\rx\r\n.\r\n", {7});
  EXPECT_EQ(bare.data, "ab\r\ncd\rx\r\n");
  EXPECT_THAT(bare.violations, ElementsAre(IsViolation("bare-cr", "line 2")));
}

TEST(DataDecoderTest, DotAtTheStartOfAPiece) {
  const Decoded d = DecodeSplit("ab\r\ncd\r\n..e\r\n.\r\nQUIT\r\n", {8, 5});
  EXPECT_TRUE(d.finished);
  EXPECT_EQ(d.data, "ab\r\ncd\r\n.e\r\n");
  const Decoded end = DecodeSplit("ab\r\ncd\r\n.\r\nQUIT\r\n", {8});
  EXPECT_TRUE(end.finished);
  EXPECT_EQ(end.consumed, 11u);
  EXPECT_EQ(end.data, "ab\r\ncd\r\n");
}

std::string CleanLines(int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += "0123456789\r\n";
  return lines;
}

TEST(DataDecoderTest, EightBitInALongRunOfCleanLines) {
  const std::string content =
      CleanLines(100) + "caf\xC3\xA9\r\n" + CleanLines(100) + "\xff\r\n";
  const Decoded d = Decode(content + ".\r\n");
  EXPECT_EQ(d.data, content);
  EXPECT_THAT(d.violations,
              ElementsAre(IsViolation("8bit-without-8bitmime", "line 101")));
}

TEST(DataDecoderTest, TooLongLineInALongRunOfCleanLines) {
  const std::string content = CleanLines(50) + std::string(999, 'a') + "\r\n" +
                              CleanLines(50) + std::string(2000, 'b') +
                              "\r\n\n";
  const Decoded d = Decode(content + "\r\n.\r\n");
  EXPECT_EQ(d.data, content + "\r\n");
  EXPECT_THAT(d.violations, ElementsAre(IsViolation("line-too-long", "line 51"),
                                        IsViolation("bare-lf", "line 103")));
}

TEST(DataDecoderTest, LimitReachedInsideARunOfCleanLines) {
  DataDecoderOptions options;
  options.max_message_bytes = 100;
  const Decoded d = Decode(CleanLines(50) + ".\r\n", options);
  EXPECT_TRUE(d.finished);
  EXPECT_TRUE(d.over_limit);
  EXPECT_EQ(d.octets, 600u);
  EXPECT_EQ(d.data, "");
}

// Long inputs of mostly clean lines in pieces of up to 300 octets, so that
// the bulk scan sees many lines at once: the same result as one octet at a
// time.
TEST(DataDecoderTest, LongInputsAgreeAcrossLargePieces) {
  std::mt19937 random(4242);
  const char rare[] = {'\r', '\n', '.', '\x80'};
  for (int round = 0; round < 100; ++round) {
    std::string input;
    const int lines = static_cast<int>(random() % 40);
    for (int line = 0; line < lines; ++line) {
      const std::size_t length = random() % 3 == 0 ? random() % 1100 : 76;
      for (std::size_t i = 0; i < length; ++i) {
        input.push_back(random() % 200 == 0 ? rare[random() % sizeof rare]
                                            : 'a');
      }
      input += random() % 8 == 0 ? "\r\n." : "\r\n";
    }
    input += "\r\n.\r\n";
    DataDecoderOptions options;
    options.max_message_bytes = random() % 4 == 0 ? 5000 : 0;
    std::vector<std::size_t> cuts;
    for (std::size_t total = 0; total < input.size();) {
      cuts.push_back(1 + random() % 300);
      total += cuts.back();
    }
    const Decoded bytewise =
        DecodeSplit(input, std::vector<std::size_t>(input.size(), 1), options);
    EXPECT_EQ(Describe(DecodeSplit(input, cuts, options)), Describe(bytewise));
    EXPECT_EQ(Describe(DecodeSplit(input, {}, options)), Describe(bytewise));
  }
}

// Random inputs over the octets that matter: every split agrees (Decode
// checks), and without bare line endings the result matches a simple
// line-by-line reading.
TEST(DataDecoderTest, RandomInputsAgreeAcrossSplits) {
  std::mt19937 random(12345);
  const char alphabet[] = {'\r', '\n', '.', 'a', '\x80'};
  for (int round = 0; round < 300; ++round) {
    std::string input;
    const std::size_t length = random() % 60;
    for (std::size_t i = 0; i < length; ++i) {
      input.push_back(alphabet[random() % sizeof alphabet]);
    }
    input += "\r\n.\r\n";
    DataDecoderOptions options;
    options.max_message_bytes = random() % 2 ? 0 : 30;
    Decode(input, options);
  }
}

TEST(DataDecoderTest, MatchesLineByLineReadingForCleanInput) {
  std::mt19937 random(777);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> lines;
    std::string wire;
    const std::size_t count = random() % 6;
    for (std::size_t i = 0; i < count; ++i) {
      std::string line;
      const std::size_t length = random() % 5;
      for (std::size_t j = 0; j < length; ++j)
        line.push_back(".ab"[random() % 3]);
      lines.push_back(line);
      wire += (line.empty() || line[0] != '.' ? line : "." + line) + "\r\n";
    }
    wire += ".\r\n";
    std::string expected;
    for (const std::string& line : lines) expected += line + "\r\n";
    EXPECT_EQ(Decode(wire).data, expected) << wire;
  }
}

// The line scan: the portable version (the fallback where SSE2 is not
// compiled in) and FindLineStop() (SSE2 on x86-64) give the same stop on the
// same inputs: every position of each stop octet, at every alignment and
// length around the 16-octet blocks, and random buffers.
std::size_t Stop(decltype(&FindLineStop) scan, const std::string& s,
                 std::size_t from, bool eight_bit) {
  return static_cast<std::size_t>(
      scan(s.data() + from, s.data() + s.size(), eight_bit) - s.data());
}

TEST(LineScanTest, FindsTheFirstCrLfOrEightBitOctet) {
  for (auto scan : {&FindLineStop, &FindLineStopPortable}) {
    EXPECT_EQ(Stop(scan, "abc\r\n", 0, false), 3u);
    EXPECT_EQ(Stop(scan, "abc\ndef\r", 0, false), 3u);
    EXPECT_EQ(Stop(scan, "ab\xe9\r\n", 0, true), 2u);
    EXPECT_EQ(Stop(scan, "ab\xe9\r\n", 0, false), 3u);
    EXPECT_EQ(Stop(scan, std::string(40, 'x'), 0, true), 40u);
    EXPECT_EQ(Stop(scan, "", 0, true), 0u);
  }
}

TEST(LineScanTest, PortableAndFastScansAgreeAtEveryPosition) {
  for (const char stop : {'\r', '\n', '\x80', '\xff', '\x7f'}) {
    for (std::size_t length = 0; length <= 48; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        if (at < length) s[at] = stop;
        for (std::size_t from = 0; from <= std::min<std::size_t>(length, 17);
             ++from) {
          for (const bool eight_bit : {false, true}) {
            ASSERT_EQ(Stop(&FindLineStop, s, from, eight_bit),
                      Stop(&FindLineStopPortable, s, from, eight_bit))
                << "stop " << int(static_cast<unsigned char>(stop)) << " at "
                << at << " of " << length << " from " << from;
          }
        }
      }
    }
  }
}

TEST(LineScanTest, PortableAndFastScansAgreeOnRandomBuffers) {
  std::mt19937 random(20261208);
  // Octets drawn mostly from a few letters so that stops are sparse, with
  // CR, LF and 8-bit octets at random rates.
  for (int round = 0; round < 2000; ++round) {
    std::string s(random() % 300, 'x');
    const unsigned rate = 1 + random() % 64;
    for (char& c : s) {
      const unsigned r = random() % (rate * 4);
      if (r == 0)
        c = '\r';
      else if (r == 1)
        c = '\n';
      else if (r == 2)
        c = static_cast<char>(0x80 | (random() & 0x7f));
      else
        c = static_cast<char>('a' + random() % 26);
    }
    const std::size_t from = s.empty() ? 0 : random() % (s.size() + 1);
    for (const bool eight_bit : {false, true}) {
      ASSERT_EQ(Stop(&FindLineStop, s, from, eight_bit),
                Stop(&FindLineStopPortable, s, from, eight_bit))
          << "round " << round;
    }
  }
}

}  // namespace
}  // namespace smtpfixture::detail
