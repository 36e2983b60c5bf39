// libFuzzer target for the legal desk's demand intake (src/legal/demand.cc).
// Build and run: see fuzz/README.md.
//
// The input is the intake JSON. Beyond "no crash, no sanitizer report" it checks what the
// header promises and traps when one breaks:
// - a refusal is a kBadRequest whose message starts with a non-empty field name and ": ";
// - an accepted demand satisfies every intake rule (known instrument, ISO country code,
//   non-empty distinct valid targets and categories, a court order has an end day, ...);
// - the stored form (demand_to_json without the id) parses back to the same demand, so
//   nothing the desk accepts becomes a record it cannot read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "domain/microblog.h"
#include "legal/demand.h"
#include "shield/inventory.h"

namespace {

using publius::legal::Demand;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool one_of(const std::vector<std::string>& names, std::string_view v) {
  return std::find(names.begin(), names.end(), v) != names.end();
}

bool distinct(const std::vector<std::string>& v) {
  return std::set<std::string>(v.begin(), v.end()).size() == v.size();
}

void check_rules(const Demand& d) {
  for (const std::string* s : {&d.agency, &d.country, &d.instrument, &d.authority})
    check(!s->empty() && s->size() <= 2000);
  check(d.country.size() == 2 || d.country.size() == 3);
  check(
      std::all_of(d.country.begin(), d.country.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
  check(one_of(publius::legal::instrument_names(), d.instrument));
  check(!d.targets.empty() && distinct(d.targets));
  for (const auto& t : d.targets) check(publius::domain::is_valid_username(t));
  check(!d.categories_requested.empty() && distinct(d.categories_requested));
  for (const auto& c : d.categories_requested) {
    check(publius::shield::is_demand_category(c));
    check(publius::legal::requests_category(d, c));
  }
  check(d.nondisclosure == "none" || d.nondisclosure == "requested" ||
        d.nondisclosure == "court_order");
  check((d.nondisclosure == "court_order") == d.nondisclosure_until_ms.has_value());
  check(!d.offense_stated || !d.offense_stated->empty());
  for (const auto& doc : d.documents) check(!doc.empty());
}

bool same(const Demand& a, const Demand& b) {
  return a.received_ms == b.received_ms && a.agency == b.agency &&
         a.agency_component == b.agency_component && a.country == b.country &&
         a.instrument == b.instrument && a.authority == b.authority && a.targets == b.targets &&
         a.categories_requested == b.categories_requested && a.deadline_ms == b.deadline_ms &&
         a.nondisclosure == b.nondisclosure &&
         a.nondisclosure_until_ms == b.nondisclosure_until_ms &&
         a.offense_stated == b.offense_stated && a.documents == b.documents && a.notes == b.notes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = publius::legal::parse_demand(input);
  if (!parsed.ok()) {
    check(parsed.error().code == publius::ErrorCode::kBadRequest);
    const std::string& message = parsed.error().message;
    // An unknown field is named as sent, and its name may itself hold ": ".
    const size_t colon = message.find(": ");
    const std::string_view unknown = ": unknown field";
    check(colon != std::string::npos &&
          (colon > 0 ||
           (message.size() > unknown.size() &&
            message.compare(message.size() - unknown.size(), unknown.size(), unknown) == 0)));
    return 0;
  }
  check_rules(*parsed);
  const std::string stored = publius::legal::demand_to_json(*parsed, /*with_id=*/false);
  const auto reread = publius::legal::parse_demand(stored);
  check(reread.ok());
  check(same(*parsed, *reread));
  check(publius::legal::demand_to_json(*reread, false) == stored);
  return 0;
}
