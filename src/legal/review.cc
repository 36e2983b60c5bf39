#include "legal/review.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "util/time.h"

namespace publius::legal {

namespace json = boost::json;

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Result<std::vector<std::string>> strings_of(const json::object& o, std::string_view key,
                                            std::string_view where) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array())
    return bad_request("rules: " + std::string(where) + std::string(key) + " must be an array");
  for (const auto& item : v->as_array()) {
    if (!item.is_string())
      return bad_request("rules: " + std::string(where) + std::string(key) + " must hold strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

std::string string_of(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    const std::string placeholder = "{" + key + "}";
    for (size_t at = text.find(placeholder); at != std::string::npos;
         at = text.find(placeholder, at + value.size()))
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string normalize_citation(std::string_view citation) {
  std::string out = lower(citation);
  for (const char* word : {"section", "sec"}) {
    for (size_t at = out.find(word); at != std::string::npos; at = out.find(word))
      out.erase(at, std::string_view(word).size());
  }
  std::string kept;
  for (size_t i = 0; i < out.size(); ++i) {
    const unsigned char c = out[i];
    if (c == ' ' || c == '.' || c == '\t') continue;
    if (c == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) == 0xA7) {
      ++i;  // '§' in UTF-8
      continue;
    }
    kept += static_cast<char>(c);
  }
  return kept;
}

Result<Rules> Rules::parse(std::string_view text) {
  json::error_code ec;
  json::value root = json::parse(text, ec);
  if (ec) return bad_request("rules: not valid JSON (" + ec.message() + ")");
  if (!root.is_object()) return bad_request("rules: must be a JSON object");
  const auto& o = root.as_object();
  Rules r;
  if (auto* v = o.if_contains("minimum_response_days")) {
    if (!v->is_int64()) return bad_request("rules: minimum_response_days must be an integer");
    r.minimum_response_days = static_cast<int>(v->as_int64());
  }
  PUBLIUS_ASSIGN_OR_RETURN(r.identity_categories, strings_of(o, "identity_categories", ""));
  PUBLIUS_ASSIGN_OR_RETURN(r.court_reviewed_instruments,
                           strings_of(o, "court_reviewed_instruments", ""));
  r.counsel = string_of(o, "counsel");
  auto* authorities = o.if_contains("authorities");
  if (!authorities || !authorities->is_array())
    return bad_request("rules: authorities must be an array");
  for (const auto& item : authorities->as_array()) {
    if (!item.is_object()) return bad_request("rules: authorities must hold objects");
    const auto& a = item.as_object();
    AuthorityRule rule;
    rule.id = string_of(a, "id");
    if (rule.id.empty()) return bad_request("rules: authorities[].id is required");
    const std::string where = "authorities[" + rule.id + "].";
    PUBLIUS_ASSIGN_OR_RETURN(auto aliases, strings_of(a, "aliases", where));
    for (const auto& alias : aliases) rule.aliases.push_back(normalize_citation(alias));
    rule.title = string_of(a, "title");
    PUBLIUS_ASSIGN_OR_RETURN(rule.instruments, strings_of(a, "instruments", where));
    PUBLIUS_ASSIGN_OR_RETURN(rule.agencies, strings_of(a, "agencies", where));
    PUBLIUS_ASSIGN_OR_RETURN(rule.reaches, strings_of(a, "reaches", where));
    for (const auto& c : rule.reaches)
      if (!shield::is_demand_category(c))
        return bad_request("rules: " + where + "reaches: unknown category '" + c + "'");
    rule.scope = string_of(a, "scope");
    rule.citation = string_of(a, "citation");
    r.authorities.push_back(std::move(rule));
  }
  auto* findings = o.if_contains("findings");
  if (!findings || !findings->is_object()) return bad_request("rules: findings must be an object");
  for (const auto& [code, value] : findings->as_object()) {
    if (!value.is_object())
      return bad_request("rules: findings." + std::string(code) + " must be an object");
    FindingRule f{string_of(value.as_object(), "severity"),
                  string_of(value.as_object(), "explanation"),
                  string_of(value.as_object(), "citation")};
    if (f.severity != "blocking" && f.severity != "warning" && f.severity != "info")
      return bad_request("rules: findings." + std::string(code) +
                         ".severity must be blocking, warning or info");
    r.findings[std::string(code)] = std::move(f);
  }
  for (const char* required :
       {"authority_unrecognized", "authority_out_of_scope", "content_requires_warrant",
        "deadline_before_receipt", "deadline_unreasonable", "overbroad",
        "anonymous_speech_unmasking_test", "nondisclosure_not_binding", "nondisclosure_order",
        "category_not_held", "target_unknown", "preservation_only", "emergency_voluntary"})
    if (!r.findings.count(std::string_view(required)))
      return bad_request("rules: findings." + std::string(required) + " is missing");
  return r;
}

const AuthorityRule* Rules::find_authority(std::string_view citation) const {
  const std::string normalized = normalize_citation(citation);
  for (const auto& a : authorities)
    if (contains(a.aliases, normalized)) return &a;
  return nullptr;
}

bool Review::has(std::string_view code) const {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.code == code; });
}

Review review_demand(
    const Rules& rules, const Demand& d,
    const std::map<std::string, std::optional<shield::AccountInventory>>& targets) {
  Review review;
  // Findings newer than an operator's copy of the rules fall back to the built-in text.
  static const std::map<std::string, FindingRule, std::less<>> kBuiltIn = {
      {"collective_attribution_not_held",
       {"info",
        "@{target} is a collective account run by {members} members. Which member performed any "
        "action, including who wrote any given post, is not recorded anywhere: the attribution "
        "the demand seeks is not held and cannot be produced.",
        "Publius disclosure inventory (publius inventory --account {target}); "
        "docs/collective-accounts.md"}},
      {"target_on_another_server",
       {"info",
        "@{target} is an account of another server ({actor}). Its account records, login "
        "records and whatever identifies its owner are that server's, not this one's: this "
        "server holds only what that server published or sent here, listed in its inventory. "
        "A demand for its owner's identity belongs with that server's operator.",
        "Publius disclosure inventory (publius inventory --account {target}); "
        "docs/federation.md"}}};
  auto add = [&](std::string code, const std::map<std::string, std::string>& values) -> Finding& {
    auto found = rules.findings.find(code);
    const FindingRule& rule =
        found != rules.findings.end() ? found->second : kBuiltIn.find(code)->second;
    Finding f;
    f.code = std::move(code);
    f.severity = rule.severity;
    f.explanation = fill(rule.explanation, values);
    f.citation = fill(rule.citation, values);
    review.findings.push_back(std::move(f));
    return review.findings.back();
  };
  const auto& requested = d.categories_requested;
  const bool wants_content = contains(requested, "content") || contains(requested, "all_records");

  // Authority.
  const AuthorityRule* authority = rules.find_authority(d.authority);
  std::vector<std::string> beyond_reach;
  if (!authority) {
    add("authority_unrecognized", {});
  } else {
    std::vector<std::string> problems;
    if (!authority->instruments.empty() && !contains(authority->instruments, d.instrument))
      problems.push_back(authority->title + " does not authorize a " + d.instrument +
                         " (it covers " + joined(authority->instruments) + ")");
    if (!authority->agencies.empty()) {
      const bool agency_ok =
          std::any_of(authority->agencies.begin(), authority->agencies.end(),
                      [&](const std::string& a) { return lower(a) == lower(d.agency); });
      if (!agency_ok)
        problems.push_back(authority->title + " may be used only by " +
                           joined(authority->agencies) + ", not " + d.agency);
    }
    for (const auto& c : requested)
      if (c != "all_records" && c != "content" && !contains(authority->reaches, c))
        beyond_reach.push_back(c);
    const bool reaches_nothing_requested =
        d.instrument != "preservation_request" &&
        std::none_of(requested.begin(), requested.end(),
                     [&](const std::string& c) { return contains(authority->reaches, c); });
    if (reaches_nothing_requested)
      problems.push_back(authority->title + " reaches none of the categories requested (" +
                         joined(requested) + "). Its scope: " + authority->scope);
    if (!problems.empty()) {
      std::string detail;
      for (const auto& p : problems) detail += (detail.empty() ? "" : "; ") + p;
      add("authority_out_of_scope", {{"detail", detail}, {"citation", authority->citation}});
    } else if (!beyond_reach.empty() || contains(requested, "all_records")) {
      std::string detail;
      if (contains(requested, "all_records"))
        detail = "\"all records\" is not a category any statute compels";
      if (!beyond_reach.empty())
        detail += std::string(detail.empty() ? "" : "; ") + authority->title + " does not reach " +
                  joined(beyond_reach);
      add("overbroad", {{"detail", detail}, {"citation", authority->citation}});
    }
  }
  if (!authority && contains(requested, "all_records"))
    add("overbroad", {{"detail", "\"all records\" is not a category any statute compels"},
                      {"citation", "18 U.S.C. § 2703"}});

  if (wants_content && d.instrument != "search_warrant" && d.instrument != "emergency_request" &&
      d.instrument != "preservation_request")
    add("content_requires_warrant", {{"instrument", d.instrument}});

  // Deadline.
  if (d.deadline_ms) {
    const int64_t days = (*d.deadline_ms - d.received_ms) / kDayMs;
    std::map<std::string, std::string> values = {
        {"deadline", format_iso8601_ms(*d.deadline_ms)},
        {"received", format_iso8601_ms(d.received_ms)},
        {"days", std::to_string(days)},
        {"minimum", std::to_string(rules.minimum_response_days)}};
    if (*d.deadline_ms < d.received_ms)
      add("deadline_before_receipt", values);
    else if (days < rules.minimum_response_days && d.instrument != "emergency_request" &&
             d.instrument != "preservation_request")
      add("deadline_unreasonable", values);
  }

  // Anonymous speech: every local account is pseudonymous by construction
  // (no real name is ever taken), so any demand for identity triggers the test.
  const bool seeks_identity =
      std::any_of(requested.begin(), requested.end(),
                  [&](const std::string& c) { return contains(rules.identity_categories, c); });
  const bool any_local_target = std::any_of(targets.begin(), targets.end(),
                                            [](const auto& t) { return t.second.has_value(); });
  if (seeks_identity && any_local_target && d.instrument != "emergency_request" &&
      d.instrument != "preservation_request") {
    const bool offense = d.offense_stated.has_value();
    const bool court_reviewed = contains(rules.court_reviewed_instruments, d.instrument);
    const bool narrow = !contains(requested, "all_records") && beyond_reach.empty() &&
                        !review.has("authority_out_of_scope");
    std::vector<Prong> prongs = {
        {"offense_shown", offense,
         offense ? "offense stated: " + *d.offense_stated : "the demand states no offense"},
        {"least_restrictive_means", offense && court_reviewed && narrow,
         offense && court_reviewed && narrow
             ? "a court reviewed a demand limited to what the statute reaches"
             : "nothing in the record shows unmasking is the least restrictive means"},
        {"not_aimed_at_speech", offense && court_reviewed,
         offense && court_reviewed
             ? "a court found the demand tied to the stated offense"
             : "no court has found the demand unrelated to the target's speech"},
        {"interests_outweigh", offense && court_reviewed,
         offense && court_reviewed ? "a court weighed the government's interest"
                                   : "no showing that the government's interest outweighs the "
                                     "First Amendment right to speak anonymously"}};
    const int shown = static_cast<int>(
        std::count_if(prongs.begin(), prongs.end(), [](const Prong& p) { return p.shown; }));
    Finding& f = add("anonymous_speech_unmasking_test", {{"shown", std::to_string(shown)}});
    if (shown == 4) f.severity = "info";
    f.prongs = std::move(prongs);
  }

  if (d.nondisclosure == "requested") add("nondisclosure_not_binding", {});
  if (d.nondisclosure == "court_order" && d.nondisclosure_until_ms)
    add("nondisclosure_order", {{"until", format_iso8601_ms(*d.nondisclosure_until_ms)}});
  if (d.instrument == "preservation_request") add("preservation_only", {});
  if (d.instrument == "emergency_request") add("emergency_voluntary", {});

  // What is actually held, per target and category.
  int64_t not_held = 0, held = 0;
  for (const auto& [target, inventory] : targets) {
    if (!inventory) {
      Finding& f = add("target_unknown", {{"target", target}});
      f.target = target;
      continue;
    }
    if (inventory->counts.remote) {
      Finding& f = add("target_on_another_server",
                       {{"target", target}, {"actor", inventory->counts.remote->actor_uri}});
      f.target = target;
    }
    // A collective account: whoever of its members did anything is not held, whatever the
    // demand calls it (a name, login records, "the person who posted X").
    const auto members = inventory->counts.member_join_days_ms.size();
    const bool seeks_a_person = seeks_identity || contains(requested, "member_attribution") ||
                                contains(requested, "login_records") ||
                                contains(requested, "all_records");
    if (members > 0 && seeks_a_person) {
      Finding& f = add("collective_attribution_not_held",
                       {{"target", target}, {"members", std::to_string(members)}});
      f.target = target;
    }
    for (const auto& c : requested) {
      const auto* holding = inventory->holding(c);
      if (holding && holding->held) {
        ++held;
        continue;
      }
      ++not_held;
      Finding& f =
          add("category_not_held",
              {{"category", c}, {"target", target}, {"what", holding ? holding->what : ""}});
      f.category = c;
      f.target = target;
    }
  }

  // Recommendation: the most protective course the findings support.
  auto blocking = [&](std::string_view code) {
    return std::any_of(review.findings.begin(), review.findings.end(), [&](const Finding& f) {
      return f.code == code && f.severity == "blocking";
    });
  };
  if (!any_local_target) {
    review.recommendation = "reject_defective";
    review.reasons.push_back("no target is an account on this server; nothing is held");
  } else if (blocking("authority_out_of_scope") || blocking("content_requires_warrant") ||
             blocking("anonymous_speech_unmasking_test") || blocking("deadline_before_receipt")) {
    review.recommendation = "challenge";
    if (blocking("authority_out_of_scope"))
      review.reasons.push_back("the cited authority does not cover this demand");
    if (blocking("content_requires_warrant"))
      review.reasons.push_back("content is demanded without a search warrant");
    if (blocking("anonymous_speech_unmasking_test"))
      review.reasons.push_back(
          "the demand would unmask a pseudonymous speaker without the showing the First "
          "Amendment requires");
    if (blocking("deadline_before_receipt"))
      review.reasons.push_back("the deadline passed before the demand arrived");
  } else if (review.has("overbroad")) {
    review.recommendation = "narrow";
    review.reasons.push_back("the demand asks for more than the instrument can compel");
  } else if (held == 0 && d.instrument != "preservation_request") {
    review.recommendation = "comply_partially";
    review.reasons.push_back("none of the requested categories is held; answer with a statement");
  } else if (not_held > 0) {
    review.recommendation = "comply_partially";
    review.reasons.push_back("only some requested categories are held");
  } else {
    review.recommendation = "comply";
    review.reasons.push_back("the instrument reaches every requested category and all are held");
  }
  if (review.has("authority_unrecognized"))
    review.reasons.push_back("the cited authority is not in the rules; ask counsel");
  if (review.has("nondisclosure_not_binding"))
    review.reasons.push_back("no court order forbids notice: tell the user");
  return review;
}

std::string review_to_json(const Review& review) {
  json::object o;
  json::array findings;
  for (const auto& f : review.findings) {
    json::object item;
    item["code"] = f.code;
    item["severity"] = f.severity;
    item["explanation"] = f.explanation;
    item["citation"] = f.citation;
    if (!f.category.empty()) item["category"] = f.category;
    if (!f.target.empty()) item["target"] = f.target;
    if (!f.prongs.empty()) {
      json::array prongs;
      for (const auto& p : f.prongs)
        prongs.push_back(json::object{
            {"prong", p.name}, {"status", p.shown ? "shown" : "not shown"}, {"basis", p.basis}});
      item["prongs"] = std::move(prongs);
    }
    findings.push_back(std::move(item));
  }
  o["findings"] = std::move(findings);
  o["recommendation"] = review.recommendation;
  json::array reasons;
  for (const auto& r : review.reasons) reasons.emplace_back(r);
  o["reasons"] = std::move(reasons);
  return json::serialize(o);
}

}  // namespace publius::legal
