#include "certs/openssl_ptr.h"

namespace smtpfixture::detail {

std::string TakeOpenSslReason(const std::string& fallback) {
  const unsigned long code = ERR_get_error();
  std::string reason = fallback;
  if (code != 0) {
    if (const char* text = ERR_reason_error_string(code)) {
      reason = text;
    } else {
      char buffer[256];
      ERR_error_string_n(code, buffer, sizeof buffer);
      reason = buffer;
    }
  }
  ERR_clear_error();
  return reason;
}

}  // namespace smtpfixture::detail
