// Delivery: who hears of what. Home feeds receive a new post by fan-out on
// write (timeline/home_feeds.h), to the accounts reaches_home() admits; the
// accounts it concerns are notified. Used by the services that make posts and
// relationships; not by handlers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Delivery final : private ServiceBase {
 public:
  explicit Delivery(Microblog& microblog) : ServiceBase(microblog) {}

  // Appends `post` to the warm home feed of every account it reaches: its
  // author's, its followers' (a reply to someone else only where the follower
  // follows them too), the accounts a direct post names, and the followers of its
  // hashtags (public posts only).
  Status deliver(const Post& post);
  // The accounts whose home feed `post` reaches through the hashtags among `tags`
  // (as written) they follow: public posts only, never boosts or sealed posts, and not
  // for accounts blocking, blocked by or muting the author. Ascending.
  Result<std::vector<int64_t>> tag_followers_of(const Post& post,
                                                const std::vector<std::string>& tags);
  // The notification `from` causes `recipient`, or none when they are the same account.
  static std::optional<Notification> notification_for(int64_t recipient, NotificationType type,
                                                      int64_t from,
                                                      std::optional<int64_t> status_id);
  Status notify(int64_t recipient, NotificationType type, int64_t from,
                std::optional<int64_t> status_id);
};

// A reply in a conversation with someone else (not a thread of one's own posts).
bool replies_to_other(const Post& post);

}  // namespace publius::domain
