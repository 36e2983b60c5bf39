// Filters: each account's own filters.
#include <algorithm>

#include "domain/microblog.h"
#include "domain/store_errors.h"

namespace publius::domain {

Result<std::vector<Filter>> Filters::filters(int64_t owner_id) {
  return store_.filters_of(owner_id);
}
Result<Filter> Filters::own_filter(int64_t owner_id, int64_t filter_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto filter, store_.filter(filter_id));
  if (!filter || filter->account_id != owner_id) return not_found();
  return std::move(*filter);
}
Result<Filter> Filters::own_filter_with_keyword(int64_t owner_id, int64_t keyword_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto filter_id, store_.filter_of_keyword(keyword_id));
  if (!filter_id) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto filter, own_filter(owner_id, *filter_id));
  // Gone between the two reads (another request deleted it): as if never there.
  if (std::ranges::none_of(filter.keywords,
                           [&](const FilterKeyword& k) { return k.id == keyword_id; }))
    return not_found();
  return filter;
}
Result<Filter> Filters::own_filter_with_status(int64_t owner_id, int64_t filter_status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto filter_id, store_.filter_of_status(filter_status_id));
  if (!filter_id) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto filter, own_filter(owner_id, *filter_id));
  if (std::ranges::none_of(filter.statuses,
                           [&](const FilterStatus& s) { return s.id == filter_status_id; }))
    return not_found();
  return filter;
}
Result<Filter> Filters::save_filter(int64_t owner_id, Filter filter) {
  if (filter.id == 0) {
    PUBLIUS_ASSIGN_OR_RETURN(auto existing, store_.filters_of(owner_id));
    if (existing.size() >= kMaxFiltersPerAccount)
      return unprocessable("Validation failed: an account has at most " +
                           std::to_string(kMaxFiltersPerAccount) + " filters");
  } else {
    PUBLIUS_TRY(own_filter(owner_id, filter.id));
  }
  filter.account_id = owner_id;
  PUBLIUS_TRY(validate_filter(filter));
  for (size_t i = 0; i < filter.statuses.size(); ++i) {
    const int64_t status_id = filter.statuses[i].status_id;
    if (filter.statuses[i].id == 0) PUBLIUS_TRY(mb_.visibility().status(owner_id, status_id));
    for (size_t j = 0; j < i; ++j)
      if (filter.statuses[j].status_id == status_id)
        return unprocessable("Validation failed: Status has already been taken");
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto saved, phrase_store_error(store_.save_filter(filter)));
  filters_changed(owner_id);
  return saved;
}
Status Filters::delete_filter(int64_t owner_id, int64_t filter_id) {
  PUBLIUS_TRY(own_filter(owner_id, filter_id));
  PUBLIUS_TRY(store_.delete_filter(filter_id));
  filters_changed(owner_id);
  return ok_status();
}

}  // namespace publius::domain
