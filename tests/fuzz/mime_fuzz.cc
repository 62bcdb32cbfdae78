// libFuzzer target for the MIME reader: any bytes as a message, a header
// value, an address list, HTML and text for the link extractor, a date and
// an address header for the lint. The reader must never crash, hang or throw,
// and what it returns must be consistent: every attachment's content type is
// lower-case "type/subtype" without parameters, and every violation has a
// code.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fixture/mime/links.h"
#include "fixture/mime/lint.h"
#include "fixture/mime/mime.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const smtpfixture::detail::ParsedMessage parsed =
      smtpfixture::detail::ParseMessage(input);
  for (const smtpfixture::Attachment& attachment : parsed.attachments) {
    const std::string& type = attachment.content_type;
    if (type.find(';') != std::string::npos) Fail("parameters in a type");
    for (char c : type) {
      if (c >= 'A' && c <= 'Z') Fail("upper case in a content type");
    }
  }
  for (const smtpfixture::Violation& violation : parsed.violations) {
    if (violation.code.empty()) Fail("a violation without a code");
  }
  (void)smtpfixture::detail::DecodeHeaderValue(input);
  (void)smtpfixture::detail::ParseAddressList(input);
  (void)smtpfixture::detail::HtmlLinks(input);
  (void)smtpfixture::detail::TextLinks(input);
  (void)smtpfixture::detail::IsRfc5322DateTime(input);
  (void)smtpfixture::detail::IsValidAddressHeader(
      input, smtpfixture::detail::AddressRule::kOriginatorList);
  return 0;
}
