// Search: accounts by name, hashtags by name and posts by their words, for the
// API's /api/v2/search and the web UI's search page alike. Only what the reader
// may see is found: a hashtag only once a post anyone may see carries it, posts
// only through Visibility.
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
};

}  // namespace publius::domain
