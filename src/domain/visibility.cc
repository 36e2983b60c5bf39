// VisibilityRule: who may see a post.
#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "domain/microblog.h"
#include "domain/text_format.h"

namespace publius::domain {

bool mentions(const Post& post, int64_t account_id) {
  return std::find(post.mention_account_ids.begin(), post.mention_account_ids.end(), account_id) !=
         post.mention_account_ids.end();
}

namespace {

// The rule for a post that is not a boost, given what decides it: whether
// blocks stand between viewer and author, and whether the viewer follows the author.
bool sees(Viewer viewer, const Post& post, bool blocked, bool follows_author) {
  if (viewer && *viewer == post.account_id) return true;
  if (!viewer) return post.visibility <= Visibility::kUnlisted;
  if (blocked) return false;
  switch (post.visibility) {
    case Visibility::kPublic:
    case Visibility::kUnlisted:
      return true;
    case Visibility::kPrivate:
      return follows_author || mentions(post, *viewer);
    case Visibility::kDirect:
      return mentions(post, *viewer);
  }
  return false;
}

// The originals of the boosts among some posts, by id.
struct Originals {
  std::vector<Post> posts;
  std::unordered_map<int64_t, const Post*> by_id;
};

Result<Originals> originals_of(store::Store& store, const std::vector<Post>& posts) {
  std::vector<int64_t> ids;
  for (const auto& p : posts)
    if (p.reblog_of_id) ids.push_back(*p.reblog_of_id);
  Originals out;
  PUBLIUS_ASSIGN_OR_RETURN(out.posts, store.statuses_by_ids(ids));
  for (const auto& o : out.posts) out.by_id[o.id] = &o;
  return out;
}

// Keeps, in order, the posts `visible` admits: a boost only when its original is
// there and admitted too.
template <typename Visible>
Result<std::vector<Post>> keep(std::vector<Post> posts, const Originals& originals,
                               Visible visible) {
  // Compacted in place: a post is moved only when one before it was dropped.
  size_t kept = 0;
  for (size_t i = 0; i < posts.size(); ++i) {
    const Post& p = posts[i];
    PUBLIUS_ASSIGN_OR_RETURN(bool shown, visible(p));
    if (!shown) continue;
    if (p.reblog_of_id) {
      auto original = originals.by_id.find(*p.reblog_of_id);
      if (original == originals.by_id.end()) continue;
      PUBLIUS_ASSIGN_OR_RETURN(bool original_shown, visible(*original->second));
      if (!original_shown) continue;
    }
    if (kept != i) posts[kept] = std::move(posts[i]);
    ++kept;
  }
  posts.erase(posts.begin() + static_cast<std::ptrdiff_t>(kept), posts.end());
  return posts;
}

}  // namespace

store::PostListing listing_of(const Post& post) {
  const bool original = !post.reblog_of_id;
  const bool seen_by_anyone = sees(std::nullopt, post, false, false);
  const bool in_public = original && post.visibility == Visibility::kPublic;
  return store::PostListing{
      .counted = original && post.visibility != Visibility::kDirect,
      .counted_as_reply = post.in_reply_to_id.has_value() && seen_by_anyone,
      .in_search = in_public,
      .tags_in_search = original && seen_by_anyone,
      .in_public_timelines = in_public,
  };
}

std::vector<std::string> listed_tag_keys(const Post& post) {
  std::vector<std::string> keys;
  if (post.visibility == Visibility::kDirect) return keys;
  for (const auto& tag : post.tags) keys.push_back(normalize_tag(tag));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

Result<bool> VisibilityRule::can_view(Viewer viewer, const Post& post) {
  if (post.reblog_of_id) {
    PUBLIUS_ASSIGN_OR_RETURN(auto original, store_.status_by_id(*post.reblog_of_id));
    if (!original) return false;
    PUBLIUS_ASSIGN_OR_RETURN(bool original_visible, can_view(viewer, *original));
    if (!original_visible) return false;
  }
  if (!viewer || *viewer == post.account_id) return sees(viewer, post, false, false);
  PUBLIUS_ASSIGN_OR_RETURN(auto rels, store_.relationships(*viewer, {post.account_id}));
  const Relationship& rel = rels.front();
  return sees(viewer, post, rel.blocking || rel.blocked_by, rel.following);
}

Result<std::vector<Post>> VisibilityRule::load(const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, store_.statuses_by_ids(ids));
  // Read from the caches, a timeline's posts (newest first, so no id twice) come in the
  // order asked: nothing to reorder.
  if (loaded.size() == ids.size() &&
      std::adjacent_find(ids.begin(), ids.end(), std::less_equal<>()) == ids.end() &&
      std::equal(loaded.begin(), loaded.end(), ids.begin(),
                 [](const Post& p, int64_t id) { return p.id == id; }))
    return loaded;
  std::unordered_map<int64_t, Post*> by_id;
  for (auto& p : loaded) by_id[p.id] = &p;
  std::vector<Post> ordered;
  ordered.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end() && it->second) {
      ordered.push_back(std::move(*it->second));
      it->second = nullptr;  // an id asked for twice is one post
    }
  }
  return ordered;
}

Result<Post> VisibilityRule::status(Viewer viewer, int64_t status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.status_by_id(status_id));
  if (!found) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(bool visible, can_view(viewer, *found));
  if (!visible) return not_found();
  return *found;
}

Result<std::vector<Post>> VisibilityRule::statuses(Viewer viewer, const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, load(ids));
  return filter(viewer, std::move(posts));
}

Result<std::vector<Post>> VisibilityRule::keep_visible(Viewer viewer, std::vector<Post> posts) {
  if (posts.empty()) return posts;
  PUBLIUS_ASSIGN_OR_RETURN(auto originals, originals_of(store_, posts));
  std::unordered_map<int64_t, Relationship> rel_by_author;
  if (viewer) {
    std::vector<int64_t> authors;
    for (const auto& p : posts) authors.push_back(p.account_id);
    for (const auto& o : originals.posts) authors.push_back(o.account_id);
    std::sort(authors.begin(), authors.end());
    authors.erase(std::unique(authors.begin(), authors.end()), authors.end());
    PUBLIUS_ASSIGN_OR_RETURN(auto rels, store_.relationships(*viewer, authors));
    for (auto& r : rels) rel_by_author[r.target_id] = std::move(r);
  }
  return keep(std::move(posts), originals, [&](const Post& p) -> Result<bool> {
    const auto rel = rel_by_author.find(p.account_id);
    const bool known = rel != rel_by_author.end();
    return sees(viewer, p, known && (rel->second.blocking || rel->second.blocked_by),
                known && rel->second.following);
  });
}

// For a list the same rule, decided from what the store keeps cached: the
// accounts the viewer hides (blocks either way, and mutes, which a list leaves
// out too) and the followers of the authors of followers-only posts. Boosts by
// accounts followed with boosts switched off are left out too.
Result<std::vector<Post>> VisibilityRule::filter(Viewer viewer, std::vector<Post> posts) {
  if (posts.empty()) return posts;
  PUBLIUS_ASSIGN_OR_RETURN(auto originals, originals_of(store_, posts));
  store::HiddenAccounts hidden;
  if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(hidden, store_.hidden_accounts(*viewer));
  }
  const std::unordered_set<int64_t> hidden_accounts(hidden.accounts.begin(), hidden.accounts.end());
  const std::unordered_set<int64_t> no_reblogs(hidden.reblogs_from.begin(),
                                               hidden.reblogs_from.end());
  std::erase_if(
      posts, [&](const Post& p) { return p.reblog_of_id && no_reblogs.count(p.account_id) > 0; });
  std::unordered_map<int64_t, bool> follows;  // author -> the viewer follows them
  return keep(std::move(posts), originals, [&](const Post& p) -> Result<bool> {
    const bool blocked_or_muted = hidden_accounts.count(p.account_id) > 0;
    bool follower = false;
    if (viewer && *viewer != p.account_id && !blocked_or_muted &&
        p.visibility == Visibility::kPrivate && !mentions(p, *viewer)) {
      auto known = follows.find(p.account_id);
      if (known == follows.end()) {
        PUBLIUS_ASSIGN_OR_RETURN(auto followers, store_.follower_ids(p.account_id));
        known = follows
                    .emplace(p.account_id,
                             std::binary_search(followers.begin(), followers.end(), *viewer))
                    .first;
      }
      follower = known->second;
    }
    return sees(viewer, p, blocked_or_muted, follower);
  });
}

namespace {

// The facts filter() decides one post by, for every viewer at once: who keeps its author out
// of view and who follows the author (read only for a followers-only post). Ascending lists.
struct Audience {
  const Post* post = nullptr;
  store::HiddenBy hidden_by;
  std::vector<int64_t> followers;

  bool admits(int64_t viewer) const {
    const bool hidden =
        std::binary_search(hidden_by.accounts.begin(), hidden_by.accounts.end(), viewer);
    const bool follower = post->visibility == Visibility::kPrivate &&
                          std::binary_search(followers.begin(), followers.end(), viewer);
    return sees(viewer, *post, hidden, follower);
  }
};

Result<Audience> audience_of(store::Store& store, const Post& post) {
  Audience out{.post = &post};
  PUBLIUS_ASSIGN_OR_RETURN(out.hidden_by, store.hidden_by(post.account_id));
  if (post.visibility == Visibility::kPrivate) {
    PUBLIUS_ASSIGN_OR_RETURN(out.followers, store.follower_ids(post.account_id));
  }
  return out;
}

}  // namespace

Result<std::vector<int64_t>> VisibilityRule::filter_readers(const Post& post,
                                                            const std::vector<int64_t>& viewers) {
  std::vector<int64_t> out;
  std::optional<Post> original;
  if (post.reblog_of_id) {
    PUBLIUS_ASSIGN_OR_RETURN(original, store_.status_by_id(*post.reblog_of_id));
    if (!original) return out;
  }
  PUBLIUS_ASSIGN_OR_RETURN(const Audience of_post, audience_of(store_, post));
  std::optional<Audience> of_original;
  if (original) {
    PUBLIUS_ASSIGN_OR_RETURN(of_original, audience_of(store_, *original));
  }
  const auto& boosts_off = of_post.hidden_by.boosts;
  for (const int64_t viewer : viewers) {
    if (post.reblog_of_id && std::binary_search(boosts_off.begin(), boosts_off.end(), viewer))
      continue;
    if (!of_post.admits(viewer)) continue;
    if (of_original && !of_original->admits(viewer)) continue;
    out.push_back(viewer);
  }
  return out;
}

}  // namespace publius::domain
