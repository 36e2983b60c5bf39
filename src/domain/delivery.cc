// Delivery: fan-out of new posts to home feeds, and notifications.
#include <algorithm>

#include "domain/microblog.h"
#include "domain/text_format.h"
#include "util/ids.h"

namespace publius::domain {

bool replies_to_other(const Post& post) {
  return post.in_reply_to_account_id && *post.in_reply_to_account_id != post.account_id;
}

std::optional<Notification> Delivery::notification_for(int64_t recipient, NotificationType type,
                                                       int64_t from,
                                                       std::optional<int64_t> status_id) {
  if (recipient == from) return std::nullopt;
  Notification n;
  n.id = next_id();
  n.account_id = recipient;
  n.type = type;
  n.from_account_id = from;
  n.status_id = status_id;
  n.created_ms = ms_of_id(n.id);
  return n;
}
Status Delivery::notify(int64_t recipient, NotificationType type, int64_t from,
                        std::optional<int64_t> status_id) {
  auto n = notification_for(recipient, type, from, status_id);
  return n ? store_.insert_notification(*n) : ok_status();
}
Status Delivery::deliver(const Post& post) {
  std::vector<int64_t> recipients;
  if (post.visibility == Visibility::kDirect) {
    recipients = post.mention_account_ids;
  } else {
    PUBLIUS_ASSIGN_OR_RETURN(recipients, store_.follower_ids(post.account_id));
  }
  if (replies_to_other(post) && post.visibility != Visibility::kDirect) {
    // As Mastodon: a conversation with someone reaches only the followers who follow them too
    // (and the one replied to); the rest would see half a conversation.
    const int64_t other = *post.in_reply_to_account_id;
    PUBLIUS_ASSIGN_OR_RETURN(auto followers_of_other, store_.follower_ids(other));
    std::erase_if(recipients, [&](int64_t id) {
      return id != other &&
             !std::binary_search(followers_of_other.begin(), followers_of_other.end(), id);
    });
  }
  recipients.push_back(post.account_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto tag_followers, tag_followers_of(post, post.tags));
  if (!tag_followers.empty()) {
    // One entry per feed, however the post reaches it.
    recipients.insert(recipients.end(), tag_followers.begin(), tag_followers.end());
    std::sort(recipients.begin(), recipients.end());
    recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
  }
  feeds_.fan_out(post.id, recipients);
  return ok_status();
}
Result<std::vector<int64_t>> Delivery::tag_followers_of(const Post& post,
                                                        const std::vector<std::string>& tags) {
  // Mastodon's rule: only public posts reach hashtag followers, never boosts. A direct
  // post's tags are sealed content and never leave it.
  if (post.visibility != Visibility::kPublic || post.reblog_of_id || !post.sealed.empty() ||
      tags.empty())
    return std::vector<int64_t>();
  std::vector<std::string> normalized;
  for (const auto& t : tags) normalized.push_back(normalize_tag(t));
  return store_.tag_follower_ids(normalized, post.account_id);
}

}  // namespace publius::domain
