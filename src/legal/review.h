// The review engine: reads a demand against rules the operator can read and
// extend (legal/rules.json, copied to DATA_DIR/legal/rules.json) and the
// disclosure inventory of each target, and reports findings with stable codes,
// a severity, a plain-English explanation and the citation each rests on, plus
// a recommendation with its reasons. It advises; it never acts.
//
// Rules and Review are immutable values once built; review_demand() is pure and
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legal/demand.h"
#include "shield/inventory.h"
#include "util/result.h"

namespace publius::legal {

struct AuthorityRule {
  std::string id;
  std::vector<std::string> aliases;  // normalized (see normalize_citation)
  std::string title;
  std::vector<std::string> instruments;  // empty: any
  std::vector<std::string> agencies;     // empty: any
  std::vector<std::string> reaches;      // demand categories it can compel
  std::string scope;
  std::string citation;
};

struct FindingRule {
  std::string severity;     // blocking | warning | info
  std::string explanation;  // may hold {placeholders}
  std::string citation;
};

struct Rules {
  int minimum_response_days = 10;
  std::vector<std::string> identity_categories;
  std::vector<std::string> court_reviewed_instruments;
  std::vector<AuthorityRule> authorities;
  std::map<std::string, FindingRule, std::less<>> findings;
  std::string counsel;

  // Parses rules JSON; errors name the offending member.
  static Result<Rules> parse(std::string_view json_text);
  const AuthorityRule* find_authority(std::string_view citation) const;
};

// "19 U.S.C. § 1509" -> "19usc1509": the form aliases are compared in.
std::string normalize_citation(std::string_view citation);

struct Prong {
  std::string
      name;  // offense_shown | least_restrictive_means | not_aimed_at_speech | interests_outweigh
  bool shown = false;
  std::string basis;
};

struct Finding {
  std::string code;
  std::string severity;
  std::string explanation;
  std::string citation;
  std::string category;       // category_not_held
  std::string target;         // category_not_held, target_unknown
  std::vector<Prong> prongs;  // anonymous_speech_unmasking_test
};

struct Review {
  std::vector<Finding> findings;
  std::string recommendation;  // challenge | narrow | comply_partially | comply | reject_defective
  std::vector<std::string> reasons;
  bool has(std::string_view code) const;
};

// `targets` maps each target username to its inventory, or nullopt when it is
// not a local account.
Review review_demand(const Rules& rules, const Demand& demand,
                     const std::map<std::string, std::optional<shield::AccountInventory>>& targets);

// {"findings": [...], "recommendation": ..., "reasons": [...]}
std::string review_to_json(const Review& review);

}  // namespace publius::legal
