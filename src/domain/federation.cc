// Federation: remote actors, inbound follows and the delivery queue (federation.h).
#include "domain/federation.h"

#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A remote username as ActivityPub servers make them: Mastodon's letters, digits and
// underscores, plus the dots and dashes others allow.
bool plausible_remote_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

// The first `limit` code points of UTF-8 `text` (a remote alt text longer than ours).
std::string truncate_code_points(std::string_view text, size_t limit) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool lead = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (lead && seen++ == limit) return std::string(text.substr(0, i));
  }
  return std::string(text);
}

}  // namespace

std::string url_origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string scheme = lowercase(url.substr(0, scheme_end));
  if (scheme != "https" && scheme != "http") return {};
  const auto rest = url.substr(scheme_end + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  return scheme + "://" + lowercase(authority);
}

Result<int64_t> Federation::save_remote_actor(const RemoteActorDocument& actor) {
  const std::string origin = url_origin(actor.uri);
  if (origin.empty()) return unprocessable("Actor id is not an http(s) URL");
  if (origin == url_origin(config_.base_url())) return unprocessable("Actor is on this server");
  if (actor.key_owner != actor.uri) return unprocessable("Key owner is not the actor");
  if (url_origin(actor.key_id) != origin) return unprocessable("Key is on another host");
  if (url_origin(actor.inbox) != origin) return unprocessable("Inbox is on another host");
  if (!actor.shared_inbox.empty() && url_origin(actor.shared_inbox) != origin)
    return unprocessable("Shared inbox is on another host");
  if (!plausible_remote_username(actor.preferred_username))
    return unprocessable("Actor has no usable preferredUsername");
  store::RemoteActor stored{.uri = actor.uri,
                            .inbox = actor.inbox,
                            .shared_inbox = actor.shared_inbox,
                            .url = url_origin(actor.url) == origin ? actor.url : std::string(),
                            .key_id = actor.key_id,
                            .public_pem = actor.public_pem};
  // user@host, the host with its port as Mastodon names accounts.
  const std::string acct = actor.preferred_username + "@" + origin.substr(origin.find("://") + 3);
  store::RemoteProfile profile{.acct = acct,
                               .display_name = actor.name,
                               .note = actor.summary_text,
                               .locked = actor.locked,
                               .bot = actor.bot};
  PUBLIUS_ASSIGN_OR_RETURN(auto id, phrase_store_error(store_.save_remote_actor(stored, profile)));
  fetch_profile_pictures(id, actor);
  account_changed(id);
  return id;
}

bool Federation::may_fetch_media(std::string_view url) const {
  // Domain blocks that reject media are to be asked here.
  return !url_origin(url).empty();
}

void Federation::fetch_profile_pictures(int64_t account_id, const RemoteActorDocument& actor) {
  if (!media_fetcher_) return;
  std::vector<std::string> urls;
  for (const std::string* url : {&actor.icon_url, &actor.image_url})
    if (!url->empty() && may_fetch_media(*url)) urls.push_back(*url);
  if (urls.empty()) return;
  auto fetched = media_fetcher_->fetch_media(urls);
  NewProfilePictures pictures;
  for (size_t i = 0; i < urls.size(); ++i) {
    if (!fetched[i].ok()) continue;
    if (urls[i] == actor.icon_url) pictures.avatar = *fetched[i];
    if (urls[i] == actor.image_url) pictures.header = *fetched[i];
  }
  // Each picture on its own: a header that does not decode keeps no avatar from changing.
  const auto store_picture = [&](NewProfilePictures one) {
    auto before = store_.account_by_id(account_id);
    if (!before.ok() || !*before) return;
    store::ProfileUpdate update;
    auto written = mb_.media().write_profile_pictures(one, update);
    if (!written.ok()) return;
    if (!store_.update_profile(account_id, update).ok()) {
      mb_.media().erase_files(*written);
      return;
    }
    mb_.media().erase_replaced_pictures(**before, update);
  };
  if (pictures.avatar) store_picture({.avatar = pictures.avatar});
  if (pictures.header) store_picture({.header = pictures.header});
}

std::vector<MediaAttachment> Federation::remote_media(
    int64_t remote_id, const std::vector<RemoteAttachment>& attachments) {
  std::vector<const RemoteAttachment*> wanted;
  std::vector<std::string> urls;
  for (const auto& a : attachments) {
    if (wanted.size() == kMaxMediaPerPost) break;
    if (!may_fetch_media(a.url)) continue;
    wanted.push_back(&a);
    urls.push_back(a.url);
  }
  std::vector<MediaAttachment> media;
  if (!media_fetcher_ || urls.empty()) return media;
  auto fetched = media_fetcher_->fetch_media(urls);
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (!fetched[i].ok()) continue;
    MediaChange details{
        .description = truncate_code_points(wanted[i]->description, kMaxMediaDescriptionChars),
        .focus = wanted[i]->focus};
    auto stored = mb_.media().upload_media(remote_id, *fetched[i], details);
    if (stored.ok()) media.push_back(std::move(stored).value());
  }
  return media;
}

Result<std::optional<store::RemoteActor>> Federation::remote_actor(int64_t account_id) {
  return store_.remote_actor(account_id);
}
Result<std::optional<store::RemoteActor>> Federation::remote_actor_by_uri(std::string_view uri) {
  return store_.remote_actor_by_uri(uri);
}
Result<std::optional<store::RemoteActor>> Federation::remote_actor_by_key_id(
    std::string_view key_id) {
  return store_.remote_actor_by_key_id(key_id);
}

Result<Account> Federation::account_by_acct(std::string_view acct, bool resolve) {
  if (!acct.empty() && acct.front() == '@') acct.remove_prefix(1);
  const auto at = acct.find('@');
  if (at == std::string_view::npos || lowercase(acct.substr(at + 1)) == config_.domain)
    return mb_.accounts().account_by_acct(acct);
  const std::string_view user = acct.substr(0, at);
  const std::string host = lowercase(acct.substr(at + 1));
  if (!plausible_remote_username(user) || host.empty() ||
      host.find_first_of("/?#@ ") != std::string::npos)
    return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.account_by_username(std::string(user) + "@" + host));
  if (known) return *known;
  if (!resolve || !resolver_) return not_found();
  // A server that cannot be reached, knows no such account or names an actor that
  // may not be kept finds nothing, as in Mastodon.
  auto actor = resolver_->actor_for_acct(user, host);
  if (!actor.ok()) return not_found();
  auto id = save_remote_actor(*actor);
  if (!id.ok()) return not_found();
  return mb_.accounts().account(*id);
}

Status Federation::receive_follow(int64_t remote_id, int64_t local_id,
                                  std::string_view follow_uri) {
  PUBLIUS_ASSIGN_OR_RETURN(auto local, store_.remote_actor(local_id));
  if (local) return unprocessable("Follow of an account that is not on this server");
  auto followed = mb_.relationships().follow(remote_id, local_id, true, false);
  if (!followed.ok()) {
    // A block (or a vanished account) refuses the follow: the follower hears so.
    if (followed.error().code != ErrorCode::kForbidden) return followed.take_error();
    return answer_follow(local_id, remote_id, follow_uri, false);
  }
  if (followed->requested) {
    return store_.keep_follow_activity(remote_id, local_id, std::string(follow_uri));
  }
  return answer_follow(local_id, remote_id, follow_uri, followed->following);
}

Status Federation::receive_undo_follow(int64_t remote_id, int64_t local_id) {
  PUBLIUS_TRY(mb_.relationships().unfollow(remote_id, local_id));
  // A request still waiting is withdrawn with it; its Follow's id goes too.
  PUBLIUS_TRY(store_.resolve_follow_request(remote_id, local_id, false));
  PUBLIUS_TRY(store_.take_follow_activity(remote_id, local_id));
  return ok_status();
}

Status Federation::receive_follow_answer(int64_t remote_id, int64_t local_id, bool accepted) {
  PUBLIUS_ASSIGN_OR_RETURN(bool requested,
                           store_.resolve_follow_request(local_id, remote_id, accepted));
  if (!accepted) PUBLIUS_TRY(mb_.relationships().end_follow(local_id, remote_id));
  if (requested && accepted) {
    account_changed(local_id);
    account_changed(remote_id);
    feeds_.drop(local_id);  // rebuilt with the followed account's posts on next read
  }
  return ok_status();
}

namespace {

constexpr std::string_view kPublicCollection = "https://www.w3.org/ns/activitystreams#Public";

bool names_public(const std::vector<std::string>& audience) {
  return std::any_of(audience.begin(), audience.end(), [](const std::string& a) {
    return a == kPublicCollection || a == "as:Public" || a == "Public";
  });
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The visibility of a Note from `actor_uri` by its addressing, as Mastodon reads it.
Visibility visibility_of(const RemoteNote& note, std::string_view actor_uri) {
  if (names_public(note.to)) return Visibility::kPublic;
  if (names_public(note.cc)) return Visibility::kUnlisted;
  const std::string followers = std::string(actor_uri) + "/followers";
  if (contains(note.to, followers) || contains(note.cc, followers)) return Visibility::kPrivate;
  return Visibility::kDirect;
}

}  // namespace

Result<Post> Federation::remote_post(int64_t remote_id, const RemoteNote& note) {
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, store_.remote_actor(remote_id));
  if (!actor) return not_found();
  // A server speaks for its own actors' Notes only, and an actor for its own.
  if (note.attributed_to != actor->uri) return unauthorized("Note attributed to another actor");
  if (url_origin(note.uri) != url_origin(actor->uri))
    return unauthorized("Note is on another host than its author");
  // As a local post: media without text will do (checked again once they are fetched).
  if (note.html.empty() && note.attachments.empty()) return unprocessable("Note has no content");
  Post post;
  post.account_id = remote_id;
  post.visibility = visibility_of(note, actor->uri);
  // Direct messages are sealed at rest here; one arriving in clear is not kept.
  if (post.visibility == Visibility::kDirect)
    return unprocessable("Direct messages from other servers are not accepted yet");
  post.uri = note.uri;
  if (!url_origin(note.url).empty()) post.url = note.url;
  post.html = note.html;
  post.text = note.text;
  post.spoiler_text = note.summary_text;
  post.sensitive = note.sensitive || !note.summary_text.empty();
  if (note.language.size() <= 16) post.language = note.language;
  for (int64_t id : note.mentioned_local_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(id));
    if (!remote && std::find(post.mention_account_ids.begin(), post.mention_account_ids.end(),
                             id) == post.mention_account_ids.end())
      post.mention_account_ids.push_back(id);
  }
  for (const auto& tag : note.hashtags)
    if (is_valid_tag(tag)) post.tags.push_back(tag);
  // A reply to a post here, or known here, that its author may see.
  std::optional<int64_t> parent_id = note.in_reply_to_local_id;
  if (!parent_id && !note.in_reply_to_uri.empty()) {
    PUBLIUS_ASSIGN_OR_RETURN(parent_id, store_.status_id_by_uri(note.in_reply_to_uri));
  }
  if (parent_id) {
    if (auto parent = mb_.visibility().status(remote_id, *parent_id);
        parent.ok() && !parent->reblog_of_id) {
      post.in_reply_to_id = parent->id;
      post.in_reply_to_account_id = parent->account_id;
    }
  }
  post.id = next_id();
  // Its own time, never one still to come.
  post.created_ms = std::min(note.published_ms.value_or(ms_of_id(post.id)), ms_of_id(post.id));
  return post;
}

Result<int64_t> Federation::receive_note(int64_t remote_id, const RemoteNote& note) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.status_id_by_uri(note.uri));
  if (known) return *known;
  PUBLIUS_ASSIGN_OR_RETURN(auto post, remote_post(remote_id, note));
  post.media = remote_media(remote_id, note.attachments);
  if (post.html.empty() && post.media.empty()) return unprocessable("Note has no content");
  for (auto& m : post.media) {
    m.status_id = post.id;
    m.uploaded_day_ms.reset();
  }
  auto stored = mb_.posts().store_remote_status(std::move(post));
  if (stored.ok()) return stored->id;
  // Its media stay unattached uploads, which the media sweep erases.
  // The same Note arriving twice at once: one stores it, the other finds it.
  PUBLIUS_ASSIGN_OR_RETURN(known, store_.status_id_by_uri(note.uri));
  if (known) return *known;
  return stored.take_error();
}

Status Federation::receive_note_update(int64_t remote_id, const RemoteNote& note) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.status_id_by_uri(note.uri));
  if (!known) {
    PUBLIUS_TRY(receive_note(remote_id, note));
    return ok_status();
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.status_by_id(*known));
  if (!found) return ok_status();
  if (found->account_id != remote_id) return unauthorized("Update of another actor's Note");
  PUBLIUS_ASSIGN_OR_RETURN(auto version, remote_post(remote_id, note));
  // The post keeps what an edit does not change: its id, time, visibility and thread.
  Post updated = *found;
  updated.html = std::move(version.html);
  updated.text = std::move(version.text);
  updated.spoiler_text = std::move(version.spoiler_text);
  updated.sensitive = version.sensitive;
  if (!version.language.empty()) updated.language = std::move(version.language);
  updated.tags = std::move(version.tags);
  updated.mention_account_ids = std::move(version.mention_account_ids);
  updated.edited_ms = now_ms();
  PUBLIUS_TRY(mb_.posts().store_remote_edit(*found, std::move(updated)));
  return ok_status();
}

Status Federation::receive_note_delete(int64_t remote_id, std::string_view uri) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.status_id_by_uri(uri));
  if (!known) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.status_by_id(*known));
  if (!found || found->account_id != remote_id) return ok_status();
  PUBLIUS_TRY(mb_.posts().delete_status(remote_id, *known));
  return ok_status();
}

Status Federation::receive_actor_delete(int64_t remote_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, store_.remote_actor(remote_id));
  if (!actor) return ok_status();  // only a remote account is ever erased from here
  return mb_.accounts().delete_account(remote_id);
}

Status Federation::follow_asked(int64_t follower_id, int64_t followed_id) {
  return to_remote_inbox(follower_id, followed_id, store::DeliveryKind::kFollow, {});
}

Status Federation::follow_withdrawn(int64_t follower_id, int64_t followed_id) {
  return to_remote_inbox(follower_id, followed_id, store::DeliveryKind::kUndoFollow, {});
}

Status Federation::follow_request_resolved(int64_t target_id, int64_t requester_id, bool accepted) {
  PUBLIUS_ASSIGN_OR_RETURN(auto uri, store_.take_follow_activity(requester_id, target_id));
  if (!uri) return ok_status();  // a local requester, or none asked by federation
  return answer_follow(target_id, requester_id, *uri, accepted);
}

Status Federation::answer_follow(int64_t local_id, int64_t remote_id, std::string_view follow_uri,
                                 bool accepted) {
  return to_remote_inbox(
      local_id, remote_id,
      accepted ? store::DeliveryKind::kAcceptFollow : store::DeliveryKind::kRejectFollow,
      follow_uri);
}

Status Federation::to_remote_inbox(int64_t local_id, int64_t remote_id, store::DeliveryKind kind,
                                   std::string_view object_uri) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(remote_id));
  if (!remote) return ok_status();
  store::FederationDelivery d{.inbox = remote->inbox,
                              .kind = kind,
                              .account_id = local_id,
                              .object_id = remote_id,
                              .object_uri = std::string(object_uri)};
  return store_.enqueue_deliveries({d}, now_ms());
}

Result<bool> Federation::federated(const Post& post) {
  if (post.reblog_of_id || post.visibility == Visibility::kDirect || post.remote()) return false;
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(post.account_id));
  return !remote.has_value();
}

Status Federation::to_follower_inboxes(const Post& post, store::DeliveryKind kind) {
  PUBLIUS_ASSIGN_OR_RETURN(bool federate, federated(post));
  if (!federate) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, store_.follower_inboxes(post.account_id));
  std::vector<store::FederationDelivery> deliveries;
  for (auto& inbox : inboxes)
    deliveries.push_back({.inbox = std::move(inbox),
                          .kind = kind,
                          .account_id = post.account_id,
                          .object_id = post.id});
  return store_.enqueue_deliveries(deliveries, now_ms());
}

Status Federation::published(const Post& post) {
  return to_follower_inboxes(post, store::DeliveryKind::kCreateNote);
}

Status Federation::deleted(const Post& post) {
  return to_follower_inboxes(post, store::DeliveryKind::kDeleteNote);
}

Result<std::vector<store::FederationDelivery>> Federation::claim_deliveries(int64_t now_ms,
                                                                            int limit) {
  return store_.claim_deliveries(now_ms, kClaimLeaseMs, limit);
}

Status Federation::delivered(int64_t delivery_id) { return store_.finish_delivery(delivery_id); }

Status Federation::delivery_failed(const store::FederationDelivery& delivery, int64_t now_ms) {
  if (delivery.attempts + 1 >= kMaxAttempts) return store_.finish_delivery(delivery.id);
  return store_.retry_delivery(delivery.id, now_ms + (kFirstRetryDelayMs << delivery.attempts));
}

Result<std::optional<int64_t>> Federation::next_delivery_ms() { return store_.next_delivery_ms(); }

Result<std::vector<NoteMention>> Federation::note_mentions(const Post& post) {
  std::vector<NoteMention> out;
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, mb_.accounts().accounts(post.mention_account_ids));
  for (const auto& account : accounts) {
    PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account.id));
    out.push_back({.acct = account.username, .remote_uri = remote ? remote->uri : std::string()});
  }
  return out;
}

Result<std::optional<Post>> Federation::post_to_deliver(int64_t post_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(post_id));
  if (!post) return std::optional<Post>();
  PUBLIUS_ASSIGN_OR_RETURN(bool federate, federated(*post));
  if (!federate) return std::optional<Post>();
  return post;
}

}  // namespace publius::domain
