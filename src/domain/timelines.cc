// Microblog: timelines. Home reads come from the in-memory feeds (fan-out on
// write); public, tag and profile timelines are index scans in the store.
#include <algorithm>
#include <unordered_set>

#include "domain/microblog.h"
#include "domain/text_format.h"

namespace publius::domain {
namespace {

// Drops posts by (or boosting posts by) accounts the viewer blocks, is blocked by or mutes.
Result<std::vector<Post>> without_hidden_accounts(store::Store& store, Viewer viewer,
                                                  std::vector<Post> posts) {
  if (!viewer || posts.empty()) return posts;
  PUBLIUS_ASSIGN_OR_RETURN(auto hidden_ids, store.hidden_account_ids(*viewer));
  if (hidden_ids.empty()) return posts;
  const std::unordered_set<int64_t> hidden(hidden_ids.begin(), hidden_ids.end());
  std::vector<int64_t> originals;
  for (const auto& p : posts)
    if (p.reblog_of_id) originals.push_back(*p.reblog_of_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto original_posts, store.statuses_by_ids(originals));
  std::unordered_set<int64_t> hidden_originals;
  for (const auto& o : original_posts)
    if (hidden.count(o.account_id)) hidden_originals.insert(o.id);
  std::erase_if(posts, [&](const Post& p) {
    return hidden.count(p.account_id) || (p.reblog_of_id && hidden_originals.count(*p.reblog_of_id));
  });
  return posts;
}

}  // namespace

Result<std::vector<Post>> Microblog::filter_visible(Viewer viewer, std::vector<Post> posts) {
  std::vector<Post> out;
  out.reserve(posts.size());
  for (auto& p : posts) {
    PUBLIUS_ASSIGN_OR_RETURN(bool visible, can_view(viewer, p));
    if (visible) out.push_back(std::move(p));
  }
  return without_hidden_accounts(store_, viewer, std::move(out));
}

Result<std::vector<Post>> Microblog::home_timeline(int64_t account_id, const Page& page) {
  PUBLIUS_TRY(feeds_.warm(account_id, [&] {
    return store_.home_timeline(account_id, Page{.limit = static_cast<int>(feeds_.capacity())});
  }));
  std::vector<int64_t> ids;
  if (auto from_memory = feeds_.read(account_id, page)) {
    ids = std::move(*from_memory);
  } else {
    PUBLIUS_ASSIGN_OR_RETURN(ids, store_.home_timeline(account_id, page));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
  return without_hidden_accounts(store_, account_id, std::move(posts));
}

Result<std::vector<Post>> Microblog::public_timeline(Viewer viewer, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.public_timeline(page));
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
  return without_hidden_accounts(store_, viewer, std::move(posts));
}

Result<std::vector<Post>> Microblog::tag_timeline(Viewer viewer, std::string_view tag,
                                                  const Page& page) {
  if (!is_valid_tag(tag)) return std::vector<Post>();
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.tag_timeline(normalize_tag(tag), page));
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
  return without_hidden_accounts(store_, viewer, std::move(posts));
}

Result<std::vector<Post>> Microblog::account_statuses(Viewer viewer, int64_t account_id,
                                                      store::AccountStatusesQuery query,
                                                      const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto owner, account(account_id));
  query.max_visibility = Visibility::kUnlisted;
  if (viewer && *viewer == owner.id) {
    query.max_visibility = Visibility::kDirect;
  } else if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(auto rel, relationship(*viewer, owner.id));
    if (rel.blocking || rel.blocked_by) return std::vector<Post>();
    if (rel.following) query.max_visibility = Visibility::kPrivate;
    query.direct_viewer = viewer;
  }
  if (query.tag) query.tag = normalize_tag(*query.tag);
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.account_statuses(owner.id, query, page));
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
  // Boosts carry the original's visibility rules; check those one by one.
  std::vector<Post> out;
  for (auto& p : posts) {
    if (p.reblog_of_id) {
      PUBLIUS_ASSIGN_OR_RETURN(bool visible, can_view(viewer, p));
      if (!visible) continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace publius::domain
