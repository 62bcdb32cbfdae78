// A small STARTTLS client over OpenSSL, in two variants that differ in one
// line: what happens to bytes read ahead of the TLS upgrade. kKeep is the
// shape of libcurl's CVE-2021-22947 (and Mutt's CVE-2020-14954, LibEtPan's
// CVE-2020-15953...): the read buffer survives the upgrade, so plaintext an
// attacker sent behind the 220 is read as if it came over TLS. kDiscard is
// its careful twin (RFC 3207 4.2, what curl >= 7.79 and smtplib do).
//
// Both insist on TLS: without a 220 to STARTTLS they say QUIT and give up.
// Their reply reader is the usual one with one naive turn: bytes left over
// from an earlier read, if they hold no complete reply, are taken as the
// next reply (a client that reads "one read, one reply"). For kDiscard
// nothing is ever left over at the upgrade, so the turn never matters.
#ifndef SMTPFIXTURE_TESTS_E2E_STARTTLS_CLIENT_H_
#define SMTPFIXTURE_TESTS_E2E_STARTTLS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace smtpfixture::e2e {

enum class BufferAcrossUpgrade { kKeep, kDiscard };

struct StartTlsClientResult {
  bool delivered = false;        // the 250 after the data, over TLS
  std::string error;             // why not
  std::vector<std::string> log;  // "C: ...", "S: ..." (replies as read)
};

StartTlsClientResult SendOverStartTls(std::uint16_t port,
                                      const std::string& ca_file,
                                      BufferAcrossUpgrade mode,
                                      std::chrono::milliseconds timeout);

}  // namespace smtpfixture::e2e

#endif  // SMTPFIXTURE_TESTS_E2E_STARTTLS_CLIENT_H_
