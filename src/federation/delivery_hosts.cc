#include "federation/delivery_hosts.h"

#include <algorithm>

namespace publius::federation {

DeliveryHosts::DeliveryHosts(DeliveryHostOptions options) : options_(options) {}

void DeliveryHosts::tidy(std::unordered_map<std::string, Host>::iterator it) {
  if (it->second.in_flight == 0 && it->second.failing_since_ms == 0) hosts_.erase(it);
}

bool DeliveryHosts::unavailable(std::string_view host, int64_t now_ms) {
  std::lock_guard lock(mu_);
  const auto it = hosts_.find(std::string(host));
  return it != hosts_.end() && it->second.failing_since_ms != 0 &&
         now_ms - it->second.failing_since_ms >= options_.unavailable_after.count();
}

bool DeliveryHosts::try_take(const std::string& host) {
  std::lock_guard lock(mu_);
  Host& h = hosts_[host];
  if (h.in_flight >= std::max(1, options_.max_in_flight)) return false;
  ++h.in_flight;
  return true;
}

bool DeliveryHosts::take(const std::string& host, const std::atomic<bool>& stopping) {
  std::unique_lock lock(mu_);
  freed_.wait(lock, [&] {
    return stopping || hosts_[host].in_flight < std::max(1, options_.max_in_flight);
  });
  if (stopping) return false;
  ++hosts_[host].in_flight;
  return true;
}

void DeliveryHosts::give_back(const std::string& host) {
  {
    std::lock_guard lock(mu_);
    const auto it = hosts_.find(host);
    if (it == hosts_.end()) return;
    it->second.in_flight = std::max(0, it->second.in_flight - 1);
    tidy(it);
  }
  freed_.notify_all();
}

void DeliveryHosts::answered(const std::string& host) { heard_from(host); }

void DeliveryHosts::failed(const std::string& host, int64_t now_ms) {
  std::lock_guard lock(mu_);
  Host& h = hosts_[host];
  if (h.failing_since_ms == 0) h.failing_since_ms = std::max<int64_t>(now_ms, 1);
}

void DeliveryHosts::heard_from(std::string_view host) {
  std::lock_guard lock(mu_);
  const auto it = hosts_.find(std::string(host));
  if (it == hosts_.end()) return;
  it->second.failing_since_ms = 0;
  tidy(it);
}

void DeliveryHosts::wake_all() {
  { std::lock_guard lock(mu_); }
  freed_.notify_all();
}

}  // namespace publius::federation
