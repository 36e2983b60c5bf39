// A government demand for user data, as the legal desk records it, and the
// strict JSON intake that builds one. Value types; not synchronized.
//
// parse_demand() accepts exactly the fields of the intake format (issue 4) and
// rejects anything unknown or malformed with a kBadRequest error whose message
// starts with the offending field's name, so nothing half-valid is ever stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace publius::legal {

const std::vector<std::string>& instrument_names();
const std::vector<std::string>& state_names();

struct Demand {
  std::string id;  // assigned at intake
  int64_t received_ms = 0;
  std::string agency;
  std::string agency_component;
  std::string country;                            // ISO 3166 alpha-2 (or alpha-3), upper case
  std::string instrument;                         // one of instrument_names()
  std::string authority;                          // the citation as written
  std::vector<std::string> targets;               // usernames without '@'
  std::vector<std::string> categories_requested;  // shield::demand_category_names()
  std::optional<int64_t> deadline_ms;
  std::string nondisclosure = "none";             // none | requested | court_order
  std::optional<int64_t> nondisclosure_until_ms;  // for a court order
  std::optional<std::string> offense_stated;
  std::vector<std::string> documents;  // paths at intake; SHA-256 hex once stored
  std::string notes;
};

// Parses intake JSON. Errors name the field: "instrument: must be one of ...".
Result<Demand> parse_demand(std::string_view json_text);

// The demand as JSON (times in RFC 3339): the shape intake accepts, plus "id"
// when with_id (the stored form omits it so parse_demand() reads it back).
std::string demand_to_json(const Demand& d, bool with_id = true);

bool requests_category(const Demand& d, std::string_view category);

}  // namespace publius::legal
