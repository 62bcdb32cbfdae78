// libFuzzer target for the SASL mechanisms alone.
//
// Input: one byte choosing the mechanism (bits 0-1: PLAIN, LOGIN, CRAM-MD5
// with RFC 2195's fixed challenge, XOAUTH2), whether any credentials are
// accepted (bit 2) and whether the first response is an initial response
// (bit 3); then the client's responses, separated by 0xFF octets. The
// exchange must end in success or failure, never loop past its input; a
// success without accept_any names a configured user.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/smtp/sasl.h"

namespace {

using smtpfixture::AuthOptions;
using smtpfixture::detail::CreateCramMd5Mechanism;
using smtpfixture::detail::CreateSaslMechanism;
using smtpfixture::detail::SaslMechanism;
using smtpfixture::detail::SaslStep;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t bits = data[0];
  AuthOptions options;
  options.credentials = {{"alice", "secret"}, {"tim", "tanstaaftanstaaf"}};
  options.accept_any = (bits & 4) != 0;
  std::unique_ptr<SaslMechanism> mechanism;
  const bool external = (bits & 3) == 3 && (bits & 16) != 0;
  switch (bits & 3) {
    case 0:
      mechanism = CreateSaslMechanism("PLAIN", options, "h");
      break;
    case 1:
      mechanism = CreateSaslMechanism("LOGIN", options, "h");
      break;
    case 2:
      mechanism = CreateCramMd5Mechanism(
          options, "<1896.697170952@postoffice.reston.mci.net>");
      break;
    default:
      // EXTERNAL (with a verified name) in half of the XOAUTH2 cases.
      mechanism = external
                      ? CreateSaslMechanism("EXTERNAL", options, "h", "mailer")
                      : CreateSaslMechanism("XOAUTH2", options, "h");
      break;
  }
  if (!mechanism) Fail("no mechanism");
  std::vector<std::string> responses;
  std::string current;
  for (std::size_t i = 1; i < size; ++i) {
    if (data[i] == 0xFF) {
      responses.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  responses.push_back(current);

  std::size_t next = 0;
  std::optional<std::string> initial;
  if (bits & 8) initial = responses[next++];
  SaslStep step = mechanism->Start(initial);
  while (step.kind == SaslStep::Kind::kChallenge) {
    if (step.challenge.size() > 1024) Fail("challenge too long");
    if (next >= responses.size()) return 0;  // the client went quiet
    step = mechanism->Next(responses[next++]);
  }
  if (external) {
    // The identity comes from the certificate, not the input: success is
    // that identity only, and a failure names what was asked for.
    if (step.kind == SaslStep::Kind::kSuccess &&
        mechanism->username() != "mailer") {
      Fail("EXTERNAL success as another identity");
    }
    if (step.kind == SaslStep::Kind::kFailure &&
        (mechanism->username().empty() || mechanism->username() == "mailer")) {
      Fail("EXTERNAL refused its own identity");
    }
    return 0;
  }
  if (mechanism->username().size() > size) Fail("username from nowhere");
  if (step.kind == SaslStep::Kind::kSuccess && !options.accept_any &&
      options.credentials.count(mechanism->username()) == 0) {
    Fail("success for an unknown user");
  }
  return 0;
}
