#include "fixture/net/message_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace smtpfixture::detail {
namespace {

using ::testing::SizeIs;

std::shared_ptr<MessageRecord> Record(std::uint64_t session, std::string data) {
  auto record = std::make_shared<MessageRecord>();
  record->session_id = session;
  record->data = std::move(data);
  return record;
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
