// Filters: each account's own filters (the rules and matching are in
// domain/filters.h), private to their owner: another's filter, keyword or
// filtered status is kNotFound.
#pragma once

#include <vector>

#include "domain/filters.h"
#include "domain/service.h"

namespace publius::domain {

class Filters final : private ServiceBase {
 public:
  explicit Filters(Microblog& microblog) : ServiceBase(microblog) {}

  Result<std::vector<Filter>> filters(int64_t owner_id);
  Result<Filter> own_filter(int64_t owner_id, int64_t filter_id);
  // The filter that holds keyword (or filtered status) `id`.
  Result<Filter> own_filter_with_keyword(int64_t owner_id, int64_t keyword_id);
  Result<Filter> own_filter_with_status(int64_t owner_id, int64_t filter_status_id);
  // Creates a filter (id 0) or replaces an own one whole: keywords and statuses
  // with id 0 are added, those left out are removed. A filtered status must be one
  // the owner can see, at most once per filter.
  Result<Filter> save_filter(int64_t owner_id, Filter filter);
  Status delete_filter(int64_t owner_id, int64_t filter_id);
};

}  // namespace publius::domain
