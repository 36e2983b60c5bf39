// Collectives: accounts run by several people, none of whom the server can tell apart
// in anything the account does.
#include "domain/collectives.h"

#include "domain/microblog.h"
#include "util/crypto.h"
#include "util/time.h"

namespace publius::domain {
namespace {

constexpr std::string_view kRecoveryLookupContext = "publius/member-recovery/v1/";
// How often a removal is tried again when a member joined while the account was re-keyed.
constexpr int kRekeyAttempts = 3;

// A member's recovery code is found by a keyed hash under the account's salt: the code
// holds 80 random bits, so a fast hash is as strong as a slow one.
std::string recovery_lookup(const std::string& salt, std::string_view code) {
  return keyed_hash(salt, std::string(kRecoveryLookupContext) + std::string(code));
}

Error password_taken() {
  return unprocessable(
      "That password cannot be used for this account: choose a different, longer one.");
}

}  // namespace

Result<bool> Collectives::is_collective(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  return collective.has_value();
}

Result<Collectives::Prepared> Collectives::prepare_member(const std::string& salt,
                                                          std::string_view password,
                                                          const KeyRing& ring) {
  PUBLIUS_TRY(check_password(password));
  Prepared out;
  PUBLIUS_ASSIGN_OR_RETURN(auto password_key, shield::MemberPasswordKey::derive(password, salt));
  shield::KeyPair pair = shield::generate_key_pair();
  out.row.lookup = password_key.lookup();
  out.row.public_key = pair.public_key;
  out.row.wrapped_key = password_key.wrap(pair.secret_key);
  for (const auto& generation : ring) {
    PUBLIUS_ASSIGN_OR_RETURN(auto sealed, shield::seal_key(generation.key, pair.public_key));
    out.row.key_copies.push_back({generation.generation, std::move(sealed)});
  }
  for (size_t i = 0; i < kRecoveryCodeCount; ++i) {
    std::string code = new_recovery_code();
    PUBLIUS_ASSIGN_OR_RETURN(
        auto wrapped,
        shield::wrap_for_credential(pair.secret_key, shield::Credential::kRecoveryCode, code));
    out.row.recovery_codes.push_back({recovery_lookup(salt, code), std::move(wrapped)});
    out.recovery_codes.push_back(std::move(code));
  }
  out.key = std::move(pair.secret_key);
  return out;
}

Result<NewMembership> Collectives::make_collective(int64_t account_id, std::string_view password,
                                                   std::string_view client_key) {
  PUBLIUS_ASSIGN_OR_RETURN(Account account, mb_.accounts().account(account_id));
  PUBLIUS_ASSIGN_OR_RETURN(bool already, is_collective(account_id));
  if (already) return unprocessable("This account is already collective.");
  auto checked = mb_.credentials().authenticate(account.username, password, client_key);
  if (!checked.ok()) {
    if (checked.error().code != ErrorCode::kUnauthorized) return checked.take_error();
    return unprocessable("The password is not right; the account was not changed.");
  }
  // Generation 1 is the account's key pair as it is (made now if it has none yet).
  PUBLIUS_ASSIGN_OR_RETURN(auto key, mb_.keys().unlock_with_password(account_id, password));
  if (!key) return internal_error("the account's key did not open with its password");
  KeyRing ring;
  ring.push_back({1, std::move(*key)});
  const std::string salt = shield::new_member_salt();
  PUBLIUS_ASSIGN_OR_RETURN(auto prepared, prepare_member(salt, password, ring));
  auto made = store_.make_collective(account_id, salt, prepared.row, now_day_ms());
  if (!made.ok()) {
    if (made.error().code == ErrorCode::kConflict)
      return unprocessable("This account is already collective.");
    return made.take_error();
  }
  // Every credential of the one-person account is gone; its streams close.
  if (live()) live()->tokens_of_account_revoked(account_id);
  return NewMembership{std::move(account), *made, std::move(prepared.recovery_codes),
                       std::move(prepared.key)};
}

Result<Invitation> Collectives::invite(int64_t account_id, int64_t member_id, const KeyRing& ring) {
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  if (!collective) return unprocessable("This account is not collective.");
  PUBLIUS_ASSIGN_OR_RETURN(auto member, store_.member(member_id));
  if (!member || member->account_id != account_id || !member->owner)
    return forbidden("Only the account's owner can invite members.");
  if (ring.empty() || ring.front().generation != collective->key_generation)
    return unprocessable(
        "This sign-in cannot open the account's sealed messages, so it cannot pass them on: "
        "sign in again with your password to invite.");
  Invitation out;
  out.code = random_token(24);
  out.expires_day_ms = now_day_ms() + kInviteDays * kDayMs;
  store::Invite row;
  row.account_id = account_id;
  row.expires_day_ms = out.expires_day_ms;
  for (const auto& generation : ring) {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto wrapped,
        shield::wrap_for_credential(generation.key, shield::Credential::kInviteCode, out.code));
    row.wrapped_keys.push_back({generation.generation, std::move(wrapped)});
  }
  PUBLIUS_TRY(store_.create_invite(sha256_hex(out.code), row));
  return out;
}

Result<NewMembership> Collectives::join(std::string_view code, std::string_view password) {
  const Error unknown =
      unprocessable("That invite code is not valid: it may be mistyped, used or expired.");
  PUBLIUS_TRY(check_password(password));
  const std::string code_hash = sha256_hex(code);
  const int64_t today = now_day_ms();
  PUBLIUS_ASSIGN_OR_RETURN(auto invite, store_.invite(code_hash, today));
  if (!invite) return unknown;
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(invite->account_id));
  if (!collective) return unknown;
  KeyRing ring;
  for (const auto& copy : invite->wrapped_keys) {
    PUBLIUS_ASSIGN_OR_RETURN(auto key, shield::unwrap_with_credential(
                                           copy.sealed, shield::Credential::kInviteCode, code));
    ring.push_back({copy.generation, std::move(key)});
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto prepared, prepare_member(collective->salt, password, ring));
  PUBLIUS_ASSIGN_OR_RETURN(auto outcome,
                           store_.join_collective(code_hash, today, prepared.row, today));
  if (outcome.lookup_taken) return password_taken();
  if (!outcome.member_id) return unknown;
  PUBLIUS_ASSIGN_OR_RETURN(Account account, mb_.accounts().account(invite->account_id));
  return NewMembership{std::move(account), *outcome.member_id, std::move(prepared.recovery_codes),
                       std::move(prepared.key)};
}

Result<std::vector<MemberListing>> Collectives::members(int64_t account_id,
                                                        std::optional<int64_t> viewer) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, store_.members(account_id));
  std::vector<MemberListing> out;
  for (const auto& m : rows)
    out.push_back({m.id, static_cast<int64_t>(out.size()) + 1, m.joined_day_ms, m.owner,
                   viewer && *viewer == m.id});
  return out;
}

Status Collectives::remove(int64_t account_id, std::optional<int64_t> acting, int64_t member_id) {
  for (int attempt = 1;; ++attempt) {
    PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
    if (!collective) return unprocessable("This account is not collective.");
    PUBLIUS_ASSIGN_OR_RETURN(auto rows, store_.members(account_id));
    const store::Member* target = nullptr;
    const store::Member* actor = nullptr;
    for (const auto& m : rows) {
      if (m.id == member_id) target = &m;
      if (acting && m.id == *acting) actor = &m;
    }
    if (acting && (!actor || (!actor->owner && *acting != member_id)))
      return forbidden("Only the account's owner can remove another member.");
    if (!target) return not_found("No such member of this account.");
    if (rows.size() == 1)
      return unprocessable(
          "The last member cannot leave: an account needs someone to act for it. Delete the "
          "account instead.");
    if (target->owner)
      return unprocessable("The owner hands the account over to another member before leaving.");
    // The new generation, sealed to each member who stays.
    shield::KeyPair pair = shield::generate_key_pair();
    store::Rekey rekey;
    rekey.generation = collective->key_generation + 1;
    rekey.public_key = pair.public_key;
    for (const auto& m : rows) {
      if (m.id == member_id) continue;
      PUBLIUS_ASSIGN_OR_RETURN(auto sealed, shield::seal_key(pair.secret_key, m.public_key));
      rekey.copies.emplace_back(m.id, std::move(sealed));
    }
    auto removed = store_.remove_member(member_id, rekey);
    if (removed.ok()) {
      if (live())
        for (int64_t token_id : *removed) live()->token_revoked(token_id);
      return ok_status();
    }
    // A member joined (or went) meanwhile: read the members again.
    if (removed.error().code != ErrorCode::kConflict || attempt == kRekeyAttempts)
      return removed.take_error();
  }
}

Status Collectives::hand_over(int64_t account_id, std::optional<int64_t> acting, int64_t to) {
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, store_.members(account_id));
  const store::Member* owner = nullptr;
  bool found = false;
  for (const auto& m : rows) {
    if (m.owner) owner = &m;
    if (m.id == to) found = true;
  }
  if (!owner) return unprocessable("This account is not collective.");
  if (acting && *acting != owner->id)
    return forbidden("Only the account's owner can hand it over.");
  if (!found) return not_found("No such member of this account.");
  if (to == owner->id) return unprocessable("That member is the owner already.");
  return store_.hand_over(owner->id, to);
}

Result<std::optional<MemberKey>> Collectives::find_member(int64_t account_id,
                                                          std::string_view password) {
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  if (!collective) return std::optional<MemberKey>();
  PUBLIUS_ASSIGN_OR_RETURN(auto password_key,
                           shield::MemberPasswordKey::derive(password, collective->salt));
  PUBLIUS_ASSIGN_OR_RETURN(auto member, store_.member_by_lookup(account_id, password_key.lookup()));
  if (!member) return std::optional<MemberKey>();
  auto key = password_key.unwrap(member->wrapped_key);
  if (!key.ok()) {
    if (key.error().code != ErrorCode::kUnauthorized) return key.take_error();
    return std::optional<MemberKey>();
  }
  return std::optional<MemberKey>(MemberKey{member->id, std::move(key).value()});
}

Result<MemberKey> Collectives::current_member(int64_t account_id, int64_t member_id,
                                              std::string_view current,
                                              std::string_view client_key) {
  PUBLIUS_ASSIGN_OR_RETURN(Account account, mb_.accounts().account(account_id));
  auto signed_in = mb_.credentials().sign_in(account.username, current, client_key);
  if (!signed_in.ok() && signed_in.error().code != ErrorCode::kUnauthorized)
    return signed_in.take_error();
  // Another member's password is as wrong here as no password at all.
  if (!signed_in.ok() || signed_in->member_id != member_id || !signed_in->key)
    return unprocessable("The current password is not right; nothing was changed.");
  return MemberKey{member_id, std::move(*signed_in->key)};
}

Status Collectives::change_password(int64_t account_id, int64_t member_id, std::string_view current,
                                    std::string_view fresh, std::string_view client_key) {
  PUBLIUS_TRY(check_password(fresh));
  PUBLIUS_ASSIGN_OR_RETURN(auto member, current_member(account_id, member_id, current, client_key));
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  if (!collective) return unprocessable("This account is not collective.");
  PUBLIUS_ASSIGN_OR_RETURN(auto password_key,
                           shield::MemberPasswordKey::derive(fresh, collective->salt));
  auto set = store_.set_member_password(member_id, password_key.lookup(),
                                        password_key.wrap(member.key), std::nullopt);
  if (!set.ok()) {
    if (set.error().code == ErrorCode::kConflict) return password_taken();
    return set.take_error();
  }
  return ok_status();
}

Result<std::vector<std::string>> Collectives::replace_recovery_codes(int64_t account_id,
                                                                     int64_t member_id,
                                                                     std::string_view current,
                                                                     std::string_view client_key) {
  PUBLIUS_ASSIGN_OR_RETURN(auto member, current_member(account_id, member_id, current, client_key));
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  if (!collective) return unprocessable("This account is not collective.");
  std::vector<std::string> codes;
  std::vector<store::NewMemberRecoveryCode> rows;
  for (size_t i = 0; i < kRecoveryCodeCount; ++i) {
    std::string code = new_recovery_code();
    PUBLIUS_ASSIGN_OR_RETURN(
        auto wrapped,
        shield::wrap_for_credential(member.key, shield::Credential::kRecoveryCode, code));
    rows.push_back({recovery_lookup(collective->salt, code), std::move(wrapped)});
    codes.push_back(std::move(code));
  }
  PUBLIUS_TRY(store_.replace_member_recovery_codes(member_id, rows));
  return codes;
}

Result<int64_t> Collectives::recovery_codes_left(int64_t member_id) {
  return store_.member_recovery_codes_left(member_id);
}

Result<bool> Collectives::recover(int64_t account_id, std::string_view code,
                                  std::string_view new_password) {
  PUBLIUS_ASSIGN_OR_RETURN(auto collective, store_.collective(account_id));
  if (!collective) return false;
  PUBLIUS_ASSIGN_OR_RETURN(
      auto found, store_.member_recovery_code(account_id, recovery_lookup(collective->salt, code)));
  if (!found) return false;
  auto key =
      shield::unwrap_with_credential(found->wrapped_key, shield::Credential::kRecoveryCode, code);
  if (!key.ok()) {
    if (key.error().code != ErrorCode::kUnauthorized) return key.take_error();
    return false;
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto password_key,
                           shield::MemberPasswordKey::derive(new_password, collective->salt));
  auto set = store_.set_member_password(found->member_id, password_key.lookup(),
                                        password_key.wrap(*key), found->id);
  if (!set.ok()) {
    if (set.error().code == ErrorCode::kConflict) return password_taken();
    return set.take_error();
  }
  if (!*set) return false;  // spent meanwhile
  // Whoever held the member's old password loses its tokens and sessions.
  if (live())
    for (int64_t token_id : **set) live()->token_revoked(token_id);
  return true;
}

}  // namespace publius::domain
