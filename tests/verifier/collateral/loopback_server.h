// Test helper: an HTTP/1.1 server on 127.0.0.1 at an ephemeral port that
// answers every request from a handler with a canned response, one
// connection at a time, in its own thread. Responses can be delayed (a slow
// server) or announce more body than they send (a truncated transfer).
// Thread-safe: the counters may be read while the server runs.
#ifndef CCV_TESTS_VERIFIER_COLLATERAL_LOOPBACK_SERVER_H_
#define CCV_TESTS_VERIFIER_COLLATERAL_LOOPBACK_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ccv::testing {

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};      // before the status line
  std::optional<size_t> announced_length;  // Content-Length; default body.size()
};

// Gets the request target ("/path?query").
using CannedHandler = std::function<CannedResponse(const std::string& target)>;

class LoopbackServer {
 public:
  // Listens at once; aborts the test binary if no socket can be bound.
  explicit LoopbackServer(CannedHandler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // "http://127.0.0.1:PORT".
  std::string Url() const;
  int port() const { return port_; }
  // Stops serving and closes the socket: later connections are refused.
  // A delayed response in progress is abandoned. Idempotent.
  void Stop();

  int requests() const { return requests_.load(); }
  std::vector<std::string> targets() const;

 private:
  void Loop();
  void Serve(int fd);

  CannedHandler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::thread thread_;
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_VERIFIER_COLLATERAL_LOOPBACK_SERVER_H_
