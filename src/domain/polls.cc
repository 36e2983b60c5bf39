// Microblog: polls on posts, voting, and the notifications when a poll ends.
#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {

Status check_poll_allowed(Visibility visibility, size_t media_count, bool has_poll) {
  if (!has_poll) return ok_status();
  if (visibility == Visibility::kDirect)
    return unprocessable("Validation failed: Direct messages cannot carry a poll");
  if (media_count > 0)
    return unprocessable("Validation failed: A post cannot carry both media and a poll");
  return ok_status();
}

Result<Poll> Posts::new_poll(const NewPoll& request, int64_t now_ms) const {
  const PollLimits& limits = config_.polls;
  if (request.options.size() < 2)
    return unprocessable("Validation failed: Poll must have at least 2 options");
  if (request.options.size() > limits.max_options) {
    return unprocessable("Validation failed: Poll can't contain more than " +
                         std::to_string(limits.max_options) + " options");
  }
  Poll poll;
  for (const auto& option : request.options) {
    // As Mastodon, an option is kept trimmed: " yes" and "yes" are one option, "  " none.
    constexpr std::string_view kSpace = " \t\n\v\f\r";
    const size_t first = option.find_first_not_of(kSpace);
    if (first == std::string::npos)
      return unprocessable("Validation failed: Poll options can't be blank");
    const std::string title = option.substr(first, option.find_last_not_of(kSpace) + 1 - first);
    if (code_points(title) > limits.max_characters_per_option) {
      return unprocessable("Validation failed: Poll options can't be longer than " +
                           std::to_string(limits.max_characters_per_option) + " characters");
    }
    if (std::any_of(poll.options.begin(), poll.options.end(),
                    [&](const PollOption& o) { return o.title == title; }))
      return unprocessable("Validation failed: Poll options must be unique");
    poll.options.push_back({title, 0});
  }
  if (request.expires_in_s < limits.min_expiration_s)
    return unprocessable("Validation failed: Poll duration is too short");
  if (request.expires_in_s > limits.max_expiration_s)
    return unprocessable("Validation failed: Poll duration is too long");
  poll.expires_ms = now_ms + request.expires_in_s * 1000;
  poll.multiple = request.multiple;
  poll.hide_totals = request.hide_totals;
  return poll;
}
Result<Post> Posts::poll_status(Viewer viewer, int64_t poll_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(viewer, poll_id));
  if (!post.poll) return not_found();
  return post;
}
Result<Post> Posts::vote(int64_t account_id, int64_t poll_id, const std::vector<int64_t>& choices) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, poll_status(account_id, poll_id));
  const Poll& poll = *post.poll;
  // As Mastodon: the author asks, others answer.
  if (post.account_id == account_id)
    return unprocessable("Validation failed: You cannot vote in your own poll");
  if (poll.expired(now_ms())) return unprocessable("Validation failed: The poll has already ended");
  if (choices.empty()) return unprocessable("Validation failed: Choose at least one option");
  if (!poll.multiple && choices.size() > 1)
    return unprocessable("Validation failed: This poll allows one choice only");
  constexpr std::string_view kNotAnOption =
      "Validation failed: The choice is not an option of this poll";
  std::vector<int> positions;
  for (int64_t choice : choices) {
    if (choice < 0 || choice >= static_cast<int64_t>(poll.options.size()))
      return unprocessable(std::string(kNotAnOption));
    positions.push_back(static_cast<int>(choice));
  }
  std::sort(positions.begin(), positions.end());
  if (std::adjacent_find(positions.begin(), positions.end()) != positions.end())
    return unprocessable("Validation failed: Each option can be chosen once");
  // The poll may be edited or deleted meanwhile: options gone, or the post.
  PUBLIUS_ASSIGN_OR_RETURN(
      bool recorded,
      phrase_store_error(store_.add_poll_votes(account_id, post.id, positions), kNotAnOption));
  if (!recorded) return unprocessable("Validation failed: You have already voted on this poll");
  return poll_status(account_id, post.id);
}
Result<size_t> Posts::end_expired_polls(int64_t now_ms) {
  // Batches keep one pass from holding the store long after a long downtime.
  constexpr int kBatch = 100;
  size_t ended = 0;
  for (;;) {
    PUBLIUS_ASSIGN_OR_RETURN(auto due, store_.polls_due(now_ms, kBatch));
    for (const auto& poll : due) {
      // The author hears too, from themself (Delivery lets a poll's end through).
      std::vector<int64_t> recipients = poll.voter_ids;
      recipients.push_back(poll.author_id);
      PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(poll.status_id));
      std::vector<Notification> notifications;
      if (post) {
        PUBLIUS_ASSIGN_OR_RETURN(
            notifications, mb_.delivery().notifications_for(recipients, NotificationType::kPoll,
                                                            poll.author_id, &*post));
      }
      PUBLIUS_ASSIGN_OR_RETURN(bool marked, store_.end_poll(poll, notifications));
      if (marked) {
        ++ended;
        mb_.delivery().announce(notifications);
      }
    }
    if (due.size() < static_cast<size_t>(kBatch)) return ended;
  }
}

Result<std::vector<std::pair<int64_t, std::vector<int>>>> Posts::poll_choices(
    int64_t account_id, const std::vector<int64_t>& poll_ids) {
  return store_.poll_choices(account_id, poll_ids);
}

Result<std::optional<int64_t>> Posts::next_poll_end() { return store_.next_poll_end(); }

}  // namespace publius::domain
