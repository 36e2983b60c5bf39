// Filters (Mastodon's v2 filters API): an account's filter groups, their keywords
// and their filtered statuses. Matching happens as statuses are rendered
// (Renderer::write_filtered); the rules are in domain/filters.cc.
#include <algorithm>
#include <functional>

#include "api/api.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

// expires_in ("" clears it) caps at ten years: enough for "until I change it", and the
// arithmetic stays far from overflow.
constexpr int64_t kMaxExpiresInSeconds = 10LL * 366 * 86400;

std::string keyword_json(const domain::FilterKeyword& k) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field_id("id", k.id)
      .field("keyword", k.keyword)
      .field("whole_word", k.whole_word)
      .end_object();
  return out;
}

std::string filter_status_json(const domain::FilterStatus& s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_id("id", s.id).field_id("status_id", s.status_id).end_object();
  return out;
}

template <typename T, typename Render>
std::string json_array(const std::vector<T>& items, Render render) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out += render(items[i]);
  }
  out.push_back(']');
  return out;
}

// `context[]`, where given: the set of contexts a filter applies in.
Status apply_context(const http::Params& p, domain::Filter& f) {
  if (!p.has("context")) return ok_status();
  f.contexts = 0;
  for (const auto& name : p.get_all("context")) {
    auto context = domain::parse_filter_context(name);
    if (!context)
      return unprocessable(
          "Validation failed: Context must be home, notifications, public, thread or account");
    f.contexts |= *context;
  }
  return ok_status();
}

// `expires_in`, where given: seconds from now ("" or null: never), kept to the day.
Status apply_expiry(const http::Params& p, domain::Filter& f) {
  if (!p.get("expires_in")) return ok_status();
  PUBLIUS_ASSIGN_OR_RETURN(auto seconds, p.get_int("expires_in"));
  if (!seconds) {
    f.expires_day_ms.reset();
    return ok_status();
  }
  if (*seconds <= 0 || *seconds > kMaxExpiresInSeconds)
    return unprocessable("Validation failed: expires_in must be between 1 and " +
                         std::to_string(kMaxExpiresInSeconds) + " seconds");
  f.expires_day_ms = domain::filter_expiry_day(now_ms(), *seconds);
  return ok_status();
}

// Title, context, filter_action and expires_in, where given (a new filter has no default title
// or context).
Status apply_filter_fields(const http::Params& p, domain::Filter& f) {
  if (auto title = p.get("title")) f.title = std::string(*title);
  PUBLIUS_TRY(apply_context(p, f));
  if (auto action = p.get("filter_action"); action && !action->empty()) {
    auto parsed = domain::parse_filter_action(*action);
    if (!parsed) return unprocessable("Validation failed: Filter action must be warn or hide");
    f.action = *parsed;
  }
  return apply_expiry(p, f);
}

// keywords_attributes[N][keyword|whole_word|id|_destroy]: new keywords (no id), changes to
// the filter's own keywords (id), and removals (id with _destroy).
Status apply_keyword_attributes(const http::Params& p, domain::Filter& f) {
  for (const auto& index : p.subkeys("keywords_attributes")) {
    const std::string prefix = "keywords_attributes[" + index + "]";
    PUBLIUS_ASSIGN_OR_RETURN(auto id, p.get_int(prefix + "[id]"));
    PUBLIUS_ASSIGN_OR_RETURN(auto destroy, p.get_bool(prefix + "[_destroy]"));
    PUBLIUS_ASSIGN_OR_RETURN(auto whole_word, p.get_bool(prefix + "[whole_word]"));
    const auto keyword = p.get(prefix + "[keyword]");
    if (!id) {
      if (destroy.value_or(false)) continue;
      f.keywords.push_back({0, std::string(keyword.value_or("")), whole_word.value_or(true)});
      continue;
    }
    auto it = std::ranges::find_if(f.keywords,
                                   [&](const domain::FilterKeyword& k) { return k.id == *id; });
    if (it == f.keywords.end()) return not_found();
    if (destroy.value_or(false)) {
      f.keywords.erase(it);
      continue;
    }
    if (keyword) it->keyword = std::string(*keyword);
    if (whole_word) it->whole_word = *whole_word;
  }
  return ok_status();
}

// The keyword and whole_word of POST /filters/:id/keywords and PUT /filters/keywords/:id.
Status apply_keyword(const http::Params& p, domain::FilterKeyword& k) {
  if (auto keyword = p.get("keyword")) k.keyword = std::string(*keyword);
  PUBLIUS_ASSIGN_OR_RETURN(auto whole_word, p.get_bool("whole_word"));
  if (whole_word) k.whole_word = *whole_word;
  return ok_status();
}

// Mastodon's deprecated V1_Filter: one keyword of a filter, with the filter's settings.
std::string v1_filter_json(const domain::Filter& f, const domain::FilterKeyword& k) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_id("id", k.id).field("phrase", k.keyword);
  w.key("context").begin_array();
  for (auto name : domain::filter_context_names(f.contexts)) w.string(name);
  w.end_array();
  w.field("whole_word", k.whole_word);
  if (f.expires_day_ms)
    w.field("expires_at", format_iso8601_ms(*f.expires_day_ms));
  else
    w.field_null("expires_at");
  w.field("irreversible", f.action == domain::FilterAction::kHide).end_object();
  return out;
}

// A v1 filter's parameters: phrase and whole_word for its keyword, context, irreversible and
// expires_in for the filter that holds it. As in Mastodon, the filter's own settings cannot be
// changed through v1 once it holds several keywords (v1 could not tell them apart); sent again
// unchanged, as v1 clients send the context with every edit, they are no change.
Status apply_v1_fields(const http::Params& p, domain::Filter& f, domain::FilterKeyword& k) {
  if (auto phrase = p.get("phrase")) k.keyword = std::string(*phrase);
  PUBLIUS_ASSIGN_OR_RETURN(auto whole_word, p.get_bool("whole_word"));
  if (whole_word) k.whole_word = *whole_word;
  const auto contexts = f.contexts;
  const auto action = f.action;
  const auto expires_day_ms = f.expires_day_ms;
  PUBLIUS_TRY(apply_context(p, f));
  PUBLIUS_ASSIGN_OR_RETURN(auto irreversible, p.get_bool("irreversible"));
  if (irreversible)
    f.action = *irreversible ? domain::FilterAction::kHide : domain::FilterAction::kWarn;
  PUBLIUS_TRY(apply_expiry(p, f));
  const bool filter_changed =
      f.contexts != contexts || f.action != action || f.expires_day_ms != expires_day_ms;
  if (filter_changed && f.keywords.size() > 1)
    return unprocessable(
        "Validation failed: this filter has several keywords; change it through /api/v2/filters");
  return ok_status();
}

}  // namespace

void Api::add_filter_routes(http::Router& r) {
  // A route on one of the caller's filters, found by the id in `param` through `find`
  // (another's filter is 404); `act` answers with the filter and the request's parameters.
  using Find = Result<domain::Filter> (domain::Filters::*)(int64_t, int64_t);
  using Act = std::function<Result<http::Response>(int64_t owner, int64_t id, domain::Filter&,
                                                   const http::Params&)>;
  const auto on_filter = [this, &r](const char* method, const char* path, const char* scope,
                                    const char* param, Find find, Act act) {
    route(r, method, path, http::Policy::user(scope),
          [this, param, find, act = std::move(act)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id(param));
            PUBLIUS_ASSIGN_OR_RETURN(auto f, (microblog_.filters().*find)(c.user_id(), id));
            return act(c.user_id(), id, f, c.params);
          });
  };
  const Find by_id = &domain::Filters::own_filter;
  const Find by_keyword = &domain::Filters::own_filter_with_keyword;
  const Find by_status = &domain::Filters::own_filter_with_status;
  // Saves the changed filter and answers with what `render` makes of the saved one.
  const auto save = [this](int64_t owner, domain::Filter& f,
                           const std::function<std::string(const domain::Filter&)>& render)
      -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto saved, microblog_.filters().save_filter(owner, std::move(f)));
    return http::Response::json(render(saved));
  };
  const auto keyword_of = [](auto& f, int64_t id) {
    return std::ranges::find_if(f.keywords,
                                [&](const domain::FilterKeyword& k) { return k.id == id; });
  };

  route(r, "GET", "/api/v2/filters", http::Policy::user("read:filters"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto filters, microblog_.filters().filters(c.user_id()));
          return http::Response::json(json_array(filters, Renderer::filter));
        });

  route(r, "POST", "/api/v2/filters", http::Policy::user("write:filters"),
        [save](Call& c) -> Result<http::Response> {
          domain::Filter f;
          PUBLIUS_TRY(apply_filter_fields(c.params, f));
          PUBLIUS_TRY(apply_keyword_attributes(c.params, f));
          return save(c.user_id(), f, Renderer::filter);
        });

  on_filter("GET", "/api/v2/filters/:id", "read:filters", "id", by_id,
            [](int64_t, int64_t, domain::Filter& f, const http::Params&) -> Result<http::Response> {
              return http::Response::json(Renderer::filter(f));
            });
  on_filter("PUT", "/api/v2/filters/:id", "write:filters", "id", by_id,
            [save](int64_t owner, int64_t, domain::Filter& f,
                   const http::Params& p) -> Result<http::Response> {
              PUBLIUS_TRY(apply_filter_fields(p, f));
              PUBLIUS_TRY(apply_keyword_attributes(p, f));
              return save(owner, f, Renderer::filter);
            });
  on_filter("DELETE", "/api/v2/filters/:id", "write:filters", "id", by_id,
            [this](int64_t owner, int64_t id, domain::Filter&,
                   const http::Params&) -> Result<http::Response> {
              PUBLIUS_TRY(microblog_.filters().delete_filter(owner, id));
              return http::Response::json("{}");
            });

  // Keywords.
  on_filter("GET", "/api/v2/filters/:filter_id/keywords", "read:filters", "filter_id", by_id,
            [](int64_t, int64_t, domain::Filter& f, const http::Params&) -> Result<http::Response> {
              return http::Response::json(json_array(f.keywords, keyword_json));
            });
  on_filter("POST", "/api/v2/filters/:filter_id/keywords", "write:filters", "filter_id", by_id,
            [save](int64_t owner, int64_t, domain::Filter& f,
                   const http::Params& p) -> Result<http::Response> {
              domain::FilterKeyword k;
              PUBLIUS_TRY(apply_keyword(p, k));
              f.keywords.push_back(std::move(k));
              return save(owner, f, [](const domain::Filter& saved) {
                return keyword_json(saved.keywords.back());
              });
            });
  on_filter("GET", "/api/v2/filters/keywords/:id", "read:filters", "id", by_keyword,
            [keyword_of](int64_t, int64_t id, domain::Filter& f,
                         const http::Params&) -> Result<http::Response> {
              return http::Response::json(keyword_json(*keyword_of(f, id)));
            });
  on_filter("PUT", "/api/v2/filters/keywords/:id", "write:filters", "id", by_keyword,
            [save, keyword_of](int64_t owner, int64_t id, domain::Filter& f,
                               const http::Params& p) -> Result<http::Response> {
              PUBLIUS_TRY(apply_keyword(p, *keyword_of(f, id)));
              return save(owner, f, [&](const domain::Filter& saved) {
                return keyword_json(*keyword_of(saved, id));
              });
            });
  on_filter("DELETE", "/api/v2/filters/keywords/:id", "write:filters", "id", by_keyword,
            [save, keyword_of](int64_t owner, int64_t id, domain::Filter& f,
                               const http::Params&) -> Result<http::Response> {
              f.keywords.erase(keyword_of(f, id));
              return save(owner, f, [](const domain::Filter&) { return std::string("{}"); });
            });

  // Filtered statuses.
  const auto status_of = [](auto& f, int64_t id) {
    return std::ranges::find_if(f.statuses,
                                [&](const domain::FilterStatus& s) { return s.id == id; });
  };
  on_filter("GET", "/api/v2/filters/:filter_id/statuses", "read:filters", "filter_id", by_id,
            [](int64_t, int64_t, domain::Filter& f, const http::Params&) -> Result<http::Response> {
              return http::Response::json(json_array(f.statuses, filter_status_json));
            });
  on_filter("POST", "/api/v2/filters/:filter_id/statuses", "write:filters", "filter_id", by_id,
            [save](int64_t owner, int64_t, domain::Filter& f,
                   const http::Params& p) -> Result<http::Response> {
              PUBLIUS_ASSIGN_OR_RETURN(auto status_id, p.get_int("status_id"));
              if (!status_id) return unprocessable("Validation failed: Status can't be blank");
              f.statuses.push_back({0, *status_id});
              return save(owner, f, [](const domain::Filter& saved) {
                return filter_status_json(saved.statuses.back());
              });
            });
  on_filter("GET", "/api/v2/filters/statuses/:id", "read:filters", "id", by_status,
            [status_of](int64_t, int64_t id, domain::Filter& f,
                        const http::Params&) -> Result<http::Response> {
              return http::Response::json(filter_status_json(*status_of(f, id)));
            });
  on_filter("DELETE", "/api/v2/filters/statuses/:id", "write:filters", "id", by_status,
            [save, status_of](int64_t owner, int64_t id, domain::Filter& f,
                              const http::Params&) -> Result<http::Response> {
              f.statuses.erase(status_of(f, id));
              return save(owner, f, [](const domain::Filter&) { return std::string("{}"); });
            });

  // The deprecated v1 filters, over the same filters: each v1 filter is one keyword.
  route(r, "GET", "/api/v1/filters", http::Policy::user("read:filters"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto filters, microblog_.filters().filters(c.user_id()));
          std::string out = "[";
          for (const auto& f : filters) {
            for (const auto& k : f.keywords) {
              if (out.size() > 1) out.push_back(',');
              out += v1_filter_json(f, k);
            }
          }
          out.push_back(']');
          return http::Response::json(std::move(out));
        });
  route(r, "POST", "/api/v1/filters", http::Policy::user("write:filters"),
        [save](Call& c) -> Result<http::Response> {
          domain::Filter f;
          domain::FilterKeyword k;
          PUBLIUS_TRY(apply_v1_fields(c.params, f, k));
          f.title = k.keyword;
          f.keywords.push_back(std::move(k));
          return save(c.user_id(), f, [](const domain::Filter& saved) {
            return v1_filter_json(saved, saved.keywords.front());
          });
        });
  on_filter("GET", "/api/v1/filters/:id", "read:filters", "id", by_keyword,
            [keyword_of](int64_t, int64_t id, domain::Filter& f,
                         const http::Params&) -> Result<http::Response> {
              return http::Response::json(v1_filter_json(f, *keyword_of(f, id)));
            });
  on_filter("PUT", "/api/v1/filters/:id", "write:filters", "id", by_keyword,
            [save, keyword_of](int64_t owner, int64_t id, domain::Filter& f,
                               const http::Params& p) -> Result<http::Response> {
              PUBLIUS_TRY(apply_v1_fields(p, f, *keyword_of(f, id)));
              return save(owner, f, [&](const domain::Filter& saved) {
                return v1_filter_json(saved, *keyword_of(saved, id));
              });
            });
  on_filter("DELETE", "/api/v1/filters/:id", "write:filters", "id", by_keyword,
            [this, save, keyword_of](int64_t owner, int64_t id, domain::Filter& f,
                                     const http::Params&) -> Result<http::Response> {
              f.keywords.erase(keyword_of(f, id));
              // A filter that only v1 made ends with its one keyword.
              if (f.keywords.empty() && f.statuses.empty()) {
                PUBLIUS_TRY(microblog_.filters().delete_filter(owner, f.id));
                return http::Response::json("{}");
              }
              return save(owner, f, [](const domain::Filter&) { return std::string("{}"); });
            });
}

}  // namespace publius::api
