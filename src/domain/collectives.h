// Collectives: one account run by several people (docs/collective-accounts.md). The
// server knows who may act for the account, never which of them did.
//
// A member is credentials and nothing else: a password of its own (no username, no
// contact), recovery codes, tokens and sessions, and its copies of the account's
// sealed-message keys. Everything the account does stays the account's: no post,
// favourite, DM, edit or setting names a member, and a member's tokens and sessions
// keep no days of use. Sign-in with the account's name and a member's password costs
// one Argon2id however many members there are (shield::MemberPasswordKey): the
// password is stretched once under the account's salt and the member is found by a
// keyed hash of the result.
//
// The owner (one member at a time) invites and removes members and may hand the role
// over; any member may leave, except the owner (who hands over first) and the last
// member (who deletes the account instead). Removing a member deletes its credentials
// at once and re-keys the account: a new key pair seals what is sent from then on, and
// the members who stay get it sealed to their own keys, so a removed member's saved
// key opens nothing new.
//
// Thread-safety and errors as every service (domain/service.h): 422 for a rule broken,
// 403 for a member who is not the owner, 404 for a member not in the account.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/keys.h"
#include "domain/service.h"
#include "shield/sealing.h"

namespace publius::domain {

// What a new member (or the owner, making the account collective) takes away: its
// member id, its recovery codes (shown once) and its own secret key, which the
// credentials issued for this sign-in wrap.
struct NewMembership {
  Account account;
  int64_t member_id = 0;
  std::vector<std::string> recovery_codes;
  shield::SecretKey key;
};

// A member as members see the list: its place in join order (1, 2, 3), the day it
// joined, whether it is the owner and whether it is the viewer. `id` names it to
// remove or hand over to; nothing else about a member exists to show.
struct MemberListing {
  int64_t id = 0;
  int64_t number = 0;
  int64_t joined_day_ms = 0;
  bool owner = false;
  bool you = false;
};

// An invite code, shown once to the owner, good until the end of `expires_day_ms`.
struct Invitation {
  std::string code;
  int64_t expires_day_ms = 0;
};

// A member who proved a password: its id and its own secret key.
struct MemberKey {
  int64_t member_id = 0;
  shield::SecretKey key;
};

class Collectives final : private ServiceBase {
 public:
  explicit Collectives(Microblog& microblog) : ServiceBase(microblog) {}

  // Whether the account is collective.
  Result<bool> is_collective(int64_t account_id);
  // Makes the account collective, its owner the first member, whose member password
  // is the account's password (checked here; 422 when wrong). The account's old
  // password, recovery codes, tokens and sessions end: the owner signs in again as a
  // member. 422 when it already is collective.
  Result<NewMembership> make_collective(int64_t account_id, std::string_view password,
                                        std::string_view client_key);
  // A new invite code (single use, good for kInviteDays days), which carries `ring`
  // (the owner's keys) to the member who joins with it. 403 unless `member_id` is the
  // owner; 422 when `ring` lacks the account's current key (a sign-in that cannot open
  // sealed messages cannot invite).
  Result<Invitation> invite(int64_t account_id, int64_t member_id, const KeyRing& ring);
  // Joins the account an invite code names with a new member password. 422 for a
  // code unknown, spent or expired (one message for all), for a password the rule
  // refuses, or for one another member already has (the code is then spent: see
  // docs/collective-accounts.md on what that tells the joiner).
  Result<NewMembership> join(std::string_view code, std::string_view password);
  // The members in join order, `viewer` marked as "you".
  Result<std::vector<MemberListing>> members(int64_t account_id, std::optional<int64_t> viewer);
  // Removes member `member_id`: by the owner, by the member itself (leaving), or by the
  // operator (`acting` empty). Its credentials end at once and the account is
  // re-keyed. 403 for another member acting; 404 for a member not of this account; 422
  // for the owner (hand over first) or the last member.
  Status remove(int64_t account_id, std::optional<int64_t> acting, int64_t member_id);
  // The owner `acting` makes `to` the owner (the operator when `acting` is empty). 403
  // for a member who is not the owner; 404 for a member not of this account.
  Status hand_over(int64_t account_id, std::optional<int64_t> acting, int64_t to);

  // The member whose password this is, found with one Argon2id; empty when none.
  // For Credentials' sign-in.
  Result<std::optional<MemberKey>> find_member(int64_t account_id, std::string_view password);
  // The member's new password (its key re-wrapped under it), after its current one.
  // 422 for a wrong current password, a password the rule refuses or one another
  // member has. Its other web sessions stay: a member's password guards only itself.
  Status change_password(int64_t account_id, int64_t member_id, std::string_view current,
                         std::string_view fresh, std::string_view client_key);
  // Fresh recovery codes for the member (its current password checked; 422 when
  // wrong), replacing its old ones; returned once.
  Result<std::vector<std::string>> replace_recovery_codes(int64_t account_id, int64_t member_id,
                                                          std::string_view current,
                                                          std::string_view client_key);
  Result<int64_t> recovery_codes_left(int64_t member_id);
  // Spends one of a member's recovery codes to set its new password; that member's
  // tokens and sessions end. false when no member of the account holds the code.
  Result<bool> recover(int64_t account_id, std::string_view code, std::string_view new_password);

 private:
  // The member's key after its current password; 422 when the password is not its.
  Result<MemberKey> current_member(int64_t account_id, int64_t member_id, std::string_view current,
                                   std::string_view client_key);
  // A new member's rows: lookup, key pair, copies of `ring`, fresh recovery codes.
  struct Prepared {
    store::NewMember row;
    std::vector<std::string> recovery_codes;
    shield::SecretKey key;
  };
  Result<Prepared> prepare_member(const std::string& salt, std::string_view password,
                                  const KeyRing& ring);
};

// How long an invite code is good for, in days after the day it was made.
inline constexpr int64_t kInviteDays = 7;

}  // namespace publius::domain
