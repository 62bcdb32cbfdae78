#include "fixture/message/message_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <stdexcept>
#include <thread>

#include "fixture/base/deadline.h"

namespace smtpfixture::detail {
namespace {

using ::testing::SizeIs;

std::shared_ptr<MessageRecord> Record(std::uint64_t session, std::string data) {
  auto record = std::make_shared<MessageRecord>();
  record->session_id = session;
  record->data = std::move(data);
  return record;
}

TEST(DeadlineTest, SaturatesInsteadOfOverflowing) {
  using Clock = std::chrono::steady_clock;
  EXPECT_EQ(DeadlineAfter(std::chrono::milliseconds::max()),
            Clock::time_point::max());
  // Too large for the clock's nanoseconds, though not the type's maximum.
  EXPECT_EQ(DeadlineAfter(std::chrono::hours(24 * 365 * 1000)),
            Clock::time_point::max());
  const Clock::time_point before = Clock::now();
  const Clock::time_point past =
      DeadlineAfter(std::chrono::milliseconds::min());
  EXPECT_LE(past, Clock::now());
  EXPECT_GE(past, before);
  const Clock::time_point in_a_second = DeadlineAfter(std::chrono::seconds(1));
  EXPECT_GE(in_a_second, before + std::chrono::seconds(1));
  EXPECT_LE(in_a_second, Clock::now() + std::chrono::seconds(1));
}

TEST(MessageStoreTest, WaitForChangeCountsEachStoreChange) {
  MessageStore store;
  std::uint64_t seen = store.ChangeCount();
  const auto changed = [&](const char* step) {
    EXPECT_TRUE(store.WaitForChange(seen, std::chrono::milliseconds(0)))
        << step;
    seen = store.ChangeCount();
  };
  const std::uint64_t session = store.OpenSession("peer");
  changed("OpenSession");
  store.AppendTranscript(session, {Direction::kServer, "220 hi"});
  changed("AppendTranscript");
  store.UpdateSession(session, [](Session& s) { s.tls_error = "x"; });
  changed("UpdateSession");
  store.AddMessage(Record(session, "x"));
  changed("AddMessage");
  store.CloseSession(session);
  changed("CloseSession");
  store.Clear();
  changed("Clear");
  store.SetServing(true);
  changed("SetServing");
  // A call that changes nothing counts nothing.
  store.UpdateSession(12345, [](Session& s) { s.tls_error = "x"; });
  std::vector<TranscriptLine> none;
  store.AppendTranscript(session, none);
  EXPECT_FALSE(store.WaitForChange(seen, std::chrono::milliseconds(0)));
}

TEST(MessageStoreTest, WaitForChangeWakesAWaitingThread) {
  MessageStore store;
  const std::uint64_t seen = store.ChangeCount();
  std::thread opener([&] { store.OpenSession("peer"); });
  EXPECT_TRUE(store.WaitForChange(seen, std::chrono::milliseconds::max()));
  opener.join();
}

TEST(MessageStoreTest, WaitReturnsWhenAnotherThreadAdds) {
  MessageStore store;
  const std::uint64_t session = store.OpenSession("peer");
  std::thread adder([&] {
    for (int i = 0; i < 3; ++i) store.AddMessage(Record(session, "x"));
  });
  EXPECT_TRUE(store.WaitForMessages(3, std::chrono::seconds(30)));
  adder.join();
  EXPECT_THAT(store.Messages(), SizeIs(3));
  EXPECT_EQ(store.Sessions()[0].messages, 3u);
}

TEST(MessageStoreTest, WaitTimesOutWithoutMessages) {
  MessageStore store;
  EXPECT_FALSE(store.WaitForMessages(1, std::chrono::milliseconds(1)));
  EXPECT_TRUE(store.WaitForMessages(0, std::chrono::milliseconds(0)));
}

// A predicate on the message's data that counts how often it saw each data.
struct DataIs {
  std::string wanted;
  std::map<std::string, int>* calls;
  bool operator()(const ReceivedMessage& message) const {
    ++(*calls)[message.data()];
    return message.data() == wanted;
  }
};

TEST(MessageStoreTest, WaitForMessageFindsOneAlreadyThere) {
  MessageStore store;
  store.SetServing(true);
  const std::uint64_t session = store.OpenSession("peer");
  store.AddMessage(Record(session, "a"));
  store.AddMessage(Record(session, "b"));
  std::map<std::string, int> calls;
  EXPECT_TRUE(
      store.WaitForMessage(DataIs{"b", &calls}, std::chrono::milliseconds(0)));
  EXPECT_EQ(calls, (std::map<std::string, int>{{"a", 1}, {"b", 1}}));
}

TEST(MessageStoreTest, WaitForMessageJudgesEachMessageOnceOnTheCallingThread) {
  MessageStore store;
  store.SetServing(true);
  const std::uint64_t session = store.OpenSession("peer");
  std::map<std::string, int> calls;
  const std::thread::id caller = std::this_thread::get_id();
  bool always_on_caller = true;
  std::thread adder([&] {
    for (const char* data : {"x1", "x2", "x3", "x4", "wanted"}) {
      store.AddMessage(Record(session, data));
    }
  });
  EXPECT_TRUE(store.WaitForMessage(
      [&](const ReceivedMessage& message) {
        always_on_caller =
            always_on_caller && std::this_thread::get_id() == caller;
        return DataIs{"wanted", &calls}(message);
      },
      std::chrono::seconds(30)));
  adder.join();
  EXPECT_TRUE(always_on_caller);
  EXPECT_EQ(calls,
            (std::map<std::string, int>{
                {"x1", 1}, {"x2", 1}, {"x3", 1}, {"x4", 1}, {"wanted", 1}}));
}

TEST(MessageStoreTest, WaitForMessageTimesOutWhenNoneMatches) {
  MessageStore store;
  store.SetServing(true);
  store.AddMessage(Record(store.OpenSession("peer"), "a"));
  std::map<std::string, int> calls;
  EXPECT_FALSE(
      store.WaitForMessage(DataIs{"b", &calls}, std::chrono::milliseconds(20)));
  EXPECT_EQ(calls, (std::map<std::string, int>{{"a", 1}}));
}

TEST(MessageStoreTest, WaitForMessageStartsOverAfterClear) {
  MessageStore store;
  store.SetServing(true);
  const std::uint64_t session = store.OpenSession("peer");
  for (int i = 0; i < 3; ++i) store.AddMessage(Record(session, "old"));
  std::map<std::string, int> calls;
  // The predicate runs without the store's lock, so it can clear the store
  // itself: what arrives next sits at index 0 of a shorter list, and a
  // waiter that kept its old index would never see it.
  EXPECT_TRUE(store.WaitForMessage(
      [&](const ReceivedMessage& message) {
        if (message.data() == "old" && calls["old"] == 0) {
          store.Clear();
          store.AddMessage(Record(session, "new"));
        }
        return DataIs{"new", &calls}(message);
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(calls, (std::map<std::string, int>{{"old", 3}, {"new", 1}}));
}

TEST(MessageStoreTest,
     WaitForMessageSeesWhatArrivesAfterAClearOnAnotherThread) {
  MessageStore store;
  store.SetServing(true);
  const std::uint64_t session = store.OpenSession("peer");
  for (int i = 0; i < 3; ++i) store.AddMessage(Record(session, "old"));
  std::thread other;
  EXPECT_TRUE(store.WaitForMessage(
      [&](const ReceivedMessage& message) {
        if (!other.joinable()) {
          other = std::thread([&] {
            store.Clear();
            store.AddMessage(Record(session, "new"));
          });
        }
        return message.data() == "new";
      },
      std::chrono::seconds(30)));
  other.join();
}

TEST(MessageStoreTest, WaitForMessageReturnsWhenServingStops) {
  MessageStore store;
  store.SetServing(true);
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { store.SetServing(false); });
  EXPECT_FALSE(store.WaitForMessage([](const ReceivedMessage&) { return true; },
                                    std::chrono::seconds(60)));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(MessageStoreTest, WaitForMessageJudgesWhatIsThereWhenNotServing) {
  MessageStore store;  // like a server that stopped after receiving "a"
  store.AddMessage(Record(store.OpenSession("peer"), "a"));
  std::map<std::string, int> calls;
  EXPECT_TRUE(
      store.WaitForMessage(DataIs{"a", &calls}, std::chrono::seconds(60)));
  EXPECT_FALSE(
      store.WaitForMessage(DataIs{"b", &calls}, std::chrono::seconds(60)));
  EXPECT_EQ(calls, (std::map<std::string, int>{{"a", 2}}));
}

TEST(MessageStoreTest, WaitForMessagePassesOnThePredicatesException) {
  MessageStore store;
  store.SetServing(true);
  store.AddMessage(Record(store.OpenSession("peer"), "a"));
  EXPECT_THROW(store.WaitForMessage(
                   [](const ReceivedMessage&) -> bool {
                     throw std::runtime_error("predicate failed");
                   },
                   std::chrono::seconds(30)),
               std::runtime_error);
  // The lock was not left held: the store still works.
  store.AddMessage(Record(1, "b"));
  EXPECT_TRUE(store.WaitForMessages(2, std::chrono::milliseconds(0)));
}

TEST(MessageStoreTest, ClearKeepsOpenSessions) {
  MessageStore store;
  const std::uint64_t closed = store.OpenSession("a");
  const std::uint64_t open = store.OpenSession("b");
  store.AddMessage(Record(closed, "x"));
  store.CloseSession(closed);
  EXPECT_TRUE(store.WaitForSessionsClosed(1, std::chrono::milliseconds(0)));
  store.Clear();
  EXPECT_THAT(store.Messages(), SizeIs(0));
  ASSERT_THAT(store.Sessions(), SizeIs(1));
  EXPECT_EQ(store.Sessions()[0].id, open);
  EXPECT_FALSE(store.WaitForSessionsClosed(1, std::chrono::milliseconds(0)));
  // A cleared session's late updates are ignored, not resurrected.
  store.AppendTranscript(closed, {Direction::kClient, "late"});
  EXPECT_THAT(store.Sessions(), SizeIs(1));
}

TEST(MessageStoreTest, TranscriptIsBounded) {
  MessageStore store;
  const std::uint64_t id = store.OpenSession("flood");
  for (std::size_t i = 0; i < MessageStore::kMaxTranscriptLines + 10; ++i) {
    store.AppendTranscript(id, {Direction::kClient, "NOOP"});
  }
  store.CloseSession(id);
  const Session session = store.Sessions()[0];
  ASSERT_THAT(session.transcript,
              SizeIs(MessageStore::kMaxTranscriptLines + 1));
  EXPECT_EQ(session.transcript.back().text,
            "[smtpfixture: 10 more transcript lines not recorded]");
}

TEST(MessageStoreTest, IdsIncrease) {
  MessageStore store;
  EXPECT_EQ(store.AllocateMessageId(), 1u);
  EXPECT_EQ(store.AllocateMessageId(), 2u);
  EXPECT_EQ(store.OpenSession("a"), 1u);
  EXPECT_EQ(store.OpenSession("b"), 2u);
}

}  // namespace
}  // namespace smtpfixture::detail
