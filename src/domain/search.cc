// Search: accounts, hashtags and posts, through the visibility rule.
#include <algorithm>

#include "domain/microblog.h"
#include "domain/text_format.h"

namespace publius::domain {

Result<std::vector<Account>> Search::accounts(std::string_view text, int limit, int offset) {
  std::string_view name = text;
  if (!name.empty() && name.front() == '@') name.remove_prefix(1);
  if (auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
  if (name.find_first_not_of(' ') == std::string_view::npos) return std::vector<Account>();
  return store_.search_accounts(name, limit, offset);
}

Status Search::keep_indexable(Viewer viewer, std::vector<Post>& found) {
  std::vector<int64_t> author_ids;
  for (const auto& p : found) author_ids.push_back(p.account_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto authors, mb_.accounts().accounts(author_ids));
  auto indexable = [&](int64_t author_id) {
    return std::any_of(authors.begin(), authors.end(),
                       [&](const Account& a) { return a.id == author_id && a.indexable; });
  };
  std::erase_if(found, [&](const Post& p) {
    const bool concerns_viewer = viewer && (p.account_id == *viewer || mentions(p, *viewer));
    return !concerns_viewer && !indexable(p.account_id);
  });
  return ok_status();
}

Result<SearchResults> Search::search(Viewer viewer, const SearchQuery& query) {
  SearchResults out;
  const std::string& q = query.text;
  if (q.empty()) return out;
  if (query.accounts) {
    PUBLIUS_ASSIGN_OR_RETURN(out.accounts, accounts(q, query.limit, query.offset));
    if (query.resolve && viewer && query.offset == 0 &&
        std::count(q.begin(), q.end(), '@') == (q.front() == '@' ? 2 : 1)) {
      // A server that cannot be reached or knows no such account finds nothing more.
      auto remote = mb_.federation().account_by_acct(q, true);
      if (remote.ok() && std::none_of(out.accounts.begin(), out.accounts.end(),
                                      [&](const Account& a) { return a.id == remote->id; }))
        out.accounts.insert(out.accounts.begin(), *remote);
    }
  }
  if (query.hashtags) {
    std::string_view name = q;
    if (name.front() == '#') name.remove_prefix(1);
    // Only tags that posts anyone may see carry (the store indexes no others).
    PUBLIUS_ASSIGN_OR_RETURN(auto names, store_.search_tags(normalize_tag(name), query.limit));
    PUBLIUS_ASSIGN_OR_RETURN(out.hashtags, mb_.tags().tags(viewer, names));
  }
  if (query.statuses) {
    if (query.resolve && viewer && query.offset == 0 && !url_origin(q).empty()) {
      // A post's URL: the post, fetched by it when not known (Federation::resolve_note).
      // One that cannot be had, or that the viewer may not see, finds nothing.
      auto id = mb_.federation().resolve_note(q);
      if (!id.ok()) return out;
      auto post = mb_.visibility().status(viewer, *id);
      if (post.ok()) out.statuses.push_back(std::move(*post));
    } else if (q.front() == '#') {
      PUBLIUS_ASSIGN_OR_RETURN(
          auto found, mb_.timelines().tag_timeline(viewer, q.substr(1),
                                                   Page{.limit = query.limit + query.offset}));
      for (size_t i = static_cast<size_t>(query.offset); i < found.size(); ++i)
        out.statuses.push_back(std::move(found[i]));
    } else {
      PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.search_statuses(q, query.limit, query.offset));
      PUBLIUS_ASSIGN_OR_RETURN(out.statuses, mb_.visibility().statuses(viewer, ids));
      PUBLIUS_TRY(keep_indexable(viewer, out.statuses));
      PUBLIUS_TRY(mb_.domain_blocks().drop_silenced(out.statuses));
    }
  }
  return out;
}

}  // namespace publius::domain
