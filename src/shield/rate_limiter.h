// RateLimiter counts requests per key in fixed windows (Mastodon's model: 300
// requests per 5 minutes per token and per client). Keys are opaque strings —
// token ids or the server's in-memory keyed hash of a client address — and the
// counters live only in memory: the shield forbids persisting anything derived
// from an address. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace publius::shield {

class RateLimiter {
 public:
  struct Decision {
    bool allowed;
    int64_t limit;
    int64_t remaining;
    int64_t reset_ms;  // epoch ms when the window ends
  };

  RateLimiter(int64_t limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // Counts one request for key and says whether it is within the limit.
  Decision hit(const std::string& key);

 private:
  struct Window {
    int64_t start_ms;
    int64_t count;
  };
  int64_t limit_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace publius::shield
