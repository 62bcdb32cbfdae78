// HasValidDkimSignature, ReceivedMessage::Dkim() and the DKIM printers, on
// records built by hand from the dkimpy vectors in tests/data/dkim/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fixture/message/message_record.h"
#include "smtpfixture/matchers.h"
#include "smtpfixture/printers.h"
#include "tests/support/dkim_vectors.h"

namespace smtpfixture {
namespace {

using ::testing::AllOf;
using ::testing::DescribeMatcher;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::PrintToString;
using ::testing::StringMatchResultListener;

std::string ReadData(const std::string& name) {
  std::string data = testing::ReadDkimData(name);
  EXPECT_FALSE(data.empty()) << "cannot read tests/data/dkim/" << name;
  return data;
}

DkimKeys Keys() { return testing::ReadDkimKeys(); }

// A message as the server would record it, with the server's keys.
ReceivedMessage Message(std::string data, DkimKeys keys = Keys()) {
  auto record = std::make_shared<detail::MessageRecord>();
  record->id = 1;
  record->data = std::move(data);
  record->dkim_keys = std::make_shared<const DkimKeys>(std::move(keys));
  return ReceivedMessage(record);
}

ReceivedMessage Signed() {
  return Message(ReadData("rsa2048_relaxed_relaxed.eml"));
}

ReceivedMessage Tampered() {
  std::string data = ReadData("rsa2048_relaxed_relaxed.eml");
  data.replace(data.find("Hello Bob"), 9, "Hello Bib");
  return Message(data);
}

template <typename M>
std::string Explain(const M& matcher, const ReceivedMessage& message) {
  StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, message, &listener);
  return listener.str();
}

template <typename M>
std::string Describe(const M& matcher, bool negation = false) {
  return DescribeMatcher<const ReceivedMessage&>(matcher, negation);
}

TEST(HasValidDkimSignatureTest, Matches) {
  EXPECT_THAT(Signed(), HasValidDkimSignature());
  EXPECT_THAT(Signed(), HasValidDkimSignature("example.com"));
  EXPECT_THAT(Signed(), HasValidDkimSignature(EndsWith(".com")));
  EXPECT_THAT(Signed(), Not(HasValidDkimSignature("example.org")));
  EXPECT_THAT(Tampered(), Not(HasValidDkimSignature()));
  EXPECT_THAT(Message("From: a@example.com\r\n\r\nHi\r\n"),
              Not(HasValidDkimSignature()));
}

TEST(HasValidDkimSignatureTest, DescribesItselfAndItsNegation) {
  EXPECT_EQ(Describe(HasValidDkimSignature()), "has a valid DKIM signature");
  EXPECT_EQ(Describe(HasValidDkimSignature(), true),
            "has no valid DKIM signature");
  EXPECT_EQ(Describe(HasValidDkimSignature("example.com")),
            "has a valid DKIM signature with domain that is equal to "
            "\"example.com\"");
  EXPECT_EQ(Describe(HasValidDkimSignature("example.com"), true),
            "has no valid DKIM signature with domain that is equal to "
            "\"example.com\"");
}

TEST(HasValidDkimSignatureTest, ExplainsEveryResultWithItsReason) {
  EXPECT_EQ(Explain(HasValidDkimSignature(), Signed()),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256");
  EXPECT_EQ(Explain(HasValidDkimSignature(), Tampered()),
            "whose DKIM results are: fail d=example.com s=rsa2048 rsa-sha256 "
            "(body hash mismatch)");
  EXPECT_EQ(Explain(HasValidDkimSignature("example.org"), Signed()),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256");
  EXPECT_EQ(Explain(HasValidDkimSignature(),
                    Message("From: a@example.com\r\n\r\nHi\r\n")),
            "which has no DKIM-Signature");
  DkimKeys rsa_only = Keys();
  rsa_only.erase("ed25519._domainkey.example.com");
  EXPECT_EQ(Explain(HasValidDkimSignature(),
                    Message(ReadData("two_signatures.eml"), rsa_only)),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256; "
            "nokey d=example.com s=ed25519 ed25519-sha256 "
            "(no key ed25519._domainkey.example.com)");
}

// l= covering the whole body is a valid signature; content appended past it
// is still kPass in Dkim(), but not a valid signature of the mail.
TEST(HasValidDkimSignatureTest, RequiresTheWholeBodyToBeSigned) {
  const ReceivedMessage whole = Message(ReadData("length.eml"));
  EXPECT_THAT(whole.Dkim(),
              ElementsAre(AllOf(Field(&DkimResult::status, DkimStatus::kPass),
                                Field(&DkimResult::unsigned_body_bytes, 0u))));
  EXPECT_THAT(whole, HasValidDkimSignature());
  EXPECT_THAT(whole, HasValidDkimSignature("example.com"));
  EXPECT_EQ(Explain(HasValidDkimSignature(), whole),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256");

  const ReceivedMessage appended =
      Message(ReadData("length.eml") + "Appended by a list.\r\n");
  EXPECT_THAT(appended.Dkim(),
              ElementsAre(AllOf(Field(&DkimResult::status, DkimStatus::kPass),
                                Field(&DkimResult::unsigned_body_bytes, 25u))));
  EXPECT_THAT(appended, Not(HasValidDkimSignature()));
  EXPECT_THAT(appended, Not(HasValidDkimSignature("example.com")));
  EXPECT_EQ(Explain(HasValidDkimSignature(), appended),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256 "
            "(l= leaves 25 body octets unsigned), which does not count");
  EXPECT_EQ(Explain(Not(HasValidDkimSignature()), appended),
            "whose DKIM results are: pass d=example.com s=rsa2048 rsa-sha256 "
            "(l= leaves 25 body octets unsigned), which does not count");
}

TEST(ReceivedMessageDkimTest, UsesTheServersKeysOrTheKeysGiven) {
  const ReceivedMessage without_keys =
      Message(ReadData("rsa2048_relaxed_relaxed.eml"), {});
  EXPECT_THAT(without_keys.Dkim(),
              ElementsAre(Field(&DkimResult::status, DkimStatus::kNoKey)));
  EXPECT_THAT(without_keys.VerifyDkim(Keys()),
              ElementsAre(Field(&DkimResult::status, DkimStatus::kPass)));
  EXPECT_THAT(Signed().Dkim(),
              ElementsAre(Field(&DkimResult::status, DkimStatus::kPass)));
  // A record made without a server has no keys at all.
  auto record = std::make_shared<detail::MessageRecord>();
  record->data = ReadData("rsa2048_relaxed_relaxed.eml");
  EXPECT_THAT(ReceivedMessage(record).Dkim(),
              ElementsAre(Field(&DkimResult::status, DkimStatus::kNoKey)));
  EXPECT_THAT(Message("Subject: none\r\n\r\n").Dkim(), IsEmpty());
}

TEST(DkimPrintersTest, PrintStatusAndResult) {
  EXPECT_EQ(PrintToString(DkimStatus::kPass), "pass");
  EXPECT_EQ(PrintToString(DkimStatus::kFail), "fail");
  EXPECT_EQ(PrintToString(DkimStatus::kPermError), "permerror");
  EXPECT_EQ(PrintToString(DkimStatus::kNoKey), "nokey");
  EXPECT_EQ(
      PrintToString(DkimResult{DkimStatus::kPermError, "example.com", "sel",
                               "rsa-sha1", "rsa-sha1 not supported"}),
      "permerror d=example.com s=sel rsa-sha1 (rsa-sha1 not supported)");
  DkimResult partial{DkimStatus::kPass, "example.com", "sel", "rsa-sha256", ""};
  partial.unsigned_body_bytes = 1;
  EXPECT_EQ(PrintToString(partial),
            "pass d=example.com s=sel rsa-sha256 (l= leaves 1 body octet "
            "unsigned)");
  partial.status = DkimStatus::kFail;
  partial.reason = "body hash mismatch";
  partial.unsigned_body_bytes = 7;
  EXPECT_EQ(PrintToString(partial),
            "fail d=example.com s=sel rsa-sha256 (body hash mismatch; l= "
            "leaves 7 body octets unsigned)");
  DkimResult rest;
  rest.reason = "10 more DKIM-Signatures not checked (at most 50 are)";
  EXPECT_EQ(PrintToString(rest),
            "permerror (10 more DKIM-Signatures not checked (at most 50 "
            "are))");
}

}  // namespace
}  // namespace smtpfixture
