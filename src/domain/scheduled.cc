// Microblog: scheduled posts (Mastodon's scheduled statuses), kept until their
// time and then published through create_status()'s own path.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::domain {
namespace {

namespace json = boost::json;

// How many due posts one publishing pass takes from the store at a time.
constexpr int kPublishBatch = 100;

// The stored form of a scheduled post's request (ScheduledStatus::params).
std::string encode_request(const NewPost& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("text", r.text).field("spoiler_text", r.spoiler_text);
  w.field("visibility", visibility_name(r.visibility.value_or(Visibility::kPublic)));
  if (r.sensitive) {
    w.field("sensitive", *r.sensitive);
  } else {
    w.field_null("sensitive");
  }
  w.field("language", r.language).field_optional_id("in_reply_to_id", r.in_reply_to_id);
  if (r.idempotency_key) {
    w.field("idempotency", *r.idempotency_key);
  } else {
    w.field_null("idempotency");
  }
  w.key("media_ids").begin_array();
  for (int64_t id : r.media_ids) w.id(id);
  w.end_array();
  if (r.poll) {
    w.key("poll").raw(new_poll_json(*r.poll));
  } else {
    w.field_null("poll");
  }
  w.end_object();
  return out;
}

// The request encode_request() stored, for `author_id`; kInternal when the
// stored text is not one (the row was not written by this code).
Result<NewPost> decode_request(std::string_view params, int64_t author_id) {
  const Error damaged = internal_error("a scheduled post's stored parameters are damaged");
  boost::system::error_code ec;
  json::value value = json::parse(params, ec);
  if (ec || !value.is_object()) return damaged;
  const json::object& o = value.as_object();
  auto string_at = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  auto id_of = [](const json::value& v) -> std::optional<int64_t> {
    return v.is_string() ? parse_id(v.as_string()) : std::nullopt;
  };
  NewPost r;
  r.author_id = author_id;
  auto text = string_at("text");
  auto spoiler = string_at("spoiler_text");
  auto visibility = string_at("visibility");
  auto language = string_at("language");
  if (!text || !spoiler || !visibility || !language) return damaged;
  r.text = std::move(*text);
  r.spoiler_text = std::move(*spoiler);
  r.language = std::move(*language);
  r.visibility = parse_visibility(*visibility);
  if (!r.visibility) return damaged;
  if (const json::value* v = o.if_contains("sensitive"); v && v->is_bool())
    r.sensitive = v->as_bool();
  if (const json::value* v = o.if_contains("in_reply_to_id"); v && !v->is_null()) {
    r.in_reply_to_id = id_of(*v);
    if (!r.in_reply_to_id) return damaged;
  }
  r.idempotency_key = string_at("idempotency");
  if (const json::value* v = o.if_contains("media_ids"); v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      auto id = id_of(item);
      if (!id) return damaged;
      r.media_ids.push_back(*id);
    }
  }
  if (const json::value* v = o.if_contains("poll"); v && v->is_object()) {
    const json::object& p = v->as_object();
    NewPoll poll;
    const json::value* options = p.if_contains("options");
    const json::value* expires_in = p.if_contains("expires_in");
    const json::value* multiple = p.if_contains("multiple");
    const json::value* hide_totals = p.if_contains("hide_totals");
    if (!options || !options->is_array() || !expires_in || !expires_in->is_int64() || !multiple ||
        !multiple->is_bool() || !hide_totals || !hide_totals->is_bool())
      return damaged;
    for (const auto& option : options->as_array()) {
      if (!option.is_string()) return damaged;
      poll.options.emplace_back(option.as_string());
    }
    poll.expires_in_s = expires_in->as_int64();
    poll.multiple = multiple->as_bool();
    poll.hide_totals = hide_totals->as_bool();
    r.poll = std::move(poll);
  }
  return r;
}

}  // namespace

std::string new_poll_json(const NewPoll& poll) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("options").begin_array();
  for (const auto& option : poll.options) w.string(option);
  w.end_array()
      .field("expires_in", poll.expires_in_s)
      .field("multiple", poll.multiple)
      .field("hide_totals", poll.hide_totals)
      .end_object();
  return out;
}

Result<ScheduledPost> Posts::scheduled_post(const ScheduledStatus& stored) {
  PUBLIUS_ASSIGN_OR_RETURN(auto request, decode_request(stored.params, stored.account_id));
  return ScheduledPost{stored.id, stored.scheduled_ms, std::move(request), stored.media};
}
Status Posts::check_schedule(int64_t account_id, int64_t scheduled_ms, int64_t now_ms,
                             int64_t except_id) {
  if (scheduled_ms < now_ms + kMinScheduleAheadMs)
    return unprocessable(
        "Validation failed: Scheduled at The scheduled date must be in the future (at least 5 "
        "minutes ahead)");
  PUBLIUS_ASSIGN_OR_RETURN(
      auto counts, store_.scheduled_counts(account_id, day_floor_ms(scheduled_ms), except_id));
  if (counts.total >= kMaxScheduledPosts)
    return unprocessable("Validation failed: You have exceeded the limit of " +
                         std::to_string(kMaxScheduledPosts) + " scheduled posts");
  if (counts.on_day >= kMaxScheduledPostsPerDay)
    return unprocessable("Validation failed: You have exceeded the limit of " +
                         std::to_string(kMaxScheduledPostsPerDay) + " scheduled posts on that day");
  return ok_status();
}
Result<ScheduledPost> Posts::schedule_status(const NewPost& request, int64_t scheduled_ms,
                                             int64_t now_ms) {
  // As Mastodon: the same key again is the same request; it gets the first answer.
  auto earlier = [&]() -> Result<std::optional<ScheduledPost>> {
    if (!request.idempotency_key) return std::optional<ScheduledPost>();
    PUBLIUS_ASSIGN_OR_RETURN(
        auto waiting,
        scheduled_statuses(request.author_id, Page{.limit = static_cast<int>(kMaxScheduledPosts)}));
    for (auto& post : waiting)
      if (post.request.idempotency_key == request.idempotency_key)
        return std::optional<ScheduledPost>(std::move(post));
    return std::optional<ScheduledPost>();
  };
  // Every rule of a post, checked now as it will be at publishing.
  auto schedule = [&]() -> Result<ScheduledPost> {
    PUBLIUS_ASSIGN_OR_RETURN(auto checked,
                             new_post(request, std::nullopt, config_.max_status_chars));
    if (checked.visibility == Visibility::kDirect)
      return unprocessable(
          "Validation failed: direct messages cannot be scheduled: their text would wait "
          "unsealed");
    PUBLIUS_TRY(check_schedule(request.author_id, scheduled_ms, now_ms, 0));
    NewPost fixed = request;
    // The visibility is fixed now: a later change of the author's default must not
    // turn a post scheduled in the clear into a direct one, or the other way round.
    fixed.visibility = checked.visibility;
    ScheduledStatus stored;
    stored.id = random_id();
    stored.account_id = request.author_id;
    stored.scheduled_ms = scheduled_ms;
    stored.params = encode_request(fixed);
    stored.media = std::move(checked.media);
    if (request.idempotency_key) stored.idempotency_key_hash = sha256_hex(*request.idempotency_key);
    PUBLIUS_TRY(phrase_store_error(store_.insert_scheduled_status(stored), kMediaNotAttachable));
    return own_scheduled_status(request.author_id, stored.id);
  };
  PUBLIUS_ASSIGN_OR_RETURN(auto first, earlier());
  if (first) return std::move(*first);
  auto scheduled = schedule();
  if (scheduled.ok() || !request.idempotency_key) return scheduled;
  // Requests racing with one key: one stores its post (the store refuses a second
  // with the key), and the others, whatever stopped them, answer with it.
  PUBLIUS_ASSIGN_OR_RETURN(first, earlier());
  if (first) return std::move(*first);
  return scheduled;
}
Result<std::vector<ScheduledPost>> Posts::scheduled_statuses(int64_t account_id, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.scheduled_statuses_of(account_id, page));
  std::vector<ScheduledPost> out;
  for (const auto& s : stored) {
    PUBLIUS_ASSIGN_OR_RETURN(auto post, scheduled_post(s));
    out.push_back(std::move(post));
  }
  return out;
}
Result<ScheduledPost> Posts::own_scheduled_status(int64_t account_id, int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, store_.scheduled_status(id));
  if (!stored || stored->account_id != account_id) return not_found();
  return scheduled_post(*stored);
}
Result<ScheduledPost> Posts::reschedule_status(int64_t account_id, int64_t id, int64_t scheduled_ms,
                                               int64_t now_ms) {
  PUBLIUS_TRY(own_scheduled_status(account_id, id));
  PUBLIUS_TRY(check_schedule(account_id, scheduled_ms, now_ms, id));
  PUBLIUS_ASSIGN_OR_RETURN(bool changed, store_.reschedule_status(id, scheduled_ms));
  if (!changed) return not_found();  // published or deleted meanwhile
  return own_scheduled_status(account_id, id);
}
Status Posts::delete_scheduled_status(int64_t account_id, int64_t id) {
  PUBLIUS_TRY(own_scheduled_status(account_id, id));
  PUBLIUS_ASSIGN_OR_RETURN(bool deleted, store_.delete_scheduled_status(id));
  if (!deleted) return not_found();
  return ok_status();
}
Result<size_t> Posts::publish_due_statuses(int64_t now_ms) {
  size_t published = 0;
  for (;;) {
    PUBLIUS_ASSIGN_OR_RETURN(auto due, store_.scheduled_statuses_due(now_ms, kPublishBatch));
    for (const auto& stored : due) {
      auto scheduled = scheduled_post(stored);
      // The post claims the request's Idempotency-Key, unless the key already names a
      // post made with it meanwhile: that one stays the key's answer.
      if (scheduled.ok() && scheduled->request.idempotency_key) {
        PUBLIUS_ASSIGN_OR_RETURN(
            auto claimed, store_.idempotent_status(
                              stored.account_id, sha256_hex(*scheduled->request.idempotency_key)));
        if (claimed) scheduled->request.idempotency_key.reset();
      }
      Result<Post> post = scheduled.ok()
                              ? new_post(scheduled->request, stored.id, config_.max_status_chars)
                              : Result<Post>(scheduled.error());
      if (post.ok()) post = store_new_post(std::move(post).value(), scheduled->request, stored.id);
      if (post.ok()) {
        ++published;
        continue;
      }
      const ErrorCode code = post.error().code;
      if (code == ErrorCode::kConflict) continue;  // published or deleted meanwhile
      const bool no_longer_valid = !scheduled.ok() || code == ErrorCode::kUnprocessable ||
                                   code == ErrorCode::kNotFound || code == ErrorCode::kForbidden;
      if (!no_longer_valid) return post.error();  // the store failed: the next pass tries again
      // It no longer makes a valid post (reply target gone, media deleted, a
      // damaged row): dropped, as Mastodon drops it. The log names the rule,
      // never the post's content.
      spdlog::warn("scheduled post {} dropped at publishing: {}", stored.id, post.error().message);
      PUBLIUS_TRY(store_.delete_scheduled_status(stored.id));
    }
    if (due.size() < static_cast<size_t>(kPublishBatch)) break;
  }
  return published;
}

Result<std::optional<int64_t>> Posts::next_scheduled_time() { return store_.next_scheduled_ms(); }

}  // namespace publius::domain
