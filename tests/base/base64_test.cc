// Base64 (RFC 4648): the strict SASL decoder and the lenient MIME one.
#include "fixture/base/base64.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace smtpfixture::detail {
namespace {

using ::testing::Eq;
using ::testing::Optional;

TEST(Base64Test, EncodesRfc4648TestVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Test, EncodesEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string encoded = Base64Encode(all);
  EXPECT_EQ(encoded.size(), 344u);
  EXPECT_THAT(Base64DecodeStrict(encoded), Optional(Eq(all)));
  EXPECT_EQ(Base64Encode("\xFB\xFF"), "+/8=");
}

TEST(Base64Test, StrictDecodesRfc4648TestVectors) {
  EXPECT_THAT(Base64DecodeStrict(""), Optional(Eq("")));
  EXPECT_THAT(Base64DecodeStrict("Zg=="), Optional(Eq("f")));
  EXPECT_THAT(Base64DecodeStrict("Zm8="), Optional(Eq("fo")));
  EXPECT_THAT(Base64DecodeStrict("Zm9v"), Optional(Eq("foo")));
  EXPECT_THAT(Base64DecodeStrict("Zm9vYmFy"), Optional(Eq("foobar")));
  // SASL PLAIN's NUL separators come through.
  EXPECT_THAT(Base64DecodeStrict("AHVzZXIAcGFzcw=="),
              Optional(Eq(std::string("\0user\0pass", 10))));
}

TEST(Base64Test, StrictRejectsAnythingOff) {
  EXPECT_EQ(Base64DecodeStrict("Zg"), std::nullopt);        // no padding
  EXPECT_EQ(Base64DecodeStrict("Zg="), std::nullopt);       // short padding
  EXPECT_EQ(Base64DecodeStrict("Zm9v\r\n"), std::nullopt);  // whitespace
  EXPECT_EQ(Base64DecodeStrict("Zm 9v"), std::nullopt);
  EXPECT_EQ(Base64DecodeStrict("Zm9-"), std::nullopt);      // URL alphabet
  EXPECT_EQ(Base64DecodeStrict("Zg==Zg=="), std::nullopt);  // data after "="
  EXPECT_EQ(Base64DecodeStrict("Z==="), std::nullopt);
  EXPECT_EQ(Base64DecodeStrict("===="), std::nullopt);
  EXPECT_EQ(Base64DecodeStrict("Zm=v"), std::nullopt);
  EXPECT_EQ(Base64DecodeStrict("Zh=="), std::nullopt);  // non-zero pad bits
  EXPECT_EQ(Base64DecodeStrict("Zm9="), std::nullopt);
}

TEST(Base64Test, LenientSkipsWhitespaceSilently) {
  bool ok = false;
  EXPECT_EQ(Base64DecodeLenient("Zm9v\r\nYmFy\r\n", &ok), "foobar");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Base64DecodeLenient(" Zm 9v\tYg =\n=\n", &ok), "foob");
  EXPECT_TRUE(ok);
}

TEST(Base64Test, LenientToleratesMissingPadding) {
  bool ok = false;
  EXPECT_EQ(Base64DecodeLenient("Zm9vYg", &ok), "foob");
  EXPECT_TRUE(ok);
  EXPECT_EQ(Base64DecodeLenient("Zm9vYmE", &ok), "fooba");
  EXPECT_TRUE(ok);
}

TEST(Base64Test, LenientSkipsGarbageAndSaysSo) {
  bool ok = true;
  EXPECT_EQ(Base64DecodeLenient("Zm9v!YmFy", &ok), "foobar");
  EXPECT_FALSE(ok);
  ok = true;
  EXPECT_EQ(Base64DecodeLenient("Zm9vY", &ok), "foo");  // a lone sextet
  EXPECT_FALSE(ok);
  ok = true;
  EXPECT_EQ(Base64DecodeLenient("Zm9v=", &ok), "foo");  // "=" after a quantum
  EXPECT_FALSE(ok);
}

TEST(Base64Test, LenientDecodesStreamsGluedAfterPadding) {
  bool ok = true;
  EXPECT_EQ(Base64DecodeLenient("Zg==Zm8=", &ok), "ffo");
  EXPECT_FALSE(ok);
}

TEST(Base64Test, LenientOkIsOptional) {
  EXPECT_EQ(Base64DecodeLenient("*Zg=="), "f");
}

TEST(Base64Test, RoundTripsAllLengths) {
  std::string bytes;
  for (int n = 0; n < 70; ++n) {
    bool ok = false;
    const std::string encoded = Base64Encode(bytes);
    ASSERT_THAT(Base64DecodeStrict(encoded), Optional(Eq(bytes))) << n;
    ASSERT_EQ(Base64DecodeLenient(encoded, &ok), bytes) << n;
    ASSERT_TRUE(ok) << n;
    bytes.push_back(static_cast<char>(n * 37 + 200));
  }
}

}  // namespace
}  // namespace smtpfixture::detail
