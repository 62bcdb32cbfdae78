// The session: the fault script applied by the one dispatcher.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// ---------------------------------------------------------------------------
// Faults.

TEST(SmtpSessionTest, FaultAtConnectNoService) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kConnect).Reply(554, "5.3.2 No service here");
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "NOOP", "QUIT"}))
          .Run();
  EXPECT_THAT(o.greeting, ElementsAre("554 5.3.2 No service here"));
  EXPECT_THAT(
      o.replies,
      ElementsAre("503 5.5.1 Error: no service", "503 5.5.1 Error: no service",
                  "503 5.5.1 Error: no service", "221 2.0.0 Bye"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtConnect421Closes) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kConnect).Reply(421, "4.3.2 Go away");
                        })
                        .Send("EHLO x\r\n")
                        .Run();
  EXPECT_THAT(o.greeting, ElementsAre("421 4.3.2 Go away"));
  EXPECT_THAT(o.replies, IsEmpty());
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtConnectDelayDisconnectSilence) {
  const Outcome delayed =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Delay(1500ms); })
          .Run();
  EXPECT_THAT(delayed.waits, ElementsAre(1500ms));
  EXPECT_THAT(DescribeAll(delayed.actions),
              ElementsAre("wait 1500", "S: 220 localhost ESMTP smtpfixture",
                          "write 220 localhost ESMTP smtpfixture\r\n"));
  const Outcome dropped =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Disconnect(); })
          .Send("EHLO x\r\n")
          .Run();
  EXPECT_THAT(DescribeAll(dropped.actions), ElementsAre("close"));
  const Outcome silent =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Silence(); })
          .Send("EHLO x\r\n")
          .Idle()
          .Run();
  EXPECT_THAT(DescribeAll(silent.actions), ElementsAre("silence"));
}

TEST(SmtpSessionTest, FaultOnOneRecipient) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kRcptTo)
                .WhenArgumentContains("bounce@")
                .Reply(550, "5.1.1 No such user");
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<bounce@x>",
                       "RCPT TO:<ok@x>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "550 5.1.1 No such user",
                          "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  EXPECT_THAT(o.messages.at(0)->envelope.rcpt_to, ElementsAre("ok@x"));
}

TEST(SmtpSessionTest, FaultTimesAndTempFailOfMail) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kMailFrom).Reply(451, "4.3.0 Try later").Times(1);
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                       "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}))
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("451 4.3.0 Try later", "503 5.5.1 Error: need MAIL command",
                  "250 2.1.0 Ok", "250 2.1.5 Ok"));
}

TEST(SmtpSessionTest, FaultPositiveReplyKeepsTheStateChange) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kMailFrom).Reply(250, "2.1.0 Sender looks fine");
            f.At(Stage::kEndOfData).Reply(250, "2.0.0 Queued as ABC");
            f.At(Stage::kData).Reply(354, "Go ahead");
          })
          .Send(Lines(
              {"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Sender looks fine", "250 2.1.5 Ok",
                          "354 Go ahead", "250 2.0.0 Queued as ABC"));
  EXPECT_THAT(o.messages, SizeIs(1));
}

TEST(SmtpSessionTest, FaultPositiveReplyCannotRescueABadCommand) {
  EXPECT_THAT(LastReply(Dialogue()
                            .Faults([](FaultScript& f) {
                              f.At(Stage::kMailFrom).Reply(250, "fine");
                            })
                            .Send(Lines({"EHLO x", "MAIL FROM:bad"}))
                            .Run()),
              "501 5.1.7 Bad sender address syntax");
}

// A scripted positive reply of another class than the command's reply is
// dropped with that command: nothing scripted reaches a later command.
TEST(SmtpSessionTest, FaultPositiveReplyNeverReachesTheNextCommand) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kHelo).Reply(354, "go on").Times(1);
            f.At(Stage::kMailFrom).Reply(250, "fine").Times(1);
          })
          .Send(Lines({"HELO x", "NOOP", "MAIL FROM:bad", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA"}))
          .Run();
  EXPECT_THAT(o.replies, ElementsAre("250 localhost", "250 2.0.0 Ok",
                                     "501 5.1.7 Bad sender address syntax",
                                     "250 2.1.0 Ok", "250 2.1.5 Ok",
                                     "354 End data with <CR><LF>.<CR><LF>"));
}

// A scripted 235 waits through the SASL challenges for the final reply, and
// the attempt is recorded with the code sent.
TEST(SmtpSessionTest, FaultPositiveAuthReplyWaitsForTheFinalReply) {
  const Outcome o =
      Dialogue(WithAuth())
          .Faults([](FaultScript& f) {
            f.At(Stage::kAuth).Reply(235, "2.7.0 Come in");
          })
          .Send(Lines({"EHLO x", "AUTH LOGIN", "YWxpY2U=", "c2VjcmV0", "NOOP"}))
          .Run();
  EXPECT_THAT(After(o, 9),  // the greeting and EHLO's nine lines
              ElementsAre("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
                          "235 2.7.0 Come in", "250 2.0.0 Ok"));
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].reply_code, 235);
  EXPECT_TRUE(o.auth_attempts[0].succeeded);
}

// A scripted 334 takes the place of the first challenge, once: the exchange
// holds the one scripted reply, and nothing else applies it again.
TEST(SmtpSessionTest, FaultPositiveAuthChallengeReplacesTheFirstOnly) {
  const Outcome o =
      Dialogue(WithAuth())
          .Faults(
              [](FaultScript& f) { f.At(Stage::kAuth).Reply(334, "VXNlcjo="); })
          .Send(Lines({"EHLO x", "AUTH LOGIN", "YWxpY2U=", "c2VjcmV0"}))
          .Run();
  EXPECT_THAT(After(o, 9),  // the greeting and EHLO's nine lines
              ElementsAre("334 VXNlcjo=", "334 UGFzc3dvcmQ6",
                          "235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, FaultAtEndOfDataStoresNothing) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kEndOfData)
                .WhenArgumentContains("Subject: fail")
                .Reply(451, "4.3.0 Try again later");
          })
          .Send(Transaction("Subject: fail\r\n\r\nx\r\n") +
                Lines({"RCPT TO:<c@d>", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                       "DATA", "Subject: pass", "."}))
          .Run();
  EXPECT_THAT(After(o, 10),
              ElementsAre("354 End data with <CR><LF>.<CR><LF>",
                          "451 4.3.0 Try again later",
                          "503 5.5.1 Error: need MAIL command", "250 2.1.0 Ok",
                          "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "Subject: pass\r\n");
}

TEST(SmtpSessionTest, FaultRefusingDataMeansNoDataPhase) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kData).Reply(554, "5.5.0 No data for you").Times(1);
          })
          .Send(Transaction("hello\r\n"))
          .Run();
  EXPECT_THAT(After(o, 10),
              ElementsAre("554 5.5.0 No data for you",
                          "500 5.5.2 Error: command not recognized",
                          "500 5.5.2 Error: command not recognized"));
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionTest, FaultRefusingABdatChunkReadsItFirst) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kData).Reply(452, "4.3.1 Full").Times(1);
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 6\r\nQUIT\r\nBDAT 1 LAST\r\nx" + "NOOP\r\n")
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply) + 2),
      ElementsAre("452 4.3.1 Full", "503 5.5.1 Error: need MAIL command",
                  "250 2.0.0 Ok"));
  const std::vector<std::string> all = DescribeAll(o.actions);
  const auto chunk =
      std::find(all.begin(), all.end(), "C: [BDAT chunk: 6 octets]");
  const auto reply = std::find(all.begin(), all.end(), "S: 452 4.3.1 Full");
  ASSERT_NE(chunk, all.end());
  EXPECT_LT(chunk, reply);
}

TEST(SmtpSessionTest, FaultMultiLineReply) {
  EXPECT_THAT(
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kNoop).Reply(550, "5.7.1 line one\nline two\r\nthree");
          })
          .Send("NOOP\r\n")
          .Run()
          .replies,
      ElementsAre("550-5.7.1 line one", "550-line two", "550 three"));
}

TEST(SmtpSessionTest, Fault421AtHeloCloses) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kHelo).Reply(421, "4.7.0 Bye now");
                        })
                        .Send("EHLO x\r\nNOOP\r\n")
                        .Run();
  EXPECT_THAT(o.replies, ElementsAre("421 4.7.0 Bye now"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtQuitStillCloses) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kQuit).Reply(500, "5.0.0 Not leaving");
                        })
                        .Send("QUIT\r\nNOOP\r\n")
                        .Run();
  EXPECT_THAT(o.replies, ElementsAre("500 5.0.0 Not leaving"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtRsetNoopStartTls) {
  SessionConfig c = Tls(TlsPolicy::kStartTlsOptional);
  const Outcome o =
      Dialogue(c)
          .Faults([](FaultScript& f) {
            f.At(Stage::kRset)
                .Reply(421, "4.4.0 x")
                .Times(1)
                .WhenArgumentContains("never");
            f.At(Stage::kNoop).Reply(250, "2.0.0 Fine indeed");
            f.At(Stage::kStartTls).Reply(454, "4.7.0 TLS not available");
          })
          .Send(Lines({"RSET", "NOOP", "STARTTLS", "NOOP"}))
          .Run();
  EXPECT_THAT(o.replies, ElementsAre("250 2.0.0 Ok", "250 2.0.0 Fine indeed",
                                     "454 4.7.0 TLS not available",
                                     "250 2.0.0 Fine indeed"));
  EXPECT_EQ(o.start_tls, 0);
}

TEST(SmtpSessionTest, FaultAtAuthIsRecorded) {
  const Outcome o =
      Dialogue(WithAuth())
          .Faults([](FaultScript& f) {
            f.At(Stage::kAuth)
                .Reply(454, "4.7.0 Temporary authentication failure");
          })
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_EQ(LastReply(o), "454 4.7.0 Temporary authentication failure");
  EXPECT_THAT(o.authenticated, IsEmpty());
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].reply_code, 454);
  EXPECT_EQ(o.auth_attempts[0].mechanism, "PLAIN");
}

TEST(SmtpSessionTest, FaultDisconnectAtRcpt) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kRcptTo).Disconnect(); })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}))
          .Run();
  EXPECT_EQ(LastReply(o), "250 2.1.0 Ok");
  EXPECT_TRUE(o.closed);
  ASSERT_FALSE(o.actions.empty());
  EXPECT_EQ(Describe(o.actions.back()), "close");
}

TEST(SmtpSessionTest, FaultSilenceAtEndOfData) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kEndOfData).Silence(); })
          .Send(Transaction("x\r\n") + "NOOP\r\n")
          .Run();
  EXPECT_TRUE(o.silenced);
  EXPECT_THAT(o.messages, IsEmpty());
  EXPECT_EQ(LastReply(o), "354 End data with <CR><LF>.<CR><LF>");
}

TEST(SmtpSessionTest, FaultDelayThenNormalOrScriptedReply) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kEndOfData).Delay(20ms);
            f.At(Stage::kRcptTo).Delay(30ms).Reply(450, "4.2.1 Slow down");
          })
          .Send(Transaction("x\r\n"))
          .Run();
  EXPECT_THAT(o.waits, ElementsAre(30ms));
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "450 4.2.1 Slow down",
                          "503 5.5.1 Error: need RCPT command",
                          "500 5.5.2 Error: command not recognized",
                          "500 5.5.2 Error: command not recognized"));
  const Outcome delivered =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kEndOfData).Delay(20ms); })
          .Send(Transaction("x\r\n"))
          .Run();
  EXPECT_THAT(delivered.waits, ElementsAre(20ms));
  const std::vector<std::string> all = DescribeAll(delivered.actions);
  ASSERT_GE(all.size(), 4u);
  EXPECT_EQ(all[all.size() - 4], "wait 20");
  EXPECT_THAT(all.back(), HasSubstr("queued as 1"));
}

}  // namespace
}  // namespace smtpfixture::detail
