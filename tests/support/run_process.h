// Runs a real client program (curl, python3, swaks, openssl) for end-to-end
// tests: argv in, exit status and output out, killed at a timeout.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_RUN_PROCESS_H_
#define SMTPFIXTURE_TESTS_SUPPORT_RUN_PROCESS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

// ClientsRequired() and SMTPFIXTURE_REQUIRE_PROGRAM moved there.
#include "tests/support/capabilities.h"

namespace smtpfixture::testing {

struct ProcessResult {
  int exit_code = -1;            // -1 if killed or not started
  bool timed_out = false;        // killed at the timeout
  std::string out;               // stdout
  std::string err;               // stderr
  std::string Describe() const;  // for failure messages
};

// Runs argv[0] (searched in PATH) with `input` on stdin. The timeout is scaled
// by SMTPFIXTURE_TIMEOUT_MULTIPLIER.
ProcessResult RunProcess(
    const std::vector<std::string>& argv, const std::string& input = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The full path of `program` in PATH, or nullopt.
std::optional<std::string> FindProgram(const std::string& program);

}  // namespace smtpfixture::testing

#endif  // SMTPFIXTURE_TESTS_SUPPORT_RUN_PROCESS_H_
