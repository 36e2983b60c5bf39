// Lists: an account's private groups of followed accounts, each with
// its own timeline (in timelines.cc).
#include "domain/microblog.h"
#include "domain/store_errors.h"
#include "domain/text_format.h"

namespace publius::domain {
namespace {

constexpr size_t kMaxListTitle = 100;

Status check_title(const std::string& title) {
  const bool blank = title.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) return unprocessable("title can't be blank");
  if (code_points(title) > kMaxListTitle)
    return unprocessable("title is too long (at most " + std::to_string(kMaxListTitle) +
                         " characters)");
  return ok_status();
}

}  // namespace

Result<List> Lists::create_list(int64_t owner_id, const ListFields& fields) {
  if (!fields.title) return unprocessable("title can't be blank");
  PUBLIUS_TRY(check_title(*fields.title));
  return store_.create_list(
      List{.account_id = owner_id,
           .title = *fields.title,
           .replies_policy = fields.replies_policy.value_or(RepliesPolicy::kList),
           .exclusive = fields.exclusive.value_or(false)});
}
Result<List> Lists::own_list(int64_t owner_id, int64_t list_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, store_.list(list_id));
  if (!list || list->account_id != owner_id) return not_found();
  return std::move(*list);
}
Result<List> Lists::update_list(int64_t owner_id, int64_t list_id, const ListFields& fields) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, own_list(owner_id, list_id));
  if (fields.title) {
    PUBLIUS_TRY(check_title(*fields.title));
    list.title = *fields.title;
  }
  if (fields.replies_policy) list.replies_policy = *fields.replies_policy;
  const bool exclusive_changed = fields.exclusive && *fields.exclusive != list.exclusive;
  if (fields.exclusive) list.exclusive = *fields.exclusive;
  PUBLIUS_TRY(store_.update_list(list));
  // What reached the owner's home feed depended on it (reaches_home): rebuilt on the next read.
  if (exclusive_changed) feeds_.drop(owner_id);
  return list;
}
Status Lists::delete_list(int64_t owner_id, int64_t list_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, own_list(owner_id, list_id));
  PUBLIUS_TRY(store_.delete_list(list_id));
  if (list.exclusive) feeds_.drop(owner_id);  // its members' posts may reach home again
  return ok_status();
}
Result<std::vector<List>> Lists::lists(int64_t owner_id) { return store_.lists_of(owner_id); }
Result<std::vector<List>> Lists::lists_with_member(int64_t owner_id, int64_t member_id) {
  PUBLIUS_TRY(mb_.accounts().account(member_id));
  return store_.lists_with_member(owner_id, member_id);
}
Status Lists::add_to_list(int64_t owner_id, int64_t list_id,
                          const std::vector<int64_t>& account_ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, own_list(owner_id, list_id));
  for (int64_t id : account_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto member, mb_.accounts().account(id));
    PUBLIUS_ASSIGN_OR_RETURN(auto rel, mb_.relationships().relationship(owner_id, id));
    if (!rel.following)
      return unprocessable("you must follow @" + member.username + " to add them to a list");
  }
  PUBLIUS_TRY(phrase_store_error(store_.add_list_members(list_id, account_ids)));
  if (list.exclusive) feeds_.drop(owner_id);  // their posts leave the home feed
  return ok_status();
}
Status Lists::remove_from_list(int64_t owner_id, int64_t list_id,
                               const std::vector<int64_t>& account_ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, own_list(owner_id, list_id));
  PUBLIUS_TRY(store_.remove_list_members(list_id, account_ids));
  if (list.exclusive) feeds_.drop(owner_id);  // their posts may reach home again
  return ok_status();
}

Result<std::vector<std::pair<int64_t, int64_t>>> Lists::members(int64_t owner_id, int64_t list_id,
                                                                const Page& page) {
  PUBLIUS_TRY(own_list(owner_id, list_id));
  return store_.list_members(list_id, page);
}

}  // namespace publius::domain
