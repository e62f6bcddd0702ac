#include "verifier/crypto/ordered_worker.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ccv::crypto {
namespace {

TEST(OrderedWorkerTest, ThreadedRunsTasksInSubmissionOrder) {
  std::vector<int> seen;
  {
    OrderedWorker w(true, 3);
    for (int i = 0; i < 1000; ++i) w.Submit([&seen, i] { seen.push_back(i); });
    w.Wait();
    ASSERT_EQ(seen.size(), 1000u);
  }
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[size_t(i)], i);
}

TEST(OrderedWorkerTest, ThreadedRunsTasksOffTheCallingThread) {
  OrderedWorker w(true);
  std::thread::id ran_on;
  w.Submit([&] { ran_on = std::this_thread::get_id(); });
  w.Wait();
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(w.threaded());
}

TEST(OrderedWorkerTest, InlineRunsEachTaskInsideSubmit) {
  OrderedWorker w(false);
  int x = 0;
  std::thread::id ran_on;
  w.Submit([&] {
    x = 7;
    ran_on = std::this_thread::get_id();
  });
  EXPECT_EQ(x, 7);  // before any Wait()
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_FALSE(w.threaded());
}

TEST(OrderedWorkerTest, WaitReturnsOnlyAfterTheRunningTaskFinished) {
  OrderedWorker w(true);
  std::atomic<bool> done{false};
  w.Submit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    done = true;
  });
  w.Wait();
  EXPECT_TRUE(done.load());
}

TEST(OrderedWorkerTest, SubmitBlocksWhileTheQueueIsFull) {
  OrderedWorker w(true, 2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> ran{0};
  w.Submit([gate, &ran] {
    gate.wait();
    ++ran;
  });                           // running
  w.Submit([&ran] { ++ran; });  // pending 1
  // Give the worker time to take the first task off the queue.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  w.Submit([&ran] { ++ran; });  // pending 2
  std::atomic<bool> fourth_queued{false};
  std::thread producer([&] {
    w.Submit([&ran] { ++ran; });
    fourth_queued = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(fourth_queued.load());  // the queue holds 2: Submit waits
  release.set_value();
  producer.join();
  EXPECT_TRUE(fourth_queued.load());
  w.Wait();
  EXPECT_EQ(ran.load(), 4);
}

TEST(OrderedWorkerTest, DestructorRunsEveryQueuedTask) {
  std::atomic<int> ran{0};
  {
    OrderedWorker w(true, 64);
    for (int i = 0; i < 50; ++i) {
      w.Submit([&ran] {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        ++ran;
      });
    }
  }
  EXPECT_EQ(ran.load(), 50);
}

TEST(OrderedWorkerTest, ZeroMaxPendingIsTreatedAsOne) {
  OrderedWorker w(true, 0);
  int sum = 0;
  for (int i = 1; i <= 10; ++i) w.Submit([&sum, i] { sum += i; });
  w.Wait();
  EXPECT_EQ(sum, 55);
}

class ThreadCountTest : public ::testing::Test {
 protected:
  void TearDown() override { unsetenv("CCV_THREADS"); }
};

TEST_F(ThreadCountTest, EnvironmentSetsTheCount) {
  setenv("CCV_THREADS", "1", 1);
  EXPECT_EQ(DefaultThreadCount(), 1);
  setenv("CCV_THREADS", "2", 1);
  EXPECT_EQ(DefaultThreadCount(), 2);
  setenv("CCV_THREADS", "64", 1);
  EXPECT_EQ(DefaultThreadCount(), 64);
}

TEST_F(ThreadCountTest, CheckRejectsEveryValueTheCountWouldIgnore) {
  EXPECT_TRUE(CheckThreadsEnv(nullptr).ok());
  EXPECT_TRUE(CheckThreadsEnv("").ok());
  for (const char* good : {"1", "2", "64"}) EXPECT_TRUE(CheckThreadsEnv(good).ok()) << good;
  for (const char* bad : {"0", "-1", "65", "2x", " 2", "two", "99999999999999999999"}) {
    Status s = CheckThreadsEnv(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.message().find("CCV_THREADS='" + std::string(bad) + "'"), std::string::npos);
    EXPECT_NE(s.message().find("1 to 64"), std::string::npos) << s.message();
  }
}

TEST_F(ThreadCountTest, BadEnvironmentValuesAreIgnored) {
  unsetenv("CCV_THREADS");
  const int fallback = DefaultThreadCount();
  EXPECT_GE(fallback, 1);
  EXPECT_LE(fallback, 2);
  for (const char* bad : {"", "0", "-1", "65", "2x", " 2", "two", "99999999999999999999"}) {
    setenv("CCV_THREADS", bad, 1);
    EXPECT_EQ(DefaultThreadCount(), fallback) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace ccv::crypto
