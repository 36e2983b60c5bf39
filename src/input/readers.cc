#include "input/readers.h"

#include <algorithm>
#include <charconv>

#include "domain/media.h"
#include "util/ids.h"
#include "util/time.h"

namespace publius::input {

Result<domain::Page> page_from(const http::Params& p, int default_limit, int max_limit) {
  domain::Page page;
  auto id_param = [&](std::string_view name, std::optional<int64_t>& into) -> Status {
    auto v = p.get(name);
    if (!v || v->empty()) return ok_status();
    into = parse_id(*v);
    if (!into) return bad_request(std::string(name) + " must be an id");
    return ok_status();
  };
  PUBLIUS_TRY(id_param("max_id", page.max_id));
  PUBLIUS_TRY(id_param("since_id", page.since_id));
  PUBLIUS_TRY(id_param("min_id", page.min_id));
  PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
  page.limit = static_cast<int>(std::clamp<int64_t>(limit.value_or(default_limit), 1, max_limit));
  return page;
}

Result<std::optional<std::string_view>> single_value(const http::Params& p, std::string_view key) {
  auto v = p.get(key);
  if (!v && p.has(key))
    return unprocessable("Validation failed: " + std::string(key) +
                         " must be a single value, not a list or an object");
  return v;
}

Result<std::optional<int>> search_offset(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto offset, p.get_int("offset"));
  if (offset.value_or(0) > kMaxSearchOffset) return std::optional<int>();
  return std::optional<int>(static_cast<int>(std::max<int64_t>(0, offset.value_or(0))));
}

std::vector<int64_t> id_list(const http::Params& p, std::string_view name) {
  std::vector<int64_t> ids;
  for (const auto& text : p.get_all(name)) {
    auto id = parse_id(text);
    if (id && std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return ids;
}

Result<std::vector<int64_t>> bounded_id_list(const http::Params& p, size_t max_ids,
                                             std::string_view name) {
  auto ids = id_list(p, name);
  if (ids.size() > max_ids)
    return unprocessable("Validation failed: at most " + std::to_string(max_ids) + " ids");
  return ids;
}

Result<domain::ListFields> list_fields(const http::Params& p) {
  domain::ListFields fields;
  PUBLIUS_ASSIGN_OR_RETURN(auto title, single_value(p, "title"));
  if (title) fields.title = std::string(*title);
  if (auto policy = p.get("replies_policy"); policy && !policy->empty()) {
    fields.replies_policy = domain::parse_replies_policy(*policy);
    if (!fields.replies_policy)
      return unprocessable("replies_policy must be followed, list or none");
  }
  PUBLIUS_ASSIGN_OR_RETURN(fields.exclusive, p.get_bool("exclusive"));
  return fields;
}

Result<std::optional<int64_t>> scheduled_at_from(const http::Params& p) {
  PUBLIUS_ASSIGN_OR_RETURN(auto value, single_value(p, "scheduled_at"));
  if (!value || value->empty()) return std::optional<int64_t>();
  std::string text(*value);
  auto parsed = parse_rfc3339_ms(text);
  // Without a zone (an HTML datetime-local field): UTC, as the form says.
  if (!parsed && text.size() == 16) parsed = parse_rfc3339_ms(text + ":00Z");
  if (!parsed && text.size() == 19) parsed = parse_rfc3339_ms(text + "Z");
  if (!parsed)
    return unprocessable("Validation failed: Scheduled at must be an ISO 8601 date and time");
  return std::optional<int64_t>(*parsed);
}

Result<domain::MediaChange> media_change_from(const http::Params& p,
                                              std::string_view description_key,
                                              std::string_view focus_key) {
  domain::MediaChange change;
  if (auto d = p.get(description_key)) change.description = std::string(*d);
  if (auto f = p.get(focus_key); f && !f->empty()) {
    PUBLIUS_ASSIGN_OR_RETURN(change.focus, domain::parse_focus(*f));
  }
  return change;
}

Result<std::optional<domain::NewPoll>> poll_from(const http::Params& p, bool drop_blank_options) {
  if (!p.has("poll")) return std::optional<domain::NewPoll>();
  domain::NewPoll poll;
  for (auto& option : p.get_all("poll[options]")) {
    if (drop_blank_options && option.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    poll.options.push_back(std::move(option));
  }
  if (drop_blank_options && poll.options.empty()) return std::optional<domain::NewPoll>();
  PUBLIUS_ASSIGN_OR_RETURN(auto expires_in, p.get_int("poll[expires_in]"));
  poll.expires_in_s = expires_in.value_or(0);
  PUBLIUS_ASSIGN_OR_RETURN(auto multiple, p.get_bool("poll[multiple]"));
  poll.multiple = multiple.value_or(false);
  PUBLIUS_ASSIGN_OR_RETURN(auto hide_totals, p.get_bool("poll[hide_totals]"));
  poll.hide_totals = hide_totals.value_or(false);
  return std::optional<domain::NewPoll>(std::move(poll));
}

Result<std::vector<int64_t>> poll_choices_from(const http::Params& p) {
  std::vector<int64_t> choices;
  for (const auto& v : p.get_all("choices")) {
    int64_t choice = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), choice);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty())
      return unprocessable("Validation failed: choices must be option numbers");
    choices.push_back(choice);
  }
  return choices;
}

std::vector<legal::DocumentUpload> document_uploads(const http::Params& p) {
  std::vector<legal::DocumentUpload> out;
  for (const auto& file : p.files())
    if (file.field == "documents[]" || file.field == "documents")
      out.push_back({"document-" + std::to_string(out.size() + 1), file.data});
  return out;
}

Result<std::vector<std::string>> approved_categories(const http::Params& p) {
  std::vector<std::string> out;
  // get_all reads `approve[]` entries and repeated `approve` alike.
  for (const auto& value : p.get_all("approve")) {
    size_t start = 0;
    while (start <= value.size()) {
      const size_t comma = value.find(',', start);
      const std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (out.empty()) return bad_request("approve: name at least one category");
  return out;
}

Result<domain::DomainBlockChange> domain_block_change(const http::Params& p) {
  domain::DomainBlockChange change;
  PUBLIUS_ASSIGN_OR_RETURN(auto severity, single_value(p, "severity"));
  if (severity && !severity->empty()) {
    change.severity = domain::parse_domain_block_severity(*severity);
    if (!change.severity)
      return unprocessable("Validation failed: Severity must be suspend, silence or noop");
  }
  PUBLIUS_ASSIGN_OR_RETURN(change.reject_media, p.get_bool("reject_media"));
  PUBLIUS_ASSIGN_OR_RETURN(change.reject_reports, p.get_bool("reject_reports"));
  for (auto [key, into] : {std::pair{"private_comment", &change.private_comment},
                           std::pair{"public_comment", &change.public_comment}}) {
    PUBLIUS_ASSIGN_OR_RETURN(auto value, single_value(p, key));
    if (value) *into = std::string(*value);
  }
  return change;
}

}  // namespace publius::input
