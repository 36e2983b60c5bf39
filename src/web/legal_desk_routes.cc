// The legal desk's web pages and the public transparency report (legal_web.h).
#include <algorithm>
#include <boost/json.hpp>

#include "http/errors.h"
#include "input/readers.h"
#include "util/time.h"
#include "web/legal_pages.h"
#include "web/legal_web.h"

namespace publius::web {
namespace json = boost::json;

namespace {

constexpr size_t kDemandsPerPage = 50;

// Fixed messages for ?done=...: the page never echoes free text from the URL.
std::string_view done_message(std::string_view key) {
  if (key == "recorded") return "The demand is recorded and reviewed.";
  if (key == "moved") return "The demand moved to its new state.";
  if (key == "produced") return "The package is produced and stored.";
  return "";
}

// Errors the operator can fix by correcting the form, as opposed to server faults.
bool is_input_error(const Error& e) {
  return e.code == ErrorCode::kBadRequest || e.code == ErrorCode::kUnprocessable ||
         e.code == ErrorCode::kConflict;
}

std::vector<std::string> split_names(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : std::string(text) + " ") {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!item.empty()) out.push_back(std::move(item));
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

IntakeForm intake_form(const http::Params& p) {
  IntakeForm f;
  f.received_at = p.get_or("received_at", "");
  f.agency = p.get_or("agency", "");
  f.agency_component = p.get_or("agency_component", "");
  f.country = p.get_or("country", "");
  f.instrument = p.get_or("instrument", "");
  f.authority = p.get_or("authority", "");
  f.targets = p.get_or("targets", "");
  f.deadline = p.get_or("deadline", "");
  f.nondisclosure = p.get_or("nondisclosure", "none");
  f.nondisclosure_until = p.get_or("nondisclosure_until", "");
  f.offense_stated = p.get_or("offense_stated", "");
  f.notes = p.get_or("notes", "");
  f.categories = p.get_all("categories_requested");
  return f;
}

// The form as the desk's intake JSON; empty optional fields are null.
std::string intake_json(const IntakeForm& f) {
  auto optional = [](const std::string& s) { return s.empty() ? json::value() : json::value(s); };
  json::array targets, categories;
  for (auto& t : split_names(f.targets)) targets.emplace_back(t);
  for (const auto& c : f.categories) categories.emplace_back(c);
  return json::serialize(json::object{{"received_at", f.received_at},
                                      {"agency", f.agency},
                                      {"agency_component", f.agency_component},
                                      {"country", f.country},
                                      {"instrument", f.instrument},
                                      {"authority", f.authority},
                                      {"targets", std::move(targets)},
                                      {"categories_requested", std::move(categories)},
                                      {"deadline", optional(f.deadline)},
                                      {"nondisclosure", f.nondisclosure},
                                      {"nondisclosure_until", optional(f.nondisclosure_until)},
                                      {"offense_stated", optional(f.offense_stated)},
                                      {"notes", f.notes}});
}

}  // namespace

void LegalDeskWeb::register_routes(http::Router& router) {
  ui_.add_admin_nav({"/legal", "Legal desk"});
  ui_.add_footer_link({"/transparency", "Transparency report"});
  add_desk_routes(router);
  add_transparency_routes(router);
}

Result<http::Response> LegalDeskWeb::demand_page(WebUi::Visit& v, const std::string& id,
                                                 std::string_view notice, std::string_view problem,
                                                 int status) {
  PUBLIUS_ASSIGN_OR_RETURN(auto shown, desk_.show_json(id));
  const json::object demand = json::parse(shown).as_object();
  const std::string state(demand.at("state").as_string());
  const bool held = demand.at("notice").at("status").as_string() == "held";
  DemandActions actions;
  for (const auto& to : legal::state_names()) {
    if (to == "produced" || !legal::is_legal_move(state, to)) continue;
    if (to == "user_notified" && held) continue;  // the desk refuses it while the order holds
    actions.next_states.push_back(to);
  }
  actions.can_produce = legal::is_legal_move(state, "produced");
  actions.package_stored = !demand.at("production").is_null() && desk_.stored_package(id).ok();
  v.frame.back = "/legal/demands/" + id;
  return http::Response::html(legal_demand_page(v.frame, demand, actions, notice, problem), status);
}

void LegalDeskWeb::add_desk_routes(http::Router& r) {
  // Every desk page: admins only (everyone else sees the site's 404); reads need
  // admin:read, changes admin:write.
  auto admin_page = [this, &r](std::string method, std::string pattern,
                               WebUi::PageHandler handler) {
    http::Policy policy = http::Policy::admin(method == "GET" ? "admin:read" : "admin:write");
    ui_.add_page(r, std::move(method), std::move(pattern), std::move(policy), std::move(handler));
  };

  admin_page("GET", "/legal",
             [this](http::Request& req, WebUi::Visit& v) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto list, desk_.list_json());
               const json::array all = json::parse(list).as_array();
               PUBLIUS_ASSIGN_OR_RETURN(auto page, v.params.get_int("page"));
               const size_t number = static_cast<size_t>(std::max<int64_t>(1, page.value_or(1)));
               const size_t from = std::min(all.size(), (number - 1) * kDemandsPerPage);
               const size_t to = std::min(all.size(), from + kDemandsPerPage);
               json::array shown(all.begin() + static_cast<std::ptrdiff_t>(from),
                                 all.begin() + static_cast<std::ptrdiff_t>(to));
               Pager pager;
               if (number > 1) pager.newer = req.path + "?page=" + std::to_string(number - 1);
               if (to < all.size()) pager.older = req.path + "?page=" + std::to_string(number + 1);
               return http::Response::html(legal_list_page(v.frame, shown, pager));
             });

  admin_page("GET", "/legal/new", [](http::Request&, WebUi::Visit& v) {
    return http::Response::html(legal_intake_page(v.frame, {}));
  });

  admin_page("POST", "/legal/demands",
             [this](http::Request&, WebUi::Visit& v) -> Result<http::Response> {
               IntakeForm form = intake_form(v.params);
               auto recorded = desk_.intake(intake_json(form), input::document_uploads(v.params));
               if (!recorded.ok()) {
                 if (!is_input_error(recorded.error())) return recorded.take_error();
                 form.error = recorded.error().message +
                              ". Correct it and submit again; attach the documents again too.";
                 return http::Response::html(legal_intake_page(v.frame, form), 422);
               }
               const std::string id(json::parse(*recorded).at("id").as_string());
               return http::Response::redirect("/legal/demands/" + id + "?done=recorded", 303);
             });

  admin_page("GET", "/legal/demands/:id", [this](http::Request& req, WebUi::Visit& v) {
    return demand_page(v, std::string(req.path_param("id")),
                       done_message(v.params.get_or("done", "")), "", 200);
  });

  admin_page(
      "POST", "/legal/demands/:id/transition",
      [this](http::Request& req, WebUi::Visit& v) -> Result<http::Response> {
        const std::string id(req.path_param("id"));
        auto moved = desk_.transition(id, v.params.get_or("to", ""), v.params.get_or("reason", ""));
        if (!moved.ok()) {
          if (!is_input_error(moved.error())) return moved.take_error();
          return demand_page(v, id, "", moved.error().message + ". Nothing was changed.", 422);
        }
        return http::Response::redirect("/legal/demands/" + id + "?done=moved", 303);
      });

  admin_page(
      "POST", "/legal/demands/:id/produce",
      [this](http::Request& req, WebUi::Visit& v) -> Result<http::Response> {
        const std::string id(req.path_param("id"));
        auto approved = input::approved_categories(v.params);
        Result<std::string> produced = approved.ok() ? desk_.produce_stored(id, *approved)
                                                     : Result<std::string>(approved.take_error());
        if (!produced.ok()) {
          if (!is_input_error(produced.error())) return produced.take_error();
          return demand_page(
              v, id, "", produced.error().message + ". Tick the approved categories and try again.",
              422);
        }
        return http::Response::redirect("/legal/demands/" + id + "?done=produced", 303);
      });

  admin_page(
      "GET", "/legal/demands/:id/package.tar",
      [this](http::Request& req, WebUi::Visit&) -> Result<http::Response> {
        const std::string id(req.path_param("id"));
        PUBLIUS_ASSIGN_OR_RETURN(auto files, desk_.stored_package(id));
        http::Response response;
        PUBLIUS_ASSIGN_OR_RETURN(response.body, legal::ustar_archive(id, files, now_ms() / 1000));
        response.content_type = "application/x-tar";
        response.with_header("Content-Disposition", "attachment; filename=\"" + id + ".tar\"")
            .with_header("Cache-Control", "no-store")
            .with_header("X-Content-Type-Options", "nosniff");
        return response;
      });

  admin_page("GET", "/legal/audit",
             [this](http::Request&, WebUi::Visit& v) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto report, desk_.verify());
               return http::Response::html(legal_audit_page(v.frame, report));
             });
}

Result<std::string> LegalDeskWeb::period_of(const http::Params& params) {
  if (auto p = params.get("period"); p && !p->empty()) return std::string(*p);
  PUBLIUS_ASSIGN_OR_RETURN(auto periods, desk_.transparency_periods());
  if (!periods.empty()) return periods.front();
  const std::string today = format_day(now_ms());
  return today.substr(0, 4) + (today.substr(5, 2) <= "06" ? "H1" : "H2");
}

void LegalDeskWeb::add_transparency_routes(http::Router& r) {
  ui_.add_page(r, "GET", "/transparency", http::Policy::optional("read"),
               [this](http::Request&, WebUi::Visit& v) -> Result<http::Response> {
                 PUBLIUS_ASSIGN_OR_RETURN(auto period, period_of(v.params));
                 PUBLIUS_ASSIGN_OR_RETURN(auto periods, desk_.transparency_periods());
                 PUBLIUS_ASSIGN_OR_RETURN(auto report, desk_.transparency({period, "json", false}));
                 return http::Response::html(
                     transparency_page(v.frame, json::parse(report).as_object(), periods));
               });

  // The same report as `publius legal transparency`, for download: no session needed.
  auto download = [this, &r](std::string path, std::string format, std::string type) {
    r.add("GET", path, http::Policy::anyone(), [this, format, type](http::Request& req) {
      auto params = http::parse_query(req.query);
      auto period = params.ok() ? period_of(*params) : Result<std::string>(params.take_error());
      auto report = period.ok() ? desk_.transparency({*period, format, false})
                                : Result<std::string>(period.take_error());
      if (!report.ok()) return http::error_response(report.error());
      http::Response response;
      response.content_type = type;
      response.body = std::move(report).value();
      response
          .with_header("Content-Disposition",
                       "attachment; filename=\"transparency-" + *period + "." + format + "\"")
          .with_header("X-Content-Type-Options", "nosniff");
      return response;
    });
  };
  download("/transparency.json", "json", "application/json; charset=utf-8");
  download("/transparency.csv", "csv", "text/csv; charset=utf-8");
}

}  // namespace publius::web
