// Lists: an account's private groups of followed accounts, each with its own
// timeline (Timelines::list_timeline). Each is its owner's alone: another
// account's list is kNotFound, as if it did not exist. A title is required on
// creation (1-100 characters); only accounts the owner follows may be added
// (kUnprocessable otherwise). The posts of an exclusive list's members stay out
// of its owner's home feed (reaches_home()); a change to what that keeps out
// drops the owner's warm feed, rebuilt on its next read.
#pragma once

#include <vector>

#include "domain/service.h"

namespace publius::domain {

class Lists final : private ServiceBase {
 public:
  explicit Lists(Microblog& microblog) : ServiceBase(microblog) {}

  Result<List> create_list(int64_t owner_id, const ListFields& fields);
  Result<List> update_list(int64_t owner_id, int64_t list_id, const ListFields& fields);
  Status delete_list(int64_t owner_id, int64_t list_id);
  Result<List> own_list(int64_t owner_id, int64_t list_id);
  Result<std::vector<List>> lists(int64_t owner_id);
  Result<std::vector<List>> lists_with_member(int64_t owner_id, int64_t member_id);
  Status add_to_list(int64_t owner_id, int64_t list_id, const std::vector<int64_t>& account_ids);
  Status remove_from_list(int64_t owner_id, int64_t list_id,
                          const std::vector<int64_t>& account_ids);
  // A page of an own list's members: rows (row id, account id).
  Result<std::vector<std::pair<int64_t, int64_t>>> members(int64_t owner_id, int64_t list_id,
                                                           const Page& page);
};

}  // namespace publius::domain
