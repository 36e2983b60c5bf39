// Posts (Mastodon's statuses): writing, editing and deleting them, what can be
// done to one (favourite, boost, bookmark, pin), their polls and the posts
// scheduled for later. Who may see a post is Visibility's rule; every post
// read here passes it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/service.h"
#include "domain/types.h"

namespace publius::domain {

class Posts final : private ServiceBase {
 public:
  explicit Posts(Microblog& microblog) : ServiceBase(microblog) {}

  Result<Post> create_status(const NewPost& request);
  // A notice from the operator's legal desk to an account it concerns: a direct post
  // like any other (sealed, delivered, notified), whose text may run to
  // kMaxOperatorNoticeChars, since a notice says everything in one message.
  Result<Post> create_operator_notice(const NewPost& request);
  // Editing and deleting look only among the caller's own posts: kNotFound for anyone else's.
  Result<Post> edit_status(int64_t editor_id, int64_t status_id, const PostChange& change);
  Result<Post> delete_status(int64_t requester_id, int64_t status_id);
  // A post from another server, or its new version, as domain::Federation made it
  // from a Note (which checked it): stored, fanned out, notified and announced as
  // create_status() and edit_status() do with a local post's, and never sent on. The
  // edit's `mention_account_ids` are all the version names; those it adds hear of it.
  Result<Post> store_remote_status(Post post);
  Result<Post> store_remote_edit(const Post& found, Post updated);
  Result<Context> context(Viewer viewer, int64_t status_id);
  Result<std::vector<PostEdit>> history(Viewer viewer, int64_t status_id);
  Result<Post> set_favourite(int64_t account_id, int64_t status_id, bool on);
  // Returns the reblog (on) or the original (off). A remote account's boost keeps
  // `announce_uri`, its Announce's id, as its uri, so an Undo naming only that id finds it.
  Result<Post> set_reblog(int64_t account_id, int64_t status_id, bool on,
                          std::optional<Visibility> visibility, std::string announce_uri = {});
  Result<Post> set_bookmark(int64_t account_id, int64_t status_id, bool on);
  Result<Post> set_pin(int64_t account_id, int64_t status_id, bool on);
  // Mutes (on) or unmutes the thread of a post the account may see (Mastodon's
  // conversation mute; a boost's is its original's): the account hears of nothing
  // in it until unmuted (Delivery::notifications_for), and the posts show `muted`.
  // Returns the post as the account sees it.
  Result<Post> set_thread_mute(int64_t account_id, int64_t status_id, bool on);
  // Who favourited or boosted a post `viewer` may see: rows of (row id, account id),
  // newest first, paged by row id.
  Result<std::vector<std::pair<int64_t, int64_t>>> favourited_by(Viewer viewer, int64_t status_id,
                                                                 const Page& page);
  Result<std::vector<std::pair<int64_t, int64_t>>> reblogged_by(Viewer viewer, int64_t status_id,
                                                                const Page& page);
  // The viewer's own flags (favourited, boosted, bookmarked, pinned, thread muted) on `ids`.
  Result<store::ViewerFlags> viewer_flags(int64_t viewer, const std::vector<int64_t>& ids);

  // Polls (domain/polls.cc), named by their post's id. poll_status() is the post
  // of a poll the viewer may see, kNotFound otherwise (no poll, hidden post).
  // vote() records the account's `choices` (option positions; one unless the
  // poll is multiple) and returns the post with the new tallies; 422 for an
  // ended poll, a second vote, one's own poll, or a choice that is no option.
  Result<Post> poll_status(Viewer viewer, int64_t poll_id);
  Result<Post> vote(int64_t account_id, int64_t poll_id, const std::vector<int64_t>& choices);
  // The options each of `poll_ids` the account voted for.
  Result<std::vector<std::pair<int64_t, std::vector<int>>>> poll_choices(
      int64_t account_id, const std::vector<int64_t>& poll_ids);
  // Writes the end notifications of the polls ended at or before `now_ms`, to
  // their author and to each voter (as Mastodon), each exactly once however often
  // it runs (Store::end_poll). The PollCloser thread calls it with the wall
  // clock. Returns how many polls it ended.
  Result<size_t> end_expired_polls(int64_t now_ms);
  // When the next poll not yet ended ends (ms since the epoch), if any.
  Result<std::optional<int64_t>> next_poll_end();

  // Scheduled posts (domain/scheduled.cc). schedule_status() checks `request`
  // as create_status() would (every rule, in the same place), and the schedule
  // (check_schedule: 422), refuses direct posts (422: their text would wait
  // unsealed), reserves its uploads and stores it; the same Idempotency-Key
  // again returns the post scheduled first. The others are private to the
  // owner: anyone else's is kNotFound. reschedule_status() changes only the
  // time, under the same rules; delete_scheduled_status() releases its uploads.
  Result<ScheduledPost> schedule_status(const NewPost& request, int64_t scheduled_ms,
                                        int64_t now_ms);
  Result<std::vector<ScheduledPost>> scheduled_statuses(int64_t account_id, const Page& page);
  Result<ScheduledPost> own_scheduled_status(int64_t account_id, int64_t id);
  Result<ScheduledPost> reschedule_status(int64_t account_id, int64_t id, int64_t scheduled_ms,
                                          int64_t now_ms);
  Status delete_scheduled_status(int64_t account_id, int64_t id);
  // Publishes the scheduled posts due at or before `now_ms` through
  // create_status()'s path (checked again, fanned out, notified, media
  // attached), each exactly once however often it runs or crashes: the
  // scheduled row goes in the transaction that stores the post. One that no
  // longer passes the rules (its reply target deleted, say) is dropped, as
  // Mastodon does. The ScheduledPublisher thread calls it with the wall clock.
  // Returns how many it published.
  Result<size_t> publish_due_statuses(int64_t now_ms);
  // When the next scheduled post is due (ms since the epoch), if any.
  Result<std::optional<int64_t>> next_scheduled_time();

 private:
  std::string render_text(std::string_view text, std::vector<int64_t>* mentions,
                          std::vector<std::string>* tags);
  // The poll of a new or edited post from a client's request, ending
  // `expires_in_s` after `now_ms`; 422 unless it keeps to config().polls.
  Result<Poll> new_poll(const NewPoll& request, int64_t now_ms) const;
  // The post `request` makes, checked against every rule of a new post (the one
  // place they are: create_status() and scheduling both call it), text and
  // content warning within `max_chars` together, and complete
  // with id, HTML, mentions, media and poll, but not stored. With `scheduled_id`,
  // the uploads reserved for that scheduled post may be attached.
  Result<Post> new_post(const NewPost& request, std::optional<int64_t> scheduled_id,
                        size_t max_chars);
  // Stores `post` (from new_post) with everything it causes in one transaction
  // and delivers it. With `scheduled_id`, that scheduled post is deleted in the
  // same transaction (kConflict, nothing stored, when it is already gone). An
  // operator's notice reaches those it mentions whatever their notification policy.
  Result<Post> store_new_post(Post post, const NewPost& request,
                              std::optional<int64_t> scheduled_id, bool operator_notice = false);
  // Stores `updated`, the new version of `found` (its poll votes voided with
  // `reset_poll_votes`), with its edit history, fan-out to hashtags it adds, the
  // mention notifications of `added` accounts and the update notifications of those
  // who boosted it, and returns it as stored.
  Result<Post> store_edit(const Post& found, Post updated, const std::vector<int64_t>& added,
                          bool reset_poll_votes);
  // A stored scheduled post as the domain reads it (its parameters decoded).
  static Result<ScheduledPost> scheduled_post(const ScheduledStatus& stored);
  // 422 unless `scheduled_ms` is at least kMinScheduleAheadMs after `now_ms` and
  // the account keeps within kMaxScheduledPosts and kMaxScheduledPostsPerDay
  // (not counting `except_id`, the post being rescheduled).
  Status check_schedule(int64_t account_id, int64_t scheduled_ms, int64_t now_ms,
                        int64_t except_id);
};

inline constexpr size_t kMaxOperatorNoticeChars = 20000;

// A poll request as JSON, {"options", "expires_in", "multiple", "hide_totals"}:
// how a scheduled post keeps it and how Mastodon's ScheduledStatus shows it.
std::string new_poll_json(const NewPoll& poll);

// Mastodon's rules for scheduled posts: at least five minutes ahead, at most 300
// waiting per account and 25 publishing on one day (UTC).
inline constexpr int64_t kMinScheduleAheadMs = 5 * 60 * 1000;
inline constexpr int64_t kMaxScheduledPosts = 300;
inline constexpr int64_t kMaxScheduledPostsPerDay = 25;

// A post carries media or a poll, not both, and a direct post no poll: polls
// are not sealed, and a vote reveals who read a direct message. 422 otherwise.
Status check_poll_allowed(Visibility visibility, size_t media_count, bool has_poll);

}  // namespace publius::domain
