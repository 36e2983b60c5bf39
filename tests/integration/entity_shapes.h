// The documented JSON shapes of the Mastodon 4.3 entities the server returns
// (docs.joinmastodon.org/entities): which members an entity has, which may be
// null or absent, and the JSON type of each, with ids as decimal strings and
// dates in ISO 8601. expect_shape() reports every missing, unexpected or
// mistyped member, so a test asserts the full set of keys at once.
//
// Header-only, like server_harness.h.
#pragma once

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "integration/server_harness.h"

namespace publius::integration::shapes {

enum class Kind {
  kString,
  kId,        // a string of decimal digits
  kDate,      // "2019-11-17"
  kDateTime,  // "2019-11-17T07:49:02.064Z"
  kBool,
  kInt,
  kNumber,  // integer or floating point
  kArray,
  kObject,
};

struct Member {
  std::string name;
  Kind kind;
  bool nullable = false;
  bool optional = false;  // may be absent
};
using Shape = std::vector<Member>;

inline Member must(std::string name, Kind kind) { return {std::move(name), kind}; }
inline Member null_or(std::string name, Kind kind) { return {std::move(name), kind, true}; }
// Documented optional: absent, or present with the kind (null only if `nullable`).
inline Member maybe(std::string name, Kind kind, bool nullable = false) {
  return {std::move(name), kind, nullable, true};
}

inline Shape operator+(Shape a, const Shape& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "string";
    case Kind::kId:
      return "id string";
    case Kind::kDate:
      return "date string";
    case Kind::kDateTime:
      return "ISO 8601 datetime string";
    case Kind::kBool:
      return "boolean";
    case Kind::kInt:
      return "integer";
    case Kind::kNumber:
      return "number";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "?";
}

inline bool is_kind(const json::value& v, Kind kind) {
  static const std::regex kDigits("[0-9]+");
  static const std::regex kDay("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  static const std::regex kInstant(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})");
  const auto matches = [&](const std::regex& re) {
    return v.is_string() && std::regex_match(std::string(v.as_string()), re);
  };
  switch (kind) {
    case Kind::kString:
      return v.is_string();
    case Kind::kId:
      return matches(kDigits);
    case Kind::kDate:
      return matches(kDay);
    case Kind::kDateTime:
      return matches(kInstant);
    case Kind::kBool:
      return v.is_bool();
    case Kind::kInt:
      return v.is_int64() || v.is_uint64();
    case Kind::kNumber:
      return v.is_number();
    case Kind::kArray:
      return v.is_array();
    case Kind::kObject:
      return v.is_object();
  }
  return false;
}

// Expects `v` to be an object with exactly the members of `shape`; `where` names it in failures.
inline void expect_shape(const json::value& v, const Shape& shape, const std::string& where) {
  if (!v.is_object()) {
    ADD_FAILURE() << where << " is not a JSON object: " << json::serialize(v);
    return;
  }
  const auto& object = v.as_object();
  std::set<std::string> documented;
  for (const auto& m : shape) {
    documented.insert(m.name);
    const auto* value = object.if_contains(m.name);
    if (!value) {
      EXPECT_TRUE(m.optional) << where << " lacks `" << m.name << "`: " << json::serialize(v);
      continue;
    }
    if (value->is_null()) {
      EXPECT_TRUE(m.nullable) << where << ".`" << m.name << "` is null";
      continue;
    }
    EXPECT_TRUE(is_kind(*value, m.kind)) << where << ".`" << m.name << "` should be a "
                                         << kind_name(m.kind) << ", is " << json::serialize(*value);
  }
  for (const auto& [key, value] : object) {
    EXPECT_TRUE(documented.count(std::string(key)))
        << where << " has undocumented member `" << std::string(key) << "`";
  }
}

// Expects a non-empty array whose every element has `shape` (an empty one would test nothing).
inline void expect_each(const json::value& v, const Shape& shape, const std::string& where) {
  if (!v.is_array() || v.as_array().empty()) {
    ADD_FAILURE() << where << " is not a non-empty array: " << json::serialize(v);
    return;
  }
  for (size_t i = 0; i < v.as_array().size(); ++i)
    expect_shape(v.as_array()[i], shape, where + "[" + std::to_string(i) + "]");
}

// ---------------------------------------------------------------------------
// Entities

inline Shape account() {
  return {must("id", Kind::kId),
          must("username", Kind::kString),
          must("acct", Kind::kString),
          must("display_name", Kind::kString),
          must("locked", Kind::kBool),
          must("bot", Kind::kBool),
          null_or("discoverable", Kind::kBool),
          must("indexable", Kind::kBool),
          must("group", Kind::kBool),
          must("created_at", Kind::kDateTime),
          must("note", Kind::kString),
          null_or("url", Kind::kString),
          must("uri", Kind::kString),
          must("avatar", Kind::kString),
          must("avatar_static", Kind::kString),
          must("header", Kind::kString),
          must("header_static", Kind::kString),
          must("followers_count", Kind::kInt),
          must("following_count", Kind::kInt),
          must("statuses_count", Kind::kInt),
          null_or("last_status_at", Kind::kDate),
          null_or("hide_collections", Kind::kBool),
          maybe("noindex", Kind::kBool, true),
          must("emojis", Kind::kArray),
          null_or("roles", Kind::kArray),
          must("fields", Kind::kArray),
          maybe("moved", Kind::kObject, true),
          maybe("memorial", Kind::kBool),
          maybe("suspended", Kind::kBool),
          maybe("limited", Kind::kBool)};
}

inline Shape account_field() {
  return {must("name", Kind::kString), must("value", Kind::kString),
          null_or("verified_at", Kind::kDateTime)};
}

inline Shape account_role() {
  return {must("id", Kind::kString), must("name", Kind::kString), must("color", Kind::kString)};
}

inline Shape credential_account() {
  return account() + Shape{must("source", Kind::kObject), must("role", Kind::kObject)};
}

inline Shape credential_source() {
  return {must("privacy", Kind::kString),
          must("sensitive", Kind::kBool),
          must("language", Kind::kString),
          must("note", Kind::kString),
          must("fields", Kind::kArray),
          must("follow_requests_count", Kind::kInt),
          null_or("hide_collections", Kind::kBool),
          null_or("discoverable", Kind::kBool),
          must("indexable", Kind::kBool)};
}

inline Shape role() {
  return {must("id", Kind::kString), must("name", Kind::kString), must("color", Kind::kString),
          must("permissions", Kind::kString), must("highlighted", Kind::kBool)};
}

// Who reads a status decides its viewer flags, as in Mastodon's serializer.
enum class Reader {
  kAnonymous,  // no flags
  kSignedIn,   // favourited, reblogged, muted, bookmarked, filtered
  kPinner,     // the author of a pinnable (own, not a boost, not direct) status: also pinned
};

inline Shape status(Reader reader, bool source_requested = false) {
  Shape s{must("id", Kind::kId),
          must("created_at", Kind::kDateTime),
          null_or("in_reply_to_id", Kind::kId),
          null_or("in_reply_to_account_id", Kind::kId),
          must("sensitive", Kind::kBool),
          must("spoiler_text", Kind::kString),
          must("visibility", Kind::kString),
          null_or("language", Kind::kString),
          must("uri", Kind::kString),
          null_or("url", Kind::kString),
          must("replies_count", Kind::kInt),
          must("reblogs_count", Kind::kInt),
          must("favourites_count", Kind::kInt),
          null_or("edited_at", Kind::kDateTime),
          must("account", Kind::kObject),
          null_or("reblog", Kind::kObject),
          maybe("application", Kind::kObject, true),
          must("media_attachments", Kind::kArray),
          must("mentions", Kind::kArray),
          must("tags", Kind::kArray),
          must("emojis", Kind::kArray),
          null_or("card", Kind::kObject),
          null_or("poll", Kind::kObject)};
  // DELETE answers with the source text instead of the HTML.
  s.push_back(source_requested ? null_or("text", Kind::kString) : must("content", Kind::kString));
  if (reader == Reader::kAnonymous) {
    // Filters are another worktree's; until they land `filtered` may still be sent to anyone.
    s.push_back(maybe("filtered", Kind::kArray));
    return s;
  }
  s = s + Shape{must("favourited", Kind::kBool), must("reblogged", Kind::kBool),
                must("muted", Kind::kBool), must("bookmarked", Kind::kBool),
                must("filtered", Kind::kArray)};
  if (reader == Reader::kPinner) s.push_back(must("pinned", Kind::kBool));
  return s;
}

inline Shape status_mention() {
  return {must("id", Kind::kId), must("username", Kind::kString), must("url", Kind::kString),
          must("acct", Kind::kString)};
}

inline Shape status_tag() { return {must("name", Kind::kString), must("url", Kind::kString)}; }

inline Shape media_attachment() {
  return {must("id", Kind::kId),
          must("type", Kind::kString),
          null_or("url", Kind::kString),
          null_or("preview_url", Kind::kString),
          null_or("remote_url", Kind::kString),
          null_or("preview_remote_url", Kind::kString),
          maybe("text_url", Kind::kString, true),
          null_or("meta", Kind::kObject),
          null_or("description", Kind::kString),
          null_or("blurhash", Kind::kString)};
}

// Mastodon's ScheduledStatus and its params (null where the client gave none).
inline Shape scheduled_status() {
  return {must("id", Kind::kId), must("scheduled_at", Kind::kDateTime),
          must("params", Kind::kObject), must("media_attachments", Kind::kArray)};
}

inline Shape scheduled_status_params() {
  return {must("text", Kind::kString),
          null_or("poll", Kind::kObject),
          null_or("media_ids", Kind::kArray),
          null_or("sensitive", Kind::kBool),
          null_or("spoiler_text", Kind::kString),
          null_or("visibility", Kind::kString),
          null_or("in_reply_to_id", Kind::kId),
          null_or("language", Kind::kString),
          null_or("application_id", Kind::kInt),
          null_or("scheduled_at", Kind::kDateTime),
          null_or("idempotency", Kind::kString),
          must("with_rate_limit", Kind::kBool)};
}

inline Shape status_edit() {
  return {must("content", Kind::kString),          must("spoiler_text", Kind::kString),
          must("sensitive", Kind::kBool),          must("created_at", Kind::kDateTime),
          must("account", Kind::kObject),          maybe("poll", Kind::kObject),
          must("media_attachments", Kind::kArray), must("emojis", Kind::kArray)};
}

inline Shape status_source() {
  return {must("id", Kind::kId), must("text", Kind::kString), must("spoiler_text", Kind::kString)};
}

inline Shape context() {
  return {must("ancestors", Kind::kArray), must("descendants", Kind::kArray)};
}

inline Shape relationship() {
  return {must("id", Kind::kId),
          must("following", Kind::kBool),
          must("showing_reblogs", Kind::kBool),
          must("notifying", Kind::kBool),
          null_or("languages", Kind::kArray),
          must("followed_by", Kind::kBool),
          must("blocking", Kind::kBool),
          must("blocked_by", Kind::kBool),
          must("muting", Kind::kBool),
          must("muting_notifications", Kind::kBool),
          must("requested", Kind::kBool),
          must("requested_by", Kind::kBool),
          must("domain_blocking", Kind::kBool),
          must("endorsed", Kind::kBool),
          must("note", Kind::kString)};
}

// `status` is there for the types about a status (mention, favourite, reblog, ...) only.
inline Shape notification(bool about_status) {
  Shape s{must("id", Kind::kId), must("type", Kind::kString), must("group_key", Kind::kString),
          must("created_at", Kind::kDateTime), must("account", Kind::kObject)};
  if (about_status) s.push_back(must("status", Kind::kObject));
  return s;
}

inline Shape grouped_notifications() {
  return {must("accounts", Kind::kArray), maybe("partial_accounts", Kind::kArray),
          must("statuses", Kind::kArray), must("notification_groups", Kind::kArray)};
}

inline Shape notification_group(bool about_status) {
  Shape s{must("group_key", Kind::kString),
          must("notifications_count", Kind::kInt),
          must("type", Kind::kString),
          must("most_recent_notification_id", Kind::kId),
          maybe("page_min_id", Kind::kId),
          maybe("page_max_id", Kind::kId),
          maybe("latest_page_notification_at", Kind::kDateTime),
          must("sample_account_ids", Kind::kArray)};
  if (about_status) s.push_back(must("status_id", Kind::kId));
  return s;
}

inline Shape application() {
  return {must("id", Kind::kId),
          must("name", Kind::kString),
          maybe("website", Kind::kString, true),
          must("scopes", Kind::kArray),
          must("redirect_uris", Kind::kArray),
          must("redirect_uri", Kind::kString),
          must("vapid_key", Kind::kString)};
}

inline Shape credential_application() {
  return application() + Shape{must("client_id", Kind::kString),
                               must("client_secret", Kind::kString),
                               must("client_secret_expires_at", Kind::kInt)};
}

inline Shape token() {
  return {must("access_token", Kind::kString), must("token_type", Kind::kString),
          must("scope", Kind::kString), must("created_at", Kind::kInt)};
}

inline Shape rule() {
  return {must("id", Kind::kId), must("text", Kind::kString), must("hint", Kind::kString)};
}

// `following` is sent to signed-in readers only.
inline Shape tag(bool signed_in) {
  Shape s{maybe("id", Kind::kId), must("name", Kind::kString), must("url", Kind::kString),
          must("history", Kind::kArray)};
  if (signed_in) s.push_back(must("following", Kind::kBool));
  return s;
}

inline Shape list() {
  return {must("id", Kind::kId), must("title", Kind::kString),
          must("replies_policy", Kind::kString), must("exclusive", Kind::kBool)};
}

inline Shape conversation() {
  return {must("id", Kind::kId), must("unread", Kind::kBool), must("accounts", Kind::kArray),
          null_or("last_status", Kind::kObject)};
}

inline Shape marker() {
  return {must("last_read_id", Kind::kId), must("version", Kind::kInt),
          must("updated_at", Kind::kDateTime)};
}

inline Shape preferences() {
  return {must("posting:default:visibility", Kind::kString),
          must("posting:default:sensitive", Kind::kBool),
          null_or("posting:default:language", Kind::kString),
          must("reading:expand:media", Kind::kString),
          must("reading:expand:spoilers", Kind::kBool)};
}

inline Shape search() {
  return {must("accounts", Kind::kArray), must("statuses", Kind::kArray),
          must("hashtags", Kind::kArray)};
}

inline Shape error() {
  return {must("error", Kind::kString), maybe("error_description", Kind::kString)};
}

}  // namespace publius::integration::shapes
