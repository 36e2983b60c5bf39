// DeliveryHosts: what the delivery worker knows of the servers it sends to, in memory
// only. A server is its authority (host and port: "example.com", "127.0.0.1:8443").
//   - At most max_in_flight deliveries go to one server at once, so a post to many
//     followers on one server does not open a burst of connections to it.
//   - A server that has failed every delivery (no answer, 408, 429 or 5xx) for
//     unavailable_after is taken for gone, as Mastodon's UnavailableDomain: deliveries
//     to it are dropped unsent until it answers one again or is heard from (an inbox
//     POST verified from it: heard_from()). A restart forgets this, and the queue's own
//     retries (Federation::kMaxAttempts) still bound what one dead server costs.
// Servers are not people: nothing here names an account. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace publius::federation {

struct DeliveryHostOptions {
  int max_in_flight = 4;  // at least 1
  std::chrono::milliseconds unavailable_after = std::chrono::hours(24 * 7);
};

class DeliveryHosts {
 public:
  explicit DeliveryHosts(DeliveryHostOptions options = {});

  // Whether deliveries to `host` are dropped: it has failed for unavailable_after.
  bool unavailable(std::string_view host, int64_t now_ms);
  // Takes one of `host`'s slots: false when max_in_flight are taken (try_take) or when
  // `stopping` became true while waiting for one (take). give_back() returns it.
  bool try_take(const std::string& host);
  bool take(const std::string& host, const std::atomic<bool>& stopping);
  void give_back(const std::string& host);
  // What a delivery to `host` came to: an answer it meant (2xx, or a 4xx refusal), or a
  // failure (no answer, 408, 429, 5xx) at `now_ms`.
  void answered(const std::string& host);
  void failed(const std::string& host, int64_t now_ms);
  // A request verified from `host` came in: it is alive.
  void heard_from(std::string_view host);
  // Wakes every take() waiting, for a stop.
  void wake_all();

 private:
  struct Host {
    int in_flight = 0;
    int64_t failing_since_ms = 0;  // 0: its last delivery was answered
  };
  // Drops `it` when it holds nothing worth keeping. Called under mu_.
  void tidy(std::unordered_map<std::string, Host>::iterator it);

  const DeliveryHostOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::unordered_map<std::string, Host> hosts_;
};

}  // namespace publius::federation
