// The DKIM vectors of tests/data/dkim/ (made by generate.py there), for the
// unit tests, the matcher tests and the benchmark alike. Needs
// SMTPFIXTURE_TEST_DATA_DIR, which every test target defines.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_DKIM_VECTORS_H_
#define SMTPFIXTURE_TESTS_SUPPORT_DKIM_VECTORS_H_

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "smtpfixture/message.h"

namespace smtpfixture::testing {

// The bytes of tests/data/dkim/<name>, or "" if it cannot be read (every
// vector is non-empty, so callers' expectations fail on "").
inline std::string ReadDkimData(const std::string& name) {
  std::ifstream in(std::string(SMTPFIXTURE_TEST_DATA_DIR) + "/dkim/" + name,
                   std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file of "selector._domainkey.domain: record" lines.
inline DkimKeys ReadDkimKeys(const std::string& name = "keys.txt") {
  DkimKeys keys;
  std::istringstream lines(ReadDkimData(name));
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t colon = line.find(": ");
    if (colon != std::string::npos) {
      keys[line.substr(0, colon)] = line.substr(colon + 2);
    }
  }
  return keys;
}

}  // namespace smtpfixture::testing

#endif  // SMTPFIXTURE_TESTS_SUPPORT_DKIM_VECTORS_H_
