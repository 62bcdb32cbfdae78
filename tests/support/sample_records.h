// Sample records for the tests of the data model (matchers, printers): a
// typical message, a multipart one, sessions with and without TLS. Built by
// hand, without a server, so those tests link the data model alone.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_SAMPLE_RECORDS_H_
#define SMTPFIXTURE_TESTS_SUPPORT_SAMPLE_RECORDS_H_

#include <memory>
#include <string>

#include "fixture/message/message_record.h"
#include "smtpfixture/message.h"

namespace smtpfixture::samples {

// Date, From, To (two addresses), Subject "Hi", two X-Tag headers, "Body".
extern const char kSimpleData[];
// A text part, an HTML part and two attachments.
extern const char kMultipartData[];

// kSimpleData from ann@example.com to bob@ and carol@, over STARTTLS TLSv1.3
// with SNI "localhost", authenticated as "ann" with PLAIN.
std::shared_ptr<detail::MessageRecord> TypicalRecord();
ReceivedMessage Typical();
ReceivedMessage Multipart();
ReceivedMessage WithData(std::string data);
// A session over STARTTLS, authenticated, with a short transcript.
Session TlsSession();
// A session whose handshake failed ("tlsv1 alert unknown ca").
Session FailedHandshakeSession();

}  // namespace smtpfixture::samples

#endif  // SMTPFIXTURE_TESTS_SUPPORT_SAMPLE_RECORDS_H_
