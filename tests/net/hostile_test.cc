// Hostile and broken clients against a real Server over a socket: each case
// sends its bytes at once after the greeting and asserts the replies (by
// prefix, in order), whether the connection is still usable afterwards (a
// NOOP gets 250) or was closed, and how many messages were stored. The cases
// cover framing, command sequence, STARTTLS, AUTH, DATA/BDAT and limits; the
// session tests prove the same behaviours byte by byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::StartsWith;

enum class Setup {
  kDefault,
  kStrict,        // LineEndings::kStrict
  kTlsNone,       // no STARTTLS at all
  kTlsRequired,   // STARTTLS required
  kTlsShortIdle,  // STARTTLS offered, 300 ms idle timeout
  kAuth,          // alice/secret, four mechanisms, plaintext allowed
  kAuthTlsOnly,   // AUTH configured, plaintext not allowed
  kAuthRequired,  // AUTH required before MAIL
  kSmallLimits,   // 100-octet messages, 2 recipients
  kNoChunking,    // CHUNKING switched off
};

ServerOptions OptionsFor(Setup setup) {
  ServerOptions o;
  switch (setup) {
    case Setup::kDefault:
      break;
    case Setup::kStrict:
      o.line_endings = LineEndings::kStrict;
      break;
    case Setup::kTlsNone:
      o.tls = TlsPolicy::kNone;
      break;
    case Setup::kTlsRequired:
      o.tls = TlsPolicy::kStartTlsRequired;
      break;
    case Setup::kTlsShortIdle:
      o.limits.idle_timeout = ScaledTimeout(std::chrono::milliseconds(300));
      break;
    case Setup::kAuthRequired:
      o.auth.required = true;
      [[fallthrough]];
    case Setup::kAuth:
      o.auth.allow_plaintext = true;
      [[fallthrough]];
    case Setup::kAuthTlsOnly:
      o.auth.credentials = {{"alice", "secret"}};
      o.auth.mechanisms = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"};
      break;
    case Setup::kSmallLimits:
      o.limits.max_message_bytes = 100;
      o.limits.max_recipients = 2;
      break;
    case Setup::kNoChunking:
      o.extensions.chunking = false;
      break;
  }
  return o;
}

struct HostileCase {
  const char* name;
  Setup setup;
  std::string input;                 // sent at once after the greeting
  std::vector<std::string> replies;  // expected reply prefixes, in order
  bool usable;                       // afterwards NOOP gets 250; else closed
  std::size_t stored;                // messages in the store at the end
};

void PrintTo(const HostileCase& c, std::ostream* os) { *os << c.name; }

const std::string kEhlo = "EHLO hostile.example\r\n";
const std::string kTx = kEhlo + "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n";
const char* const k250 = "250 ";
const char* const kEhloOk = "250-";

std::string Times(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<std::string> Errors(const char* reply, int n) {
  return std::vector<std::string>(static_cast<std::size_t>(n), reply);
}

std::vector<std::string> Concat(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const HostileCase kCases[] = {
    // Framing.
    {"BareLfEndsACommand",
     Setup::kDefault,
     "EHLO h\nNOOP\n",
     {kEhloOk, "250 2.0.0 Ok"},
     true,
     0},
    {"CrCrLfLeavesACrInTheVerb",
     Setup::kDefault,
     "NOOP\r\r\n",
     {"500 5.5.2 Error: command not recognized"},
     true,
     0},
    {"EmptyLineIsBadSyntax",
     Setup::kDefault,
     "\r\n",
     {"500 5.5.2 Error: bad syntax"},
     true,
     0},
    {"LeadingSpaceIsBadSyntax",
     Setup::kDefault,
     " NOOP\r\n",
     {"500 5.5.2 Error: bad syntax"},
     true,
     0},
    {"LeadingTabIsBadSyntax",
     Setup::kDefault,
     "\tEHLO h\r\n",
     {"500 5.5.2 Error: bad syntax"},
     true,
     0},
    {"NulInACommandIsBadSyntax",
     Setup::kDefault,
     std::string("NO\0OP\r\n", 7),
     {"500 5.5.2 Error: bad syntax"},
     true,
     0},
    {"LineOfExactly2048OctetsIsRead",
     Setup::kDefault,
     "NOOP " + std::string(2041, 'x') + "\r\n",
     {"250 2.0.0 Ok"},
     true,
     0},
    {"LineOver2048OctetsIsRefused",
     Setup::kDefault,
     std::string(3000, 'x') + "\r\n",
     {"500 5.5.2 Error: line too long"},
     true,
     0},
    {"MegabyteLineIsDiscarded",
     Setup::kDefault,
     std::string(1 << 20, 'x') + "\r\n",
     {"500 5.5.2 Error: line too long"},
     true,
     0},
    {"ControlCharactersAreNotEchoed",
     Setup::kDefault,
     "VRFY a\x01z\r\n",
     {"252 2.0.0 a?z"},
     true,
     0},
    {"LowerCaseCommands",
     Setup::kDefault,
     "ehlo h\r\nnoop\r\n",
     {kEhloOk, "250 2.0.0 Ok"},
     true,
     0},
    {"UnknownCommand",
     Setup::kDefault,
     "XYZZY\r\n",
     {"500 5.5.2 Error: command not recognized"},
     true,
     0},
    {"HttpGetEndsTheSession",
     Setup::kDefault,
     "GET / HTTP/1.1\r\nHost: mx\r\n\r\n",
     {"221 2.7.0 Error: I can break rules, too. Goodbye."},
     false,
     0},
    {"HttpPostEndsTheSession",
     Setup::kDefault,
     "POST /x HTTP/1.0\r\n",
     {"221 2.7.0"},
     false,
     0},
    {"HttpConnectEndsTheSession",
     Setup::kDefault,
     "CONNECT mx.example:25 HTTP/1.1\r\n",
     {"221 2.7.0"},
     false,
     0},
    {"HttpHeadEndsTheSession",
     Setup::kDefault,
     "HEAD / HTTP/1.1\r\n",
     {"221 2.7.0"},
     false,
     0},
    {"HttpPutEndsTheSession",
     Setup::kDefault,
     "PUT /x HTTP/1.1\r\n",
     {"221 2.7.0"},
     false,
     0},
    {"HttpAfterEhloEndsTheSession",
     Setup::kDefault,
     kEhlo + "GET / HTTP/1.1\r\n",
     {kEhloOk, "221 2.7.0"},
     false,
     0},
    {"TwentyErrorsInARowClose", Setup::kDefault, Times("XYZZY\r\n", 20),
     Concat(Errors("500 5.5.2", 20),
            {"421 4.7.0 localhost Error: too many errors"}),
     false, 0},
    {"NineteenErrorsThenASuccessKeepGoing", Setup::kDefault,
     Times("XYZZY\r\n", 19) + "NOOP\r\n" + Times("XYZZY\r\n", 19),
     Concat(Concat(Errors("500 5.5.2", 19), {"250 2.0.0 Ok"}),
            Errors("500 5.5.2", 19)),
     true, 0},
    {"StrictBareLfInACommandCloses",
     Setup::kStrict,
     kEhlo + "NOOP\n",
     {kEhloOk, "521 5.5.2 Bare CR or LF not allowed"},
     false,
     0},
    {"StrictBareCrInACommandCloses",
     Setup::kStrict,
     "NOOP\rX\r\n",
     {"521 5.5.2 Bare CR or LF not allowed"},
     false,
     0},
    {"StrictBareLfInDataClosesAndStoresNothing",
     Setup::kStrict,
     kTx + "DATA\r\nSubject: x\r\n\r\na\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "521 5.5.2 Bare CR or LF not allowed"},
     false,
     0},
    {"StrictCleanMessageIsStored",
     Setup::kStrict,
     kTx + "DATA\r\nSubject: x\r\n\r\nclean\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"LenientBareLfInDataIsStored",
     Setup::kDefault,
     kTx + "DATA\r\nSubject: x\r\n\r\na\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"SmugglingLfDotLfIsOneMessage",
     Setup::kDefault,
     kTx + "DATA\r\nSubject: x\r\n\r\na\n.\nMAIL FROM:<evil@x>\r\nRCPT "
           "TO:<v@x>\r\nDATA\r\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"SmugglingLfDotCrLfIsOneMessage",
     Setup::kDefault,
     kTx + "DATA\r\nSubject: x\r\n\r\na\n.\r\nNOOP\r\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"SmugglingCrLfDotLfIsOneMessage",
     Setup::kDefault,
     kTx + "DATA\r\nSubject: x\r\n\r\na\r\n.\nNOOP\r\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"SmugglingCrDotCrIsOneMessage",
     Setup::kDefault,
     kTx + "DATA\r\nSubject: x\r\n\r\na\r.\rNOOP\r\nb\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},

    // Command sequence.
    {"MailBeforeEhlo",
     Setup::kDefault,
     "MAIL FROM:<a@x>\r\n",
     {"503 5.5.1 Error: send HELO/EHLO first"},
     true,
     0},
    {"RcptBeforeMail",
     Setup::kDefault,
     kEhlo + "RCPT TO:<b@x>\r\n",
     {kEhloOk, "503 5.5.1 Error: need MAIL command"},
     true,
     0},
    {"DataBeforeMail",
     Setup::kDefault,
     kEhlo + "DATA\r\n",
     {kEhloOk, "503 5.5.1 Error: need MAIL command"},
     true,
     0},
    {"DataBeforeRcpt",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<a@x>\r\nDATA\r\n",
     {kEhloOk, k250, "503 5.5.1 Error: need RCPT command"},
     true,
     0},
    {"NestedMail",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<a@x>\r\nMAIL FROM:<a@x>\r\n",
     {kEhloOk, k250, "503 5.5.1 Error: nested MAIL command"},
     true,
     0},
    {"DataWithAnArgument",
     Setup::kDefault,
     kTx + "DATA now\r\n",
     {kEhloOk, k250, k250, "501 5.5.4 Syntax: DATA"},
     true,
     0},
    {"RsetWithAnArgument",
     Setup::kDefault,
     "RSET all\r\n",
     {"501 5.5.4 Syntax: RSET"},
     true,
     0},
    {"RsetForgetsTheTransaction",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<a@x>\r\nRSET\r\nRCPT TO:<b@x>\r\n",
     {kEhloOk, k250, k250, "503 5.5.1 Error: need MAIL command"},
     true,
     0},
    {"EhloWithoutAName",
     Setup::kDefault,
     "EHLO\r\n",
     {"501 5.5.4 Syntax: EHLO hostname"},
     true,
     0},
    {"ExpnIsNotImplemented",
     Setup::kDefault,
     "EXPN staff\r\n",
     {"502 5.5.1 Error: command not implemented"},
     true,
     0},
    {"QuitIgnoresWhatFollows",
     Setup::kDefault,
     "QUIT\r\nNOOP\r\n",
     {"221 2.0.0 Bye"},
     false,
     0},
    {"ThreeMessagesOnOneConnection",
     Setup::kDefault,
     kEhlo + Times("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nx\r\n.\r\n", 3),
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as", k250, k250,
      "354 ", "250 2.0.0 Ok: queued as", k250, k250, "354 ",
      "250 2.0.0 Ok: queued as"},
     true,
     3},
    {"BinaryMimeThenDataIsRefused",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<a@x> BODY=BINARYMIME\r\nRCPT TO:<b@x>\r\nDATA\r\n",
     {kEhloOk, k250, k250, "503 5.5.1 Error: BINARYMIME requires BDAT"},
     true,
     0},
    {"UnknownMailParameter",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<a@x> XFOO=1\r\n",
     {kEhloOk, "555 5.5.4 Unsupported option: XFOO"},
     true,
     0},
    {"ParametersAfterHeloAreRefused",
     Setup::kDefault,
     "HELO h\r\nMAIL FROM:<a@x> SIZE=10\r\n",
     {"250 localhost", "555 5.5.4 Unsupported option: SIZE"},
     true,
     0},
    {"Utf8AddressWithoutSmtpUtf8",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<j\xc3\xb6rg@x>\r\n",
     {kEhloOk, "553 5.6.7 Must declare SMTPUTF8"},
     true,
     0},
    {"AddressWithoutBrackets",
     Setup::kDefault,
     kEhlo + "MAIL FROM:a@x\r\n",
     {kEhloOk, "501 5.1.7 Bad sender address syntax"},
     true,
     0},
    {"SourceRouteIsIgnored",
     Setup::kDefault,
     kEhlo + "MAIL FROM:<@relay.example:a@x>\r\n",
     {kEhloOk, "250 2.1.0 Ok"},
     true,
     0},

    // STARTTLS (the plaintext side).
    {"StartTlsWithAnArgument",
     Setup::kDefault,
     kEhlo + "STARTTLS now\r\n",
     {kEhloOk, "501 5.5.4 Syntax: STARTTLS"},
     true,
     0},
    {"StartTlsWhenTlsIsOff",
     Setup::kTlsNone,
     kEhlo + "STARTTLS\r\n",
     {kEhloOk, "502 5.5.1 Error: command not implemented"},
     true,
     0},
    {"PlaintextPipelinedAfterStartTlsIsNeverRead",
     Setup::kTlsShortIdle,
     kEhlo + "STARTTLS\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n",
     {kEhloOk, "220 2.0.0 Ready to start TLS"},
     false,
     0},
    {"TlsRequiredRefusesMail",
     Setup::kTlsRequired,
     kEhlo + "MAIL FROM:<a@x>\r\n",
     {kEhloOk, "530 5.7.0 Must issue a STARTTLS command first"},
     true,
     0},
    {"TlsRequiredRefusesRcpt",
     Setup::kTlsRequired,
     kEhlo + "RCPT TO:<b@x>\r\n",
     {kEhloOk, "530 5.7.0"},
     true,
     0},
    {"TlsRequiredRefusesData",
     Setup::kTlsRequired,
     kEhlo + "DATA\r\n",
     {kEhloOk, "530 5.7.0"},
     true,
     0},
    {"TlsRequiredRefusesVrfy",
     Setup::kTlsRequired,
     kEhlo + "VRFY a\r\n",
     {kEhloOk, "530 5.7.0"},
     true,
     0},
    {"TlsRequiredRefusesAuth",
     Setup::kTlsRequired,
     kEhlo + "AUTH PLAIN\r\n",
     {kEhloOk, "530 5.7.0"},
     true,
     0},
    {"TlsRequiredStillAnswersNoopAndRset",
     Setup::kTlsRequired,
     kEhlo + "NOOP\r\nRSET\r\n",
     {kEhloOk, "250 2.0.0 Ok", "250 2.0.0 Ok"},
     true,
     0},
    {"TlsRequiredBdatReadsItsChunkThenRefuses",
     Setup::kTlsRequired,
     kEhlo + "BDAT 4\r\nNOOPNOOP\r\n",
     {kEhloOk, "530 5.7.0", "250 2.0.0 Ok"},
     true,
     0},

    // AUTH.
    {"AuthNotEnabled",
     Setup::kDefault,
     kEhlo + "AUTH PLAIN\r\n",
     {kEhloOk, "503 5.5.1 Error: authentication not enabled"},
     true,
     0},
    {"AuthBeforeEhlo",
     Setup::kAuth,
     "AUTH PLAIN\r\n",
     {"503 5.5.1 Error: send EHLO first"},
     true,
     0},
    {"AuthUnknownMechanism",
     Setup::kAuth,
     kEhlo + "AUTH GSSAPI\r\n",
     {kEhloOk, "504 5.5.4 Unrecognized authentication type"},
     true,
     0},
    {"AuthBadBase64",
     Setup::kAuth,
     kEhlo + "AUTH PLAIN !!!\r\n",
     {kEhloOk, "501 5.5.2 Cannot decode response"},
     true,
     0},
    {"AuthCancelled",
     Setup::kAuth,
     kEhlo + "AUTH LOGIN\r\n*\r\n",
     {kEhloOk, "334 ", "501 5.7.0 Authentication aborted"},
     true,
     0},
    {"AuthWrongPassword",
     Setup::kAuth,
     kEhlo + "AUTH PLAIN AGFsaWNlAHdyb25n\r\n",
     {kEhloOk, "535 5.7.8 Error: authentication failed"},
     true,
     0},
    {"AuthTwice",
     Setup::kAuth,
     kEhlo + "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nAUTH PLAIN "
             "AGFsaWNlAHNlY3JldA==\r\n",
     {kEhloOk, "235 2.7.0", "503 5.5.1 Error: already authenticated"},
     true,
     0},
    {"AuthInsideATransaction",
     Setup::kAuth,
     kEhlo + "MAIL FROM:<a@x>\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
     {kEhloOk, k250, "503 5.5.1 Error: MAIL transaction in progress"},
     true,
     0},
    {"AuthHugeResponseLine",
     Setup::kAuth,
     kEhlo + "AUTH LOGIN\r\n" + std::string(20000, 'A') + "\r\n",
     {kEhloOk, "334 ", "500 5.5.6 Authentication Exchange line is too long"},
     true,
     0},
    {"AuthOverPlaintextNotAllowed",
     Setup::kAuthTlsOnly,
     kEhlo + "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
     {kEhloOk, "538 5.7.11 Encryption required"},
     true,
     0},
    {"AuthRequiredBeforeMail",
     Setup::kAuthRequired,
     kEhlo + "MAIL FROM:<a@x>\r\n",
     {kEhloOk, "530 5.7.0 Authentication required"},
     true,
     0},
    {"AuthThenMessageIsStored",
     Setup::kAuthRequired,
     kEhlo + "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nMAIL FROM:<a@x>\r\nRCPT "
             "TO:<b@x>\r\nDATA\r\nx\r\n.\r\n",
     {kEhloOk, "235 ", k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},

    // DATA and BDAT.
    {"BdatCountNotANumberCloses",
     Setup::kDefault,
     kTx + "BDAT x\r\n",
     {kEhloOk, k250, k250, "501 5.5.4 Syntax: BDAT count [LAST]"},
     false,
     0},
    {"BdatNegativeCountCloses",
     Setup::kDefault,
     kEhlo + "BDAT -5\r\n",
     {kEhloOk, "501 5.5.4 Syntax: BDAT count [LAST]"},
     false,
     0},
    {"BdatTwentyDigitCountCloses",
     Setup::kDefault,
     kEhlo + "BDAT 12345678901234567890\r\n",
     {kEhloOk, "501 5.5.4 Syntax: BDAT count [LAST]"},
     false,
     0},
    {"BdatBadLastKeywordSkipsItsChunk",
     Setup::kDefault,
     kEhlo + "BDAT 4 FIRST\r\nNOOP",
     {kEhloOk, "501 5.5.4 Syntax: BDAT count [LAST]"},
     true,
     0},
    {"BdatWithoutMailSkipsItsChunk",
     Setup::kDefault,
     kEhlo + "BDAT 4\r\nNOOP",
     {kEhloOk, "503 5.5.1 Error: need MAIL command"},
     true,
     0},
    {"BdatThenDataIsRefused",
     Setup::kDefault,
     kTx + "BDAT 3\r\nabcDATA\r\n",
     {kEhloOk, k250, k250, "250 2.0.0 Ok: 3 octets received",
      "503 5.5.1 Error: BDAT and DATA cannot be mixed"},
     true,
     0},
    {"BdatWithChunkingOff",
     Setup::kNoChunking,
     kTx + "BDAT 3 LAST\r\nabc",
     {kEhloOk, k250, k250, "502 5.5.1 Error: command not implemented"},
     true,
     0},
    {"BdatZeroLastStoresAnEmptyMessage",
     Setup::kDefault,
     kTx + "BDAT 0 LAST\r\n",
     {kEhloOk, k250, k250, "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"BdatBinaryContentIsStored",
     Setup::kDefault,
     kTx + std::string("BDAT 6 LAST\r\n\0\r\n.\n\xff", 19),
     {kEhloOk, k250, k250, "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"DataEmptyMessage",
     Setup::kDefault,
     kTx + "DATA\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"DataDotStuffing",
     Setup::kDefault,
     kTx + "DATA\r\n..leading dot\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},

    // Limits.
    {"MessageOverTheLimitIsRefused",
     Setup::kSmallLimits,
     kTx + "DATA\r\n" + std::string(200, 'x') + "\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ",
      "552 5.3.4 Message size exceeds fixed limit"},
     true,
     0},
    {"MessageOfExactlyTheLimitIsStored",
     Setup::kSmallLimits,
     kTx + "DATA\r\n" + std::string(98, 'x') + "\r\n.\r\n",
     {kEhloOk, k250, k250, "354 ", "250 2.0.0 Ok: queued as"},
     true,
     1},
    {"SizeParameterOverTheLimit",
     Setup::kSmallLimits,
     kEhlo + "MAIL FROM:<a@x> SIZE=101\r\n",
     {kEhloOk, "552 5.3.4 Message size exceeds fixed limit"},
     true,
     0},
    {"HugeSizeParameter",
     Setup::kSmallLimits,
     kEhlo + "MAIL FROM:<a@x> SIZE=99999999999999999999999\r\n",
     {kEhloOk, "552 5.3.4"},
     true,
     0},
    {"TooManyRecipients",
     Setup::kSmallLimits,
     kEhlo + "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nRCPT "
             "TO:<d@x>\r\n",
     {kEhloOk, k250, k250, k250, "452 4.5.3 Error: too many recipients"},
     true,
     0},
    {"BdatOverTheLimitIsReadThenRefused",
     Setup::kSmallLimits,
     kTx + "BDAT 150 LAST\r\n" + std::string(150, 'x'),
     {kEhloOk, k250, k250, "552 5.3.4 Message size exceeds fixed limit"},
     true,
     0},
};

class HostileTest : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileTest, RepliesUsabilityAndStore) {
  const HostileCase& c = GetParam();
  Server server(OptionsFor(c.setup));
  server.Start();
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  ASSERT_TRUE(client.Send(c.input));
  for (std::size_t i = 0; i < c.replies.size(); ++i) {
    const std::optional<std::string> reply = client.ReadReply();
    ASSERT_TRUE(reply.has_value())
        << "no reply " << i << ", expected " << c.replies[i];
    EXPECT_THAT(*reply, StartsWith(c.replies[i])) << "reply " << i;
  }
  if (c.usable) {
    EXPECT_THAT(client.Command("NOOP").value_or("(none)"),
                StartsWith("250 2.0.0 Ok"));
  } else {
    std::string rest;
    EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(5), &rest));
    // No SMTP reply after the last one (a TLS alert may follow a handshake
    // that plaintext broke).
    EXPECT_EQ(rest.find("\r\n"), std::string::npos) << rest;
  }
  EXPECT_EQ(server.Messages().size(), c.stored);
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, HostileTest, ::testing::ValuesIn(kCases),
    [](const ::testing::TestParamInfo<HostileCase>& case_info) {
      return std::string(case_info.param.name);
    });

}  // namespace
}  // namespace smtpfixture
