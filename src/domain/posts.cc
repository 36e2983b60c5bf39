// Microblog: posts (Mastodon statuses), who may see them and who hears of them.
#include <algorithm>
#include <unordered_map>

#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::domain {
namespace {

// The version of `post` as its edit history keeps it.
PostEdit edit_of(const Post& post) {
  PostEdit edit{post.id,           post.text,      post.html,
                post.spoiler_text, post.sensitive, post.edited_ms.value_or(post.created_ms),
                post.sealed,       std::nullopt};
  if (post.poll) edit.poll_options = poll_titles(*post.poll);
  return edit;
}

}  // namespace

std::string Posts::render_text(std::string_view text, std::vector<int64_t>* mentions,
                               std::vector<std::string>* tags) {
  const std::string base = config_.base_url();
  // A remote account already known here is mentioned too (none is looked up for it):
  // shown by its user, as Mastodon shows it.
  auto resolve = [&](std::string_view acct) -> std::optional<MentionTarget> {
    auto found = mb_.federation().account_by_acct(acct, /*resolve=*/false);
    if (!found.ok()) return std::nullopt;
    return MentionTarget{std::to_string(found->id),
                         found->username.substr(0, found->username.find('@')), found->username,
                         base + "/@" + found->username};
  };
  FormattedText formatted = format_status_text(text, resolve, base);
  if (mentions) {
    mentions->clear();
    for (const auto& m : formatted.mentions) mentions->push_back(std::stoll(m.id));
  }
  if (tags) *tags = std::move(formatted.tags);
  return std::move(formatted.html);
}
Result<Post> Posts::create_status(const NewPost& request) {
  // The post the request's Idempotency-Key already names, if any: a retry gets it again.
  auto earlier = [&]() -> Result<std::optional<Post>> {
    if (!request.idempotency_key) return std::optional<Post>();
    PUBLIUS_ASSIGN_OR_RETURN(
        auto id, store_.idempotent_status(request.author_id, sha256_hex(*request.idempotency_key)));
    if (!id) return std::optional<Post>();
    return store_.status_by_id(*id);
  };
  PUBLIUS_ASSIGN_OR_RETURN(auto first, earlier());
  if (first) return std::move(*first);
  auto created = new_post(request, std::nullopt, config_.max_status_chars);
  if (created.ok()) created = store_new_post(std::move(created).value(), request, std::nullopt);
  if (created.ok() || !request.idempotency_key) return created;
  // Requests racing with one key: one stores its post and claims the key (the store
  // refuses a second claim), and the others, whatever stopped them (the claim, or
  // uploads the first one took), answer with that post.
  PUBLIUS_ASSIGN_OR_RETURN(first, earlier());
  if (first) return std::move(*first);
  return created;
}

Result<Post> Posts::create_operator_notice(const NewPost& request) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, new_post(request, std::nullopt, kMaxOperatorNoticeChars));
  return store_new_post(std::move(post), request, std::nullopt, /*operator_notice=*/true);
}
Result<Post> Posts::new_post(const NewPost& request, std::optional<int64_t> scheduled_id,
                             size_t max_chars) {
  std::string_view text = request.text;
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  // As Mastodon: a post with media may have no text.
  if (text.empty() && request.media_ids.empty())
    return unprocessable("Validation failed: Text can't be blank");
  if (status_length(text) + status_length(request.spoiler_text) > max_chars) {
    return unprocessable("Validation failed: Text character limit of " + std::to_string(max_chars) +
                         " exceeded");
  }
  if (request.language.size() > 16)
    return unprocessable("Validation failed: Language is not valid");
  PUBLIUS_ASSIGN_OR_RETURN(auto author, store_.account_by_id(request.author_id));
  if (!author) return not_found();

  Post post;
  post.account_id = request.author_id;
  post.visibility = request.visibility.value_or(author->default_visibility);
  PUBLIUS_TRY(check_media_visibility(post.visibility, request.media_ids.size()));
  PUBLIUS_TRY(
      check_poll_allowed(post.visibility, request.media_ids.size(), request.poll.has_value()));
  PUBLIUS_ASSIGN_OR_RETURN(
      post.media,
      mb_.media().media_for_post(request.author_id, request.media_ids, std::nullopt, scheduled_id));
  if (request.in_reply_to_id) {
    auto parent = mb_.visibility().status(request.author_id, *request.in_reply_to_id);
    if (!parent.ok()) return not_found("The post you are replying to was not found");
    if (parent->reblog_of_id) return unprocessable("Validation failed: cannot reply to a boost");
    post.in_reply_to_id = parent->id;
    post.in_reply_to_account_id = parent->account_id;
  }
  post.text = std::string(text);
  post.html = render_text(text, &post.mention_account_ids, &post.tags);
  post.spoiler_text = request.spoiler_text;
  post.sensitive =
      request.sensitive.value_or(author->default_sensitive) || !request.spoiler_text.empty();
  post.language = request.language.empty() ? author->default_language : request.language;
  post.id = next_id();
  post.created_ms = ms_of_id(post.id);
  if (request.poll) {
    PUBLIUS_ASSIGN_OR_RETURN(post.poll, new_poll(*request.poll, post.created_ms));
  }
  for (auto& m : post.media) m.status_id = post.id;
  return post;
}
Result<Post> Posts::store_new_post(Post post, const NewPost& request,
                                   std::optional<int64_t> scheduled_id, bool operator_notice) {
  // Everything the post causes in the store commits with it, in one transaction.
  store::NewPostEffects effects;
  effects.listing = listing_of(post);
  effects.tag_keys = listed_tag_keys(post);
  auto add_notifications = [&](const std::vector<int64_t>& recipients,
                               NotificationType type) -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto notifications,
                             mb_.delivery().notifications_for(recipients, type, post.account_id,
                                                              &post, operator_notice));
    effects.notifications.insert(effects.notifications.end(), notifications.begin(),
                                 notifications.end());
    return ok_status();
  };
  PUBLIUS_TRY(add_notifications(post.mention_account_ids, NotificationType::kMention));
  // Followers who rang the bell hear of each new post they can see, as in Mastodon: not of
  // direct posts nor of replies to others.
  if (post.visibility != Visibility::kDirect && !replies_to_other(post)) {
    PUBLIUS_ASSIGN_OR_RETURN(auto bells, store_.notified_follower_ids(post.account_id));
    PUBLIUS_TRY(add_notifications(bells, NotificationType::kStatus));
  }
  if (request.idempotency_key) effects.idempotency_key_hash = sha256_hex(*request.idempotency_key);
  effects.scheduled_status_id = scheduled_id;
  if (post.visibility == Visibility::kDirect) {
    std::vector<int64_t> readers = post.mention_account_ids;
    readers.push_back(post.account_id);
    PUBLIUS_ASSIGN_OR_RETURN(auto stored, mb_.keys().sealed_copy(post, readers));
    effects.conversations = Conversations::filings(post);
    PUBLIUS_TRY(phrase_store_error(store_.insert_status(stored, effects), kMediaNotAttachable));
    // The author's copy stays open; the envelope marks it sealed for the render caches.
    post.sealed = std::move(stored.sealed);
  } else {
    PUBLIUS_TRY(phrase_store_error(store_.insert_status(post, effects), kMediaNotAttachable));
  }
  account_changed(post.account_id);
  if (post.in_reply_to_id) post_changed(*post.in_reply_to_id);
  PUBLIUS_TRY(mb_.delivery().deliver(post));
  mb_.delivery().announce(effects.notifications);
  PUBLIUS_TRY(mb_.federation().published(post));
  return post;
}
Result<Post> Posts::edit_status(int64_t editor_id, int64_t status_id, const PostChange& change) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.status_by_id(status_id));
  // Only the author's own posts are looked at: anyone else's is not found (as Mastodon).
  if (!found || found->account_id != editor_id) return not_found();
  if (found->reblog_of_id) return unprocessable("Validation failed: a boost cannot be edited");
  std::string_view text = change.text;
  Post updated = *found;
  if (change.media_ids) {
    PUBLIUS_TRY(check_media_visibility(found->visibility, change.media_ids->size()));
    PUBLIUS_ASSIGN_OR_RETURN(updated.media,
                             mb_.media().media_for_post(editor_id, *change.media_ids, found->id));
  }
  for (const auto& attributes : change.media_attributes) {
    auto it = std::find_if(updated.media.begin(), updated.media.end(),
                           [&](const MediaAttachment& m) { return m.id == attributes.id; });
    if (it == updated.media.end()) return unprocessable(std::string(kMediaNotAttachable));
    PUBLIUS_TRY(check_media_description(attributes.change.description));
    if (attributes.change.description) it->description = *attributes.change.description;
    if (attributes.change.focus) {
      it->focus_x = attributes.change.focus->x;
      it->focus_y = attributes.change.focus->y;
    }
  }
  for (auto& m : updated.media) m.status_id = found->id;
  // As Mastodon: new options (or a switch between one and several choices) void
  // the votes cast for the old ones; otherwise they stay.
  bool reset_poll_votes = false;
  if (!change.keep_poll) {
    PUBLIUS_TRY(
        check_poll_allowed(updated.visibility, updated.media.size(), change.poll.has_value()));
    updated.poll.reset();
    if (change.poll) {
      PUBLIUS_ASSIGN_OR_RETURN(updated.poll, new_poll(*change.poll, now_ms()));
      reset_poll_votes = !found->poll || found->poll->multiple != updated.poll->multiple ||
                         poll_titles(*found->poll) != poll_titles(*updated.poll);
    }
  }
  if (text.empty() && updated.media.empty())
    return unprocessable("Validation failed: Text can't be blank");
  if (status_length(text) + status_length(change.spoiler_text) > config_.max_status_chars) {
    return unprocessable("Validation failed: Text character limit of " +
                         std::to_string(config_.max_status_chars) + " exceeded");
  }
  updated.text = std::string(text);
  std::vector<int64_t> mentions;
  updated.html = render_text(text, &mentions, &updated.tags);
  // New mentions are added; earlier ones stay addressed, as in Mastodon.
  std::vector<int64_t> added;
  for (int64_t m : mentions) {
    if (std::find(updated.mention_account_ids.begin(), updated.mention_account_ids.end(), m) ==
        updated.mention_account_ids.end())
      added.push_back(m);
  }
  updated.mention_account_ids = mentions;
  updated.spoiler_text = change.spoiler_text;
  updated.sensitive = change.sensitive || !change.spoiler_text.empty();
  updated.language = change.language.empty() ? found->language : change.language;
  updated.edited_ms = now_ms();
  updated.sealed.clear();
  return store_edit(*found, std::move(updated), added, reset_poll_votes);
}
Result<Post> Posts::store_edit(const Post& found, Post updated, const std::vector<int64_t>& added,
                               bool reset_poll_votes) {
  const int64_t editor_id = found.account_id;
  // Those it newly mentions, and those who boosted it (as in Mastodon), hear of the edit
  // in the write that stores it.
  PUBLIUS_ASSIGN_OR_RETURN(
      auto notifications,
      mb_.delivery().notifications_for(added, NotificationType::kMention, editor_id, &updated));
  PUBLIUS_ASSIGN_OR_RETURN(auto boosts, store_.reblogged_by(updated.id, Page{.limit = 1000}));
  std::vector<int64_t> boosters;
  for (auto [row, account] : boosts) boosters.push_back(account);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto updates,
      mb_.delivery().notifications_for(boosters, NotificationType::kUpdate, editor_id, &updated));
  notifications.insert(notifications.end(), updates.begin(), updates.end());
  // A sealed post's earlier version moves to the history still sealed, as it was.
  PostEdit previous = edit_of(found);
  if (updated.visibility == Visibility::kDirect) {
    // Everyone ever addressed stays a reader, as the mention rows do.
    std::vector<int64_t> readers = found.mention_account_ids;
    readers.insert(readers.end(), added.begin(), added.end());
    readers.push_back(updated.account_id);
    PUBLIUS_ASSIGN_OR_RETURN(auto stored, mb_.keys().sealed_copy(updated, readers));
    PUBLIUS_TRY(phrase_store_error(store_.update_status(stored, previous, listed_tag_keys(updated),
                                                        reset_poll_votes, notifications),
                                   kMediaNotAttachable));
    updated.sealed = std::move(stored.sealed);
  } else {
    PUBLIUS_TRY(phrase_store_error(store_.update_status(updated, previous, listed_tag_keys(updated),
                                                        reset_poll_votes, notifications),
                                   kMediaNotAttachable));
  }
  post_changed(updated.id);
  // As Mastodon: hashtags an edit adds bring the post to their followers' home feeds.
  std::vector<std::string> added_tags;
  for (const auto& t : updated.tags) {
    if (std::none_of(found.tags.begin(), found.tags.end(), [&](const std::string& old) {
          return normalize_tag(old) == normalize_tag(t);
        }))
      added_tags.push_back(t);
  }
  PUBLIUS_TRY(mb_.delivery().deliver_to_added_tags(updated, added_tags));
  // Attachments the edit dropped lost their rows with it; their files go too.
  std::vector<MediaAttachment> dropped;
  for (const auto& old_media : found.media) {
    if (std::none_of(updated.media.begin(), updated.media.end(),
                     [&](const MediaAttachment& m) { return m.id == old_media.id; }))
      dropped.push_back(old_media);
  }
  mb_.media().erase_files(media_file_names(dropped));
  mb_.delivery().announce(notifications);
  PUBLIUS_ASSIGN_OR_RETURN(auto reloaded, store_.status_by_id(updated.id));
  if (!reloaded) return not_found();
  PUBLIUS_TRY(mb_.delivery().announce_edit(*reloaded));
  if (!reloaded->sealed.empty()) {
    // The editor wrote it: hand back the content open, as create_status does.
    reloaded->store_revision.clear();  // no longer the post the store's cache holds
    reloaded->text = updated.text;
    reloaded->html = updated.html;
    reloaded->spoiler_text = updated.spoiler_text;
    reloaded->tags = updated.tags;
  }
  PUBLIUS_TRY(mb_.federation().edited(*reloaded));
  return *reloaded;
}
Result<Post> Posts::store_remote_status(Post post) {
  const NewPost request{.author_id = post.account_id};
  return store_new_post(std::move(post), request, std::nullopt);
}
Result<Post> Posts::store_remote_edit(const Post& found, Post updated) {
  std::vector<int64_t> added;
  for (int64_t m : updated.mention_account_ids)
    if (std::find(found.mention_account_ids.begin(), found.mention_account_ids.end(), m) ==
        found.mention_account_ids.end())
      added.push_back(m);
  return store_edit(found, std::move(updated), added, false);
}
Result<Post> Posts::delete_status(int64_t requester_id, int64_t status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(requester_id, status_id));
  // Only the author's own posts are looked at: anyone else's is not found (as Mastodon).
  if (post.account_id != requester_id) return not_found();
  std::vector<Conversation> ended;
  if (post.visibility == Visibility::kDirect && !post.reblog_of_id) {
    PUBLIUS_ASSIGN_OR_RETURN(ended, store_.conversations_ending_with(post.id));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto reblogs, store_.delete_status(status_id));
  PUBLIUS_TRY(mb_.conversations().repoint(ended, post.id));
  // Unlike Mastodon, which keeps a deleted post's media for redrafting, the
  // files are erased with the post (docs/decisions/0002-media-uploads.md).
  mb_.media().erase_files(media_file_names(post.media));
  post_changed(post.id);
  for (int64_t r : reblogs) post_changed(r);
  if (post.reblog_of_id) post_changed(*post.reblog_of_id);
  if (post.in_reply_to_id) post_changed(*post.in_reply_to_id);
  account_changed(post.account_id);
  PUBLIUS_TRY(mb_.delivery().announce_deletion(post));
  PUBLIUS_TRY(mb_.federation().deleted(post));
  return post;
}
Result<Context> Posts::context(Viewer viewer, int64_t status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(viewer, status_id));
  constexpr int kMaxContext = 4096;
  PUBLIUS_ASSIGN_OR_RETURN(auto up, store_.ancestors(post.id, kMaxContext));
  PUBLIUS_ASSIGN_OR_RETURN(auto down, store_.descendants(post.id, kMaxContext));
  Context ctx;
  PUBLIUS_ASSIGN_OR_RETURN(auto ancestors, mb_.visibility().load(up));
  PUBLIUS_ASSIGN_OR_RETURN(ctx.ancestors, mb_.visibility().filter(viewer, std::move(ancestors)));
  PUBLIUS_ASSIGN_OR_RETURN(auto descendants, mb_.visibility().load(down));
  PUBLIUS_ASSIGN_OR_RETURN(ctx.descendants,
                           mb_.visibility().filter(viewer, std::move(descendants)));
  return ctx;
}
Result<Post> Posts::set_favourite(int64_t account_id, int64_t status_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, status_id));
  if (post.reblog_of_id) return set_favourite(account_id, *post.reblog_of_id, on);
  // The author hears of a new favourite in the write that stores it.
  std::vector<Notification> notifications;
  if (on) {
    PUBLIUS_ASSIGN_OR_RETURN(
        notifications, mb_.delivery().notifications_for(
                           {post.account_id}, NotificationType::kFavourite, account_id, &post));
  }
  PUBLIUS_ASSIGN_OR_RETURN(bool changed, phrase_store_error(store_.set_favourite(
                                             account_id, post.id, on, notifications)));
  if (changed) post_changed(post.id);
  if (changed && on) mb_.delivery().announce(notifications);
  if (changed) PUBLIUS_TRY(mb_.federation().favourite_changed(account_id, post, on));
  return mb_.visibility().status(account_id, post.id);
}
Result<Post> Posts::set_reblog(int64_t account_id, int64_t status_id, bool on,
                               std::optional<Visibility> visibility, std::string announce_uri) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, status_id));
  if (post.reblog_of_id)
    return set_reblog(account_id, *post.reblog_of_id, on, visibility, std::move(announce_uri));
  PUBLIUS_ASSIGN_OR_RETURN(auto existing, store_.find_reblog(account_id, post.id));
  if (!on) {
    if (existing) {
      PUBLIUS_ASSIGN_OR_RETURN(auto reblog, store_.status_by_id(*existing));
      PUBLIUS_TRY(store_.delete_status(*existing));
      post_changed(*existing);
      post_changed(post.id);
      if (reblog) PUBLIUS_TRY(mb_.delivery().announce_deletion(*reblog));
      PUBLIUS_TRY(mb_.federation().reblog_changed(account_id, post, false));
    }
    return mb_.visibility().status(account_id, post.id);
  }
  if (existing) return mb_.visibility().status(account_id, *existing);
  if (post.visibility == Visibility::kDirect ||
      (post.visibility == Visibility::kPrivate && post.account_id != account_id)) {
    return forbidden("This action is not allowed");  // Mastodon's answer, 403
  }
  Post reblog;
  reblog.id = next_id();
  reblog.created_ms = ms_of_id(reblog.id);
  reblog.account_id = account_id;
  reblog.reblog_of_id = post.id;
  reblog.uri = std::move(announce_uri);
  reblog.visibility = visibility.value_or(Visibility::kPublic);
  if (reblog.visibility == Visibility::kDirect) reblog.visibility = Visibility::kPublic;
  store::NewPostEffects effects;
  effects.listing = listing_of(reblog);
  PUBLIUS_ASSIGN_OR_RETURN(effects.notifications,
                           mb_.delivery().notifications_for(
                               {post.account_id}, NotificationType::kReblog, account_id, &post));
  PUBLIUS_TRY(phrase_store_error(store_.insert_status(reblog, effects)));
  post_changed(post.id);
  PUBLIUS_TRY(mb_.delivery().deliver(reblog));
  mb_.delivery().announce(effects.notifications);
  PUBLIUS_TRY(mb_.federation().reblog_changed(account_id, post, true));
  return reblog;
}
Result<Post> Posts::set_bookmark(int64_t account_id, int64_t status_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, status_id));
  const int64_t target = post.reblog_of_id.value_or(post.id);
  PUBLIUS_TRY(phrase_store_error(store_.set_bookmark(account_id, target, on)));
  return mb_.visibility().status(account_id, target);
}
Result<Post> Posts::set_thread_mute(int64_t account_id, int64_t status_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, status_id));
  if (post.reblog_of_id) return set_thread_mute(account_id, *post.reblog_of_id, on);
  PUBLIUS_ASSIGN_OR_RETURN(auto above, mb_.delivery().thread_above(post));
  PUBLIUS_TRY(phrase_store_error(
      store_.set_thread_mute(account_id, above.empty() ? post.id : above.front(), on)));
  return post;
}
Result<Post> Posts::set_pin(int64_t account_id, int64_t status_id, bool on) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(account_id, status_id));
  if (post.account_id != account_id || post.reblog_of_id)
    return unprocessable("Validation failed: Only your own posts can be pinned");
  if (on) {
    if (post.visibility == Visibility::kDirect)
      return unprocessable("Validation failed: Direct posts cannot be pinned");
    store::AccountStatusesQuery pinned;
    pinned.only_pinned = true;
    pinned.visibilities = visibilities_in_clear();
    PUBLIUS_ASSIGN_OR_RETURN(auto current,
                             store_.account_statuses(account_id, pinned, Page{.limit = 100}));
    const bool already = std::find(current.begin(), current.end(), post.id) != current.end();
    if (!already && current.size() >= config_.max_pinned)
      return unprocessable(
          "Validation failed: You have already pinned the maximum number of posts");
  }
  PUBLIUS_TRY(phrase_store_error(store_.set_pin(account_id, post.id, on)));
  return post;
}
Result<std::vector<PostEdit>> Posts::history(Viewer viewer, int64_t status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(viewer, status_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto edits, store_.status_edits(post.id));
  edits.push_back(edit_of(post));
  return edits;
}

Result<std::vector<std::pair<int64_t, int64_t>>> Posts::favourited_by(Viewer viewer,
                                                                      int64_t status_id,
                                                                      const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(viewer, status_id));
  return store_.favourited_by(post.id, page);
}

Result<std::vector<std::pair<int64_t, int64_t>>> Posts::reblogged_by(Viewer viewer,
                                                                     int64_t status_id,
                                                                     const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto post, mb_.visibility().status(viewer, status_id));
  return store_.reblogged_by(post.id, page);
}

Result<store::ViewerFlags> Posts::viewer_flags(int64_t viewer, const std::vector<int64_t>& ids) {
  return store_.viewer_flags(viewer, ids);
}

}  // namespace publius::domain
