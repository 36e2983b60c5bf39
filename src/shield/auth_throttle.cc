#include "shield/auth_throttle.h"

#include <algorithm>
#include <cstring>

#include "util/crypto.h"

namespace publius::shield {
namespace {

int64_t ms(std::chrono::milliseconds d) { return d.count(); }

// The failure count at which the delay reaches max_delay: counting further
// would only make forgiveness take longer.
int64_t saturation(const AuthThrottle::Policy& p) {
  int64_t failures = p.free_failures;
  for (int64_t delay = ms(p.first_delay); delay < ms(p.max_delay) && delay > 0; delay *= 2)
    ++failures;
  return failures;
}

// Milliseconds to wait after the last of `failures` failures.
int64_t delay_after(const AuthThrottle::Policy& p, int64_t failures) {
  if (failures < p.free_failures) return 0;
  int64_t delay = ms(p.first_delay);
  for (int64_t i = p.free_failures; i < failures && delay < ms(p.max_delay); ++i) delay *= 2;
  return std::min(delay, ms(p.max_delay));
}

}  // namespace

AuthThrottle::Attempt::Attempt(Attempt&& other) noexcept
    : throttle_(std::exchange(other.throttle_, nullptr)),
      account_(other.account_),
      client_(other.client_) {}

AuthThrottle::Attempt::~Attempt() {
  if (throttle_) throttle_->finish(account_, client_, /*success=*/false);
}

void AuthThrottle::Attempt::succeeded() {
  if (throttle_) std::exchange(throttle_, nullptr)->finish(account_, client_, /*success=*/true);
}

AuthThrottle::AuthThrottle(Options options)
    : options_(std::move(options)), hash_key_(random_token(32)) {
  if (!options_.clock)
    options_.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
          .count();
    };
}

int64_t AuthThrottle::now() const { return options_.clock(); }

AuthThrottle::Key AuthThrottle::key_for(std::string_view text) const {
  const std::string digest = keyed_hash(hash_key_, text);
  Key key;
  std::memcpy(&key.high, digest.data(), sizeof key.high);
  std::memcpy(&key.low, digest.data() + sizeof key.high, sizeof key.low);
  return key;
}

int64_t AuthThrottle::failures_at(const Policy& policy, const Entry& e, int64_t now) {
  if (e.failures == 0) return 0;
  const int64_t forgiven = std::max<int64_t>(0, now - e.last_failure_ms) /
                           std::max<int64_t>(1, ms(policy.forgive_after));
  return std::max<int64_t>(0, e.failures - forgiven);
}

int64_t AuthThrottle::wait_ms(const Policy& policy, const Entry& e, int64_t now) {
  const int64_t failures = failures_at(policy, e, now);
  if (failures < policy.free_failures) return 0;
  const int64_t delay = delay_after(policy, failures);
  return std::clamp<int64_t>(e.last_failure_ms + delay - now, 0, delay);
}

AuthThrottle::Entry& AuthThrottle::entry(Table& table, const Policy& policy, const Key& key,
                                         int64_t now) {
  if (auto found = table.find(key); found != table.end()) return found->second;
  if (table.size() >= options_.max_entries) sweep(table, policy, now);
  if (table.size() >= options_.max_entries) {
    // The entry that protects least: fewest failures, then the longest quiet.
    auto victim = table.end();
    for (auto it = table.begin(); it != table.end(); ++it) {
      if (it->second.in_progress > 0) continue;
      if (victim == table.end()) {
        victim = it;
        continue;
      }
      const int64_t a = failures_at(policy, it->second, now);
      const int64_t b = failures_at(policy, victim->second, now);
      if (a < b || (a == b && it->second.last_failure_ms < victim->second.last_failure_ms))
        victim = it;
    }
    if (victim != table.end()) table.erase(victim);
  }
  return table[key];
}

void AuthThrottle::sweep(Table& table, const Policy& policy, int64_t now) {
  std::erase_if(table, [&](const auto& kv) {
    return kv.second.in_progress == 0 && failures_at(policy, kv.second, now) == 0;
  });
}

void AuthThrottle::record_failure(const Policy& policy, Entry& e, int64_t now) {
  e.failures = std::min(failures_at(policy, e, now) + 1, saturation(policy));
  e.last_failure_ms = now;
}

void AuthThrottle::drop_if_empty(Table& table, const Policy& policy, const Key& key, int64_t now) {
  auto it = table.find(key);
  if (it != table.end() && it->second.in_progress == 0 && failures_at(policy, it->second, now) == 0)
    table.erase(it);
}

Result<AuthThrottle::Attempt> AuthThrottle::begin(std::string_view account,
                                                  std::string_view client) {
  const Key account_key = key_for(account);
  const Key client_key = key_for(client);
  const int64_t t = now();
  std::lock_guard lock(mu_);
  if (t - last_sweep_ms_ >= kSweepIntervalMs) {
    sweep(accounts_, options_.per_account, t);
    sweep(clients_, options_.per_client, t);
    last_sweep_ms_ = t;
  }
  int64_t wait = 0;
  auto check = [&](const Table& table, const Policy& policy, const Key& key) {
    auto it = table.find(key);
    if (it == table.end()) return;
    const Entry& e = it->second;
    wait = std::max(wait, wait_ms(policy, e, t));
    // Past the free failures, one check at a time.
    if (e.in_progress > 0 && failures_at(policy, e, t) + e.in_progress >= policy.free_failures)
      wait = std::max<int64_t>(wait, 1000);
  };
  check(accounts_, options_.per_account, account_key);
  check(clients_, options_.per_client, client_key);
  if (wait > 0) {
    const int64_t seconds = (wait + 999) / 1000;
    return too_many_requests("Too many failed attempts to sign in. Try again in " +
                                 std::to_string(seconds) +
                                 (seconds == 1 ? " second." : " seconds."),
                             seconds);
  }
  ++entry(accounts_, options_.per_account, account_key, t).in_progress;
  ++entry(clients_, options_.per_client, client_key, t).in_progress;
  return Attempt(this, account_key, client_key);
}

void AuthThrottle::finish(const Key& account, const Key& client, bool success) {
  const int64_t t = now();
  std::lock_guard lock(mu_);
  // Entries with a check in progress are never evicted, so these find the ones begin() made.
  Entry& a = entry(accounts_, options_.per_account, account, t);
  Entry& c = entry(clients_, options_.per_client, client, t);
  a.in_progress = std::max<int64_t>(0, a.in_progress - 1);
  c.in_progress = std::max<int64_t>(0, c.in_progress - 1);
  if (success) {
    a.failures = 0;
  } else {
    record_failure(options_.per_account, a, t);
    record_failure(options_.per_client, c, t);
  }
  drop_if_empty(accounts_, options_.per_account, account, t);
  drop_if_empty(clients_, options_.per_client, client, t);
}

size_t AuthThrottle::entries() const {
  std::lock_guard lock(mu_);
  return accounts_.size() + clients_.size();
}

}  // namespace publius::shield
