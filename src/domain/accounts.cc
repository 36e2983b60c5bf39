// Accounts: registration, profiles and erasure.
#include <spdlog/spdlog.h>
#include <utf8proc.h>

#include <algorithm>
#include <functional>

#include "domain/microblog.h"
#include "domain/text_format.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr size_t kMaxUsername = 30;
constexpr size_t kMaxDisplayName = 30;
constexpr size_t kMaxNote = 500;
constexpr size_t kMaxFields = 4;
constexpr size_t kMaxFieldLength = 255;

// The ids (second members) of every page of a store list paged by cursor.
Result<std::vector<int64_t>> all_ids(
    const std::function<Result<std::vector<std::pair<int64_t, int64_t>>>(const Page&)>& page_of) {
  std::vector<int64_t> out;
  Page page;
  page.limit = 1000;
  for (;;) {
    PUBLIUS_ASSIGN_OR_RETURN(auto rows, page_of(page));
    for (const auto& row : rows) out.push_back(row.second);
    if (rows.size() < static_cast<size_t>(page.limit)) return out;
    page.max_id = rows.back().first;
  }
}

}  // namespace

bool is_valid_username(std::string_view username) {
  return !username.empty() && username_errors(username).empty();
}

std::vector<FieldError> username_errors(std::string_view username) {
  if (username.empty()) return {{"username", "ERR_BLANK", "can't be blank"}};
  std::vector<FieldError> errors;
  const bool letters_digits_underscores = std::all_of(username.begin(), username.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!letters_digits_underscores)
    errors.push_back(
        {"username", "ERR_INVALID", "must contain only letters, numbers and underscores"});
  if (username.size() > kMaxUsername)
    errors.push_back({"username", "ERR_TOO_LONG",
                      "is too long (maximum is " + std::to_string(kMaxUsername) + " characters)"});
  return errors;
}

bool is_reserved_username(std::string_view username) {
  // Mastodon's default list: names a newcomer could use to pass for the operator.
  static constexpr std::string_view kReserved[] = {
      "admin", "support", "help", "root", "webmaster", "administrator", "mod", "moderator"};
  return std::any_of(std::begin(kReserved), std::end(kReserved), [&](std::string_view r) {
    return r.size() == username.size() &&
           std::equal(r.begin(), r.end(), username.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

Result<RegisteredAccount> Accounts::register_account(std::string_view username,
                                                     std::string_view password, Role role,
                                                     std::optional<bool> agreement) {
  const FieldError taken{"username", "ERR_TAKEN", "has already been taken"};
  // Every refused field is reported at once, as Mastodon does, so a client can mark each.
  std::vector<FieldError> errors = username_errors(username);
  if (errors.empty() && is_reserved_username(username))
    errors.push_back({"username", "ERR_RESERVED", "is reserved"});
  if (errors.empty()) {
    PUBLIUS_ASSIGN_OR_RETURN(auto existing, store_.account_by_username(username));
    if (existing) errors.push_back(taken);
  }
  for (auto& e : password_errors(password)) errors.push_back(std::move(e));
  if (agreement && !*agreement) errors.push_back({"agreement", "ERR_ACCEPTED", "must be accepted"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  store::NewAccount request;
  request.username = std::string(username);
  request.role = role;
  PUBLIUS_ASSIGN_OR_RETURN(request.password_hash, password_hash(password));
  RegisteredAccount out;
  // The key pair that seals direct messages: its secret wrapped under the password
  // and every recovery code, so either restores access to what was sealed.
  shield::KeyPair pair = shield::generate_key_pair();
  request.public_key = pair.public_key;
  PUBLIUS_ASSIGN_OR_RETURN(request.password_wrapped_key,
                           shield::wrap_for_password(pair.secret_key, password));
  for (size_t i = 0; i < kRecoveryCodeCount; ++i) out.recovery_codes.push_back(new_recovery_code());
  PUBLIUS_ASSIGN_OR_RETURN(request.recovery_codes, mb_.credentials().recovery_code_records(
                                                       out.recovery_codes, &pair.secret_key));
  out.key = std::move(pair.secret_key);
  auto created = store_.create_account(request);
  if (!created.ok()) {
    if (created.error().code == ErrorCode::kConflict) return validation_failed({taken});
    return created.take_error();
  }
  out.account = std::move(created).value();
  return out;
}
Result<Account> Accounts::account(int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.account_by_id(id));
  if (!found) return not_found();
  return *found;
}
Result<Account> Accounts::account_by_acct(std::string_view acct) {
  if (!acct.empty() && acct.front() == '@') acct.remove_prefix(1);
  if (auto at = acct.find('@'); at != std::string_view::npos) {
    if (acct.substr(at + 1) != config_.domain) return not_found();
    acct = acct.substr(0, at);
  }
  if (!is_valid_username(acct)) return not_found();
  PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.account_by_username(acct));
  if (!found) return not_found();
  return *found;
}
Result<Account> Accounts::update_profile(int64_t id, const ProfileChange& update,
                                         const NewProfilePictures& pictures) {
  if (update.display_name && code_points(*update.display_name) > kMaxDisplayName)
    return unprocessable("Validation failed: Display name is too long (maximum is 30 characters)");
  if (update.note && code_points(*update.note) > kMaxNote)
    return unprocessable("Validation failed: Note is too long (maximum is 500 characters)");
  if (update.fields) {
    if (update.fields->size() > kMaxFields)
      return unprocessable("Validation failed: Fields must be at most 4");
    for (const auto& f : *update.fields) {
      if (code_points(f.name) > kMaxFieldLength || code_points(f.value) > kMaxFieldLength)
        return unprocessable("Validation failed: Field is too long (maximum is 255 characters)");
    }
  }
  if (update.default_language && !update.default_language->empty() &&
      !is_language_code(*update.default_language))
    return unprocessable(
        "Validation failed: source[language] must be an ISO 639-1 language code such as \"en\"");
  PUBLIUS_ASSIGN_OR_RETURN(auto before, account(id));
  store::ProfileUpdate stored;
  stored.display_name = update.display_name;
  stored.note = update.note;
  stored.locked = update.locked;
  stored.bot = update.bot;
  stored.fields = update.fields;
  stored.default_visibility = update.default_visibility;
  stored.default_sensitive = update.default_sensitive;
  stored.default_language = update.default_language;
  stored.discoverable = update.discoverable;
  stored.indexable = update.indexable;
  stored.hide_collections = update.hide_collections;
  PUBLIUS_ASSIGN_OR_RETURN(auto written, mb_.media().write_profile_pictures(pictures, stored));
  if (auto s = store_.update_profile(id, stored); !s.ok()) {
    mb_.media().erase_files(written);
    return s.error();
  }
  mb_.media().erase_replaced_pictures(before, stored);
  account_changed(id);
  PUBLIUS_TRY(mb_.federation().profile_changed(id));
  return account(id);
}
Result<std::vector<Account>> Accounts::directory(Viewer viewer, DirectoryOrder order,
                                                 int64_t offset, int limit) {
  store::DirectoryQuery query{.order = order, .offset = offset, .limit = limit};
  if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(auto hidden, store_.hidden_accounts(*viewer));
    query.excluded = std::move(hidden.accounts);
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.directory(query));
  return accounts(ids);
}
Result<std::vector<int64_t>> Accounts::cached_post_ids_of(int64_t account_id) {
  // Direct posts are sealed and never cached; every other post and boost may be.
  store::AccountStatusesQuery query;
  query.visibilities = visibilities_in_clear();
  std::vector<int64_t> out;
  Page page;
  page.limit = 1000;
  for (;;) {
    PUBLIUS_ASSIGN_OR_RETURN(auto ids, store_.account_statuses(account_id, query, page));
    out.insert(out.end(), ids.begin(), ids.end());
    if (ids.size() < static_cast<size_t>(page.limit)) return out;
    page.max_id = ids.back();
  }
}
Status Accounts::delete_account(int64_t account_id) {
  // Gathered first: the rows that name these accounts and posts cascade away.
  PUBLIUS_ASSIGN_OR_RETURN(auto followers, store_.follower_ids(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto followed,
                           all_ids([&](const Page& p) { return store_.following(account_id, p); }));
  PUBLIUS_ASSIGN_OR_RETURN(
      auto favourited, all_ids([&](const Page& p) { return store_.favourites_of(account_id, p); }));
  PUBLIUS_ASSIGN_OR_RETURN(auto own_posts, cached_post_ids_of(account_id));
  // The media files go once their rows are gone (the store never touches files).
  PUBLIUS_ASSIGN_OR_RETURN(auto media_files, store_.media_file_names_of(account_id));
  // Other servers that know the account hear of its deletion (its key held in memory only
  // until they have).
  PUBLIUS_TRY(mb_.federation().account_erasing(account_id, followed));
  PUBLIUS_TRY(store_.delete_account(account_id));
  if (live()) live()->tokens_of_account_revoked(account_id);
  mb_.media().erase_files(media_files);
  // Followers' warm feeds hold the account's posts and boosts: rebuilt on their next read.
  feeds_.drop(account_id);
  for (int64_t id : followers) {
    feeds_.drop(id);
    account_changed(id);
  }
  for (int64_t id : followed) account_changed(id);
  for (int64_t id : favourited) post_changed(id);
  // Caches drop what they hold of the account: its words must not outlive it, even in memory.
  for (int64_t id : own_posts) post_changed(id);
  account_changed(account_id);
  filters_changed(account_id);
  // Erased from the files now rather than at the next erasure pass. The deletion
  // itself is done, so a busy log is not the caller's failure: the pass retries.
  if (auto erased = store_.erase_deleted(); !erased.ok())
    spdlog::warn("account deleted; erasing its old bytes is left to the next pass: {}",
                 erased.error().message);
  return ok_status();
}
Status Accounts::set_role(int64_t id, Role role) {
  PUBLIUS_TRY(account(id));
  PUBLIUS_TRY(store_.set_role(id, role));
  account_changed(id);
  return ok_status();
}

Result<std::vector<Account>> Accounts::accounts(const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, store_.accounts_by_ids(ids));
  std::vector<Account> ordered;
  ordered.reserve(ids.size());
  for (int64_t id : ids) {
    auto it =
        std::find_if(loaded.begin(), loaded.end(), [&](const Account& a) { return a.id == id; });
    if (it == loaded.end()) continue;
    // The copy is the store's, unchanged: it keeps the revision the renderer's cache knows it by.
    ordered.push_back(*it);
    ordered.back().store_revision.stamp_as(it->store_revision);
  }
  return ordered;
}

Result<InstanceStats> Accounts::instance_stats() {
  PUBLIUS_ASSIGN_OR_RETURN(auto stats, store_.instance_stats());
  return InstanceStats{stats.users, stats.statuses};
}

int64_t round_up_coarsely(int64_t n) {
  if (n <= 0) return 0;
  for (int64_t decade = 1;; decade *= 10) {
    for (int64_t step : {1, 2, 5})
      if (n <= step * decade) return step * decade;
    if (decade > INT64_MAX / 100) return n;
  }
}

Result<InstanceUsage> Accounts::usage(int64_t now_ms) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stats, store_.instance_stats());
  const int64_t today = day_floor_ms(now_ms);
  PUBLIUS_ASSIGN_OR_RETURN(int64_t month, store_.accounts_active_since(today - 29 * kDayMs));
  PUBLIUS_ASSIGN_OR_RETURN(int64_t halfyear, store_.accounts_active_since(today - 179 * kDayMs));
  return InstanceUsage{round_up_coarsely(stats.users), round_up_coarsely(month),
                       round_up_coarsely(halfyear), round_up_coarsely(stats.statuses)};
}

Result<store::ActorKey> Accounts::actor_key(int64_t account_id,
                                            const std::function<Result<store::ActorKey>()>& make) {
  PUBLIUS_ASSIGN_OR_RETURN(auto kept, store_.actor_key(account_id));
  if (kept) return std::move(*kept);
  PUBLIUS_ASSIGN_OR_RETURN(auto made, make());
  return store_.add_actor_key(account_id, made);
}

Result<Account> Accounts::remove_profile_picture(int64_t id, ProfilePicture which) {
  PUBLIUS_ASSIGN_OR_RETURN(auto before, account(id));
  store::ProfileUpdate update;
  (which == ProfilePicture::kAvatar ? update.avatar_file : update.header_file) = "";
  PUBLIUS_TRY(store_.update_profile(id, update));
  mb_.media().erase_replaced_pictures(before, update);
  account_changed(id);
  PUBLIUS_TRY(mb_.federation().profile_changed(id));
  return account(id);
}

}  // namespace publius::domain
