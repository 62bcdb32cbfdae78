// Address lists (RFC 5322 section 3.4): ParseAddressList.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fixture/mime/mime.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

// (display name, address) pairs print and compare without extra operators.
std::vector<std::pair<std::string, std::string>> Parse(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Address& a : ParseAddressList(raw)) {
    out.emplace_back(a.display_name, a.address);
  }
  return out;
}

TEST(AddressListTest, BareAddress) {
  EXPECT_THAT(Parse("ann@example.com"),
              ElementsAre(Pair("", "ann@example.com")));
  EXPECT_THAT(Parse("  ann@example.com  "),
              ElementsAre(Pair("", "ann@example.com")));
}

TEST(AddressListTest, NameAndAngleAddress) {
  EXPECT_THAT(Parse("Ann Example <ann@example.com>"),
              ElementsAre(Pair("Ann Example", "ann@example.com")));
  EXPECT_THAT(Parse("<ann@example.com>"),
              ElementsAre(Pair("", "ann@example.com")));
  EXPECT_THAT(Parse("Ann   Q.  Example<ann@example.com>"),
              ElementsAre(Pair("Ann Q. Example", "ann@example.com")));
}

TEST(AddressListTest, QuotedDisplayNames) {
  EXPECT_THAT(Parse("\"Example, Ann\" <ann@example.com>, bob@example.com"),
              ElementsAre(Pair("Example, Ann", "ann@example.com"),
                          Pair("", "bob@example.com")));
  EXPECT_THAT(
      Parse("\"Ann \\\"The Boss\\\"  Example\" <ann@example.com>"),
      ElementsAre(Pair("Ann \"The Boss\"  Example", "ann@example.com")));
  EXPECT_THAT(Parse("\"Ann\" \"Example\" <a@example.com>"),
              ElementsAre(Pair("Ann Example", "a@example.com")));
}

TEST(AddressListTest, CommentsAreNeverNames) {
  EXPECT_THAT(Parse("ann@example.com (Ann Example)"),
              ElementsAre(Pair("", "ann@example.com")));
  EXPECT_THAT(Parse("Ann (work) <ann@example.com> (ignored)"),
              ElementsAre(Pair("Ann", "ann@example.com")));
}

TEST(AddressListTest, GroupsListTheirMembers) {
  EXPECT_THAT(Parse("Team: a@example.com, B <b@example.com>;, c@example.com"),
              ElementsAre(Pair("", "a@example.com"), Pair("B", "b@example.com"),
                          Pair("", "c@example.com")));
  EXPECT_THAT(Parse("undisclosed-recipients:;"), IsEmpty());
  EXPECT_THAT(Parse("\"The: Team\": a@example.com;"),
              ElementsAre(Pair("", "a@example.com")));
}

TEST(AddressListTest, QuotedLocalPartsStayQuoted) {
  EXPECT_THAT(Parse("\"john doe\"@example.com"),
              ElementsAre(Pair("", "\"john doe\"@example.com")));
  EXPECT_THAT(Parse("John <\"john..doe\"@example.com>"),
              ElementsAre(Pair("John", "\"john..doe\"@example.com")));
}

TEST(AddressListTest, DecodesRfc2047DisplayNames) {
  EXPECT_THAT(
      Parse("=?utf-8?q?Andr=C3=A9?= =?utf-8?q?_M?= <andre@example.com>"),
      ElementsAre(Pair("Andr\xC3\xA9 M", "andre@example.com")));
  EXPECT_THAT(Parse("\"=?utf-8?b?QW5kcsOp?=\" <andre@example.com>"),
              ElementsAre(Pair("Andr\xC3\xA9", "andre@example.com")));
  EXPECT_THAT(Parse("=?iso-8859-1?q?Ren=E9?= <r@example.com>"),
              ElementsAre(Pair("Ren\xC3\xA9", "r@example.com")));
}

TEST(AddressListTest, ObsoleteCfwsAroundAtAndDotsOfABareAddress) {
  EXPECT_THAT(Parse("ann . example @ example . com"),
              ElementsAre(Pair("", "ann.example@example.com")));
  EXPECT_THAT(Parse("\"john doe\" @example.com"),
              ElementsAre(Pair("", "\"john doe\"@example.com")));
}

TEST(AddressListTest, DropsRoutesAndCfwsInsideAddresses) {
  EXPECT_THAT(Parse("<@relay1.example,@relay2.example:ann@example.com>"),
              ElementsAre(Pair("", "ann@example.com")));
  EXPECT_THAT(Parse("Ann < ann (x) @ example.com >"),
              ElementsAre(Pair("Ann", "ann@example.com")));
  EXPECT_THAT(Parse("ann@[192.0.2.1]"),
              ElementsAre(Pair("", "ann@[192.0.2.1]")));
}

TEST(AddressListTest, SeparatorsInsideQuotesCommentsAndAnglesDoNotSplit) {
  EXPECT_THAT(
      Parse("a@example.com (x, y; z:), \"q;,:\" <b@example.com>"),
      ElementsAre(Pair("", "a@example.com"), Pair("q;,:", "b@example.com")));
}

TEST(AddressListTest, KeepsOrderAndSkipsEmptyEntries) {
  EXPECT_THAT(
      Parse(",a@example.com,, ,b@example.com,"),
      ElementsAre(Pair("", "a@example.com"), Pair("", "b@example.com")));
  EXPECT_THAT(Parse(""), IsEmpty());
  EXPECT_THAT(Parse("Ann <>"), IsEmpty());
}

TEST(AddressListTest, ToleratesAMissingCommaAfterAnAngleAddress) {
  // Python's folder writes the comma before a group as "=?utf-8?q?=2C?=".
  EXPECT_THAT(Parse("\"Doe, Jane\" <jane@example.com>\r\n =?utf-8?q?=2C?=\r\n"
                    " Team: Ren\xC3\xA9 <rene@example.com>;"),
              ElementsAre(Pair("Doe, Jane", "jane@example.com"),
                          Pair("Ren\xC3\xA9", "rene@example.com")));
  EXPECT_THAT(Parse("x@example.com\r\n =?utf-8?q?=2C?= Team:;"),
              ElementsAre(Pair("", "x@example.com")));
  EXPECT_THAT(
      Parse("Team: a@example.com, b@example.com\r\n =?utf-8?q?=3B?="),
      ElementsAre(Pair("", "a@example.com"), Pair("", "b@example.com")));
  EXPECT_THAT(
      Parse("A <a@example.com> B <b@example.com>"),
      ElementsAre(Pair("A", "a@example.com"), Pair("B", "b@example.com")));
}

TEST(AddressListTest, BestEffortOnGarbage) {
  EXPECT_THAT(Parse("Ann <ann@example.com"),
              ElementsAre(Pair("Ann", "ann@example.com")));
  // An unclosed quote swallows the rest; what is left is not dropped.
  EXPECT_THAT(Parse("\"Ann <ann@example.com>"), SizeIs(1));
  EXPECT_THAT(Parse("(unclosed comment a@example.com"), IsEmpty());
  EXPECT_THAT(Parse("postmaster"), ElementsAre(Pair("", "postmaster")));
  for (const char* raw : {"<", ">", "\"", "(", ")", ":", ";", "@", "<>", "::;;",
                          "\\", "a:b:c;d;", "<<<>>>", "[", "=?utf-8?q?"}) {
    std::vector<Address> addresses = ParseAddressList(raw);
    EXPECT_LE(addresses.size(), 4u) << raw;
  }
}

}  // namespace
}  // namespace smtpfixture::detail
