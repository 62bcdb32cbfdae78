// Reading the expectation files that tests/data/mime/generate.py and
// tests/e2e/mime_differential.py write: space-separated fields, base64 for
// anything that may hold spaces or bytes, FNV-1a hashes for large contents.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_EXPECTED_FORMAT_H_
#define SMTPFIXTURE_TESTS_SUPPORT_EXPECTED_FORMAT_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "fixture/base/base64.h"

namespace smtpfixture::testing {

inline std::vector<std::string> SplitSpaces(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = line.find(' ', begin);
    fields.push_back(line.substr(begin, end - begin));
    if (end == std::string::npos) return fields;
    begin = end + 1;
  }
}

inline std::string Unbase64(const std::string& text) {
  std::optional<std::string> bytes = detail::Base64DecodeStrict(text);
  EXPECT_TRUE(bytes.has_value()) << "bad base64 in an expectation: " << text;
  return bytes.value_or("");
}

// 64-bit FNV-1a as 16 hex digits, as the Python generators compute it.
inline std::string Fnv1a64(const std::string& data) {
  std::uint64_t h = 0xCBF29CE484222325u;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3u;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace smtpfixture::testing

#endif  // SMTPFIXTURE_TESTS_SUPPORT_EXPECTED_FORMAT_H_
