// OrderedWorker runs tasks one at a time, in the order they were submitted,
// on one background thread, so that a serial computation (an extend chain)
// overlaps with the submitting thread's work (parsing, batched hashing). Made
// with `threaded == false` it runs each task inline inside Submit(), which
// gives the same results in the same order: replay uses this to be
// bit-identical with 1 and 2 threads.
//
// Submit() blocks while `max_pending` tasks wait, which bounds the memory the
// queued tasks hold. Tasks must not throw. Thread safety: Submit() and Wait()
// are called from one producer thread; the tasks run on the worker thread.
#ifndef CCV_VERIFIER_CRYPTO_ORDERED_WORKER_H_
#define CCV_VERIFIER_CRYPTO_ORDERED_WORKER_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "parsers/core/status.h"

namespace ccv::crypto {

class OrderedWorker {
 public:
  explicit OrderedWorker(bool threaded, size_t max_pending = 4);
  // Waits for every submitted task, then stops the thread.
  ~OrderedWorker();
  OrderedWorker(const OrderedWorker&) = delete;
  OrderedWorker& operator=(const OrderedWorker&) = delete;

  bool threaded() const { return threaded_; }
  // Whether tasks wait to run (called from a task: whether another follows
  // it already).
  bool HasQueued();

  // Queues `task` (or runs it now when not threaded).
  void Submit(std::function<void()> task);
  // Returns once every task submitted so far has finished.
  void Wait();

 private:
  void Run();

  const bool threaded_;
  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool running_task_ = false;                // guarded by mu_
  bool stop_ = false;                        // guarded by mu_
  std::thread thread_;
};

// Threads replay should use: CCV_THREADS from the environment if it holds a
// number from 1 to 64, else the hardware concurrency capped at 2 (the two
// stages of a replay: hashing and extending), at least 1. An unset or empty
// CCV_THREADS means the default; CheckThreadsEnv rejects any other value
// that is not a count (the CLI checks it before any work).
int DefaultThreadCount();

// kInvalidArgument naming CCV_THREADS and the accepted values when `value`
// (the variable's value, null when unset) is set, not empty, and not an
// integer from 1 to 64.
Status CheckThreadsEnv(const char* value);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_ORDERED_WORKER_H_
