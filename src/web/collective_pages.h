// The pages of collective accounts (docs/collective-accounts.md): the signed-in
// account's collective settings (make it collective, the member list as "member 1, 2,
// 3 (you)" with join days, invite, remove, leave, hand over, the member's own password
// and recovery codes), the invite code shown once, and the join page. Pure functions
// from plain values to HTML, in the site's layout; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "domain/collectives.h"
#include "web/pages.h"

namespace publius::web {

struct CollectivePage {
  bool collective = false;
  std::vector<domain::MemberListing> members;
  bool viewer_is_owner = false;
  int64_t recovery_codes_left = 0;  // the viewer's own
  std::string error;
  std::string notice;
};
std::string collective_page(const Frame& frame, const CollectivePage& page);

// The invite code, shown once, with the address to join at.
std::string invite_page(const Frame& frame, const domain::Invitation& invitation);

// Joining with an invite code and a new member password.
std::string join_page(const Frame& frame, const FormState& state);

}  // namespace publius::web
