// AuthThrottle slows down guessing of credentials: passwords (web sign-in, the
// OAuth password grant, the OAuth authorization page, settings forms) and
// recovery codes. Every check is counted against two keys at once: the target
// account (the name as typed, so unknown names behave exactly like known ones)
// and the client (http::Request::client_key, the server's in-memory keyed hash
// of the address). docs/authentication-throttling.md explains the policy and
// what it leaves an attacker with many addresses.
//
// Policy, per key and independently for the two tables (Options):
// - The first `free_failures` failures cost nothing. After that, the next
//   attempt is refused (kTooManyRequests, with Error::retry_after_s) until
//   `first_delay` after the last failure; the delay doubles with each further
//   failure, up to `max_delay`. A refused attempt checks nothing and counts
//   nothing, so the owner retrying early does not lengthen the wait.
// - Beyond the free failures, attempts on one key run one at a time: parallel
//   requests cannot all pass before the first failure is recorded.
// - One failure is forgiven per `forgive_after` without a new failure, and the
//   count stops growing once the delay reaches `max_delay`, so an account is
//   back to no delay at most (steps to max_delay + free_failures + 1) x
//   forgive_after after an attack stops. This bounds the denial of service a
//   per-account delay is to the account's owner: while an attack goes on, the
//   owner waits at most max_delay per attempt; the account is never locked.
// - A success clears the account's count. It never clears the client's: a
//   guesser who holds an account of their own cannot buy a fresh budget by
//   signing in to it.
//
// What is kept, in memory only (never on disk, never logged): for each key
// with failures not yet forgiven or a check in progress, a 16-byte keyed hash
// of the key (under a random key this object makes and never reveals), the
// failure count, the time of the last failure and the number of checks in
// progress. No entry links an account to a client. Keys without failures
// leave nothing once their check ends; entries whose failures are all
// forgiven are dropped within a minute.
//
// Memory bound: each table holds at most `max_entries` entries (about 80 bytes
// each), plus at most one per check in progress. A new key in a full table first drops every fully
// forgiven entry, then evicts the entry with the fewest failures (the oldest last failure among
// equals), never one with a check in progress. Evicting an account whose count stands at n
// therefore needs the whole table filled with entries of at least n failures each, every one of
// them throttled on its own: an attacker cannot cheaply reset a target account's count by flooding
// the table.
//
// Thread-safe: one mutex guards both tables; it is never held across a
// password hash or any I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/result.h"

namespace publius::shield {

// How one table of AuthThrottle answers failures (see the policy above).
struct AuthThrottlePolicy {
  int64_t free_failures;
  std::chrono::milliseconds first_delay;
  std::chrono::milliseconds max_delay;
  std::chrono::milliseconds forgive_after;
};

struct AuthThrottleOptions {
  // Against one account: 5 free tries, then 1 s doubling to 15 minutes, so at
  // most about 100 guesses a day from any number of clients.
  AuthThrottlePolicy per_account{5, std::chrono::seconds(1), std::chrono::minutes(15),
                                 std::chrono::hours(1)};
  // From one client, over all accounts: more generous (behind a proxy or an
  // onion service every client shares one address), capped at a minute.
  AuthThrottlePolicy per_client{20, std::chrono::seconds(1), std::chrono::minutes(1),
                                std::chrono::minutes(5)};
  size_t max_entries = 65'536;  // per table
  // Milliseconds on a clock that does not jump; unset: std::chrono::steady_clock.
  // Tests inject their own.
  std::function<int64_t()> clock;
};

class AuthThrottle {
 public:
  using Policy = AuthThrottlePolicy;
  using Options = AuthThrottleOptions;

  // A 128-bit keyed hash of an account name or a client key.
  struct Key {
    uint64_t high = 0;
    uint64_t low = 0;
    bool operator==(const Key&) const = default;
  };

  // One admitted credential check. It counts as a failure when it ends without
  // succeeded(): a wrong credential, an error or an exception all cost what a
  // wrong guess costs, so no path through a caller can check for free.
  // Move-only; must not outlive its AuthThrottle.
  class Attempt {
   public:
    Attempt(Attempt&& other) noexcept;
    Attempt& operator=(Attempt&&) = delete;
    Attempt(const Attempt&) = delete;
    ~Attempt();
    // The credential was right: clears the account's count.
    void succeeded();

   private:
    friend class AuthThrottle;
    Attempt(AuthThrottle* throttle, Key account, Key client)
        : throttle_(throttle), account_(account), client_(client) {}
    AuthThrottle* throttle_;  // null once the verdict is in (or moved from)
    Key account_;
    Key client_;
  };

  explicit AuthThrottle(Options options = {});
  AuthThrottle(const AuthThrottle&) = delete;
  AuthThrottle& operator=(const AuthThrottle&) = delete;

  // Admits one check of a credential for `account` from `client`, or refuses it
  // with kTooManyRequests and the seconds to wait in Error::retry_after_s.
  Result<Attempt> begin(std::string_view account, std::string_view client);

  // Entries held now, both tables together (for tests of the memory bound).
  size_t entries() const;

 private:
  struct Entry {
    int64_t failures = 0;         // as of last_failure_ms, before forgiveness
    int64_t last_failure_ms = 0;  // valid when failures > 0
    int64_t in_progress = 0;      // admitted checks without a verdict
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return static_cast<size_t>(k.low); }
  };
  using Table = std::unordered_map<Key, Entry, KeyHash>;

  Key key_for(std::string_view text) const;
  int64_t now() const;
  // Failures left after forgiveness, at `now`.
  static int64_t failures_at(const Policy& policy, const Entry& e, int64_t now);
  // Milliseconds before `e` admits another check (0: now).
  static int64_t wait_ms(const Policy& policy, const Entry& e, int64_t now);
  // The entry for `key`, made room for when the table is full.
  Entry& entry(Table& table, const Policy& policy, const Key& key, int64_t now);
  void finish(const Key& account, const Key& client, bool success);
  static void record_failure(const Policy& policy, Entry& e, int64_t now);
  static void drop_if_empty(Table& table, const Policy& policy, const Key& key, int64_t now);
  // Drops every entry with no failure left and no check in progress.
  static void sweep(Table& table, const Policy& policy, int64_t now);
  static constexpr int64_t kSweepIntervalMs = 60'000;

  Options options_;
  std::string hash_key_;  // random, memory only: keys of the tables
  mutable std::mutex mu_;
  Table accounts_;
  Table clients_;
  int64_t last_sweep_ms_ = 0;
};

}  // namespace publius::shield
