// What a test needs of a client program (python3 with ssl, curl with smtps,
// swaks with TLS...), checked rather than assumed: a client that is installed
// but cannot do what the test asks must not turn into a confusing failure
// or a crash halfway through the test.
//
// The capabilities are rows of tests/support/capabilities.txt, which
// scripts/preflight.sh reads too, so CI checks exactly what the tests check.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_CAPABILITIES_H_
#define SMTPFIXTURE_TESTS_SUPPORT_CAPABILITIES_H_

#include <string>

namespace smtpfixture::testing {

// Whether a missing capability must fail the test rather than skip it
// (CI sets SMTPFIXTURE_REQUIRE_CLIENTS=1).
bool ClientsRequired();

// "" when the capability `name` is there; otherwise one line saying what is
// missing and which Debian packages provide it. An unknown name is reported
// the same way (a row must be added to capabilities.txt). Each check runs
// once per process; thread-safe.
std::string MissingCapability(const std::string& name);

}  // namespace smtpfixture::testing

// Skips the test, or fails it under SMTPFIXTURE_REQUIRE_CLIENTS=1, with the
// one line of MissingCapability(name). Use it in the test body: it returns.
#define SMTPFIXTURE_REQUIRE_CAPABILITY(name)             \
  do {                                                   \
    const std::string smtpfixture_missing =              \
        ::smtpfixture::testing::MissingCapability(name); \
    if (!smtpfixture_missing.empty()) {                  \
      if (::smtpfixture::testing::ClientsRequired()) {   \
        FAIL() << smtpfixture_missing;                   \
      }                                                  \
      GTEST_SKIP() << smtpfixture_missing;               \
    }                                                    \
  } while (0)

// A program is the capability of the same name ("python3", "curl", ...).
#define SMTPFIXTURE_REQUIRE_PROGRAM(program) \
  SMTPFIXTURE_REQUIRE_CAPABILITY(program)

#endif  // SMTPFIXTURE_TESTS_SUPPORT_CAPABILITIES_H_
