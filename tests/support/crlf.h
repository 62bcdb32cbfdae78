// Tests write messages with "\n"; mail travels with CRLF.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_CRLF_H_
#define SMTPFIXTURE_TESTS_SUPPORT_CRLF_H_

#include <string>
#include <string_view>

namespace smtpfixture::testing {

// `lf_text` with every "\n" turned into "\r\n".
inline std::string Crlf(std::string_view lf_text) {
  std::string out;
  out.reserve(lf_text.size() + lf_text.size() / 16);
  for (char c : lf_text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace smtpfixture::testing

#endif  // SMTPFIXTURE_TESTS_SUPPORT_CRLF_H_
