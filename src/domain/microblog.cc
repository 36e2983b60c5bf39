#include "domain/microblog.h"

namespace publius::domain {

Microblog::Microblog(store::Store& store, timeline::HomeFeeds& feeds, InstanceConfig config)
    : store_(store), feeds_(feeds), config_(std::move(config)) {}

ServiceBase::ServiceBase(Microblog& microblog)
    : mb_(microblog),
      store_(microblog.store_),
      feeds_(microblog.feeds_),
      config_(microblog.config_) {}

void ServiceBase::post_changed(int64_t post_id) {
  if (mb_.observer_) mb_.observer_->post_changed(post_id);
}

void ServiceBase::account_changed(int64_t account_id) {
  if (mb_.observer_) mb_.observer_->account_changed(account_id);
}

void ServiceBase::filters_changed(int64_t account_id) {
  if (mb_.observer_) mb_.observer_->filters_changed(account_id);
  if (mb_.live_observer_) mb_.live_observer_->filters_changed(account_id);
}

LiveObserver* ServiceBase::live() { return mb_.live_observer_; }

}  // namespace publius::domain
