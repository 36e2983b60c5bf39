// ServiceBase: what every domain service shares. The services (accounts.h,
// posts.h, ...) each own one entity's rules; Microblog (microblog.h) builds
// them over one store, one set of home feeds and one configuration, and they
// reach each other through it.
//
// Thread-safety: services hold no mutable state of their own beyond what the
// Store and HomeFeeds guard; every method may be called from any thread.
// Errors are Result values whose messages are fit to show the client.
#pragma once

#include <cstdint>

#include "domain/change_observer.h"
#include "domain/live_observer.h"
#include "domain/types.h"
#include "store/store.h"
#include "timeline/home_feeds.h"

namespace publius::domain {

class Microblog;

class ServiceBase {
 protected:
  explicit ServiceBase(Microblog& microblog);

  // Tell the ChangeObserver (the renderers' caches) what changed; call after the
  // change is durable.
  void post_changed(int64_t post_id);
  void account_changed(int64_t account_id);
  void filters_changed(int64_t account_id);
  // The LiveObserver, or null when none listens.
  LiveObserver* live();

  Microblog& mb_;
  store::Store& store_;
  timeline::HomeFeeds& feeds_;
  const InstanceConfig& config_;
};

}  // namespace publius::domain
