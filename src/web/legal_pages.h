// The operator's legal desk and the public transparency report as pages of the
// web UI, pure functions from plain values to HTML in the site's layout
// (render_page). The demand values are the legal desk's own JSON (the shapes
// LegalDesk::list_json, show_json and transparency return, which the admin API
// serves too), so the page and the API can never disagree.
//
// Charts are inline SVG drawn here: role="img" with <title> and <desc>, text
// labels on every bar, colours from the stylesheet's classes (light and dark
// themes; no style attributes, which the CSP forbids), and each followed by a
// table holding the same numbers.
//
// Pure and thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "legal/audit.h"
#include "web/pages.h"

namespace publius::web {

// The intake form's fields as typed, so a refused intake comes back filled in.
struct IntakeForm {
  std::string received_at, agency, agency_component, country, instrument, authority, targets,
      deadline, nondisclosure = "none", nondisclosure_until, offense_stated, notes;
  std::vector<std::string> categories;
  std::string error;
};

// The workflow moves the demand page offers, each a button.
struct DemandActions {
  std::vector<std::string> next_states;  // legal next states, production excluded
  bool can_produce = false;              // a production form for the requested categories
  bool package_stored = false;           // a download link for the stored package
};

// `demands`: LegalDesk::list_json entries of this page.
std::string legal_list_page(const Frame& frame, const boost::json::array& demands,
                            const Pager& pager);
std::string legal_intake_page(const Frame& frame, const IntakeForm& form);
// `demand`: LegalDesk::show_json. `notice`: a fixed message after an action.
std::string legal_demand_page(const Frame& frame, const boost::json::object& demand,
                              const DemandActions& actions, std::string_view notice,
                              std::string_view error);
std::string legal_audit_page(const Frame& frame, const legal::ChainReport& report);

// `report`: LegalDesk::transparency JSON; `periods`: the half-years with demands.
std::string transparency_page(const Frame& frame, const boost::json::object& report,
                              const std::vector<std::string>& periods);

// A readable label for a workflow state ("user_notified" -> "user notified").
std::string state_label(std::string_view state);

}  // namespace publius::web
