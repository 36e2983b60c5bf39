// Delivery: who hears of what. Home feeds receive a new post by fan-out on
// write (timeline/home_feeds.h), to the accounts reaches_home() admits; the
// accounts it concerns are notified. Used by the services that make posts and
// relationships; not by handlers. A feed rebuilt from the store
// (Timelines::home_timeline) keeps the posts the same reaches_home() admits, so
// a feed holds the same posts however it was filled.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/service.h"
#include "util/metrics.h"

namespace publius::domain {

// What decides whether a post reaches one account's home feed: that account,
// and what it is to the post's author and to the post (reaches_home()).
struct HomeFacts {
  int64_t account_id = 0;                 // whose home feed
  bool follows_author = false;            // follows the post's author
  bool hides_author_boosts = false;       // follows the author with their boosts switched off
  bool follows_replied_to = false;        // follows the account the post replies to
  bool follows_a_tag = false;             // follows one of the post's hashtags
  bool hides_author = false;              // blocks the author, is blocked by them, or mutes them
  bool author_in_exclusive_list = false;  // has the author in one of its exclusive lists
};

// The home-feed rule, as Mastodon's. One's own posts always reach one's feed.
// Nothing reaches it from an author hidden either way. A direct post reaches
// the accounts it mentions. Another post reaches its author's followers, a boost
// only those who want the author's boosts, and a reply to someone else only
// those who follow that someone too (or are them): the rest would see half a
// conversation. A public original (reaches_tag_followers()) also reaches the
// followers of its hashtags. An author in one of the account's exclusive lists
// reaches it only that way (the list shows the rest). Pure.
bool reaches_home(const Post& post, const HomeFacts& facts);
// Whether `post` can reach its author's followers as such: every post but a direct
// one, which reaches the accounts it mentions only.
bool reaches_followers(const Post& post);
// Whether `post` can reach the followers of its hashtags: public originals only,
// never boosts (as Mastodon).
bool reaches_tag_followers(const Post& post);
// A reply in a conversation with someone else (not a thread of one's own posts).
bool replies_to_other(const Post& post);

// What decides whether a post by a member of a list shows in it (reaches_list()),
// about the account the post replies to, if any.
struct ListFacts {
  RepliesPolicy replies_policy = RepliesPolicy::kList;
  bool owner_is_replied_to = false;       // the list's owner wrote the post replied to
  bool owner_follows_replied_to = false;  // the owner follows its author
  bool replied_to_is_member = false;      // its author is a member of the list
};
// The list rule, as Mastodon's: direct posts never show in lists (they reach home
// feeds only); a reply to someone else shows as the list's replies_policy says:
// kFollowed when the owner is or follows the one replied to, kList when that one is
// a member of the list, kNone never. Who may see the post at all is the
// VisibilityRule's. Pure.
bool reaches_list(const Post& post, const ListFacts& facts);

// How far up its replies a post's thread is read (to its first post); as deep as a
// status's context goes.
inline constexpr int kMaxThreadDepth = 4096;

class Delivery final : private ServiceBase {
 public:
  explicit Delivery(Microblog& microblog) : ServiceBase(microblog) {}

  // Appends `post` to the warm home feed of every account reaches_home()
  // admits, among its author, its author's followers, the accounts it mentions
  // and the followers of its hashtags.
  Status deliver(const Post& post);
  // For metrics: how long each deliver() took to find a post's home feeds and
  // append it to the warm ones (not telling live readers), and how many feeds
  // it was for, warm or not. Thread-safe.
  const metrics::Histogram& fan_out_seconds() const { return fan_out_seconds_; }
  const metrics::Histogram& fan_out_recipients() const { return fan_out_recipients_; }
  // After an edit added `added_tags` (as written) to `post`: appends it to the warm
  // home feeds of those followers of the added hashtags whom it now reaches.
  Status deliver_to_added_tags(const Post& post, const std::vector<std::string>& added_tags);
  // The notifications `from` causes `recipients` about `post` (null: about no post,
  // a follow), each as its recipient's notification policy and muted threads decide
  // (notification_outcome()): none where dropped, marked filtered where held back.
  // None for `from` itself, but at the end of a poll, which its author hears of too.
  // `post` may be one not stored yet (a new post's mentions). Mentions from an admin,
  // or in a notice of the operator's (`from_operator`), count as from staff.
  Result<std::vector<Notification>> notifications_for(const std::vector<int64_t>& recipients,
                                                      NotificationType type, int64_t from,
                                                      const Post* post, bool from_operator = false);
  // The notification of `from`'s follow of `target` (kFollow), or of its request to
  // follow it (kFollowRequest), as notifications_for() would find it once the follow is
  // stored: made before, to commit with the follow (Store::follow,
  // Store::resolve_follow_request).
  Result<std::vector<Notification>> follow_notifications(int64_t target, NotificationType type,
                                                         int64_t from);
  // The ids of the posts above `post` in its thread (what it replies to, and so on up
  // to the first post), ascending: the first is the thread's, which names it for
  // muting; empty for a post that replies to none.
  Result<std::vector<int64_t>> thread_above(const Post& post);
  // Tells live readers (LiveObserver) of stored notifications; those held back as
  // filtered (requests) are not announced.
  void announce(const std::vector<Notification>& notifications);
  // The accounts whose home feeds reaches_home() lets `post` into (ascending), whether
  // warm or not: the feeds a live reader hears it in, or of its edit or deletion.
  Result<std::vector<int64_t>> homes_of(const Post& post);
  // Tells live readers of an edit or a deletion of `post`, in the feeds homes_of() names.
  Status announce_edit(const Post& post);
  Status announce_deletion(const Post& post);

 private:
  // notifications_for(), where `sender_follows_recipients` counts every recipient as
  // followed by `from` whatever the store says (a follow not stored yet).
  Result<std::vector<Notification>> notifications_with(const std::vector<int64_t>& recipients,
                                                       NotificationType type, int64_t from,
                                                       const Post* post, bool from_operator,
                                                       bool sender_follows_recipients);
  // The accounts following any of `tags` (as written), ascending.
  Result<std::vector<int64_t>> tag_follower_ids(const std::vector<std::string>& tags);
  // Those of `candidates` (ascending) that reaches_home() admits for `post`, given the
  // author's `followers` and the `tag_followers` of the post (both ascending); reads
  // the other facts once for all of them.
  Result<std::vector<int64_t>> admitted(const Post& post, const std::vector<int64_t>& candidates,
                                        const std::vector<int64_t>& followers,
                                        const std::vector<int64_t>& tag_followers);
  // Every account reaches_home() might admit for `post`, with the facts admitted() needs.
  struct Audience {
    std::vector<int64_t> candidates, followers, tag_followers;
  };
  Result<Audience> audience_of(const Post& post);

  metrics::Histogram fan_out_seconds_{metrics::latency_buckets()};
  metrics::Histogram fan_out_recipients_{metrics::power_of_two_buckets(1 << 20)};
};

}  // namespace publius::domain
