// Delivery: fan-out of new posts to home feeds, and notifications.
#include <algorithm>
#include <chrono>
#include <iterator>
#include <unordered_map>

#include "domain/microblog.h"
#include "domain/notification_policy.h"
#include "domain/text_format.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// Membership in an ascending list of ids, asked in ascending order: a walk
// through the list, so asking about every follower of an account costs one pass.
class AscendingIds {
 public:
  explicit AscendingIds(const std::vector<int64_t>& ids) : ids_(ids) {}
  bool contains(int64_t id) {
    while (at_ < ids_.size() && ids_[at_] < id) ++at_;
    return at_ < ids_.size() && ids_[at_] == id;
  }

 private:
  const std::vector<int64_t>& ids_;
  size_t at_ = 0;
};

std::vector<int64_t> ascending_union(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

bool replies_to_other(const Post& post) {
  return post.in_reply_to_account_id && *post.in_reply_to_account_id != post.account_id;
}

bool reaches_list(const Post& post, const ListFacts& facts) {
  if (!reaches_followers(post)) return false;
  if (!replies_to_other(post)) return true;
  switch (facts.replies_policy) {
    case RepliesPolicy::kFollowed:
      return facts.owner_is_replied_to || facts.owner_follows_replied_to;
    case RepliesPolicy::kList:
      return facts.replied_to_is_member;
    case RepliesPolicy::kNone:
      return false;
  }
  return false;
}

bool reaches_followers(const Post& post) { return post.visibility != Visibility::kDirect; }

bool reaches_tag_followers(const Post& post) {
  return post.visibility == Visibility::kPublic && !post.reblog_of_id;
}

bool reaches_home(const Post& post, const HomeFacts& facts) {
  if (post.account_id == facts.account_id) return true;
  if (facts.hides_author) return false;
  const bool as_tag_follower = facts.follows_a_tag && reaches_tag_followers(post);
  // As Mastodon, whose hashtag fan-out does not look at lists.
  if (facts.author_in_exclusive_list) return as_tag_follower;
  if (!reaches_followers(post)) return mentions(post, facts.account_id);
  const bool as_follower =
      facts.follows_author && !(post.reblog_of_id && facts.hides_author_boosts) &&
      (!replies_to_other(post) || *post.in_reply_to_account_id == facts.account_id ||
       facts.follows_replied_to);
  return as_follower || as_tag_follower;
}

Result<std::vector<int64_t>> Delivery::thread_above(const Post& post) {
  if (!post.in_reply_to_id) return std::vector<int64_t>();
  PUBLIUS_ASSIGN_OR_RETURN(auto above, store_.ancestors(*post.in_reply_to_id, kMaxThreadDepth));
  above.push_back(*post.in_reply_to_id);
  std::sort(above.begin(), above.end());
  return above;
}

Result<std::vector<Notification>> Delivery::notifications_for(
    const std::vector<int64_t>& recipients, NotificationType type, int64_t from, const Post* post,
    bool from_operator) {
  return notifications_with(recipients, type, from, post, from_operator, false);
}

Result<std::vector<Notification>> Delivery::follow_notifications(int64_t target,
                                                                 NotificationType type,
                                                                 int64_t from) {
  return notifications_with({target}, type, from, nullptr, false,
                            type == NotificationType::kFollow);
}

Result<std::vector<Notification>> Delivery::notifications_with(
    const std::vector<int64_t>& recipients, NotificationType type, int64_t from, const Post* post,
    bool from_operator, bool sender_follows_recipients) {
  std::vector<int64_t> ids;
  for (int64_t r : recipients)
    if (r != from || type == NotificationType::kPoll) ids.push_back(r);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<Notification> out;
  if (ids.empty()) return out;
  std::vector<int64_t> thread, muters;
  if (post) {
    PUBLIUS_ASSIGN_OR_RETURN(thread, thread_above(*post));
    PUBLIUS_ASSIGN_OR_RETURN(muters, store_.thread_muters(thread.empty() ? post->id : thread[0]));
  }
  std::unordered_map<int64_t, NotificationPolicy> policies;
  std::vector<int64_t> accepted, followers, followed, answered;
  bool sender_is_new = false, from_staff = from_operator;
  // Only the facts the rule can use are read: no policy holds back a poll's end or an edit.
  const bool filterable = is_filterable(type);
  if (filterable) {
    PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.notification_policies(ids));
    for (auto& [account, policy] : stored) policies.emplace(account, policy);
    PUBLIUS_ASSIGN_OR_RETURN(accepted, store_.notification_permissions(from, ids));
    PUBLIUS_ASSIGN_OR_RETURN(followers, store_.follower_ids(from));
    PUBLIUS_ASSIGN_OR_RETURN(followed, store_.followed_ids(from));
    PUBLIUS_ASSIGN_OR_RETURN(auto sender, store_.account_by_id(from));
    sender_is_new = sender && sender->created_day_ms > now_ms() - kNewAccountDays * kDayMs;
    from_staff = from_staff || (sender && sender->role == Role::kAdmin);
  }
  const bool private_mention = filterable && type == NotificationType::kMention && post &&
                               post->visibility == Visibility::kDirect;
  if (private_mention && !thread.empty()) {
    // Those who wrote to the sender privately up the thread: this mention answers them.
    PUBLIUS_ASSIGN_OR_RETURN(auto above, store_.statuses_by_ids(thread));
    for (const auto& p : above)
      if (p.visibility == Visibility::kDirect && mentions(p, from))
        answered.push_back(p.account_id);
  }
  auto has = [](const std::vector<int64_t>& list, int64_t id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  for (int64_t recipient : ids) {
    const auto policy = policies.find(recipient);
    const NotificationFacts facts{
        .type = type,
        .from_staff = from_staff,
        .thread_muted = std::binary_search(muters.begin(), muters.end(), recipient),
        .sender_accepted = has(accepted, recipient),
        .follows_sender = std::binary_search(followers.begin(), followers.end(), recipient),
        .followed_by_sender = sender_follows_recipients ||
                              std::binary_search(followed.begin(), followed.end(), recipient),
        .sender_is_new = sender_is_new,
        .unsolicited_private_mention = private_mention && !has(answered, recipient),
    };
    const PolicyAction outcome = notification_outcome(
        policy == policies.end() ? NotificationPolicy{} : policy->second, facts);
    if (outcome == PolicyAction::kDrop) continue;
    Notification n;
    n.id = next_id();
    n.account_id = recipient;
    n.type = type;
    n.from_account_id = from;
    if (post) n.status_id = post->id;
    n.created_ms = ms_of_id(n.id);
    n.filtered = outcome == PolicyAction::kFilter;
    out.push_back(n);
  }
  return out;
}

void Delivery::announce(const std::vector<Notification>& notifications) {
  if (!live()) return;
  std::vector<Notification> shown;
  for (const auto& n : notifications)
    if (!n.filtered) shown.push_back(n);
  if (!shown.empty()) live()->notified(shown);
}
Result<Delivery::Audience> Delivery::audience_of(const Post& post) {
  // Only facts the rule can use are read: a direct post from an account with 158,000
  // followers weighs no more than its mentions.
  Audience audience;
  if (reaches_followers(post)) {
    PUBLIUS_ASSIGN_OR_RETURN(audience.followers, store_.follower_ids(post.account_id));
  }
  if (reaches_tag_followers(post)) {
    PUBLIUS_ASSIGN_OR_RETURN(audience.tag_followers, tag_follower_ids(post.tags));
  }
  std::vector<int64_t> named = post.mention_account_ids;
  named.push_back(post.account_id);
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  audience.candidates =
      ascending_union(ascending_union(audience.followers, audience.tag_followers), named);
  return audience;
}
Result<std::vector<int64_t>> Delivery::homes_of(const Post& post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto audience, audience_of(post));
  return admitted(post, audience.candidates, audience.followers, audience.tag_followers);
}
Status Delivery::deliver(const Post& post) {
  const auto started = std::chrono::steady_clock::now();
  PUBLIUS_ASSIGN_OR_RETURN(auto homes, homes_of(post));
  feeds_.fan_out(post.id, homes);
  fan_out_seconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  fan_out_recipients_.observe(static_cast<double>(homes.size()));
  if (live()) live()->published(post, homes);
  return ok_status();
}
Status Delivery::announce_edit(const Post& post) {
  if (!live() || !live()->listening()) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto homes, homes_of(post));
  live()->edited(post, homes);
  return ok_status();
}
Status Delivery::announce_deletion(const Post& post) {
  if (!live() || !live()->listening()) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto homes, homes_of(post));
  live()->deleted(post, homes);
  return ok_status();
}
Status Delivery::deliver_to_added_tags(const Post& post,
                                       const std::vector<std::string>& added_tags) {
  PUBLIUS_ASSIGN_OR_RETURN(auto tag_followers, tag_follower_ids(added_tags));
  if (tag_followers.empty()) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto followers, store_.follower_ids(post.account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto homes, admitted(post, tag_followers, followers, tag_followers));
  feeds_.fan_out(post.id, homes);
  return ok_status();
}
Result<std::vector<int64_t>> Delivery::tag_follower_ids(const std::vector<std::string>& tags) {
  std::vector<std::string> normalized;
  for (const auto& t : tags) normalized.push_back(normalize_tag(t));
  return store_.tag_follower_ids(normalized);
}
Result<std::vector<int64_t>> Delivery::admitted(const Post& post,
                                                const std::vector<int64_t>& candidates,
                                                const std::vector<int64_t>& followers,
                                                const std::vector<int64_t>& tag_followers) {
  std::vector<int64_t> followers_of_replied;
  if (reaches_followers(post) && replies_to_other(post)) {
    PUBLIUS_ASSIGN_OR_RETURN(followers_of_replied,
                             store_.follower_ids(*post.in_reply_to_account_id));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto hidden_by, store_.hidden_by(post.account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto exclusive_owners, store_.exclusive_list_owners(post.account_id));
  AscendingIds follow_author(followers), follow_replied(followers_of_replied),
      follow_tag(tag_followers), hide_author(hidden_by.accounts), hide_boosts(hidden_by.boosts),
      in_exclusive_list(exclusive_owners);
  std::vector<int64_t> recipients;
  recipients.reserve(candidates.size());
  for (int64_t account : candidates) {
    const HomeFacts facts{
        .account_id = account,
        .follows_author = follow_author.contains(account),
        .hides_author_boosts = hide_boosts.contains(account),
        .follows_replied_to = follow_replied.contains(account),
        .follows_a_tag = follow_tag.contains(account),
        .hides_author = hide_author.contains(account),
        .author_in_exclusive_list = in_exclusive_list.contains(account),
    };
    if (reaches_home(post, facts)) recipients.push_back(account);
  }
  return recipients;
}

}  // namespace publius::domain
