#include "legal/desk.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/text_format.h"
#include "legal/default_rules.h"
#include "util/crypto.h"
#include "util/durable_file.h"
#include "util/time.h"

namespace publius::legal {

namespace json = boost::json;
namespace fs = std::filesystem;

// The thread mutex first, then the file lock: threads of one process queue on
// the mutex, so the flock is only ever contended between processes.
class LegalDesk::Exclusive {
 public:
  explicit Exclusive(LegalDesk& desk) : thread_lock_(desk.mu_), file_(desk.lock_file_) {
    status_ = file_.lock();
  }
  ~Exclusive() {
    if (status_.ok()) file_.unlock();
  }
  Exclusive(const Exclusive&) = delete;
  Exclusive& operator=(const Exclusive&) = delete;
  Status status() const { return status_; }

 private:
  std::lock_guard<std::mutex> thread_lock_;
  LockFile& file_;
  Status status_ = ok_status();
};

namespace {

const std::set<std::string, std::less<>> kTerminal = {"produced", "rejected",  "withdrawn",
                                                      "quashed",  "preserved", "closed"};

Result<std::string> read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_request(std::string(what) + ": cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes `fallback` to path when absent, then reads path.
Result<std::string> file_or_default(const std::string& path, std::string_view fallback) {
  if (!fs::exists(path)) PUBLIUS_TRY(write_file_durably(path, fallback));
  return read_file(path, path);
}

json::value parse_or_null(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value() : v;
}

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

using domain::html_escape;

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

bool is_legal_move(std::string_view from, std::string_view to) {
  static const std::set<std::pair<std::string_view, std::string_view>> kMoves = {
      {"received", "under_review"},    {"under_review", "user_notified"},
      {"under_review", "challenged"},  {"under_review", "produced"},
      {"under_review", "rejected"},    {"under_review", "preserved"},
      {"user_notified", "challenged"}, {"user_notified", "produced"},
      {"user_notified", "rejected"},   {"challenged", "quashed"},
      {"challenged", "upheld"},        {"upheld", "produced"},
      {"upheld", "challenged"},        {"produced", "closed"},
      {"rejected", "closed"},          {"withdrawn", "closed"},
      {"quashed", "closed"},           {"preserved", "closed"}};
  if (to == "withdrawn") return !kTerminal.count(from);
  return kMoves.count({from, to}) > 0;
}

LegalDesk::LegalDesk(domain::Microblog& microblog, store::Store& store, LegalStore& legal,
                     DeskOptions options)
    : store_(store),
      legal_(legal),
      options_(std::move(options)),
      legal_dir_(options_.data_dir + "/legal"),
      inventory_(store),
      microblog_(microblog) {
  if (!options_.clock) options_.clock = [] { return now_ms(); };
}

Result<std::unique_ptr<LegalDesk>> LegalDesk::open(domain::Microblog& microblog,
                                                   store::Store& store, LegalStore& legal,
                                                   DeskOptions options) {
  std::unique_ptr<LegalDesk> desk(new LegalDesk(microblog, store, legal, std::move(options)));
  PUBLIUS_TRY(desk->load_files());
  PUBLIUS_TRY(desk->release_expired_notices());
  return desk;
}

Status LegalDesk::load_files() {
  std::error_code ec;
  fs::create_directories(legal_dir_ + "/documents", ec);
  if (ec) return internal_error("cannot create " + legal_dir_ + ": " + ec.message());
  PUBLIUS_ASSIGN_OR_RETURN(lock_file_, LockFile::open(legal_dir_ + "/desk.lock"));
  PUBLIUS_ASSIGN_OR_RETURN(auto rules_text,
                           file_or_default(legal_dir_ + "/rules.json", kDefaultRulesJson));
  auto rules = Rules::parse(rules_text);
  if (!rules.ok()) return unprocessable(legal_dir_ + "/rules.json: " + rules.error().message);
  rules_ = std::move(rules).value();
  PUBLIUS_ASSIGN_OR_RETURN(counsel_,
                           file_or_default(legal_dir_ + "/counsel.txt", rules_.counsel + "\n"));
  while (!counsel_.empty() && (counsel_.back() == '\n' || counsel_.back() == ' '))
    counsel_.pop_back();
  PUBLIUS_ASSIGN_OR_RETURN(auto signer, AuditSigner::open(legal_dir_));
  signer_ = std::move(signer);
  return ok_status();
}

Status LegalDesk::commit(LegalChange change) {
  int64_t last_seq = 0;
  std::string last_hash;
  PUBLIUS_TRY(legal_.apply(change, [&](AuditEntry e) {
    e = signer_->seal(std::move(e));
    last_seq = e.seq;
    last_hash = e.entry_hash;
    return e;
  }));
  if (last_seq > 0) PUBLIUS_TRY(write_audit_head(legal_dir_, *signer_, {last_seq, last_hash}));
  return ok_status();
}

Result<DemandRow> LegalDesk::find(const std::string& id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto row, legal_.demand(id));
  if (!row) return not_found("no demand with id '" + id + "'");
  return *row;
}

Result<std::map<std::string, std::optional<shield::AccountInventory>>> LegalDesk::inventories(
    const Demand& d) {
  std::map<std::string, std::optional<shield::AccountInventory>> out;
  for (const auto& target : d.targets) {
    auto inv = inventory_.for_username(target);
    if (inv.ok()) {
      out[target] = std::move(inv).value();
    } else if (inv.error().code == ErrorCode::kNotFound) {
      out[target] = std::nullopt;
    } else {
      return inv.take_error();
    }
  }
  return out;
}

Result<std::string> LegalDesk::intake(std::string_view demand_json,
                                      const std::vector<DocumentUpload>& uploads) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  PUBLIUS_ASSIGN_OR_RETURN(auto demand, parse_demand(demand_json));
  // Read and hash every document, named by path or uploaded, before anything is written.
  struct Doc {
    std::string sha256, name, bytes;
  };
  std::vector<Doc> docs;
  for (const auto& path : demand.documents) {
    auto bytes = read_file(path, "documents");
    if (!bytes.ok()) return bytes.take_error();
    docs.push_back({sha256_hex(*bytes), fs::path(path).filename().string(), std::move(*bytes)});
  }
  for (const auto& upload : uploads) {
    const std::string name = fs::path(upload.name).filename().string();
    if (name.empty() || name.size() > 200) return bad_request("documents: a name is required");
    if (upload.bytes.empty()) return bad_request("documents: " + name + " is empty");
    docs.push_back({sha256_hex(upload.bytes), name, upload.bytes});
  }
  demand.id = "dmd_" + to_hex(random_token(9)).substr(0, 12);
  demand.documents.clear();
  for (const auto& doc : docs) demand.documents.push_back(doc.sha256);
  PUBLIUS_ASSIGN_OR_RETURN(auto targets, inventories(demand));
  const Review review = review_demand(rules_, demand, targets);

  const int64_t at = now();
  DemandRow row;
  row.id = demand.id;
  row.received_ms = demand.received_ms;
  row.demand_json = demand_to_json(demand, /*with_id=*/false);
  row.review_json = review_to_json(review);
  row.state = "under_review";
  const bool gagged = demand.nondisclosure == "court_order" && demand.nondisclosure_until_ms &&
                      *demand.nondisclosure_until_ms > at;
  row.notice_status = gagged ? "held" : "pending";
  row.created_ms = at;

  LegalChange change;
  change.insert_demand = row;
  change.history.push_back({row.id, at, "", "received", "intake"});
  change.history.push_back({row.id, at, "received", "under_review", "automatic review at intake"});
  std::vector<std::string> written;
  for (const auto& doc : docs) {
    change.documents.push_back(
        {row.id, doc.sha256, doc.name, static_cast<int64_t>(doc.bytes.size())});
    const std::string path = legal_dir_ + "/documents/" + doc.sha256;
    if (!fs::exists(path)) {
      PUBLIUS_TRY(write_file_durably(path, doc.bytes));
      written.push_back(path);
    }
  }
  auto audit = [&](std::string action, std::string payload) {
    AuditEntry e;
    e.at_ms = at;
    e.action = std::move(action);
    e.demand_id = row.id;
    e.payload = std::move(payload);
    change.audit.push_back(std::move(e));
  };
  audit("intake", row.demand_json);
  audit("review", row.review_json);
  if (gagged)
    audit("notice",
          json::serialize(json::object{
              {"status", "held"}, {"until", format_iso8601_ms(*demand.nondisclosure_until_ms)}}));
  if (auto s = commit(change); !s.ok()) {
    // Nothing half-stored: documents written for this intake go with it.
    for (const auto& path : written) fs::remove(path);
    return s.take_error();
  }
  json::object out;
  out["id"] = row.id;
  out["state"] = row.state;
  out["review"] = parse_or_null(row.review_json);
  return json::serialize(out);
}

Result<std::string> LegalDesk::show_json(const std::string& id) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  return show_json_locked(id);
}

Result<std::string> LegalDesk::show_json_locked(const std::string& id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto row, find(id));
  PUBLIUS_ASSIGN_OR_RETURN(auto history, legal_.history(id));
  PUBLIUS_ASSIGN_OR_RETURN(auto documents, legal_.documents(id));
  json::value demand = parse_or_null(row.demand_json);
  json::object out;
  out["id"] = row.id;
  out["state"] = row.state;
  out["review"] = parse_or_null(row.review_json);
  json::array h;
  for (const auto& entry : history)
    h.push_back(json::object{
        {"from", entry.from_state.empty() ? json::value() : json::value(entry.from_state)},
        {"to", entry.to_state},
        {"at", format_iso8601_ms(entry.at_ms)},
        {"reason", entry.reason}});
  out["history"] = std::move(h);
  json::object notice;
  notice["status"] = row.notice_status;
  notice["at"] = row.notice_ms ? json::value(format_iso8601_ms(*row.notice_ms)) : json::value();
  if (demand.is_object() && demand.as_object().contains("nondisclosure_until"))
    notice["held_until"] = demand.as_object()["nondisclosure_until"];
  out["notice"] = std::move(notice);
  out["demand"] = demand;
  json::array docs;
  for (const auto& d : documents)
    docs.push_back(json::object{{"sha256", d.sha256}, {"name", d.name}, {"size", d.size}});
  out["documents"] = std::move(docs);
  out["production"] = row.produced_json ? parse_or_null(*row.produced_json) : json::value();
  return json::serialize(out);
}

Result<std::string> LegalDesk::show_text(const std::string& id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto text, show_json(id));
  const json::object o = json::parse(text).as_object();
  const auto& d = o.at("demand").as_object();
  std::string out = "Demand " + std::string(o.at("id").as_string()) + " — " +
                    std::string(o.at("state").as_string()) + "\n";
  out += "  " + std::string(d.at("agency").as_string()) + " " +
         std::string(d.at("agency_component").as_string()) + ", " +
         std::string(d.at("instrument").as_string()) + " under " +
         std::string(d.at("authority").as_string()) + "\n";
  out += "  received " + std::string(d.at("received_at").as_string()) + ", deadline " +
         (d.at("deadline").is_string() ? std::string(d.at("deadline").as_string()) : "none") + "\n";
  const auto& review = o.at("review").as_object();
  out += "Review: recommendation " + std::string(review.at("recommendation").as_string()) + "\n";
  for (const auto& r : review.at("reasons").as_array())
    out += "  because " + std::string(r.as_string()) + "\n";
  for (const auto& f : review.at("findings").as_array()) {
    const auto& fo = f.as_object();
    out += "  [" + std::string(fo.at("severity").as_string()) + "] " +
           std::string(fo.at("code").as_string()) + ": " +
           std::string(fo.at("explanation").as_string()) + " (" +
           std::string(fo.at("citation").as_string()) + ")\n";
    if (auto* prongs = fo.if_contains("prongs"))
      for (const auto& p : prongs->as_array())
        out += "      " + std::string(p.at("prong").as_string()) + ": " +
               std::string(p.at("status").as_string()) + " — " +
               std::string(p.at("basis").as_string()) + "\n";
  }
  out += "Notice: " + std::string(o.at("notice").at("status").as_string()) + "\n";
  out += "History:\n";
  for (const auto& h : o.at("history").as_array())
    out += "  " + std::string(h.at("at").as_string()) + " -> " +
           std::string(h.at("to").as_string()) + ": " + std::string(h.at("reason").as_string()) +
           "\n";
  return out;
}

Result<std::string> LegalDesk::list_json() {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, legal_.demands());
  json::array out;
  for (const auto& row : rows) {
    json::value d = parse_or_null(row.demand_json);
    json::value review = parse_or_null(row.review_json);
    json::object item{{"id", row.id},
                      {"state", row.state},
                      {"received_at", format_iso8601_ms(row.received_ms)},
                      {"notice", row.notice_status}};
    if (d.is_object()) {
      item["agency"] = d.as_object()["agency"];
      item["deadline"] = d.as_object()["deadline"];
      item["instrument"] = d.as_object()["instrument"];
      item["targets"] = d.as_object()["targets"];
    }
    if (review.is_object()) item["recommendation"] = review.as_object()["recommendation"];
    out.push_back(std::move(item));
  }
  return json::serialize(out);
}

Result<std::string> LegalDesk::list_text() {
  PUBLIUS_ASSIGN_OR_RETURN(auto text, list_json());
  std::string out;
  // Named: a range-for over json::parse(...).as_array() would walk a destroyed temporary.
  const json::value listed = json::parse(text);
  for (const auto& item : listed.as_array()) {
    const auto& o = item.as_object();
    std::vector<std::string> targets;
    for (const auto& t : o.at("targets").as_array())
      targets.push_back("@" + std::string(t.as_string()));
    out += std::string(o.at("id").as_string()) + "  " +
           std::string(o.at("received_at").as_string()) + "  " +
           std::string(o.at("state").as_string()) + "  " + std::string(o.at("agency").as_string()) +
           " " + std::string(o.at("instrument").as_string()) + "  " + joined(targets) + "  (" +
           std::string(o.at("recommendation").as_string()) + ", notice " +
           std::string(o.at("notice").as_string()) + ")\n";
  }
  if (out.empty()) out = "no demands recorded\n";
  return out;
}

Result<int64_t> LegalDesk::notice_account_id() {
  const std::string path = legal_dir_ + "/notice_account";
  if (fs::exists(path)) {
    PUBLIUS_ASSIGN_OR_RETURN(auto name, read_file(path, "notice_account"));
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_username(name));
    if (account) return account->id;
  }
  // `legal` when free; never borrow a user's account of that name.
  for (const char* name : {"legal", "legal_notices", "legal_desk"}) {
    PUBLIUS_ASSIGN_OR_RETURN(auto existing, store_.account_by_username(name));
    if (existing) continue;
    PUBLIUS_ASSIGN_OR_RETURN(auto created,
                             microblog_.accounts().register_account(name, random_token(24)));
    domain::ProfileChange profile;
    profile.display_name = "Legal notices";
    profile.note = "Notices from this server's operator about legal demands for your data.";
    profile.bot = true;
    PUBLIUS_TRY(microblog_.accounts().update_profile(created.account.id, profile));
    PUBLIUS_TRY(write_file_durably(path, std::string(name) + "\n"));
    return created.account.id;
  }
  return internal_error("no free username for the legal notice account");
}

Result<int> LegalDesk::send_notice(const DemandRow& row, const Demand& d) {
  PUBLIUS_ASSIGN_OR_RETURN(auto targets, inventories(d));
  PUBLIUS_ASSIGN_OR_RETURN(int64_t from, notice_account_id());
  int sent = 0;
  for (const auto& [target, inventory] : targets) {
    if (!inventory) continue;
    std::string text = "@" + target + " Legal notice from the operator of " + options_.domain +
                       " (reference " + row.id + ").\n\n";
    text += "Who asked: " + d.agency +
            (d.agency_component.empty() ? "" : " (" + d.agency_component + ")") + ", " + d.country +
            ".\n";
    text += "Instrument: " + d.instrument + " citing " + d.authority + ", received " +
            format_day(d.received_ms) + ".\n";
    text += "What they asked for about your account: " + joined(d.categories_requested) + ".\n";
    text += "What this server holds:\n";
    for (const auto& c : d.categories_requested) {
      const auto* holding = inventory->holding(c);
      if (holding) text += "- " + c + ": " + holding->what + "\n";
    }
    text += "Deadline: " +
            (d.deadline_ms ? format_iso8601_ms(*d.deadline_ms) : std::string("none stated")) +
            ".\n";
    text += "Nothing is produced without the operator's decision, and only what exists.\n\n";
    text += counsel_;
    domain::NewPost post;
    post.author_id = from;
    post.text = std::move(text);
    post.visibility = domain::Visibility::kDirect;
    PUBLIUS_TRY(microblog_.posts().create_operator_notice(post));
    ++sent;
  }
  return sent;
}

Result<std::optional<int64_t>> LegalDesk::ms_until_next_release() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, legal_.demands());
  std::optional<int64_t> next;
  for (const auto& row : rows) {
    if (row.notice_status != "held") continue;
    PUBLIUS_ASSIGN_OR_RETURN(auto demand, parse_demand(row.demand_json));
    const int64_t due = demand.nondisclosure_until_ms.value_or(0);
    if (!next || due < *next) next = due;
  }
  if (!next) return next;
  return std::optional<int64_t>(std::max<int64_t>(0, *next - now()));
}

Status LegalDesk::release_expired_notices() {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  return release_locked();
}

Status LegalDesk::release_locked() {
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, legal_.demands());
  const int64_t at = now();
  for (auto& row : rows) {
    if (row.notice_status != "held") continue;
    PUBLIUS_ASSIGN_OR_RETURN(auto demand, parse_demand(row.demand_json));
    if (demand.nondisclosure_until_ms && *demand.nondisclosure_until_ms > at) continue;
    demand.id = row.id;
    PUBLIUS_ASSIGN_OR_RETURN(int sent, send_notice(row, demand));
    row.notice_status = "sent";
    row.notice_ms = at;
    LegalChange change;
    change.update_demand = row;
    AuditEntry e;
    e.at_ms = at;
    e.action = "notice";
    e.demand_id = row.id;
    e.payload = json::serialize(json::object{
        {"status", "sent"}, {"messages", sent}, {"reason", "court nondisclosure order expired"}});
    change.audit.push_back(std::move(e));
    PUBLIUS_TRY(commit(change));
  }
  return ok_status();
}

Result<std::string> LegalDesk::transition(const std::string& id, std::string_view to,
                                          std::string_view reason) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  const auto& states = state_names();
  if (std::find(states.begin(), states.end(), to) == states.end())
    return bad_request("--to: '" + std::string(to) + "' is not a state; states are " +
                       joined(states));
  if (reason.empty()) return bad_request("--reason: a reason is required");
  PUBLIUS_ASSIGN_OR_RETURN(auto row, find(id));
  if (!is_legal_move(row.state, to))
    return Error{ErrorCode::kConflict, "--to: cannot move demand " + id + " from " + row.state +
                                           " to " + std::string(to) +
                                           " (not a move the workflow allows)"};
  PUBLIUS_ASSIGN_OR_RETURN(auto demand, parse_demand(row.demand_json));
  demand.id = row.id;
  const int64_t at = now();
  LegalChange change;
  auto audit = [&](std::string action, std::string payload) {
    AuditEntry e;
    e.at_ms = at;
    e.action = std::move(action);
    e.demand_id = row.id;
    e.payload = std::move(payload);
    change.audit.push_back(std::move(e));
  };
  // Telling the user: on the notify move, and at the latest before anything is produced.
  if (to == "user_notified" && row.notice_status == "held")
    return Error{ErrorCode::kConflict,
                 "--to: a court nondisclosure order is in force until " +
                     format_iso8601_ms(demand.nondisclosure_until_ms.value_or(0)) +
                     "; notice is held and goes out automatically when it expires"};
  if ((to == "user_notified" || to == "produced") && row.notice_status == "pending") {
    PUBLIUS_ASSIGN_OR_RETURN(int sent, send_notice(row, demand));
    row.notice_status = "sent";
    row.notice_ms = at;
    audit("notice", json::serialize(json::object{{"status", "sent"}, {"messages", sent}}));
  }
  change.history.push_back({row.id, at, row.state, std::string(to), std::string(reason)});
  audit("transition",
        json::serialize(json::object{
            {"from", row.state}, {"to", std::string(to)}, {"reason", std::string(reason)}}));
  row.state = std::string(to);
  if (to == "challenged") row.challenged = true;
  change.update_demand = row;
  PUBLIUS_TRY(commit(change));
  return show_json_locked(id);
}

Result<std::string> LegalDesk::produce(const std::string& id,
                                       const std::vector<std::string>& approved,
                                       const std::string& out_dir) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  return produce_locked(id, approved, out_dir);
}

Result<std::string> LegalDesk::produce_stored(const std::string& id,
                                              const std::vector<std::string>& approved) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  // The time in the name keeps a failed attempt's leftovers from blocking a retry.
  return produce_locked(id, approved,
                        legal_dir_ + "/productions/" + id + "-" + std::to_string(now_ms()));
}

Result<std::vector<PackageFile>> LegalDesk::stored_package(const std::string& id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto row, find(id));
  if (!row.produced_json) return not_found("demand " + id + " has not been produced");
  const json::value summary = parse_or_null(*row.produced_json);
  const json::value* manifest_sha =
      summary.is_object() ? summary.as_object().if_contains("manifest_sha256") : nullptr;
  // The package whose manifest the audit log recorded: several directories can exist
  // when an earlier attempt failed half-way.
  std::error_code ec;
  const fs::path root = legal_dir_ + "/productions";
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(id + "-", 0) != 0) continue;
    auto manifest = read_file((entry.path() / "manifest.json").string(), "package");
    if (!manifest.ok() || !manifest_sha || !manifest_sha->is_string() ||
        sha256_hex(*manifest) != manifest_sha->as_string())
      continue;
    std::vector<PackageFile> files{{"manifest.json", *manifest}};
    const json::value listed = parse_or_null(*manifest);
    if (!listed.is_object() || !listed.as_object().contains("files"))
      return internal_error("package of " + id + ": manifest.json has no file list");
    for (const auto& f : listed.as_object().at("files").as_array()) {
      const std::string path(f.at("path").as_string());
      PUBLIUS_ASSIGN_OR_RETURN(auto bytes, read_file((entry.path() / path).string(), "package"));
      if (sha256_hex(bytes) != f.at("sha256").as_string())
        return internal_error("package of " + id + ": " + path +
                              " no longer matches the SHA-256 in its manifest");
      files.push_back({path, std::move(bytes)});
    }
    return files;
  }
  return not_found("no stored package for demand " + id +
                   " (it was produced with `publius legal produce --out`)");
}

Result<std::string> LegalDesk::produce_locked(const std::string& id,
                                              const std::vector<std::string>& approved,
                                              const std::string& out_dir) {
  PUBLIUS_ASSIGN_OR_RETURN(auto row, find(id));
  PUBLIUS_ASSIGN_OR_RETURN(auto demand, parse_demand(row.demand_json));
  demand.id = row.id;
  if (approved.empty()) return bad_request("--approve: name at least one category");
  for (const auto& c : approved) {
    if (!shield::is_demand_category(c))
      return bad_request("--approve: '" + c + "' is not a category");
    if (!requests_category(demand, c))
      return bad_request("--approve: '" + c + "' was not requested by demand " + id);
  }
  if (!is_legal_move(row.state, "produced"))
    return Error{ErrorCode::kConflict,
                 "cannot produce demand " + id + " in state " + row.state +
                     " (production is allowed from under_review, user_notified or upheld)"};
  // A court gag forbids notice, not production: the notice stays held.
  if (out_dir.empty()) return bad_request("--out: a directory is required");
  std::error_code ec;
  if (fs::exists(out_dir) && !fs::is_empty(out_dir, ec))
    return bad_request("--out: " + out_dir + " exists and is not empty");
  fs::create_directories(out_dir, ec);
  if (ec) return bad_request("--out: cannot create " + out_dir + ": " + ec.message());

  auto wants = [&](std::string_view c) {
    return std::find(approved.begin(), approved.end(), c) != approved.end() ||
           std::find(approved.begin(), approved.end(), "all_records") != approved.end();
  };
  PUBLIUS_ASSIGN_OR_RETURN(auto targets, inventories(demand));
  json::array files, statements;
  bool produced_any = false;
  auto add_file = [&](const std::string& relative, const std::string& text) -> Status {
    fs::create_directories(fs::path(out_dir) / fs::path(relative).parent_path(), ec);
    PUBLIUS_TRY(write_file_durably((fs::path(out_dir) / relative).string(), text));
    files.push_back(json::object{{"path", relative},
                                 {"sha256", sha256_hex(text)},
                                 {"bytes", static_cast<int64_t>(text.size())}});
    return ok_status();
  };
  for (const auto& [target, listed] : targets) {
    // One snapshot of each account: its statements, records and content describe it as
    // it was at one moment, whatever is written while the production is read.
    std::optional<store::AccountRecords> records;
    if (listed) {
      auto read = store_.account_records(
          listed->counts.account_id,
          wants("content") ? domain::visibilities_in_clear() : std::vector<domain::Visibility>());
      if (read.ok()) {
        records = std::move(read).value();
      } else if (read.error().code != ErrorCode::kNotFound) {  // not found: deleted meanwhile
        return read.take_error();
      }
    }
    if (!records) {
      statements.push_back(json::object{
          {"target", target},
          {"category", "all"},
          {"statement", "@" + target + " is not an account on this server; nothing is held."}});
      continue;
    }
    const shield::AccountInventory inventory = shield::build_inventory(records->counts);
    const auto& c = inventory.counts;
    for (const auto& category : demand.categories_requested) {
      const auto* holding = inventory.holding(category);
      if (!holding || !holding->held)
        statements.push_back(
            json::object{{"target", target},
                         {"category", category},
                         {"statement", "Not held: " + (holding ? holding->what : std::string())}});
    }
    if (wants("non_content_records")) {
      auto days = [](const std::vector<int64_t>& days_ms) {
        json::array out;
        for (int64_t d : days_ms) out.emplace_back(format_day(d));
        return out;
      };
      json::object records{
          {"account", "@" + target},
          {"account_created_day", format_day(c.created_day_ms)},
          {"last_active_day",
           c.last_active_day_ms ? json::value(format_day(*c.last_active_day_ms)) : json::value()},
          {"token_last_used_days", days(c.token_last_used_days_ms)},
          {"unattached_media_upload_days", days(c.media_upload_days_ms)},
          {"following_count", c.following},
          {"followers_count", c.followers},
          {"note", "Days only: no login history, addresses or devices are kept."}};
      PUBLIUS_TRY(add_file(target + "/non_content_records.json", json::serialize(records)));
      produced_any = true;
    }
    if (wants("content")) {
      json::array posts;
      for (const auto& p : records->posts) {  // never direct: sealed, and not read
        posts.push_back(
            json::object{{"id", std::to_string(p.id)},
                         {"created_at", format_iso8601_ms(p.created_ms)},
                         {"visibility", std::string(domain::visibility_name(p.visibility))},
                         {"spoiler_text", p.spoiler_text},
                         {"text", p.text}});
      }
      if (!posts.empty()) {
        PUBLIUS_TRY(add_file(
            target + "/content.json",
            json::serialize(json::object{{"account", "@" + target}, {"posts", std::move(posts)}})));
        produced_any = true;
      }
    }
  }
  const std::string sealed =
      "Direct messages are sealed to their recipients and cannot be produced by this server; "
      "none are included.";
  json::array approved_json;
  for (const auto& a : approved) approved_json.emplace_back(a);
  const int64_t at = now();
  json::object manifest{{"demand_id", id},
                        {"produced_at", format_iso8601_ms(at)},
                        {"approved_categories", approved_json},
                        {"files", files},
                        {"statements", statements},
                        {"sealed_direct_messages", sealed}};
  const std::string manifest_text = json::serialize(manifest);
  PUBLIUS_TRY(write_file_durably((fs::path(out_dir) / "manifest.json").string(), manifest_text));

  json::object summary{{"approved_categories", approved_json},
                       {"files", static_cast<int64_t>(files.size())},
                       {"some_information_produced", produced_any},
                       {"manifest_sha256", sha256_hex(manifest_text)},
                       {"produced_at", format_iso8601_ms(at)}};
  LegalChange change;
  if (row.notice_status == "pending") {
    PUBLIUS_ASSIGN_OR_RETURN(int sent, send_notice(row, demand));
    row.notice_status = "sent";
    row.notice_ms = at;
    change.audit.push_back({0, at, "notice", id,
                            json::serialize(json::object{{"status", "sent"}, {"messages", sent}}),
                            "", "", ""});
  }
  change.history.push_back({id, at, row.state, "produced",
                            "production of " + joined(approved) + " approved by the operator"});
  change.audit.push_back({0, at, "production", id, json::serialize(summary), "", "", ""});
  row.state = "produced";
  row.produced_json = json::serialize(summary);
  change.update_demand = row;
  PUBLIUS_TRY(commit(change));
  return manifest_text;
}

Result<ChainReport> LegalDesk::verify() {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_ASSIGN_OR_RETURN(auto entries, legal_.audit_entries());
  auto head = read_audit_head(legal_dir_, *signer_);
  if (!head.ok()) {
    ChainReport report;
    report.intact = false;
    report.entries = static_cast<int64_t>(entries.size());
    report.first_broken_seq = static_cast<int64_t>(entries.size());
    report.problem = head.error().message;
    return report;
  }
  return verify_chain(entries, *signer_, *head);
}

namespace {

struct Period {
  std::string label;
  int64_t from_ms = 0, to_ms = 0;  // [from, to)
};

std::optional<int64_t> month_start(int year, int month) {
  while (month > 12) {
    month -= 12;
    ++year;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-01T00:00:00Z", year, month);
  return parse_rfc3339_ms(text);
}

// The number `text` writes in decimal digits only (no sign, space or anything else).
std::optional<int> decimal(std::string_view text) {
  int n = 0;
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  if (std::from_chars(text.data(), text.data() + text.size(), n).ec != std::errc())
    return std::nullopt;
  return n;
}

Result<Period> parse_period(const std::string& p) {
  auto bad = [&] {
    return bad_request("--period: '" + p + "' must be YYYY, YYYYH1, YYYYH2 or YYYY-MM..YYYY-MM");
  };
  const std::string_view text = p;
  const auto year = decimal(text.substr(0, 4));
  std::optional<int64_t> from, to;
  if (text.size() == 4 && year) {
    from = month_start(*year, 1);
    to = month_start(*year + 1, 1);
  } else if (text.size() == 6 && year && (text.substr(4) == "H1" || text.substr(4) == "H2")) {
    const bool first_half = text[5] == '1';
    from = month_start(*year, first_half ? 1 : 7);
    to = first_half ? month_start(*year, 7) : month_start(*year + 1, 1);
  } else if (text.size() == 16 && year && text[4] == '-' && text.substr(7, 2) == ".." &&
             text[13] == '-') {
    const auto first_month = decimal(text.substr(5, 2));
    const auto last_year = decimal(text.substr(9, 4));
    const auto last_month = decimal(text.substr(14, 2));
    auto is_month = [](std::optional<int> m) { return m && *m >= 1 && *m <= 12; };
    if (!is_month(first_month) || !last_year || !is_month(last_month)) return bad();
    from = month_start(*year, *first_month);
    to = month_start(*last_year, *last_month + 1);
  } else {
    return bad();
  }
  if (!from || !to || *to <= *from) return bad();
  return Period{p, *from, *to};
}

}  // namespace

Result<std::vector<std::string>> LegalDesk::transparency_periods() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, legal_.demands());
  std::set<std::string, std::greater<>> halves;
  for (const auto& row : rows) {
    const std::string day = format_day(row.received_ms);  // YYYY-MM-DD
    halves.insert(day.substr(0, 4) + (day.substr(5, 2) <= "06" ? "H1" : "H2"));
  }
  return std::vector<std::string>(halves.begin(), halves.end());
}

Result<std::string> LegalDesk::transparency(const TransparencyOptions& options) {
  Exclusive exclusive(*this);
  PUBLIUS_TRY(exclusive.status());
  PUBLIUS_TRY(release_locked());
  PUBLIUS_ASSIGN_OR_RETURN(auto period, parse_period(options.period));
  if (options.format != "json" && options.format != "csv" && options.format != "html")
    return bad_request("--format: must be json, csv or html");
  PUBLIUS_ASSIGN_OR_RETURN(auto rows, legal_.demands());
  int64_t requests = 0, produced = 0, given = 0, held = 0, challenged = 0, withdrawn = 0,
          quashed = 0, emergency = 0, preservation = 0, nsl_ever = 0;
  std::set<std::string> accounts;
  std::map<std::string, int64_t> by_instrument, by_agency;
  for (const auto& row : rows) {
    PUBLIUS_ASSIGN_OR_RETURN(auto d, parse_demand(row.demand_json));
    if (d.instrument == "national_security_letter" && row.received_ms < period.to_ms) ++nsl_ever;
    if (row.received_ms < period.from_ms || row.received_ms >= period.to_ms) continue;
    // Emergency and preservation requests are counted apart (as Twitter and Google do).
    if (d.instrument == "emergency_request") {
      ++emergency;
      continue;
    }
    if (d.instrument == "preservation_request") {
      ++preservation;
      continue;
    }
    ++requests;
    for (const auto& t : d.targets) accounts.insert(t);
    ++by_instrument[d.instrument];
    ++by_agency[d.agency];
    if (row.produced_json) {
      json::value summary = parse_or_null(*row.produced_json);
      if (summary.is_object() && summary.as_object()["some_information_produced"] == true)
        ++produced;
    }
    if (row.notice_status == "sent") ++given;
    if (row.notice_status == "held") ++held;
    if (row.challenged) ++challenged;
    PUBLIUS_ASSIGN_OR_RETURN(auto history, legal_.history(row.id));
    for (const auto& h : history) {
      if (h.to_state == "withdrawn") ++withdrawn;
      if (h.to_state == "quashed") ++quashed;
    }
  }
  auto count = [&](int64_t n) -> json::value {
    if (options.band && n > 0 && n < 10) return json::value("<10");
    return json::value(n);
  };
  const double percent =
      // NOLINTNEXTLINE(bugprone-integer-division): truncates to a tenth of a percent on purpose.
      requests == 0 ? 0.0 : static_cast<double>(produced * 1000 / requests) / 10.0;
  json::object report;
  report["period"] = period.label;
  report["from"] = format_day(period.from_ms);
  report["to"] = format_day(period.to_ms - kDayMs);
  report["requests"] = count(requests);
  report["accounts_specified"] = count(static_cast<int64_t>(accounts.size()));
  // Whole percentages as integers: Boost.JSON would print 0.0 as "0E0".
  if (percent == static_cast<double>(static_cast<int64_t>(percent)))
    report["percent_some_information_produced"] = static_cast<int64_t>(percent);
  else
    report["percent_some_information_produced"] = percent;
  report["user_notice_given"] = count(given);
  report["user_notice_held"] = count(held);
  report["challenged"] = count(challenged);
  report["withdrawn"] = count(withdrawn);
  report["quashed"] = count(quashed);
  report["emergency_requests"] = count(emergency);
  report["preservation_requests"] = count(preservation);
  json::object instruments, agencies;
  for (const auto& [k, v] : by_instrument) instruments[k] = count(v);
  for (const auto& [k, v] : by_agency) agencies[k] = count(v);
  report["by_instrument"] = std::move(instruments);
  report["by_agency"] = std::move(agencies);
  report["banded"] = options.band;
  const std::string date = format_day(now());
  std::string statement = "As of " + date + ", the operator of " + options_.domain + " has ";
  statement += nsl_ever == 0 ? "received no national security letters and "
                             : "received national security letters; it states nothing about ";
  statement +=
      "no court order forbidding it to tell users about a demand, other than those counted "
      "in its transparency reports, and has placed no means of unmasking users in this "
      "server.";
  const std::string canary_message = statement + "\n" + date;
  report["canary"] = json::object{{"statement", statement},
                                  {"date", date},
                                  {"public_key", signer_->public_key_hex()},
                                  {"signature", signer_->sign_hex(canary_message)},
                                  {"signed_message", "statement + \"\\n\" + date"}};
  if (options.format == "json") return json::serialize(report);

  std::vector<std::pair<std::string, std::string>> lines;
  for (const char* key :
       {"period", "from", "to", "requests", "accounts_specified",
        "percent_some_information_produced", "user_notice_given", "user_notice_held", "challenged",
        "withdrawn", "quashed", "emergency_requests", "preservation_requests"}) {
    const json::value& v = report[key];
    lines.push_back({key, v.is_string() ? std::string(v.as_string()) : json::serialize(v)});
  }
  for (const auto& [k, v] : report["by_instrument"].as_object())
    lines.push_back({"by_instrument." + std::string(k),
                     v.is_string() ? std::string(v.as_string()) : json::serialize(v)});
  for (const auto& [k, v] : report["by_agency"].as_object())
    lines.push_back({"by_agency." + std::string(k),
                     v.is_string() ? std::string(v.as_string()) : json::serialize(v)});
  lines.push_back({"canary.statement", statement});
  lines.push_back({"canary.date", date});
  lines.push_back({"canary.public_key", signer_->public_key_hex()});
  lines.push_back({"canary.signature", std::string(report["canary"].at("signature").as_string())});
  std::string out;
  if (options.format == "csv") {
    out = "metric,value\n";
    for (const auto& [k, v] : lines) out += csv_field(k) + "," + csv_field(v) + "\n";
    return out;
  }
  out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Transparency "
      "report " +
      html_escape(period.label) + "</title></head><body>\n<h1>Transparency report " +
      html_escape(period.label) + "</h1>\n<table>\n";
  for (const auto& [k, v] : lines)
    out += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>\n";
  out += "</table>\n<p id=\"canary\">" + html_escape(statement) + " (" + html_escape(date) +
         ")</p>\n</body></html>\n";
  return out;
}

NoticeReleaser::NoticeReleaser(LegalDesk& desk, int64_t poll_ms)
    : desk_(desk),
      poll_ms_(std::max<int64_t>(1, poll_ms)),
      thread_([this] { return release_due(); }) {}

std::chrono::milliseconds NoticeReleaser::release_due() {
  int64_t wait_ms = poll_ms_;
  if (auto s = desk_.release_expired_notices(); !s.ok()) {
    // Retried at the next poll, not at once: an overdue notice would spin here.
    spdlog::error("legal desk: releasing held notices failed: {}", s.error().message);
  } else if (auto next = desk_.ms_until_next_release(); next.ok() && *next) {
    wait_ms = std::min(wait_ms, std::max<int64_t>(1, **next));
  }
  return std::chrono::milliseconds(wait_ms);
}

namespace {

// Writes `value` as a zero-padded octal number filling `width - 1` digits and a NUL.
void octal(char* field, size_t width, uint64_t value) {
  field[width - 1] = '\0';
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
}

}  // namespace

Result<std::string> ustar_archive(const std::string& root, const std::vector<PackageFile>& files,
                                  int64_t mtime_s) {
  std::string out;
  auto header = [&](const std::string& name, char type, uint64_t size) -> Status {
    if (name.size() >= 100) return bad_request("package: path too long for ustar: " + name);
    char h[512] = {};
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): h is zeroed and name shorter than 100.
    std::memcpy(h, name.data(), name.size());
    octal(h + 100, 8, type == '5' ? 0755 : 0644);  // mode
    octal(h + 108, 8, 0);                          // uid
    octal(h + 116, 8, 0);                          // gid
    octal(h + 124, 12, size);
    octal(h + 136, 12, static_cast<uint64_t>(std::max<int64_t>(0, mtime_s)));
    std::memset(h + 148, ' ', 8);  // the checksum is computed with its own field as spaces
    h[156] = type;
    std::memcpy(h + 257, "ustar", 6);  // magic with NUL, then version "00"
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): ustar's version has no NUL.
    std::memcpy(h + 263, "00", 2);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);  // six digits, NUL, then the space kept from above
    out.append(h, sizeof h);
    return ok_status();
  };
  PUBLIUS_TRY(header(root + "/", '5', 0));
  std::set<std::string> dirs;
  for (const auto& f : files) {
    for (size_t slash = f.path.find('/'); slash != std::string::npos;
         slash = f.path.find('/', slash + 1)) {
      const std::string dir = root + "/" + f.path.substr(0, slash + 1);
      if (dirs.insert(dir).second) PUBLIUS_TRY(header(dir, '5', 0));
    }
    PUBLIUS_TRY(header(root + "/" + f.path, '0', f.bytes.size()));
    out += f.bytes;
    out.append((512 - f.bytes.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');  // two zero blocks end the archive
  return out;
}

}  // namespace publius::legal
