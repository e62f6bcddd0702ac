#include "verifier/crypto/ordered_worker.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace ccv::crypto {

OrderedWorker::OrderedWorker(bool threaded, size_t max_pending)
    : threaded_(threaded), max_pending_(std::max<size_t>(max_pending, 1)) {
  if (threaded_) thread_ = std::thread([this] { Run(); });
}

OrderedWorker::~OrderedWorker() {
  if (!threaded_) return;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OrderedWorker::Submit(std::function<void()> task) {
  if (!threaded_) {
    task();
    return;
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < max_pending_; });
    queue_.push_back(std::move(task));
  }
  cv_.notify_all();
}

bool OrderedWorker::HasQueued() {
  std::lock_guard<std::mutex> lock(mu_);
  return !queue_.empty();
}

void OrderedWorker::Wait() {
  if (!threaded_) return;
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && !running_task_; });
}

void OrderedWorker::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    // The destructor sets stop_ only after the queue has drained or when the
    // owner gave up waiting; run what is queued either way.
    if (queue_.empty()) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    running_task_ = true;
    lock.unlock();
    cv_.notify_all();  // a slot is free
    task();
    lock.lock();
    running_task_ = false;
    cv_.notify_all();  // Wait() may be done
  }
}

namespace {

constexpr int kMaxThreads = 64;

std::optional<int> ParseThreadCount(const char* env) {
  int n = 0;
  const char* end = env + std::strlen(env);
  auto [p, ec] = std::from_chars(env, end, n);
  if (ec == std::errc() && p == end && n >= 1 && n <= kMaxThreads) return n;
  return std::nullopt;
}

}  // namespace

Status CheckThreadsEnv(const char* value) {
  if (value == nullptr || *value == '\0' || ParseThreadCount(value)) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "CCV_THREADS='" + std::string(value) + "': expected an integer from 1 to " +
                    std::to_string(kMaxThreads) + " (unset or empty: the default)");
}

int DefaultThreadCount() {
  if (const char* env = std::getenv("CCV_THREADS"); env != nullptr && *env != '\0') {
    if (std::optional<int> n = ParseThreadCount(env)) return *n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return int(std::clamp(hw, 1u, 2u));
}

}  // namespace ccv::crypto
