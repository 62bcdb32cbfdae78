// How smtpfixture's types print in GoogleTest output: one compact line each.
//
// GoogleTest finds these PrintTo overloads by argument-dependent lookup, so a
// failing EXPECT_THAT on a std::vector<ReceivedMessage> prints summaries
// instead of bytes. They never print a message body or an attachment's bytes
// (a message can be megabytes) and never an AUTH secret (transcripts are
// masked by the server before they are recorded).
//
// Include this header (gtest.h and matchers.h do) in every test that prints
// these types, so that every translation unit sees the same printers.
// Nothing here depends on GoogleTest.
#ifndef SMTPFIXTURE_PRINTERS_H_
#define SMTPFIXTURE_PRINTERS_H_

#include <cstddef>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/faults.h"
#include "smtpfixture/message.h"
#include "smtpfixture/tls.h"

namespace smtpfixture {

// "STARTTLS", "TLSv1.3 ...": the names of TlsModeName() and friends.
void PrintTo(TlsMode mode, std::ostream* os);
void PrintTo(TlsPolicy policy, std::ostream* os);
void PrintTo(TlsAttack attack, std::ostream* os);
void PrintTo(CertificateProblem problem, std::ostream* os);
void PrintTo(Stage stage, std::ostream* os);
void PrintTo(Direction direction, std::ostream* os);  // "C" or "S"

// "STARTTLS TLSv1.3 TLS_AES_256_GCM_SHA384 SNI "localhost"", or "none".
void PrintTo(const TlsInfo& tls, std::ostream* os);
void PrintTo(const Parameter& parameter, std::ostream* os);  // "SIZE=1234"
// "HELO "client", MAIL FROM:<a@example.com> SIZE=12, RCPT TO:<b@example.com>"
void PrintTo(const Envelope& envelope, std::ostream* os);
void PrintTo(const AuthInfo& auth, std::ostream* os);  // "PLAIN "ann""
void PrintTo(const AuthAttempt& attempt, std::ostream* os);
void PrintTo(const Violation& violation, std::ostream* os);  // "code: detail"
// ""a.pdf" (application/pdf, 1234 bytes)": never the content.
void PrintTo(const Attachment& attachment, std::ostream* os);
void PrintTo(const Address& address, std::ostream* os);  // ""Ann" <a@b.c>"
void PrintTo(const HeaderField& field, std::ostream* os);
void PrintTo(const TranscriptLine& line, std::ostream* os);  // "S: 250 OK"
void PrintTo(DkimStatus status, std::ostream* os);           // "pass", "nokey"
// "fail d=example.com s=sel rsa-sha256 (body hash mismatch)"; "pass d=... s=...
// ed25519-sha256" without a reason; "pass d=... (l= leaves 12 body octets
// unsigned)" when l= signs only part of the body; "permerror (10 more
// DKIM-Signatures not checked (at most 50 are))" for the result past 50.
void PrintTo(const DkimResult& result, std::ostream* os);

// "message #1 (session 1) from <a@example.com> to <b@example.com>; subject
// "Hi"; TLS STARTTLS TLSv1.3; auth PLAIN "ann"; 1234 octets; parts: text,
// 1 attachment ("a.pdf")". Reads the message (MIME parsing) on this thread.
void PrintTo(const ReceivedMessage& message, std::ostream* os);
// "session #1 from 127.0.0.1:54321; TLS STARTTLS TLSv1.3 ...; auth PLAIN
// "ann"; 1 message; 12 transcript lines; closed". Not the transcript itself:
// see detail::PrintTranscript (smtpfixture/detail/printers_impl.h).
void PrintTo(const Session& session, std::ostream* os);

}  // namespace smtpfixture

// The helpers failure messages are written with (Quote, Show, ...).
#include "smtpfixture/detail/printers_impl.h"  // IWYU pragma: export

#endif  // SMTPFIXTURE_PRINTERS_H_
