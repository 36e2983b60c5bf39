#include "federation/activities.h"

#include <boost/json.hpp>
#include <charconv>

#include "domain/media.h"
#include "domain/text_format.h"
#include "federation/html_sanitizer.h"
#include "federation/http_signature.h"
#include "federation/json_fields.h"
#include "media/media_files.h"
#include "util/ascii.h"
#include "util/crypto.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::federation {
namespace {

namespace json = boost::json;

constexpr std::string_view kActivityStreams = "https://www.w3.org/ns/activitystreams";
constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";

std::string actor_of(const domain::InstanceConfig& config, std::string_view username) {
  return config.base_url() + "/users/" + std::string(username);
}

// A link member: a string, or an object with an href (as some servers write url).
std::string link_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_object()) return string_at(v->as_object(), "href");
  return {};
}

// The http(s) URL of an image member (an Image object's url, a Link's href, or the
// URL itself; the first of an array); empty when none.
std::string image_url_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_array() && !v->as_array().empty()) v = &v->as_array().front();
  std::string url;
  if (v && v->is_string()) url = std::string(v->as_string());
  if (v && v->is_object()) {
    const auto& image = v->as_object();
    url = link_at(image, "url");
    if (url.empty()) url = string_at(image, "href");
  }
  return domain::url_origin(url).empty() ? std::string() : url;
}

const json::object* public_key_of(const json::object& actor) {
  const auto* key = actor.if_contains("publicKey");
  if (!key) return nullptr;
  if (key->is_object()) return &key->as_object();
  if (key->is_array() && !key->as_array().empty() && key->as_array().front().is_object())
    return &key->as_array().front().as_object();
  return nullptr;
}

// The addressing of a post's visibility, as Mastodon writes it, and the remote accounts
// it mentions.
void write_addressing(JsonWriter& w, const domain::InstanceConfig& config,
                      const std::string& followers, domain::Visibility v,
                      const std::vector<domain::NoteMention>& mentions) {
  if (v == domain::Visibility::kDirect) {
    // Its mentions only: neither the Public collection nor the followers.
    w.key("to").begin_array();
    for (const auto& m : mentions)
      w.string(m.remote_uri.empty() ? actor_of(config, m.acct) : m.remote_uri);
    w.end_array().key("cc").begin_array().end_array();
    return;
  }
  w.key("to").begin_array();
  if (v == domain::Visibility::kPublic)
    w.string(kPublic);
  else
    w.string(followers);
  w.end_array().key("cc").begin_array();
  if (v == domain::Visibility::kPublic) w.string(followers);
  if (v == domain::Visibility::kUnlisted) w.string(kPublic);
  for (const auto& m : mentions)
    if (!m.remote_uri.empty()) w.string(m.remote_uri);
  w.end_array();
}

// A Note's tag array: its mentions and hashtags, as Mastodon writes them.
void write_tags(JsonWriter& w, const domain::InstanceConfig& config, const domain::Post& post,
                const std::vector<domain::NoteMention>& mentions) {
  w.key("tag").begin_array();
  for (const auto& m : mentions) {
    const bool remote = !m.remote_uri.empty();
    w.begin_object()
        .field("type", "Mention")
        .field("href", remote ? m.remote_uri : actor_of(config, m.acct))
        .field("name", "@" + m.acct + (remote ? "" : "@" + config.domain))
        .end_object();
  }
  for (const auto& tag : post.tags) {
    const std::string name = domain::normalize_tag(tag);
    w.begin_object()
        .field("type", "Hashtag")
        .field("href", config.base_url() + "/tags/" + name)
        .field("name", "#" + name)
        .end_object();
  }
  w.end_array();
}

// A Note's attachment array: its media as Mastodon writes them, served from here.
void write_attachments(JsonWriter& w, const domain::InstanceConfig& config,
                       const domain::Post& post) {
  w.key("attachment").begin_array();
  for (const auto& m : post.media) {
    w.begin_object()
        .field("type", "Document")
        .field("mediaType", media::MediaFiles::content_type_of(m.file_name()))
        .field("url", config.base_url() + "/system/media/" + m.file_name());
    w.field_or_null("name", m.description);
    w.field("blurhash", m.blurhash);
    w.key("focalPoint").begin_array().number(m.focus_x).number(m.focus_y).end_array();
    w.field("width", m.width).field("height", m.height).end_object();
  }
  w.end_array();
}

// The Note of `post`; with `as_document`, with its own @context (served alone, not
// inside an activity).
void write_note(JsonWriter& w, const domain::InstanceConfig& config, const domain::Account& author,
                const domain::Post& post, const std::vector<domain::NoteMention>& mentions,
                std::string_view in_reply_to, bool as_document) {
  const std::string actor = actor_of(config, author.username);
  w.begin_object();
  if (as_document) w.field("@context", kActivityStreams);
  w.field("id", note_uri(config, author.username, post.id))
      .field("type", "Note")
      .field("attributedTo", actor)
      .field("url", config.base_url() + "/@" + author.username + "/" + std::to_string(post.id))
      .field("published", format_iso8601_ms(post.created_ms))
      .field("content", post.html)
      .field("sensitive", post.sensitive);
  w.field_or_null("inReplyTo", in_reply_to);
  if (post.edited_ms) w.field("updated", format_iso8601_ms(*post.edited_ms));
  w.field_or_null("summary", post.spoiler_text);
  if (!post.language.empty())
    w.key("contentMap").begin_object().field(post.language, post.html).end_object();
  write_addressing(w, config, actor + "/followers", post.visibility, mentions);
  write_tags(w, config, post, mentions);
  write_attachments(w, config, post);
  w.end_object();
}

// A Follow of `followed_uri` by local `follower`; with `as_document`, with its own
// @context (sent alone, not inside an Undo).
void write_follow(JsonWriter& w, const domain::InstanceConfig& config,
                  const domain::Account& follower, int64_t followed_id,
                  std::string_view followed_uri, bool as_document) {
  w.begin_object();
  if (as_document) w.field("@context", kActivityStreams);
  w.field("id", follow_uri(config, follower.username, followed_id))
      .field("type", "Follow")
      .field("actor", actor_of(config, follower.username))
      .field("object", followed_uri)
      .end_object();
}

// A member that may be one id or several: a string, an object's id, or an array of them.
std::vector<std::string> ids_at(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (!v) return out;
  const auto add = [&out](const json::value& item) {
    if (item.is_string()) out.emplace_back(item.as_string());
    if (item.is_object() && !string_at(item.as_object(), "id").empty())
      out.push_back(string_at(item.as_object(), "id"));
  };
  if (v->is_array()) {
    for (const auto& item : v->as_array()) add(item);
  } else {
    add(*v);
  }
  return out;
}

// A Create or Update (`type`, with id `id`) of the Note of `post` (replying to
// `in_reply_to`, empty: none), by its author, addressed as the Note is.
std::string note_activity_json(const domain::InstanceConfig& config, const domain::Account& author,
                               const domain::Post& post,
                               const std::vector<domain::NoteMention>& mentions,
                               std::string_view in_reply_to, std::string_view type,
                               const std::string& id, int64_t published_ms) {
  const std::string actor = actor_of(config, author.username);
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("@context", kActivityStreams)
      .field("id", id)
      .field("type", type)
      .field("actor", actor)
      .field("published", format_iso8601_ms(published_ms));
  write_addressing(w, config, actor + "/followers", post.visibility, mentions);
  w.key("object");
  write_note(w, config, author, post, mentions, in_reply_to, false);
  w.end_object();
  return out;
}

}  // namespace

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<store::ActorKey> make_actor_key() {
  PUBLIUS_ASSIGN_OR_RETURN(auto pair, generate_rsa_key_pair());
  return store::ActorKey{std::move(pair.public_pem), std::move(pair.private_pem)};
}

Result<domain::RemoteActorDocument> parse_actor(std::string_view text) {
  boost::system::error_code ec;
  const json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return bad_request("Actor document is not a JSON object");
  return parse_actor_object(value.as_object());
}

Result<domain::RemoteActorDocument> parse_actor_object(const json::object& o) {
  const std::string type = string_at(o, "type");
  if (type != "Person" && type != "Service" && type != "Application" && type != "Group" &&
      type != "Organization")
    return bad_request("Not an actor");
  domain::RemoteActorDocument d;
  d.uri = string_at(o, "id");
  d.preferred_username = string_at(o, "preferredUsername");
  d.name = html_to_text(string_at(o, "name"));
  d.summary_text = html_to_text(string_at(o, "summary"));
  d.inbox = string_at(o, "inbox");
  if (const auto* endpoints = o.if_contains("endpoints"); endpoints && endpoints->is_object())
    d.shared_inbox = string_at(endpoints->as_object(), "sharedInbox");
  d.url = link_at(o, "url");
  if (const auto* locked = o.if_contains("manuallyApprovesFollowers"); locked && locked->is_bool())
    d.locked = locked->as_bool();
  d.bot = type == "Service" || type == "Application";
  d.icon_url = image_url_at(o, "icon");
  d.image_url = image_url_at(o, "image");
  const json::object* key = public_key_of(o);
  if (d.uri.empty() || d.inbox.empty() || !key) return bad_request("Actor lacks id, inbox or key");
  d.key_id = string_at(*key, "id");
  d.key_owner = string_at(*key, "owner");
  d.public_pem = string_at(*key, "publicKeyPem");
  if (d.key_id.empty() || d.public_pem.empty()) return bad_request("Actor key unreadable");
  d.also_known_as = ids_at(o, "alsoKnownAs");
  return d;
}

namespace {

// <actor>/<segment>/<id> of a local actor, as follow_uri() and note_uri() make them: the
// actor's username and the id; nullopt for any other URL.
std::optional<FollowUriParts> parse_actor_path(const domain::InstanceConfig& config,
                                               std::string_view uri, std::string_view segment) {
  const std::string prefix = actor_of(config, "");
  if (!uri.starts_with(prefix)) return std::nullopt;
  uri.remove_prefix(prefix.size());
  const auto slash = uri.find(segment);
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  FollowUriParts parts{.follower = std::string(uri.substr(0, slash))};
  if (parts.follower.find_first_of("/?#@") != std::string::npos) return std::nullopt;
  const std::string_view id = uri.substr(slash + segment.size());
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), parts.followed_id);
  if (ec != std::errc() || end != id.data() + id.size() || parts.followed_id <= 0)
    return std::nullopt;
  return parts;
}

std::string first_of(const std::vector<std::string>& list) {
  return list.empty() ? std::string() : list.front();
}

// The objects of a member that may be one object or an array of them.
std::vector<const json::object*> objects_at(const json::object& o, std::string_view key) {
  std::vector<const json::object*> out;
  const auto* v = o.if_contains(key);
  if (!v) return out;
  if (v->is_object()) out.push_back(&v->as_object());
  if (v->is_array())
    for (const auto& item : v->as_array())
      if (item.is_object()) out.push_back(&item.as_object());
  return out;
}

// The first link of a url member: a string, a Link object's href, or an array of them.
std::string first_link(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (item.is_string()) return std::string(item.as_string());
      if (item.is_object() && !string_at(item.as_object(), "href").empty())
        return string_at(item.as_object(), "href");
    }
    return {};
  }
  return link_at(o, key);
}

// A number in [-1, 1], or nullopt.
std::optional<double> unit_number(const json::value& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.to_number<double>();
  if (!(d >= -1 && d <= 1)) return std::nullopt;
  return d;
}

// A focal point written as Mastodon writes it: [x, y], each in [-1, 1].
std::optional<domain::Focus> focal_point_at(const json::object& o) {
  const auto* v = o.if_contains("focalPoint");
  if (!v || !v->is_array() || v->as_array().size() != 2) return std::nullopt;
  const auto x = unit_number(v->as_array()[0]);
  const auto y = unit_number(v->as_array()[1]);
  if (!x || !y) return std::nullopt;
  return domain::Focus{.x = *x, .y = *y};
}

}  // namespace

std::vector<domain::RemoteAttachment> parse_attachments(const json::object& note) {
  std::vector<domain::RemoteAttachment> out;
  for (const json::object* item : objects_at(note, "attachment")) {
    if (out.size() == domain::kMaxMediaPerPost) break;
    const std::string type = string_at(*item, "type");
    if (type != "Document" && type != "Image") continue;  // video and audio are not kept
    const std::string media_type = string_at(*item, "mediaType");
    if (!media_type.empty() && !media_type.starts_with("image/")) continue;
    domain::RemoteAttachment a;
    a.url = first_link(*item, "url");
    if (domain::url_origin(a.url).empty()) continue;  // only http(s) is ever fetched
    a.description = html_to_text(string_at(*item, "name"));
    a.focus = focal_point_at(*item);
    out.push_back(std::move(a));
  }
  return out;
}

Result<domain::RemoteNote> parse_note(const json::object& o) {
  const std::string type = string_at(o, "type");
  if (type != "Note" && type != "Question") return bad_request("Not a Note");
  domain::RemoteNote n;
  n.uri = string_at(o, "id");
  n.attributed_to = first_of(ids_at(o, "attributedTo"));
  if (n.uri.empty() || n.attributed_to.empty()) return bad_request("Note lacks id or author");
  n.url = first_link(o, "url");
  std::string content = string_at(o, "content");
  if (const auto* map = o.if_contains("contentMap"); map && map->is_object()) {
    for (const auto& [language, text] : map->as_object()) {
      if (!text.is_string()) continue;
      n.language = std::string(language);
      if (content.empty()) content = std::string(text.as_string());
      break;
    }
  }
  n.html = sanitize_html(content);
  n.text = html_to_text(n.html);
  n.summary_text = html_to_text(string_at(o, "summary"));
  if (const auto* sensitive = o.if_contains("sensitive"); sensitive && sensitive->is_bool())
    n.sensitive = sensitive->as_bool();
  n.published_ms = parse_rfc3339_ms(string_at(o, "published"));
  n.in_reply_to_uri = first_of(ids_at(o, "inReplyTo"));
  n.to = ids_at(o, "to");
  n.cc = ids_at(o, "cc");
  for (const json::object* tag : objects_at(o, "tag")) {
    const std::string tag_type = string_at(*tag, "type");
    if (tag_type == "Mention" && !string_at(*tag, "href").empty())
      n.mention_uris.push_back(string_at(*tag, "href"));
    std::string name = string_at(*tag, "name");
    if (tag_type == "Hashtag" && name.size() > 1 && name.front() == '#')
      n.hashtags.push_back(name.substr(1));
  }
  n.attachments = parse_attachments(o);
  return n;
}

std::string note_uri(const domain::InstanceConfig& config, std::string_view username,
                     int64_t post_id) {
  return actor_of(config, username) + "/statuses/" + std::to_string(post_id);
}

std::optional<int64_t> parse_note_uri(const domain::InstanceConfig& config, std::string_view uri) {
  const auto parts = parse_actor_path(config, uri, "/statuses/");
  return parts ? std::optional(parts->followed_id) : std::nullopt;
}

std::string note_json(const domain::InstanceConfig& config, const domain::Account& author,
                      const domain::Post& post, const std::vector<domain::NoteMention>& mentions,
                      std::string_view in_reply_to) {
  std::string out;
  JsonWriter w(out);
  write_note(w, config, author, post, mentions, in_reply_to, true);
  return out;
}

std::string create_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             const domain::Post& post,
                             const std::vector<domain::NoteMention>& mentions,
                             std::string_view in_reply_to) {
  return note_activity_json(config, author, post, mentions, in_reply_to, "Create",
                            note_uri(config, author.username, post.id) + "/activity",
                            post.created_ms);
}

std::string delete_actor_json(const domain::InstanceConfig& config, std::string_view username) {
  const std::string actor = actor_of(config, username);
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("@context", kActivityStreams)
      .field("id", actor + "#delete")
      .field("type", "Delete")
      .field("actor", actor)
      .key("to")
      .begin_array()
      .string(kPublic)
      .end_array()
      .field("object", actor)
      .end_object();
  return out;
}

std::string delete_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             int64_t post_id) {
  const std::string uri = note_uri(config, author.username, post_id);
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("@context", kActivityStreams)
      .field("id", uri + "#delete")
      .field("type", "Delete")
      .field("actor", actor_of(config, author.username))
      .key("to")
      .begin_array()
      .string(kPublic)
      .end_array()
      .key("object")
      .begin_object()
      .field("id", uri)
      .field("type", "Tombstone")
      .end_object()
      .end_object();
  return out;
}

std::string follow_answer_json(const domain::InstanceConfig& config,
                               const domain::Account& followed, std::string_view follower_uri,
                               std::string_view follow_uri, bool accepted) {
  const std::string actor = actor_of(config, followed.username);
  const std::string type = accepted ? "Accept" : "Reject";
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("@context", kActivityStreams)
      .field("id", actor + "#" + ascii_lowercase(type) + "s/follows/" + random_token(12))
      .field("type", type)
      .field("actor", actor)
      .key("object")
      .begin_object()
      .field("id", follow_uri)
      .field("type", "Follow")
      .field("actor", follower_uri)
      .field("object", actor)
      .end_object()
      .end_object();
  return out;
}

std::string follow_uri(const domain::InstanceConfig& config, std::string_view follower,
                       int64_t followed_id) {
  return actor_of(config, follower) + "/follows/" + std::to_string(followed_id);
}

std::optional<FollowUriParts> parse_follow_uri(const domain::InstanceConfig& config,
                                               std::string_view uri) {
  return parse_actor_path(config, uri, "/follows/");
}

std::string follow_json(const domain::InstanceConfig& config, const domain::Account& follower,
                        int64_t followed_id, std::string_view followed_uri) {
  std::string out;
  JsonWriter w(out);
  write_follow(w, config, follower, followed_id, followed_uri, true);
  return out;
}

std::string undo_follow_json(const domain::InstanceConfig& config, const domain::Account& follower,
                             int64_t followed_id, std::string_view followed_uri) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("@context", kActivityStreams)
      .field("id", follow_uri(config, follower.username, followed_id) + "/undo/" + random_token(12))
      .field("type", "Undo")
      .field("actor", actor_of(config, follower.username))
      .key("object");
  write_follow(w, config, follower, followed_id, followed_uri, false);
  w.end_object();
  return out;
}

std::vector<std::string> ids_of(const json::object& o, std::string_view key) {
  return ids_at(o, key);
}

namespace {

// The @context, id, type and actor every activity below starts with.
void begin_activity(JsonWriter& w, std::string_view id, std::string_view type,
                    std::string_view actor, bool as_document) {
  w.begin_object();
  if (as_document) w.field("@context", kActivityStreams);
  w.field("id", id).field("type", type).field("actor", actor);
}

// An activity of local `account` about `object`, whose id is <actor><id_path>, sent
// alone or, with `undo`, inside an Undo that names it.
template <typename WriteActivity>
std::string maybe_undone(const domain::InstanceConfig& config, const domain::Account& account,
                         std::string_view id_path, bool undo, const WriteActivity& write) {
  const std::string actor = actor_of(config, account.username);
  const std::string id = actor + std::string(id_path);
  std::string out;
  JsonWriter w(out);
  if (undo) {
    begin_activity(w, id + "/undo/" + random_token(12), "Undo", actor, true);
    w.key("object");
  }
  write(w, actor, id, !undo);
  if (undo) w.end_object();
  return out;
}

}  // namespace

std::string like_json(const domain::InstanceConfig& config, const domain::Account& liker,
                      int64_t post_id, std::string_view note_uri, std::string_view note_author_uri,
                      bool undo) {
  return maybe_undone(
      config, liker, "#likes/" + std::to_string(post_id), undo,
      [&](JsonWriter& w, const std::string& actor, const std::string& id, bool as_document) {
        begin_activity(w, id, "Like", actor, as_document);
        w.key("to").begin_array().string(note_author_uri).end_array();
        w.field("object", note_uri).end_object();
      });
}

std::string announce_json(const domain::InstanceConfig& config, const domain::Account& booster,
                          int64_t post_id, std::string_view note_uri,
                          std::string_view note_author_uri, domain::Visibility visibility,
                          bool undo) {
  return maybe_undone(
      config, booster, "/announces/" + std::to_string(post_id), undo,
      [&](JsonWriter& w, const std::string& actor, const std::string& id, bool as_document) {
        begin_activity(w, id, "Announce", actor, as_document);
        const bool is_public = visibility == domain::Visibility::kPublic;
        w.key("to").begin_array().string(is_public ? kPublic : actor + "/followers");
        w.end_array().key("cc").begin_array();
        w.string(is_public ? actor + "/followers" : std::string(kPublic));
        w.string(note_author_uri).end_array();
        w.field("object", note_uri).end_object();
      });
}

std::string block_json(const domain::InstanceConfig& config, const domain::Account& blocker,
                       int64_t blocked_id, std::string_view blocked_uri, bool undo) {
  return maybe_undone(
      config, blocker, "/blocks/" + std::to_string(blocked_id), undo,
      [&](JsonWriter& w, const std::string& actor, const std::string& id, bool as_document) {
        begin_activity(w, id, "Block", actor, as_document);
        w.field("object", blocked_uri).end_object();
      });
}

std::string update_note_json(const domain::InstanceConfig& config, const domain::Account& author,
                             const domain::Post& post,
                             const std::vector<domain::NoteMention>& mentions,
                             std::string_view in_reply_to) {
  const int64_t updated = post.edited_ms.value_or(post.created_ms);
  return note_activity_json(
      config, author, post, mentions, in_reply_to, "Update",
      note_uri(config, author.username, post.id) + "#updates/" + std::to_string(updated), updated);
}

std::string update_person_json(const domain::InstanceConfig& config, const domain::Account& account,
                               std::string_view actor_document) {
  const std::string actor = actor_of(config, account.username);
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("@context", kActivityStreams)
      .field("id", actor + "#updates/" + random_token(12))
      .field("type", "Update")
      .field("actor", actor)
      .key("to")
      .begin_array()
      .string(kPublic)
      .end_array()
      .key("object")
      .raw(actor_document)
      .end_object();
  return out;
}

std::string move_json(const domain::InstanceConfig& config, const domain::Account& account,
                      std::string_view target_uri) {
  const std::string actor = actor_of(config, account.username);
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("@context", kActivityStreams)
      .field("id", actor + "#moves/" + random_token(12))
      .field("type", "Move")
      .field("actor", actor)
      .field("object", actor)
      .field("target", target_uri)
      .key("to")
      .begin_array()
      .string(actor + "/followers")
      .end_array()
      .end_object();
  return out;
}

std::string instance_actor_url(const domain::InstanceConfig& config) {
  return config.base_url() + "/actor";
}

std::string instance_key_id(const domain::InstanceConfig& config) {
  return instance_actor_url(config) + "#main-key";
}

std::string instance_actor_json(const domain::InstanceConfig& config, const store::ActorKey& key) {
  const std::string actor = instance_actor_url(config);
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("@context").begin_array();
  w.string(kActivityStreams).string("https://w3id.org/security/v1").end_array();
  w.field("id", actor)
      .field("type", "Application")
      .field("preferredUsername", config.domain)
      .field("inbox", actor + "/inbox")
      .field("outbox", actor + "/outbox")
      .field("url", config.base_url() + "/about")
      .field("manuallyApprovesFollowers", true);
  w.key("publicKey")
      .begin_object()
      .field("id", instance_key_id(config))
      .field("owner", actor)
      .field("publicKeyPem", key.public_pem)
      .end_object();
  w.key("endpoints").begin_object().field("sharedInbox", config.base_url() + "/inbox").end_object();
  w.end_object();
  return out;
}

std::string flag_json(const domain::InstanceConfig& config, std::string_view target_uri,
                      const std::vector<std::string>& post_uris, std::string_view comment) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("@context", kActivityStreams)
      .field("id", config.base_url() + "/flags/" + random_token(16))
      .field("type", "Flag")
      .field("actor", instance_actor_url(config))
      .field("content", comment)
      .key("object")
      .begin_array()
      .string(target_uri);
  for (const auto& uri : post_uris) w.string(uri);
  w.end_array().end_object();
  return out;
}

}  // namespace publius::federation
