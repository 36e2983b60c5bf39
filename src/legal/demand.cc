#include "legal/demand.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "domain/federation.h"
#include "domain/microblog.h"
#include "shield/inventory.h"
#include "util/time.h"

namespace publius::legal {

namespace json = boost::json;

const std::vector<std::string>& instrument_names() {
  static const std::vector<std::string> kNames = {
      "administrative_summons", "subpoena",
      "grand_jury_subpoena",    "court_order",
      "search_warrant",         "national_security_letter",
      "emergency_request",      "preservation_request",
      "foreign_request",        "other"};
  return kNames;
}

const std::vector<std::string>& state_names() {
  static const std::vector<std::string> kNames = {
      "received", "under_review", "user_notified", "challenged", "upheld", "quashed",
      "produced", "rejected",     "preserved",     "withdrawn",  "closed"};
  return kNames;
}

namespace {

bool one_of(const std::vector<std::string>& names, std::string_view v) {
  return std::find(names.begin(), names.end(), v) != names.end();
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Error field_error(std::string_view field, std::string_view problem) {
  return bad_request(std::string(field) + ": " + std::string(problem));
}

Result<std::string> required_string(const json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  if (!v) return field_error(field, "is required");
  if (!v->is_string()) return field_error(field, "must be a string");
  std::string s(v->as_string());
  if (s.empty()) return field_error(field, "must not be empty");
  if (s.size() > 2000) return field_error(field, "is too long");
  return s;
}

Result<std::optional<int64_t>> optional_time(const json::object& o, std::string_view field) {
  auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::optional<int64_t>();
  if (!v->is_string()) return field_error(field, "must be an RFC 3339 time or null");
  auto ms = parse_rfc3339_ms(std::string(v->as_string()));
  if (!ms) return field_error(field, "must be an RFC 3339 time (e.g. 2017-03-14T09:30:00Z)");
  return std::optional<int64_t>(*ms);
}

Result<std::vector<std::string>> string_array(const json::object& o, std::string_view field,
                                              bool required) {
  auto* v = o.if_contains(field);
  if (!v) {
    if (required) return field_error(field, "is required");
    return std::vector<std::string>();
  }
  if (!v->is_array()) return field_error(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().empty())
      return field_error(field, "must be an array of non-empty strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

bool requests_category(const Demand& d, std::string_view category) {
  return std::find(d.categories_requested.begin(), d.categories_requested.end(), category) !=
         d.categories_requested.end();
}

Result<Demand> parse_demand(std::string_view text) {
  json::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return bad_request("demand: not valid JSON (" + ec.message() + ")");
  if (!root.is_object()) return bad_request("demand: must be a JSON object");
  const json::object& o = root.as_object();
  static const std::set<std::string, std::less<>> kKnown = {"received_at",
                                                            "agency",
                                                            "agency_component",
                                                            "country",
                                                            "instrument",
                                                            "authority",
                                                            "targets",
                                                            "categories_requested",
                                                            "deadline",
                                                            "nondisclosure",
                                                            "nondisclosure_until",
                                                            "offense_stated",
                                                            "documents",
                                                            "notes"};
  for (const auto& [key, value] : o)
    if (!kKnown.count(std::string_view(key)))
      return field_error(key.empty() ? "\"\"" : std::string_view(key), "unknown field");

  Demand d;
  PUBLIUS_ASSIGN_OR_RETURN(auto received, optional_time(o, "received_at"));
  if (!received) return field_error("received_at", "is required");
  d.received_ms = *received;
  PUBLIUS_ASSIGN_OR_RETURN(d.agency, required_string(o, "agency"));
  if (auto* v = o.if_contains("agency_component"); v && !v->is_null()) {
    if (!v->is_string()) return field_error("agency_component", "must be a string or null");
    d.agency_component = std::string(v->as_string());
  }
  PUBLIUS_ASSIGN_OR_RETURN(d.country, required_string(o, "country"));
  const bool country_ok =
      (d.country.size() == 2 || d.country.size() == 3) &&
      std::all_of(d.country.begin(), d.country.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!country_ok) return field_error("country", "must be an ISO 3166 code such as \"US\"");
  PUBLIUS_ASSIGN_OR_RETURN(d.instrument, required_string(o, "instrument"));
  if (!one_of(instrument_names(), d.instrument))
    return field_error("instrument", "must be one of " + joined(instrument_names()));
  PUBLIUS_ASSIGN_OR_RETURN(d.authority, required_string(o, "authority"));
  PUBLIUS_ASSIGN_OR_RETURN(auto targets, string_array(o, "targets", true));
  if (targets.empty()) return field_error("targets", "must name at least one account");
  for (auto& t : targets) {
    if (t.front() == '@') t.erase(0, 1);
    if (!domain::is_valid_username(t) && !domain::is_valid_remote_acct(t))
      return field_error("targets", "'" + t + "' is not an account name (name or user@host)");
    if (std::find(d.targets.begin(), d.targets.end(), t) == d.targets.end()) d.targets.push_back(t);
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto categories, string_array(o, "categories_requested", true));
  if (categories.empty())
    return field_error("categories_requested", "must name at least one category");
  for (const auto& c : categories) {
    if (!shield::is_demand_category(c))
      return field_error("categories_requested",
                         "'" + c + "' is not one of " + joined(shield::demand_category_names()));
    if (!requests_category(d, c)) d.categories_requested.push_back(c);
  }
  if (!o.contains("deadline")) return field_error("deadline", "is required (a time or null)");
  PUBLIUS_ASSIGN_OR_RETURN(d.deadline_ms, optional_time(o, "deadline"));
  PUBLIUS_ASSIGN_OR_RETURN(d.nondisclosure, required_string(o, "nondisclosure"));
  if (!one_of({"none", "requested", "court_order"}, d.nondisclosure))
    return field_error("nondisclosure", "must be none, requested or court_order");
  PUBLIUS_ASSIGN_OR_RETURN(d.nondisclosure_until_ms, optional_time(o, "nondisclosure_until"));
  if (d.nondisclosure == "court_order" && !d.nondisclosure_until_ms)
    return field_error("nondisclosure_until",
                       "is required for a court order (the day the order expires)");
  if (d.nondisclosure != "court_order" && d.nondisclosure_until_ms)
    return field_error("nondisclosure_until", "applies only to nondisclosure \"court_order\"");
  if (auto* v = o.if_contains("offense_stated"); v && !v->is_null()) {
    if (!v->is_string()) return field_error("offense_stated", "must be a string or null");
    std::string offense(v->as_string());
    if (!offense.empty()) d.offense_stated = offense;
  }
  PUBLIUS_ASSIGN_OR_RETURN(d.documents, string_array(o, "documents", false));
  if (auto* v = o.if_contains("notes"); v && !v->is_null()) {
    if (!v->is_string()) return field_error("notes", "must be a string");
    d.notes = std::string(v->as_string());
  }
  return d;
}

std::string demand_to_json(const Demand& d, bool with_id) {
  json::object o;
  if (with_id) o["id"] = d.id;
  o["received_at"] = format_iso8601_ms(d.received_ms);
  o["agency"] = d.agency;
  o["agency_component"] = d.agency_component;
  o["country"] = d.country;
  o["instrument"] = d.instrument;
  o["authority"] = d.authority;
  json::array targets, categories, documents;
  for (const auto& t : d.targets) targets.emplace_back(t);
  for (const auto& c : d.categories_requested) categories.emplace_back(c);
  for (const auto& doc : d.documents) documents.emplace_back(doc);
  o["targets"] = std::move(targets);
  o["categories_requested"] = std::move(categories);
  o["deadline"] = d.deadline_ms ? json::value(format_iso8601_ms(*d.deadline_ms)) : json::value();
  o["nondisclosure"] = d.nondisclosure;
  o["nondisclosure_until"] = d.nondisclosure_until_ms
                                 ? json::value(format_iso8601_ms(*d.nondisclosure_until_ms))
                                 : json::value();
  o["offense_stated"] = d.offense_stated ? json::value(*d.offense_stated) : json::value();
  o["documents"] = std::move(documents);
  o["notes"] = d.notes;
  return json::serialize(o);
}

}  // namespace publius::legal
