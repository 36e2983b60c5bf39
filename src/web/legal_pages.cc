#include "web/legal_pages.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "legal/demand.h"
#include "shield/inventory.h"
#include "web/html.h"
#include "web/page_parts.h"

namespace publius::web {
namespace json = boost::json;

namespace {

// Reads a member as text whatever its JSON type; "" when absent or null. The
// desk wrote these values, but a missing member must not take the page down.
std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

const json::object& object_of(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? v->as_object() : kEmpty;
}

const json::array& array_of(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

std::string joined_texts(const json::array& items, std::string_view prefix = "") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + (item.is_string() ? std::string(item.as_string()) : "");
  }
  return out;
}

// "2017-03-14T14:00:00.000Z" -> "2017-03-14 14:00 UTC"; other text as is.
std::string readable_time(std::string_view iso) {
  if (iso.size() < 16 || iso[10] != 'T') return std::string(iso);
  return std::string(iso.substr(0, 10)) + " " + std::string(iso.substr(11, 5)) + " UTC";
}

void time_element(Html& h, std::string_view iso) {
  if (iso.empty()) {
    h.text("none");
    return;
  }
  h.element("time", readable_time(iso), {{"datetime", iso}});
}

// A definition list row; rows with an empty value are left out.
void fact(Html& h, std::string_view term, std::string_view value) {
  if (value.empty()) return;
  h.element("dt", term).element("dd", value);
}

void legal_subnav(Html& h, const Frame& f) {
  h.open("nav", {{"class", "subnav"}, {"aria-label", "Legal desk"}}).open("ul");
  for (const auto& [href, label] :
       {std::pair<std::string_view, std::string_view>{"/legal", "Demands"},
        {"/legal/new", "Record a demand"},
        {"/legal/audit", "Audit log"},
        {"/transparency", "Transparency report"}}) {
    h.open("li").open("a", {{"href", href}, {"aria-current", "page", f.path == href}});
    h.text(label).close("a").close("li");
  }
  h.close("ul").close("nav");
}

std::string_view move_label(std::string_view state) {
  if (state == "under_review") return "Start the review";
  if (state == "user_notified") return "Notify the user";
  if (state == "challenged") return "Challenge";
  if (state == "upheld") return "Upheld by the court";
  if (state == "quashed") return "Quashed by the court";
  if (state == "rejected") return "Reject as defective";
  if (state == "preserved") return "Preserve only";
  if (state == "withdrawn") return "Withdrawn by the agency";
  if (state == "closed") return "Close";
  return state;
}

// ---- Charts ----

struct Bar {
  std::string label;
  double value = 0;
};

std::string number_text(double v) {
  char text[32];
  if (v == static_cast<double>(static_cast<int64_t>(v)))
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(v));
  else
    std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

double number_of(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  return 0;
}

// A horizontal bar chart as inline SVG, then a table with the same numbers.
// `max` is the value of a full-width bar (0: the largest value); `unit` follows
// each number ("%").
void bar_chart(Html& h, std::string_view id, std::string_view title, std::string_view description,
               const std::vector<Bar>& bars, double max = 0, std::string_view unit = "") {
  constexpr int kWidth = 640, kLabelWidth = 230, kBarSpace = 340, kRow = 30, kPad = 10;
  for (const auto& b : bars) max = std::max(max, b.value);
  const std::string title_id = std::string(id) + "-title";
  const std::string desc_id = std::string(id) + "-desc";
  h.open("figure", {{"class", "chart"}, {"id", id}});
  h.element("figcaption", title);
  if (bars.empty()) {
    h.element("p", "Nothing to count in this period.", {{"class", "muted"}});
    h.close("figure");
    return;
  }
  const int height = kPad * 2 + kRow * static_cast<int>(bars.size());
  std::string desc(description);
  for (const auto& b : bars)
    desc += " " + b.label + ": " + number_text(b.value) + std::string(unit) + ".";
  h.open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
                 {"viewBox", "0 0 " + std::to_string(kWidth) + " " + std::to_string(height)},
                 {"role", "img"},
                 {"aria-labelledby", title_id + " " + desc_id}});
  h.element("title", title, {{"id", title_id}});
  h.element("desc", desc, {{"id", desc_id}});
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = kPad + kRow * static_cast<int>(i);
    const int width = max > 0 ? static_cast<int>(std::lround(b.value / max * kBarSpace)) : 0;
    std::string label = b.label;
    if (label.size() > 30) label = label.substr(0, 28) + "…";  // the table has it in full
    h.element("text", label,
              {{"class", "label"},
               {"x", std::to_string(kLabelWidth - 8)},
               {"y", std::to_string(y + 19)},
               {"text-anchor", "end"}});
    h.open("rect", {{"class", "track"},
                    {"x", std::to_string(kLabelWidth)},
                    {"y", std::to_string(y + 4)},
                    {"width", std::to_string(kBarSpace)},
                    {"height", std::to_string(kRow - 8)}})
        .close("rect");
    h.open("rect", {{"class", "bar"},
                    {"x", std::to_string(kLabelWidth)},
                    {"y", std::to_string(y + 4)},
                    {"width", std::to_string(width)},
                    {"height", std::to_string(kRow - 8)}})
        .close("rect");
    h.element("text", number_text(b.value) + std::string(unit),
              {{"class", "value"},
               {"x", std::to_string(kLabelWidth + kBarSpace + 8)},
               {"y", std::to_string(y + 19)}});
  }
  h.close("svg");
  h.open("table", {{"class", "numbers"}});
  h.element("caption", std::string(title) + ": the numbers");
  h.open("thead").open("tr");
  h.element("th", "What", {{"scope", "col"}}).element("th", "Number", {{"scope", "col"}});
  h.close("tr").close("thead").open("tbody");
  for (const auto& b : bars) {
    h.open("tr").element("th", b.label, {{"scope", "row"}});
    h.element("td", number_text(b.value) + std::string(unit)).close("tr");
  }
  h.close("tbody").close("table").close("figure");
}

std::vector<Bar> bars_of(const json::object& counts) {
  std::vector<Bar> out;
  for (const auto& [k, v] : counts) out.push_back({std::string(k), number_of(v)});
  return out;
}

}  // namespace

std::string state_label(std::string_view state) {
  std::string out(state);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string legal_list_page(const Frame& f, const json::array& demands, const Pager& pager) {
  Html h;
  h.element("h1", "Legal desk");
  legal_subnav(h, f);
  h.element("p",
            "Government demands for user data, newest last. Each was reviewed at intake; open one "
            "to read the review and move it through the workflow.",
            {{"class", "muted"}});
  h.open("p").element("a", "Record a new demand",
                      {{"class", "button primary"}, {"href", "/legal/new"}});
  h.close("p");
  if (demands.empty()) {
    h.element("p", "No demands recorded.", {{"class", "muted"}});
    return render_page(f, "Legal desk", h.str());
  }
  h.open("table", {{"class", "demands"}});
  h.element("caption", "Demands");
  h.open("thead").open("tr");
  for (const char* col : {"Demand", "Received", "Agency and instrument", "Targets", "State",
                          "Deadline", "Notice", "Recommendation"})
    h.element("th", col, {{"scope", "col"}});
  h.close("tr").close("thead").open("tbody");
  for (const auto& item : demands) {
    if (!item.is_object()) continue;
    const json::object& d = item.as_object();
    const std::string id = text_of(d, "id");
    h.open("tr");
    h.open("th", {{"scope", "row"}})
        .element("a", id, {{"href", "/legal/demands/" + id}})
        .close("th");
    h.open("td");
    time_element(h, text_of(d, "received_at"));
    h.close("td");
    h.element("td", text_of(d, "agency") + " · " + text_of(d, "instrument"));
    h.element("td", joined_texts(array_of(d, "targets"), "@"));
    h.open("td")
        .element("span", state_label(text_of(d, "state")), {{"class", "state"}})
        .close("td");
    h.open("td");
    time_element(h, text_of(d, "deadline"));
    h.close("td");
    h.element("td", text_of(d, "notice"));
    h.element("td", text_of(d, "recommendation"));
    h.close("tr");
  }
  h.close("tbody").close("table");
  if (!pager.newer.empty() || !pager.older.empty()) {
    h.open("nav", {{"class", "pager"}, {"aria-label", "Pages"}});
    if (!pager.newer.empty()) h.element("a", "← Earlier demands", {{"href", pager.newer}});
    if (!pager.older.empty()) h.element("a", "Later demands →", {{"href", pager.older}});
    h.close("nav");
  }
  return render_page(f, "Legal desk", h.str());
}

std::string legal_intake_page(const Frame& f, const IntakeForm& v) {
  Html h;
  h.element("h1", "Record a demand");
  legal_subnav(h, f);
  h.element("p",
            "Enter the demand exactly as written. It is reviewed as soon as it is recorded; "
            "nothing is produced and nobody is told anything until you decide.",
            {{"class", "muted"}});
  form_messages(h, v.error, "");
  form_open(h, f, "/legal/demands", "multipart/form-data");
  auto input = [&](std::string_view name, std::string_view label, std::string_view value,
                   std::string_view hint, bool required) {
    const std::string hint_id = std::string(name) + "-hint";
    h.element("label", label, {{"for", name}});
    h.open("input", {{"type", "text"},
                     {"id", name},
                     {"name", name},
                     {"value", value},
                     {"aria-describedby", hint_id, !hint.empty()},
                     flag("required", required)});
    if (!hint.empty()) h.element("p", hint, {{"class", "hint"}, {"id", hint_id}});
  };
  auto select = [&](std::string_view name, std::string_view label,
                    const std::vector<std::string>& options, std::string_view chosen) {
    h.element("label", label, {{"for", name}});
    h.open("select", {{"id", name}, {"name", name}});
    for (const auto& o : options)
      h.open("option", {{"value", o}, flag("selected", o == chosen)})
          .text(state_label(o))
          .close("option");
    h.close("select");
  };
  const std::string_view time_hint =
      "RFC 3339 with the time zone as written, e.g. 2017-03-14T10:00:00-04:00.";
  h.open("fieldset").element("legend", "Who asked, and under what");
  input("received_at", "Received at", v.received_at, time_hint, true);
  input("agency", "Agency", v.agency, "e.g. CBP, FBI.", true);
  input("agency_component", "Agency component (optional)", v.agency_component, "", false);
  input("country", "Country", v.country, "ISO 3166 code, e.g. US.", true);
  select("instrument", "Instrument", legal::instrument_names(), v.instrument);
  input("authority", "Authority cited", v.authority,
        "The statute as written, e.g. 19 U.S.C. § 1509.", true);
  input("offense_stated", "Offense stated (optional)", v.offense_stated,
        "Leave empty when the demand names no offense.", false);
  h.close("fieldset");

  h.open("fieldset").element("legend", "What they want");
  input("targets", "Target accounts", v.targets, "Usernames separated by commas or spaces.", true);
  h.open("fieldset", {{"class", "choices"}}).element("legend", "Categories requested");
  for (const auto& c : shield::demand_category_names()) {
    const std::string id = "category-" + c;
    h.open("p", {{"class", "choice"}});
    h.open("input", {{"type", "checkbox"},
                     {"id", id},
                     {"name", "categories_requested[]"},
                     {"value", c},
                     flag("checked", std::find(v.categories.begin(), v.categories.end(), c) !=
                                         v.categories.end())});
    h.element("label", " " + state_label(c), {{"for", id}, {"class", "inline"}}).close("p");
  }
  h.close("fieldset");
  input("deadline", "Deadline (optional)", v.deadline, time_hint, false);
  h.close("fieldset");

  h.open("fieldset").element("legend", "Secrecy");
  select("nondisclosure", "Nondisclosure", {"none", "requested", "court_order"}, v.nondisclosure);
  input("nondisclosure_until", "Court order expires (only for a court order)",
        v.nondisclosure_until, time_hint, false);
  h.close("fieldset");

  h.element("label", "Notes (optional)", {{"for", "notes"}});
  h.open("textarea", {{"id", "notes"}, {"name", "notes"}}).text(v.notes).close("textarea");
  h.element("label", "Documents (optional)", {{"for", "documents"}});
  h.open("input", {{"type", "file"},
                   {"id", "documents"},
                   {"name", "documents[]"},
                   flag("multiple"),
                   {"aria-describedby", "documents-hint"}});
  h.element("p",
            "Scans or PDFs of the demand. Stored by SHA-256 under the data directory; their "
            "file names are not kept.",
            {{"class", "hint"}, {"id", "documents-hint"}});
  h.open("p").element("button", "Record and review", {{"type", "submit"}, {"class", "primary"}});
  h.close("p").close("form");
  return render_page(f, "Record a demand", h.str());
}

std::string legal_demand_page(const Frame& f, const json::object& shown,
                              const DemandActions& actions, std::string_view notice,
                              std::string_view error) {
  const std::string id = text_of(shown, "id");
  const std::string state = text_of(shown, "state");
  const json::object& d = object_of(shown, "demand");
  Html h;
  h.element("h1", "Demand " + id);
  legal_subnav(h, f);
  h.open("p")
      .text("State: ")
      .element("strong", state_label(state), {{"class", "state"}})
      .close("p");
  form_messages(h, error, notice);

  h.open("section", {{"class", "card"}, {"aria-labelledby", "demand-h"}});
  h.element("h2", "The demand", {{"id", "demand-h"}});
  h.open("dl", {{"class", "fields"}});
  fact(h, "Agency", text_of(d, "agency"));
  fact(h, "Component", text_of(d, "agency_component"));
  fact(h, "Country", text_of(d, "country"));
  fact(h, "Instrument", state_label(text_of(d, "instrument")));
  fact(h, "Authority cited", text_of(d, "authority"));
  fact(h, "Offense stated", text_of(d, "offense_stated"));
  fact(h, "Targets", joined_texts(array_of(d, "targets"), "@"));
  fact(h, "Categories requested", joined_texts(array_of(d, "categories_requested")));
  fact(h, "Received", readable_time(text_of(d, "received_at")));
  fact(h, "Deadline",
       d.contains("deadline") && !d.at("deadline").is_null() ? readable_time(text_of(d, "deadline"))
                                                             : "none stated");
  fact(h, "Nondisclosure", state_label(text_of(d, "nondisclosure")));
  fact(h, "Order expires", readable_time(text_of(d, "nondisclosure_until")));
  fact(h, "Notes", text_of(d, "notes"));
  h.close("dl");
  const json::array& documents = array_of(shown, "documents");
  h.element("h3", "Documents");
  if (documents.empty()) h.element("p", "None attached.", {{"class", "muted"}});
  h.open("ul");
  for (const auto& doc : documents) {
    if (!doc.is_object()) continue;
    const json::object& o = doc.as_object();
    h.open("li").text(text_of(o, "name") + " (" + text_of(o, "size") + " bytes) ");
    h.element("code", "sha256 " + text_of(o, "sha256"), {{"class", "hash"}}).close("li");
  }
  h.close("ul").close("section");

  const json::object& review = object_of(shown, "review");
  h.open("section", {{"class", "card"}, {"aria-labelledby", "review-h"}});
  h.element("h2", "Review", {{"id", "review-h"}});
  h.open("p").text("Recommendation: ");
  h.element("strong", state_label(text_of(review, "recommendation")),
            {{"class", "recommendation"}});
  h.close("p");
  h.open("ul", {{"class", "reasons"}});
  for (const auto& r : array_of(review, "reasons"))
    h.element("li", r.is_string() ? std::string(r.as_string()) : "");
  h.close("ul");
  h.element("h3", "Findings");
  const json::array& findings = array_of(review, "findings");
  if (findings.empty()) h.element("p", "No findings.", {{"class", "muted"}});
  for (const auto& item : findings) {
    if (!item.is_object()) continue;
    const json::object& fo = item.as_object();
    const std::string severity = text_of(fo, "severity");
    h.open("article", {{"class", "finding " + severity}});
    h.open("h4").element("span", severity, {{"class", "severity"}}).text(" ");
    h.element("code", text_of(fo, "code")).close("h4");
    h.element("p", text_of(fo, "explanation"));
    h.open("p", {{"class", "muted"}}).text("Citation: ").element("cite", text_of(fo, "citation"));
    h.close("p");
    const json::array& prongs = array_of(fo, "prongs");
    if (!prongs.empty()) {
      h.open("ul", {{"class", "prongs"}});
      for (const auto& p : prongs) {
        if (!p.is_object()) continue;
        const json::object& po = p.as_object();
        h.open("li").element("strong", state_label(text_of(po, "prong")) + ": " +
                                           state_label(text_of(po, "status")));
        h.text(" — " + text_of(po, "basis")).close("li");
      }
      h.close("ul");
    }
    h.close("article");
  }
  h.close("section");

  const json::object& notice_o = object_of(shown, "notice");
  const std::string notice_status = text_of(notice_o, "status");
  h.open("section", {{"class", "card"}, {"aria-labelledby", "notice-h"}});
  h.element("h2", "User notice", {{"id", "notice-h"}});
  if (notice_status == "sent") {
    h.open("p").text("Sent to the targeted users on ");
    time_element(h, text_of(notice_o, "at"));
    h.text(".").close("p");
  } else if (notice_status == "held") {
    h.open("p").text("Held: a court nondisclosure order is in force until ");
    time_element(h, text_of(notice_o, "held_until"));
    h.text(". The notice goes out automatically when it expires.").close("p");
  } else {
    h.element("p",
              "Not sent yet. It goes out when you notify the user, and at the latest before "
              "anything is produced.");
  }
  h.close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "next-h"}});
  h.element("h2", "Next step", {{"id", "next-h"}});
  if (actions.next_states.empty()) {
    h.element("p", "No further moves: this demand is finished.", {{"class", "muted"}});
  } else {
    form_open(h, f, "/legal/demands/" + id + "/transition");
    h.element("label", "Reason (recorded in the history and the audit log)", {{"for", "reason"}});
    h.open("textarea", {{"id", "reason"}, {"name", "reason"}, flag("required")}).close("textarea");
    h.open("div", {{"class", "actions"}});
    for (const auto& to : actions.next_states)
      h.element("button", move_label(to),
                {{"type", "submit"},
                 {"name", "to"},
                 {"value", to},
                 {"class", to == "closed" || to == "withdrawn" ? "" : "primary",
                  to != "closed" && to != "withdrawn"}});
    h.close("div").close("form");
  }
  if (actions.can_produce) {
    h.element("h3", "Produce");
    h.element("p",
              "Approve only what the law requires. Only data that exists is included; direct "
              "messages are sealed and never produced.",
              {{"class", "muted"}});
    form_open(h, f, "/legal/demands/" + id + "/produce");
    h.open("fieldset", {{"class", "choices"}}).element("legend", "Approved categories");
    for (const auto& c : array_of(d, "categories_requested")) {
      if (!c.is_string()) continue;
      const std::string name(c.as_string());
      h.open("p", {{"class", "choice"}});
      h.open("input", {{"type", "checkbox"},
                       {"id", "approve-" + name},
                       {"name", "approve[]"},
                       {"value", name}});
      h.element("label", " " + state_label(name),
                {{"for", "approve-" + name}, {"class", "inline"}});
      h.close("p");
    }
    h.close("fieldset");
    h.open("p").element("button", "Produce the package", {{"type", "submit"}, {"class", "danger"}});
    h.close("p").close("form");
  }
  h.close("section");

  const json::object& production = object_of(shown, "production");
  if (!production.empty()) {
    h.open("section", {{"class", "card"}, {"aria-labelledby", "production-h"}});
    h.element("h2", "Production", {{"id", "production-h"}});
    h.open("dl", {{"class", "fields"}});
    fact(h, "Produced", readable_time(text_of(production, "produced_at")));
    fact(h, "Approved", joined_texts(array_of(production, "approved_categories")));
    fact(h, "Files", text_of(production, "files"));
    fact(h, "Some information produced",
         text_of(production, "some_information_produced") == "true" ? "yes" : "no");
    fact(h, "manifest.json SHA-256", text_of(production, "manifest_sha256"));
    h.close("dl");
    if (actions.package_stored)
      h.open("p")
          .element("a", "Download the package (tar)",
                   {{"class", "button"}, {"href", "/legal/demands/" + id + "/package.tar"}})
          .close("p");
    h.close("section");
  }

  h.open("section", {{"aria-labelledby", "history-h"}});
  h.element("h2", "History", {{"id", "history-h"}});
  h.open("table", {{"class", "history"}}).open("thead").open("tr");
  for (const char* col : {"When", "From", "To", "Reason"}) h.element("th", col, {{"scope", "col"}});
  h.close("tr").close("thead").open("tbody");
  for (const auto& item : array_of(shown, "history")) {
    if (!item.is_object()) continue;
    const json::object& o = item.as_object();
    h.open("tr").open("td");
    time_element(h, text_of(o, "at"));
    h.close("td").element("td", state_label(text_of(o, "from")));
    h.element("td", state_label(text_of(o, "to"))).element("td", text_of(o, "reason"));
    h.close("tr");
  }
  h.close("tbody").close("table").close("section");
  return render_page(f, "Demand " + id, h.str());
}

std::string legal_audit_page(const Frame& f, const legal::ChainReport& report) {
  Html h;
  h.element("h1", "Audit log");
  legal_subnav(h, f);
  h.element("p",
            "Every intake, review, move, notice and production is an entry holding the hash of "
            "the one before and the desk key's signature; a signed head records the newest.",
            {{"class", "muted"}});
  if (report.intact) {
    h.open("p", {{"class", "notice chain-status"}, {"role", "status"}});
    h.text("Verified: all " + std::to_string(report.entries) +
           " entries are intact, in order and signed.");
    h.close("p");
  } else {
    h.open("div", {{"class", "alert chain-status"}, {"role", "alert"}});
    h.element("p",
              "Broken at entry " + std::to_string(report.first_broken_seq) + " of " +
                  std::to_string(report.entries) + ".",
              {{"class", "error"}});
    h.element("p", report.problem);
    h.element("p",
              "The log was changed outside the desk. Keep a copy of the data directory as it is "
              "now, and compare with your backups to find what changed.");
    h.close("div");
  }
  return render_page(f, "Audit log", h.str());
}

std::string transparency_page(const Frame& f, const json::object& report,
                              const std::vector<std::string>& periods) {
  const std::string period = text_of(report, "period");
  Html h;
  h.element("h1", "Transparency report");
  if (!periods.empty()) {
    h.open("nav", {{"class", "subnav"}, {"aria-label", "Periods"}}).open("ul");
    for (const auto& p : periods) {
      h.open("li").open(
          "a", {{"href", "/transparency?period=" + p}, {"aria-current", "page", p == period}});
      h.text(p).close("a").close("li");
    }
    h.close("ul").close("nav");
  }
  h.element("h2", "Period " + period + " (" + text_of(report, "from") + " to " +
                      text_of(report, "to") + ")");
  h.open("p", {{"class", "actions"}});
  h.element("a", "Download JSON",
            {{"class", "button"}, {"href", "/transparency.json?period=" + period}});
  h.element("a", "Download CSV",
            {{"class", "button"}, {"href", "/transparency.csv?period=" + period}});
  h.close("p");
  h.open("dl", {{"class", "fields key-numbers"}});
  fact(h, "Requests for user data", text_of(report, "requests"));
  fact(h, "Accounts specified", text_of(report, "accounts_specified"));
  fact(h, "Some information produced", text_of(report, "percent_some_information_produced") + "%");
  fact(h, "Emergency requests (counted apart)", text_of(report, "emergency_requests"));
  fact(h, "Preservation requests (counted apart)", text_of(report, "preservation_requests"));
  h.close("dl");

  bar_chart(h, "by-instrument", "Requests by instrument",
            "Requests received in " + period + ", by the legal instrument used.",
            bars_of(object_of(report, "by_instrument")));
  bar_chart(h, "by-agency", "Requests by agency",
            "Requests received in " + period + ", by the agency that sent them.",
            bars_of(object_of(report, "by_agency")));
  auto count = [&](std::string_view key) {
    const json::value* v = report.if_contains(key);
    return v ? number_of(*v) : 0.0;
  };
  bar_chart(h, "outcomes", "Outcomes", "What became of the requests received in " + period + ".",
            {{"Challenged", count("challenged")},
             {"Withdrawn", count("withdrawn")},
             {"Quashed", count("quashed")}});
  bar_chart(h, "notice", "User notice",
            "Requests whose targets were told, and those where a court order holds the notice.",
            {{"Notice given", count("user_notice_given")},
             {"Notice held by court order", count("user_notice_held")}});
  bar_chart(h, "produced", "Requests where some information was produced",
            "The share of requests for which any data at all was produced.",
            {{"Some information produced", count("percent_some_information_produced")}}, 100, "%");

  const json::object& canary = object_of(report, "canary");
  h.open("section", {{"class", "card canary"}, {"aria-labelledby", "canary-h"}});
  h.element("h2", "Warrant canary", {{"id", "canary-h"}});
  h.element("blockquote", text_of(canary, "statement"));
  h.open("dl", {{"class", "fields"}});
  fact(h, "Date", text_of(canary, "date"));
  h.element("dt", "Ed25519 public key")
      .open("dd")
      .element("code", text_of(canary, "public_key"), {{"class", "hash"}})
      .close("dd");
  h.element("dt", "Signature")
      .open("dd")
      .element("code", text_of(canary, "signature"), {{"class", "hash"}})
      .close("dd");
  h.close("dl");
  h.element("p", "The signature covers the statement, a newline, and the date.",
            {{"class", "hint"}});
  h.close("section");
  return render_page(f, "Transparency report " + period, h.str());
}

}  // namespace publius::web
