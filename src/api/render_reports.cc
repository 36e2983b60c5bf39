// Renderer: Mastodon's Report, Admin::Report, Admin::Account and Rule entities.
#include "api/render.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

// The members Report and Admin::Report share, inside an open object.
void write_report_core(JsonWriter& w, const domain::Report& r) {
  w.field_id("id", r.id).field("action_taken", r.resolved()).key("action_taken_at");
  if (r.action_taken_day_ms)
    w.string(format_iso8601_ms(*r.action_taken_day_ms));
  else
    w.null();
  w.field("category", domain::report_category_name(r.category))
      .field("comment", r.comment)
      .field("forwarded", r.forwarded)
      .field("created_at", format_iso8601_ms(r.created_day_ms));
}

}  // namespace

std::string Renderer::rule(int position, std::string_view text) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("id", std::to_string(position))
      .field("text", text)
      .field("hint", "")
      .end_object();
  return out;
}

Result<std::string> Renderer::report(const domain::Report& r) {
  PUBLIUS_ASSIGN_OR_RETURN(auto target, microblog_.accounts().account(r.target_id));
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_report_core(w, r);
  // Mastodon writes null for none.
  w.key("status_ids");
  if (r.status_ids.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (int64_t id : r.status_ids) w.id(id);
    w.end_array();
  }
  w.key("rule_ids");
  if (r.rule_ids.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (int rule : r.rule_ids) w.string(std::to_string(rule));
    w.end_array();
  }
  w.key("target_account").raw(*account_json(target));
  w.end_object();
  return out;
}

Result<std::string> Renderer::admin_report(const domain::Report& r,
                                           const std::vector<domain::Post>& posts,
                                           int64_t moderator, domain::ReaderKey& reader) {
  std::vector<int64_t> ids = {r.target_id};
  for (auto id : {r.reporter_id, r.assigned_id, r.action_taken_by_id})
    if (id) ids.push_back(*id);
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(ids));
  // Mastodon's Admin::Account; nothing of the kind Publius never holds (email, addresses)
  // is written but as empty.
  const auto admin_account = [&](std::optional<int64_t> id) {
    if (!id) return std::string("null");
    for (const auto& a : accounts) {
      if (a.id != *id) continue;
      std::string out;
      JsonWriter w(out);
      w.begin_object()
          .field_id("id", a.id)
          .field("username", a.username)
          .field_null("domain")
          .field("created_at", format_iso8601_ms(a.created_day_ms))
          .field("email", "")
          .field_null("ip");
      w.key("ips").begin_array().end_array();
      w.field("locale", "").field_null("invite_request");
      w.key("role").raw(role(a));
      w.field("confirmed", true)
          .field("approved", true)
          .field("disabled", false)
          .field("sensitized", false)
          .field("silenced", false)
          .field("suspended", false);
      w.key("account").raw(*account_json(a));
      w.end_object();
      return out;
    }
    return std::string("null");  // erased meanwhile
  };
  PUBLIUS_ASSIGN_OR_RETURN(auto statuses, this->statuses(moderator, posts, reader));
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_report_core(w, r);
  w.field("updated_at", format_iso8601_ms(r.updated_day_ms));
  w.key("account").raw(admin_account(r.reporter_id));
  w.key("target_account").raw(admin_account(r.target_id));
  w.key("assigned_account").raw(admin_account(r.assigned_id));
  w.key("action_taken_by_account").raw(admin_account(r.action_taken_by_id));
  w.key("statuses").raw(statuses);
  w.key("rules").begin_array();
  const auto& rules = config_.rules;
  for (int position : r.rule_ids)
    if (position >= 1 && static_cast<size_t>(position) <= rules.size())
      w.raw(rule(position, rules[static_cast<size_t>(position) - 1]));
  w.end_array();
  w.end_object();
  return out;
}

}  // namespace publius::api
