// ChangeObserver: how the domain tells caches of rendered entities what changed.
#pragma once

#include <cstdint>

namespace publius::domain {

// Told of every change that alters how a post or an account renders (counters
// included), so caches of rendered entities stay exact. Called after the change
// is durable, on the thread that made it.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  virtual void post_changed(int64_t post_id) = 0;
  virtual void account_changed(int64_t account_id) = 0;
  // The account's filters (domain/filters.h) changed.
  virtual void filters_changed(int64_t /*account_id*/) {}
};

}  // namespace publius::domain
