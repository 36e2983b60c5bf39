// Search: accounts by name, hashtags by name and posts by their words, for the
// API's /api/v2/search and the web UI's search page alike. Only what the reader
// may see is found: a hashtag only once a post anyone may see carries it, posts
// only through Visibility. Words find the posts of an account that is not
// indexable (Account::indexable) only for the posts' author and the accounts they
// mention, as in Mastodon.
#pragma once

#include <string>
#include <vector>

#include "domain/service.h"

namespace publius::domain {

struct SearchQuery {
  std::string text;      // as typed: "@name", "#tag" or words
  bool accounts = true;  // which kinds to look for
  bool hashtags = true;
  bool statuses = true;
  int limit = 20;  // per kind
  int offset = 0;
  // Mastodon's resolve=true: a "@user@host" not known yet is looked up on its server
  // (Federation::account_by_acct), for a signed-in viewer's first page only.
  bool resolve = false;
};

struct SearchResults {
  std::vector<Account> accounts;
  std::vector<Tag> hashtags;
  std::vector<Post> statuses;
};

class Search final : private ServiceBase {
 public:
  explicit Search(Microblog& microblog) : ServiceBase(microblog) {}

  Result<SearchResults> search(Viewer viewer, const SearchQuery& query);
  // Accounts whose name starts with `text` ("@" and any "@domain" dropped).
  Result<std::vector<Account>> accounts(std::string_view text, int limit, int offset);

 private:
  // Leaves out of `found` the posts of authors who are not indexable, but for the
  // viewer's own and those that mention the viewer.
  Status keep_indexable(Viewer viewer, std::vector<Post>& found);
};

}  // namespace publius::domain
