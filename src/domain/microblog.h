// Microblog is the domain: every rule of the Mastodon-style microblog lives in
// its services, one per entity, between the handlers above (api/, web/, cli/,
// legal/) and the Store below. Handlers parse, call a service and render; they
// never decide and never reach the store.
//
//   accounts()       registration, profiles, lookups, erasure
//   credentials()    passwords, recovery, OAuth apps and grants, tokens, sessions
//   collectives()    accounts run by several members (docs/collective-accounts.md)
//   keys()           the sealed-message keys (and ReaderKey, which opens them)
//   posts()          writing, editing, deleting, favourites, boosts, polls, scheduling
//   visibility()     the one rule of who may see a post
//   timelines()      home, public, hashtag, list and profile timelines
//   search()         accounts, hashtags and posts by name or words
//   notifications()  notifications and read markers
//   relationships()  follows, requests, blocks, mutes, notes
//   conversations()  direct-message threads
//   lists(), filters(), tags(), media()
//   reports()        reports to the moderators and their handling
//   delivery()       fan-out to home feeds and notifying (for the services)
//   federation()     remote actors, inbound follows, the outgoing delivery queue
//
// Thread-safe: the services hold no mutable state of their own beyond the
// Store and the HomeFeeds, both thread-safe, and an atomic count of uploads in
// progress. Errors are Result values whose messages are fit to show the client.
#pragma once

#include "domain/accounts.h"
#include "domain/change_observer.h"
#include "domain/collectives.h"
#include "domain/conversations.h"
#include "domain/credentials.h"
#include "domain/delivery.h"
#include "domain/domain_blocks.h"
#include "domain/federation.h"
#include "domain/filters_service.h"
#include "domain/keys.h"
#include "domain/lists.h"
#include "domain/live_observer.h"
#include "domain/media.h"
#include "domain/notifications.h"
#include "domain/posts.h"
#include "domain/relationships.h"
#include "domain/reports.h"
#include "domain/search.h"
#include "domain/tags.h"
#include "domain/timelines.h"
#include "domain/types.h"
#include "domain/visibility.h"
#include "store/store.h"
#include "timeline/home_feeds.h"

namespace publius::domain {

class Microblog {
 public:
  // `store` and `feeds` are not owned and must outlive this.
  Microblog(store::Store& store, timeline::HomeFeeds& feeds, InstanceConfig config);
  Microblog(const Microblog&) = delete;
  Microblog& operator=(const Microblog&) = delete;

  const InstanceConfig& config() const { return config_; }
  // Not owned; set once at start-up before serving. Told of every change that
  // alters how a post or an account renders.
  void set_observer(ChangeObserver* observer) { observer_ = observer; }
  // Not owned; set once at start-up before serving. Told of what live readers hear
  // of (domain/live_observer.h).
  void set_live_observer(LiveObserver* observer) { live_observer_ = observer; }

  Accounts& accounts() { return accounts_; }
  Credentials& credentials() { return credentials_; }
  Collectives& collectives() { return collectives_; }
  Keys& keys() { return keys_; }
  Posts& posts() { return posts_; }
  VisibilityRule& visibility() { return visibility_; }
  Timelines& timelines() { return timelines_; }
  Search& search() { return search_; }
  Notifications& notifications() { return notifications_; }
  Relationships& relationships() { return relationships_; }
  Conversations& conversations() { return conversations_; }
  Lists& lists() { return lists_; }
  Filters& filters() { return filters_; }
  Tags& tags() { return tags_; }
  Media& media() { return media_; }
  Reports& reports() { return reports_; }
  Delivery& delivery() { return delivery_; }
  Federation& federation() { return federation_; }
  DomainBlocks& domain_blocks() { return domain_blocks_; }

 private:
  friend class ServiceBase;

  store::Store& store_;
  timeline::HomeFeeds& feeds_;
  InstanceConfig config_;
  ChangeObserver* observer_ = nullptr;
  LiveObserver* live_observer_ = nullptr;

  Accounts accounts_{*this};
  Credentials credentials_{*this};
  Collectives collectives_{*this};
  Keys keys_{*this};
  Posts posts_{*this};
  VisibilityRule visibility_{*this};
  Timelines timelines_{*this};
  Search search_{*this};
  Notifications notifications_{*this};
  Relationships relationships_{*this};
  Conversations conversations_{*this};
  Lists lists_{*this};
  Filters filters_{*this};
  Tags tags_{*this};
  Media media_{*this, config_.media_dir};
  Reports reports_{*this};
  Delivery delivery_{*this};
  Federation federation_{*this};
  DomainBlocks domain_blocks_{*this};
};

}  // namespace publius::domain
