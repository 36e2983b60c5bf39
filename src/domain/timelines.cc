// Microblog: timelines. Home reads come from the in-memory feeds (fan-out on
// write); public, tag and profile timelines are index scans in the store.
#include <algorithm>
#include <unordered_set>

#include "domain/microblog.h"
#include "domain/paging.h"
#include "domain/text_format.h"

namespace publius::domain {
namespace {

// Drops posts by (or boosts of posts by) accounts the viewer blocks, is blocked
// by or mutes, and boosts by accounts followed with reblogs turned off.
Result<std::vector<Post>> without_hidden_accounts(store::Store& store, Viewer viewer,
                                                  std::vector<Post> posts) {
  if (!viewer || posts.empty()) return posts;
  PUBLIUS_ASSIGN_OR_RETURN(auto lists, store.hidden_accounts(*viewer));
  if (lists.accounts.empty() && lists.reblogs_from.empty()) return posts;
  const std::unordered_set<int64_t> hidden(lists.accounts.begin(), lists.accounts.end());
  const std::unordered_set<int64_t> no_reblogs(lists.reblogs_from.begin(),
                                               lists.reblogs_from.end());
  std::vector<int64_t> originals;
  for (const auto& p : posts)
    if (p.reblog_of_id) originals.push_back(*p.reblog_of_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto original_posts, store.statuses_by_ids(originals));
  std::unordered_set<int64_t> hidden_originals;
  for (const auto& o : original_posts)
    if (hidden.count(o.account_id)) hidden_originals.insert(o.id);
  std::erase_if(posts, [&](const Post& p) {
    if (hidden.count(p.account_id)) return true;
    if (!p.reblog_of_id) return false;
    return hidden_originals.count(*p.reblog_of_id) > 0 || no_reblogs.count(p.account_id) > 0;
  });
  return posts;
}

// Timelines are filtered after reading (hidden accounts, deleted posts), so one read can come
// back short or even empty while older posts remain, and an empty page tells Mastodon clients
// the timeline has ended. Reads on past the filtered posts until `page.limit` survive or the
// source runs out (bounded, so a flood of hidden posts cannot make one request unbounded).
// `read` gives one page of ids, newest first; `keep` hydrates and filters them, in order.
template <typename Read, typename Keep>
Result<std::vector<Post>> fill_page(Page page, Read read, Keep keep) {
  constexpr int kMaxReads = 10;
  const size_t limit = static_cast<size_t>(std::max(page.limit, 1));
  std::vector<Post> out;
  for (int reads = 0; reads < kMaxReads; ++reads) {
    PUBLIUS_ASSIGN_OR_RETURN(std::vector<int64_t> ids, read(page));
    if (ids.empty()) break;
    PUBLIUS_ASSIGN_OR_RETURN(std::vector<Post> kept, keep(ids));
    if (page.min_id) {
      // Paging up from min_id: each further read lies above the last and goes on top.
      kept.insert(kept.end(), std::make_move_iterator(out.begin()),
                  std::make_move_iterator(out.end()));
      out = std::move(kept);
      page.min_id = ids.front();
    } else {
      out.insert(out.end(), std::make_move_iterator(kept.begin()),
                 std::make_move_iterator(kept.end()));
      page.max_id = ids.back();
    }
    if (out.size() >= limit || ids.size() < limit) break;
  }
  keep_page_limit(out, page);
  return out;
}

}  // namespace

Result<std::vector<Post>> Microblog::visible_statuses(Viewer viewer,
                                                      const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
  return filter_visible(viewer, std::move(posts));
}

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
  PUBLIUS_ASSIGN_OR_RETURN(uint64_t external_commits, store_.external_commits());
  feeds_.drop_all_after(external_commits);
  PUBLIUS_TRY(feeds_.warm(account_id, [&] {
    return store_.home_timeline(account_id, Page{.limit = static_cast<int>(feeds_.capacity())});
  }));
  auto read = [&](const Page& p) -> Result<std::vector<int64_t>> {
    if (auto from_memory = feeds_.read(account_id, p)) return std::move(*from_memory);
    return store_.home_timeline(account_id, p);
  };
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
    return without_hidden_accounts(store_, account_id, std::move(posts));
  };
  return fill_page(page, read, keep);
}

Result<std::vector<Post>> Microblog::public_timeline(Viewer viewer, const Page& page,
                                                     bool only_media) {
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
    return without_hidden_accounts(store_, viewer, std::move(posts));
  };
  return fill_page(
      page, [&](const Page& p) { return store_.public_timeline(p, only_media); }, keep);
}

Result<std::vector<Post>> Microblog::tag_timeline(Viewer viewer, std::string_view tag,
                                                  const Page& page, bool only_media) {
  if (!is_valid_tag(tag)) return std::vector<Post>();
  const std::string name = normalize_tag(tag);
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, hydrate(ids));
    return without_hidden_accounts(store_, viewer, std::move(posts));
  };
  return fill_page(
      page, [&](const Page& p) { return store_.tag_timeline(name, p, only_media); }, keep);
}

// Read from the store, not fanned out: lists are read far less often than home.
Result<std::vector<Post>> Microblog::list_timeline(int64_t owner_id, int64_t list_id,
                                                   const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, own_list(owner_id, list_id));
  return fill_page(
      page, [&](const Page& p) { return store_.list_timeline(list, p); },
      [&](const std::vector<int64_t>& ids) { return visible_statuses(owner_id, ids); });
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
