// Federation: remote actors, inbound follows and the delivery queue (federation.h).
#include "domain/federation.h"

#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/ascii.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// A remote username as ActivityPub servers make them: Mastodon's letters, digits and
// underscores, plus the dots and dashes others allow, and the colon of an instance actor
// named by its domain with a port, as Mastodon names its instance actor.
bool plausible_remote_username(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == ':';
  });
}

}  // namespace

bool is_valid_remote_acct(std::string_view acct) {
  const auto at = acct.find('@');
  if (at == std::string_view::npos) return false;
  const std::string_view host = acct.substr(at + 1);
  return plausible_remote_username(acct.substr(0, at)) && !host.empty() &&
         host.find_first_of("/?#@ ") == std::string_view::npos;
}

std::string url_origin(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string scheme = ascii_lowercase(url.substr(0, scheme_end));
  if (scheme != "https" && scheme != "http") return {};
  const auto rest = url.substr(scheme_end + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  return scheme + "://" + ascii_lowercase(authority);
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
  PUBLIUS_ASSIGN_OR_RETURN(bool suspended, mb_.domain_blocks().suspends(url_authority(actor.uri)));
  if (suspended) return forbidden("Domain is blocked");
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
                               .bot = actor.bot,
                               .also_known_as = actor.also_known_as};
  PUBLIUS_ASSIGN_OR_RETURN(auto id, phrase_store_error(store_.save_remote_actor(stored, profile)));
  fetch_profile_pictures(id, actor);
  account_changed(id);
  return id;
}

bool Federation::may_fetch_media(std::string_view url) const {
  if (url_origin(url).empty()) return false;
  // A server whose media the operator rejects (or suspends) is not fetched from; when
  // the blocks cannot be read, nothing is.
  auto rejected = mb_.domain_blocks().rejects_media(url_authority(url));
  return rejected.ok() && !*rejected;
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
    MediaChange details{// A remote alt text longer than ours is cut.
                        .description = std::string(
                            first_code_points(wanted[i]->description, kMaxMediaDescriptionChars)),
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
  if (at == std::string_view::npos || ascii_lowercase(acct.substr(at + 1)) == config_.domain)
    return mb_.accounts().account_by_acct(acct);
  if (!is_valid_remote_acct(acct)) return not_found();
  const std::string_view user = acct.substr(0, at);
  const std::string host = ascii_lowercase(acct.substr(at + 1));
  // Nothing of a suspended server is found, known or not.
  PUBLIUS_ASSIGN_OR_RETURN(bool suspended, mb_.domain_blocks().suspends(host));
  if (suspended) return not_found();
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
  PUBLIUS_TRY(store_.resolve_follow_request(remote_id, local_id, false, {}));
  PUBLIUS_TRY(store_.take_follow_activity(remote_id, local_id));
  return ok_status();
}

Status Federation::receive_follow_answer(int64_t remote_id, int64_t local_id, bool accepted) {
  PUBLIUS_ASSIGN_OR_RETURN(bool requested,
                           store_.resolve_follow_request(local_id, remote_id, accepted, {}));
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

}  // namespace

Visibility visibility_of_addressing(const std::vector<std::string>& to,
                                    const std::vector<std::string>& cc,
                                    std::string_view actor_uri) {
  if (names_public(to)) return Visibility::kPublic;
  if (names_public(cc)) return Visibility::kUnlisted;
  const std::string followers = std::string(actor_uri) + "/followers";
  if (contains(to, followers) || contains(cc, followers)) return Visibility::kPrivate;
  return Visibility::kDirect;
}

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
  post.visibility = visibility_of_addressing(note.to, note.cc, actor->uri);
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
  // A direct message is sealed to its readers here (store_new_post): with none, no
  // one could ever open it.
  if (post.visibility == Visibility::kDirect && post.mention_account_ids.empty())
    return unprocessable("Direct message to no account on this server");
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
  return receive_note_within(remote_id, note, kMaxParentHops);
}

Result<int64_t> Federation::receive_note_within(int64_t remote_id, const RemoteNote& note,
                                                int hops) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.status_id_by_uri(note.uri));
  if (known) return *known;
  // A parent not known here is fetched first, so the reply joins its thread; one that
  // cannot be had leaves it a reply to nothing.
  if (!note.in_reply_to_local_id && !note.in_reply_to_uri.empty() && hops > 0)
    (void)resolve_note(note.in_reply_to_uri, hops - 1);
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

Result<bool> Federation::local_direct(const Post& post) {
  if (post.reblog_of_id || post.visibility != Visibility::kDirect || post.remote()) return false;
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(post.account_id));
  return !remote.has_value();
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
  PUBLIUS_TRY(add_addressee_inboxes(post, inboxes));
  std::vector<store::FederationDelivery> deliveries;
  for (auto& inbox : inboxes)
    deliveries.push_back({.inbox = std::move(inbox),
                          .kind = kind,
                          .account_id = post.account_id,
                          .object_id = post.id});
  return store_.enqueue_deliveries(deliveries, now_ms());
}

Status Federation::published(const Post& post) {
  PUBLIUS_TRY(to_mentioned_in_memory(post, store::DeliveryKind::kCreateNote));
  return to_follower_inboxes(post, store::DeliveryKind::kCreateNote);
}

Status Federation::account_erasing(int64_t account_id, const std::vector<int64_t>& followed) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account_id));
  if (remote) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto key, store_.actor_key(account_id));
  if (!key) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, store_.follower_inboxes(account_id));
  for (int64_t id : followed) {
    PUBLIUS_ASSIGN_OR_RETURN(auto inbox, inbox_of(id, true));
    if (!inbox.empty() && std::find(inboxes.begin(), inboxes.end(), inbox) == inboxes.end())
      inboxes.push_back(std::move(inbox));
  }
  const int64_t now = now_ms();
  std::lock_guard lock(direct_mu_);
  for (auto& inbox : inboxes) {
    if (direct_.size() >= kMaxDirectDeliveries) direct_.pop_front();
    direct_.push_back({.inbox = std::move(inbox),
                       .kind = store::DeliveryKind::kDeleteActor,
                       .username = account.username,
                       .private_pem = key->private_pem,
                       .due_ms = now});
  }
  return ok_status();
}

Status Federation::deleted(const Post& post) {
  PUBLIUS_ASSIGN_OR_RETURN(bool direct, local_direct(post));
  if (direct) {
    // A Delete names the post only: it may wait in the durable queue.
    PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, mentioned_inboxes(post));
    std::vector<store::FederationDelivery> deliveries;
    for (auto& inbox : inboxes)
      deliveries.push_back({.inbox = std::move(inbox),
                            .kind = store::DeliveryKind::kDeleteNote,
                            .account_id = post.account_id,
                            .object_id = post.id});
    return store_.enqueue_deliveries(deliveries, now_ms());
  }
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

Status Federation::edited(const Post& post) {
  PUBLIUS_TRY(to_mentioned_in_memory(post, store::DeliveryKind::kUpdateNote));
  return to_follower_inboxes(post, store::DeliveryKind::kUpdateNote);
}

Status Federation::profile_changed(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account_id));
  if (remote) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, store_.follower_inboxes(account_id));
  std::vector<store::FederationDelivery> deliveries;
  for (auto& inbox : inboxes)
    deliveries.push_back({.inbox = std::move(inbox),
                          .kind = store::DeliveryKind::kUpdatePerson,
                          .account_id = account_id,
                          .object_id = account_id});
  return store_.enqueue_deliveries(deliveries, now_ms());
}

Status Federation::receive_actor_update(int64_t remote_id, const RemoteActorDocument& actor) {
  PUBLIUS_ASSIGN_OR_RETURN(auto known, store_.remote_actor(remote_id));
  if (!known || known->uri != actor.uri) return unauthorized("Update of another actor");
  PUBLIUS_ASSIGN_OR_RETURN(int64_t saved, save_remote_actor(actor));
  if (saved != remote_id) return unauthorized("Update of another actor");
  return ok_status();
}

Result<std::vector<std::string>> Federation::mentioned_inboxes(const Post& post) {
  std::vector<std::string> inboxes;
  for (int64_t id : post.mention_account_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(id));
    if (!remote) continue;
    std::string inbox = remote->shared_inbox.empty() ? remote->inbox : remote->shared_inbox;
    if (std::find(inboxes.begin(), inboxes.end(), inbox) == inboxes.end())
      inboxes.push_back(std::move(inbox));
  }
  return inboxes;
}

Status Federation::to_mentioned_in_memory(const Post& post, store::DeliveryKind kind) {
  PUBLIUS_ASSIGN_OR_RETURN(bool direct, local_direct(post));
  if (!direct) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, mentioned_inboxes(post));
  const int64_t now = now_ms();
  std::lock_guard lock(direct_mu_);
  for (auto& inbox : inboxes) {
    if (direct_.size() >= kMaxDirectDeliveries) direct_.pop_front();
    direct_.push_back({.inbox = std::move(inbox), .kind = kind, .post = post, .due_ms = now});
  }
  return ok_status();
}

std::vector<DirectDelivery> Federation::claim_direct_deliveries(int64_t now_ms, int limit) {
  std::vector<DirectDelivery> claimed;
  std::lock_guard lock(direct_mu_);
  for (auto it = direct_.begin();
       it != direct_.end() && claimed.size() < static_cast<size_t>(limit);) {
    if (it->due_ms > now_ms) {
      ++it;
      continue;
    }
    claimed.push_back(std::move(*it));
    it = direct_.erase(it);
  }
  return claimed;
}

void Federation::direct_delivery_failed(DirectDelivery delivery, int64_t now_ms) {
  if (delivery.attempts + 1 >= kMaxAttempts) return;
  delivery.due_ms = now_ms + (kFirstRetryDelayMs << delivery.attempts);
  ++delivery.attempts;
  std::lock_guard lock(direct_mu_);
  if (direct_.size() >= kMaxDirectDeliveries) direct_.pop_front();
  direct_.push_back(std::move(delivery));
}

std::optional<int64_t> Federation::next_direct_delivery_ms() {
  std::lock_guard lock(direct_mu_);
  std::optional<int64_t> next;
  for (const auto& d : direct_)
    if (!next || d.due_ms < *next) next = d.due_ms;
  return next;
}

Result<std::string> Federation::actor_uri(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(account_id));
  if (remote) return remote->uri;
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  return config_.base_url() + "/users/" + account.username;
}

Result<Account> Federation::add_alias(int64_t account_id, std::string_view acct) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  auto alias = account_by_acct(acct, /*resolve=*/true);
  if (!alias.ok()) return unprocessable("Validation failed: acct names no account");
  if (alias->id == account_id) return unprocessable("Validation failed: acct is this account");
  PUBLIUS_ASSIGN_OR_RETURN(auto uri, actor_uri(alias->id));
  if (contains(account.also_known_as, uri)) return account;
  if (account.also_known_as.size() >= kMaxAliases)
    return unprocessable("Validation failed: at most 10 aliases");
  account.also_known_as.push_back(std::move(uri));
  return save_aliases(account_id, account.also_known_as);
}

Result<Account> Federation::remove_alias(int64_t account_id, std::string_view acct) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  auto alias = account_by_acct(acct, /*resolve=*/false);
  if (!alias.ok()) return account;
  PUBLIUS_ASSIGN_OR_RETURN(auto uri, actor_uri(alias->id));
  if (!contains(account.also_known_as, uri)) return account;
  std::erase(account.also_known_as, uri);
  return save_aliases(account_id, account.also_known_as);
}

Result<Account> Federation::save_aliases(int64_t account_id,
                                         const std::vector<std::string>& aliases) {
  store::ProfileUpdate update;
  update.also_known_as = aliases;
  PUBLIUS_TRY(store_.update_profile(account_id, update));
  account_changed(account_id);
  // Its followers' servers hear, so that an account moving here can be checked.
  PUBLIUS_TRY(profile_changed(account_id));
  return mb_.accounts().account(account_id);
}

Result<Account> Federation::move_to(int64_t account_id, std::string_view acct) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, mb_.accounts().account(account_id));
  if (account.moved_to_id) return unprocessable("Validation failed: this account has moved");
  auto found = account_by_acct(acct, /*resolve=*/true);
  if (!found.ok()) return unprocessable("Validation failed: acct names no account");
  const int64_t target_id = found->id;
  if (target_id == account_id) return unprocessable("Validation failed: acct is this account");
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(target_id));
  if (remote && resolver_) {
    // Its aliases as they are now: the alias may have been added a moment ago.
    const std::string& name = found->username;
    const auto at = name.find('@');
    auto fresh = resolver_->actor_for_acct(std::string_view(name).substr(0, at),
                                           std::string_view(name).substr(at + 1));
    if (!fresh.ok() || fresh->uri != remote->uri)
      return unprocessable("Validation failed: the account to move to cannot be reached");
    PUBLIUS_TRY(save_remote_actor(*fresh));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto target, mb_.accounts().account(target_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto own_uri, actor_uri(account_id));
  if (!contains(target.also_known_as, own_uri))
    return unprocessable(
        "Validation failed: the account to move to must name this one as an alias first");
  PUBLIUS_ASSIGN_OR_RETURN(auto inboxes, store_.follower_inboxes(account_id));
  PUBLIUS_TRY(move_followers(account_id, target_id));
  std::vector<store::FederationDelivery> deliveries;
  for (auto& inbox : inboxes)
    deliveries.push_back({.inbox = std::move(inbox),
                          .kind = store::DeliveryKind::kMove,
                          .account_id = account_id,
                          .object_id = target_id});
  PUBLIUS_TRY(store_.enqueue_deliveries(deliveries, now_ms()));
  return mb_.accounts().account(account_id);
}

Status Federation::receive_move(int64_t remote_id, int64_t target_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto mover, store_.remote_actor(remote_id));
  if (!mover) return not_found();
  if (target_id == remote_id) return unprocessable("Move to the same account");
  PUBLIUS_ASSIGN_OR_RETURN(auto target, mb_.accounts().account(target_id));
  if (!contains(target.also_known_as, mover->uri))
    return unprocessable("Move target does not name the actor in alsoKnownAs");
  return move_followers(remote_id, target_id);
}

Status Federation::move_followers(int64_t old_id, int64_t target_id) {
  store::ProfileUpdate moved;
  moved.moved_to_id = target_id;
  PUBLIUS_TRY(store_.update_profile(old_id, moved));
  account_changed(old_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto followers, store_.follower_ids(old_id));
  for (int64_t follower : followers) {
    PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(follower));
    if (remote || follower == target_id) continue;  // remote followers hear the Move
    // A follower the target blocks stays where it was, as in Mastodon.
    auto followed = mb_.relationships().follow(follower, target_id, true, false);
    if (!followed.ok() && followed.error().code != ErrorCode::kForbidden)
      return followed.take_error();
    if (followed.ok()) PUBLIUS_TRY(mb_.relationships().unfollow(follower, old_id));
  }
  return ok_status();
}

Result<int64_t> Federation::receive_flag(int64_t remote_id, const RemoteFlag& flag) {
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, store_.remote_actor(remote_id));
  if (!actor) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(bool refused,
                           mb_.domain_blocks().rejects_reports(url_authority(actor->uri)));
  if (refused) return int64_t{0};
  return mb_.reports().receive_remote_report(remote_id, flag.target_id, flag.status_ids,
                                             flag.comment);
}

Status Federation::report_forwarded(const Report& report) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, store_.remote_actor(report.target_id));
  if (!remote) return ok_status();  // a local account's report stays here
  store::FederationDelivery d{
      .inbox = remote->shared_inbox.empty() ? remote->inbox : remote->shared_inbox,
      .kind = store::DeliveryKind::kFlag,
      .account_id = report.target_id,
      .object_id = report.id};
  return store_.enqueue_deliveries({d}, now_ms());
}

Result<std::optional<Report>> Federation::report_to_forward(int64_t report_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto report, store_.report(report_id));
  return report;
}

Result<std::vector<std::string>> Federation::post_uris(const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  for (int64_t id : ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto post, store_.status_by_id(id));
    if (post && post->remote()) out.push_back(post->uri);
  }
  return out;
}

Result<store::ActorKey> Federation::instance_actor_key(
    const std::function<Result<store::ActorKey>()>& make) {
  PUBLIUS_ASSIGN_OR_RETURN(auto kept, store_.instance_actor_key());
  if (kept) return std::move(*kept);
  PUBLIUS_ASSIGN_OR_RETURN(auto made, make());
  return store_.add_instance_actor_key(made);
}

}  // namespace publius::domain
