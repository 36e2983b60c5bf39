// Timelines. Home reads come from the in-memory feeds (fan-out on
// write); public, tag and profile timelines are index scans in the store.
#include <algorithm>
#include <limits>

#include "domain/microblog.h"
#include "domain/paging.h"
#include "domain/text_format.h"

namespace publius::domain {
namespace {

// Timelines are filtered after reading (hidden accounts, deleted posts), so one read can come
// back short or even empty while older posts remain, and an empty page tells Mastodon clients
// the timeline has ended. Reads on past the filtered posts until `page.limit` survive or the
// source runs out (after at most `max_reads`, so a flood of hidden posts cannot make one
// request unbounded). `read` gives one page of ids, newest first; `keep` hydrates and filters
// them, in order.
template <typename Read, typename Keep>
Result<std::vector<Post>> fill_page(Page page, Read read, Keep keep, int max_reads = 10) {
  const size_t limit = static_cast<size_t>(std::max(page.limit, 1));
  std::vector<Post> out;
  for (int reads = 0; reads < max_reads; ++reads) {
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
      if (out.empty())
        out = std::move(kept);  // the usual page: one read, taken whole
      else
        out.insert(out.end(), std::make_move_iterator(kept.begin()),
                   std::make_move_iterator(kept.end()));
      page.max_id = ids.back();
    }
    if (out.size() >= limit || ids.size() < limit) break;
  }
  keep_page_limit(out, page);
  return out;
}

bool contains(const std::vector<int64_t>& ascending, int64_t id) {
  return std::binary_search(ascending.begin(), ascending.end(), id);
}

std::vector<int64_t> ascending(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

// What one account has set that decides what reaches its home feed.
struct HomeOwner {
  int64_t id = 0;
  std::vector<int64_t> followed;    // ascending
  std::vector<std::string> tags;    // followed, normalized, ascending
  std::vector<int64_t> hidden;      // blocking, blocked by or muted, ascending
  std::vector<int64_t> boosts_off;  // followed with boosts switched off, ascending
  std::vector<int64_t> exclusive;   // members of its exclusive lists, ascending

  HomeFacts facts_about(const Post& post) const {
    return HomeFacts{
        .account_id = id,
        .follows_author = contains(followed, post.account_id),
        .hides_author_boosts = contains(boosts_off, post.account_id),
        .follows_replied_to =
            post.in_reply_to_account_id && contains(followed, *post.in_reply_to_account_id),
        .follows_a_tag = std::any_of(post.tags.begin(), post.tags.end(),
                                     [&](const std::string& tag) {
                                       return std::binary_search(tags.begin(), tags.end(),
                                                                 normalize_tag(tag));
                                     }),
        .hides_author = contains(hidden, post.account_id),
        .author_in_exclusive_list = contains(exclusive, post.account_id),
    };
  }
};

}  // namespace

Result<std::vector<int64_t>> Timelines::home_from_store(int64_t account_id, const Page& page) {
  HomeOwner owner{.id = account_id};
  PUBLIUS_ASSIGN_OR_RETURN(owner.followed, store_.followed_ids(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(owner.tags, store_.followed_tags(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto hidden, store_.hidden_accounts(account_id));
  owner.hidden = ascending(std::move(hidden.accounts));
  owner.boosts_off = ascending(std::move(hidden.reblogs_from));
  PUBLIUS_ASSIGN_OR_RETURN(auto lists, store_.lists_of(account_id));
  for (const auto& list : lists) {
    if (!list.exclusive) continue;
    PUBLIUS_ASSIGN_OR_RETURN(auto members, store_.list_member_ids(list.id));
    owner.exclusive.insert(owner.exclusive.end(), members.begin(), members.end());
  }
  owner.exclusive = ascending(std::move(owner.exclusive));
  store::FeedSources sources{
      .authors = owner.followed, .mentioned = account_id, .tags = owner.tags};
  sources.authors.push_back(account_id);
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().load(ids));
    std::erase_if(posts, [&](const Post& p) { return !reaches_home(p, owner.facts_about(p)); });
    return posts;
  };
  // Read to the end if need be: a feed warmed short of its capacity counts as the whole
  // history (timeline::HomeFeeds::warm), so the rebuild must not stop early.
  PUBLIUS_ASSIGN_OR_RETURN(
      auto posts, fill_page(
                      page, [&](const Page& p) { return store_.feed_candidates(sources, p); }, keep,
                      std::numeric_limits<int>::max()));
  std::vector<int64_t> ids;
  ids.reserve(posts.size());
  for (const auto& p : posts) ids.push_back(p.id);
  return ids;
}

Result<std::vector<Post>> Timelines::home_timeline(int64_t account_id, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(uint64_t external_commits, store_.external_commits());
  feeds_.drop_all_after(external_commits);
  PUBLIUS_TRY(feeds_.warm(account_id, [&] {
    return home_from_store(account_id, Page{.limit = static_cast<int>(feeds_.capacity())});
  }));
  auto read = [&](const Page& p) -> Result<std::vector<int64_t>> {
    if (auto from_memory = feeds_.read(account_id, p)) return std::move(*from_memory);
    return home_from_store(account_id, p);
  };
  auto keep = [&](const std::vector<int64_t>& ids) {
    return mb_.visibility().statuses(account_id, ids);
  };
  return fill_page(page, read, keep);
}
Result<std::vector<Post>> Timelines::public_timeline(Viewer viewer, const Page& page,
                                                     bool only_media, PostOrigin origin) {
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().statuses(viewer, ids));
    PUBLIUS_TRY(mb_.domain_blocks().drop_silenced(posts));
    return posts;
  };
  return fill_page(
      page, [&](const Page& p) { return store_.public_timeline(p, only_media, origin); }, keep);
}
Result<std::vector<Post>> Timelines::tag_timeline(Viewer viewer, std::string_view tag,
                                                  const Page& page, bool only_media) {
  if (!is_valid_tag(tag)) return std::vector<Post>();
  const std::string name = normalize_tag(tag);
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().statuses(viewer, ids));
    PUBLIUS_TRY(mb_.domain_blocks().drop_silenced(posts));
    return posts;
  };
  return fill_page(
      page, [&](const Page& p) { return store_.tag_timeline(name, p, only_media); }, keep);
}
Result<Timelines::ListView> Timelines::list_view(int64_t owner_id, int64_t list_id) {
  ListView view;
  PUBLIUS_ASSIGN_OR_RETURN(view.list, mb_.lists().own_list(owner_id, list_id));
  PUBLIUS_ASSIGN_OR_RETURN(view.members, store_.list_member_ids(view.list.id));
  PUBLIUS_ASSIGN_OR_RETURN(view.followed, store_.followed_ids(owner_id));
  return view;
}

ListFacts Timelines::ListView::facts_about(const Post& post) const {
  ListFacts facts{.replies_policy = list.replies_policy};
  if (const auto replied_to = post.in_reply_to_account_id) {
    facts.owner_is_replied_to = *replied_to == list.account_id;
    facts.owner_follows_replied_to = contains(followed, *replied_to);
    facts.replied_to_is_member = contains(members, *replied_to);
  }
  return facts;
}

// Read from the store, not fanned out: lists are read far less often than home.
Result<std::vector<Post>> Timelines::list_timeline(int64_t owner_id, int64_t list_id,
                                                   const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto view, list_view(owner_id, list_id));
  const store::FeedSources sources{.authors = view.members};
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().statuses(owner_id, ids));
    std::erase_if(posts, [&](const Post& p) { return !reaches_list(p, view.facts_about(p)); });
    return posts;
  };
  return fill_page(
      page, [&](const Page& p) { return store_.feed_candidates(sources, p); }, keep);
}

Result<bool> Timelines::list_shows(int64_t owner_id, int64_t list_id, const Post& post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto view, list_view(owner_id, list_id));
  if (!contains(view.members, post.account_id)) return false;
  PUBLIUS_ASSIGN_OR_RETURN(auto kept, mb_.visibility().filter(owner_id, {post}));
  return !kept.empty() && reaches_list(post, view.facts_about(post));
}

Result<std::vector<Post>> Timelines::account_statuses(Viewer viewer, int64_t account_id,
                                                      const AccountPostsFilter& filter,
                                                      const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto owner, mb_.accounts().account(account_id));
  store::AccountStatusesQuery query;
  query.exclude_replies = filter.exclude_replies;
  query.exclude_reblogs = filter.exclude_reblogs;
  query.only_pinned = filter.only_pinned;
  query.only_media = filter.only_media;
  if (filter.tag) query.tag = normalize_tag(*filter.tag);
  // What the store reads: the widest set this reader might see; the rule decides below.
  if (viewer && *viewer == owner.id) {
    query.visibilities.push_back(Visibility::kPrivate);
    query.visibilities.push_back(Visibility::kDirect);
  } else if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(auto rel, mb_.relationships().relationship(*viewer, owner.id));
    if (rel.blocking || rel.blocked_by) return std::vector<Post>();
    if (rel.following) query.visibilities.push_back(Visibility::kPrivate);
    query.or_mentioning = viewer;
  }
  auto keep = [&](const std::vector<int64_t>& ids) -> Result<std::vector<Post>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().load(ids));
    return mb_.visibility().keep_visible(viewer, std::move(posts));
  };
  return fill_page(
      page, [&](const Page& p) { return store_.account_statuses(owner.id, query, p); }, keep);
}

Result<Timelines::SavedPage> Timelines::saved_page(int64_t account_id, AccountRows rows) {
  SavedPage out;
  out.rows = std::move(rows);
  std::vector<int64_t> ids;
  for (auto [row, status_id] : out.rows) ids.push_back(status_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto posts, mb_.visibility().load(ids));
  PUBLIUS_ASSIGN_OR_RETURN(out.posts, mb_.visibility().keep_visible(account_id, std::move(posts)));
  return out;
}

Result<Timelines::SavedPage> Timelines::favourites(int64_t account_id, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, store_.favourites_of(account_id, page));
  return saved_page(account_id, std::move(rows));
}

Result<Timelines::SavedPage> Timelines::bookmarks(int64_t account_id, const Page& page) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, store_.bookmarks_of(account_id, page));
  return saved_page(account_id, std::move(rows));
}

}  // namespace publius::domain
