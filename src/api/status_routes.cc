// Statuses: posting, reading, editing, deleting and the per-status actions.
#include <charconv>

#include "api/api.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

// The ids in `media_ids[]`, in order; a value that is not an id is a 422.
Result<std::vector<int64_t>> media_ids_from(const http::Params& p) {
  std::vector<int64_t> ids;
  for (const auto& v : p.get_all("media_ids")) {
    if (v.empty()) continue;
    auto id = parse_id(v);
    if (!id) return unprocessable("Validation failed: media attachments were not found");
    ids.push_back(*id);
  }
  return ids;
}

// Mastodon's media_attributes[][id|description|focus] on an edit.
Result<std::vector<domain::MediaAttributes>> media_attributes_from(const http::Params& p) {
  std::vector<domain::MediaAttributes> out;
  for (const auto& index : p.subkeys("media_attributes")) {
    const std::string prefix = "media_attributes[" + index + "]";
    auto id = parse_id(p.get_or(prefix + "[id]", ""));
    if (!id) return unprocessable("Validation failed: media attachments were not found");
    PUBLIUS_ASSIGN_OR_RETURN(auto change,
                             media_change_from(p, prefix + "[description]", prefix + "[focus]"));
    out.push_back({*id, std::move(change)});
  }
  return out;
}

}  // namespace

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

void Api::add_status_routes(http::Router& r) {
  r.add("POST", "/api/v1/statuses", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    domain::NewPost post;
    post.author_id = c->account->id;
    post.text = p->get_or("status", "");
    post.spoiler_text = p->get_or("spoiler_text", "");
    post.language = p->get_or("language", "");
    auto visibility = single_value(*p, "visibility");
    if (!visibility.ok()) return error_response(visibility.error());
    if (auto v = *visibility; v && !v->empty()) {
      post.visibility = domain::parse_visibility(*v);
      if (!post.visibility)
        return http::Response::error(422, "Validation failed: Visibility is not valid");
    }
    auto sensitive = p->get_bool("sensitive");
    if (!sensitive.ok()) return error_response(sensitive.error());
    post.sensitive = *sensitive;
    auto in_reply_to = single_value(*p, "in_reply_to_id");
    if (!in_reply_to.ok()) return error_response(in_reply_to.error());
    if (auto v = *in_reply_to; v && !v->empty()) {
      post.in_reply_to_id = parse_id(*v);
      if (!post.in_reply_to_id)
        return http::Response::error(404, "The post you are replying to was not found");
    }
    auto media_ids = media_ids_from(*p);
    if (!media_ids.ok()) return error_response(media_ids.error());
    post.media_ids = std::move(media_ids).value();
    auto poll = poll_from(*p, false);
    if (!poll.ok()) return error_response(poll.error());
    post.poll = std::move(poll).value();
    auto scheduled_at = scheduled_at_from(*p);
    if (!scheduled_at.ok()) return error_response(scheduled_at.error());
    if (auto key = req.header("idempotency-key"); !key.empty()) {
      if (key.size() > 256) return http::Response::error(422, "Idempotency-Key is too long");
      post.idempotency_key = std::string(key);
    }
    if (*scheduled_at) {
      auto scheduled = microblog_.schedule_status(post, **scheduled_at, now_ms());
      if (!scheduled.ok()) return error_response(scheduled.error());
      return http::Response::json(
          Renderer::scheduled_status(*scheduled, microblog_.config().base_url()));
    }
    auto created = microblog_.create_status(post);
    if (!created.ok()) return error_response(created.error());
    return json_or_error(renderer_.status(c->viewer(), *created, c->reader));
  });

  // Several statuses at once (Mastodon 4.3): ones the caller may not see are left out.
  r.add("GET", "/api/v1/statuses", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto ids = bounded_id_list(*p, 20);
    if (!ids.ok()) return error_response(ids.error());
    auto posts = microblog_.visible_statuses(c->viewer(), *ids);
    if (!posts.ok()) return error_response(posts.error());
    return json_or_error(renderer_.statuses(c->viewer(), *posts, c->reader));
  });

  r.add("GET", "/api/v1/statuses/:id", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto post = microblog_.visible_status(c->viewer(), *id);
    if (!post.ok()) return error_response(post.error());
    return json_or_error(renderer_.status(c->viewer(), *post, c->reader));
  });

  r.add("DELETE", "/api/v1/statuses/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto deleted = microblog_.delete_status(c->account->id, *id);
    if (!deleted.ok()) return error_response(deleted.error());
    return json_or_error(renderer_.deleted_status(*deleted, c->reader));
  });

  r.add("PUT", "/api/v1/statuses/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    domain::PostChange change;
    change.text = p->get_or("status", "");
    change.spoiler_text = p->get_or("spoiler_text", "");
    change.language = p->get_or("language", "");
    auto sensitive = p->get_bool("sensitive");
    if (!sensitive.ok()) return error_response(sensitive.error());
    change.sensitive = sensitive->value_or(false);
    if (p->has("media_ids")) {
      auto media_ids = media_ids_from(*p);
      if (!media_ids.ok()) return error_response(media_ids.error());
      change.media_ids = std::move(media_ids).value();
    }
    auto attributes = media_attributes_from(*p);
    if (!attributes.ok()) return error_response(attributes.error());
    change.media_attributes = std::move(attributes).value();
    auto poll = poll_from(*p, false);
    if (!poll.ok()) return error_response(poll.error());
    change.poll = std::move(poll).value();
    auto edited = microblog_.edit_status(c->account->id, *id, change);
    if (!edited.ok()) return error_response(edited.error());
    return json_or_error(renderer_.status(c->viewer(), *edited, c->reader));
  });

  r.add("GET", "/api/v1/statuses/:id/history", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto post = microblog_.visible_status(c->viewer(), *id);
    if (!post.ok()) return error_response(post.error());
    auto edits = microblog_.history(c->viewer(), *id);
    if (!edits.ok()) return error_response(edits.error());
    return json_or_error(renderer_.history(*post, std::move(edits).value(), c->reader));
  });

  r.add("GET", "/api/v1/statuses/:id/source", [this](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto post = microblog_.visible_status(c->viewer(), *id);
    if (!post.ok()) return error_response(post.error());
    if (post->account_id != c->account->id) return http::Response::error(404, "Record not found");
    c->reader.open(*post);
    std::string out;
    JsonWriter(out)
        .begin_object()
        .field_id("id", post->id)
        .field("text", post->text)
        .field("spoiler_text", post->spoiler_text)
        .end_object();
    return http::Response::json(std::move(out));
  });

  r.add("GET", "/api/v1/statuses/:id/context", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto ctx = microblog_.context(c->viewer(), *id);
    if (!ctx.ok()) return error_response(ctx.error());
    auto ancestors = renderer_.statuses(c->viewer(), ctx->ancestors, c->reader);
    if (!ancestors.ok()) return error_response(ancestors.error());
    auto descendants = renderer_.statuses(c->viewer(), ctx->descendants, c->reader);
    if (!descendants.ok()) return error_response(descendants.error());
    return http::Response::json("{\"ancestors\":" + *ancestors +
                                ",\"descendants\":" + *descendants + "}");
  });

  // Per-status actions: auth, id, domain call, render the resulting status.
  auto action = [this, &r](const char* path, const char* scope, auto act) {
    r.add("POST", path, [this, scope, act](http::Request& req) {
      auto c = require_user(req, scope);
      if (!c.ok()) return error_response(c.error());
      auto id = path_id(req);
      if (!id.ok()) return error_response(id.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      Result<domain::Post> post = act(c->account->id, *id, *p);
      if (!post.ok()) return error_response(post.error());
      return json_or_error(renderer_.status(c->viewer(), *post, c->reader));
    });
  };
  using Params = http::Params;
  action("/api/v1/statuses/:id/favourite", "write:favourites",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.set_favourite(me, id, true);
         });
  action("/api/v1/statuses/:id/unfavourite", "write:favourites",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.set_favourite(me, id, false);
         });
  action("/api/v1/statuses/:id/reblog", "write:statuses",
         [this](int64_t me, int64_t id, const Params& p) -> Result<domain::Post> {
           std::optional<domain::Visibility> visibility;
           PUBLIUS_ASSIGN_OR_RETURN(auto v, single_value(p, "visibility"));
           if (v && !v->empty()) {
             visibility = domain::parse_visibility(*v);
             if (!visibility) return unprocessable("Validation failed: Visibility is not valid");
           }
           return microblog_.set_reblog(me, id, true, visibility);
         });
  action("/api/v1/statuses/:id/unreblog", "write:statuses",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.set_reblog(me, id, false, std::nullopt);
         });
  action("/api/v1/statuses/:id/bookmark", "write:bookmarks",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.set_bookmark(me, id, true);
         });
  action("/api/v1/statuses/:id/unbookmark", "write:bookmarks",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.set_bookmark(me, id, false);
         });
  action(
      "/api/v1/statuses/:id/pin", "write:accounts",
      [this](int64_t me, int64_t id, const Params&) { return microblog_.set_pin(me, id, true); });
  action(
      "/api/v1/statuses/:id/unpin", "write:accounts",
      [this](int64_t me, int64_t id, const Params&) { return microblog_.set_pin(me, id, false); });

  // Polls, named by their post's id.
  r.add("GET", "/api/v1/polls/:id", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto post = microblog_.poll_status(c->viewer(), *id);
    if (!post.ok()) return error_response(post.error());
    return json_or_error(renderer_.poll(c->viewer(), *post));
  });

  r.add("POST", "/api/v1/polls/:id/votes", [this](http::Request& req) {
    auto c = require_user(req, "write:statuses");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto choices = poll_choices_from(*p);
    if (!choices.ok()) return error_response(choices.error());
    auto post = microblog_.vote(c->account->id, *id, *choices);
    if (!post.ok()) return error_response(post.error());
    return json_or_error(renderer_.poll(c->viewer(), *post));
  });

  // Who favourited or boosted a status: account pages keyed by the action's row id.
  auto who = [this, &r](const char* path, auto fetch) {
    r.add("GET", path, [this, fetch](http::Request& req) {
      auto c = caller(req);
      if (!c.ok()) return error_response(c.error());
      auto id = path_id(req);
      if (!id.ok()) return error_response(id.error());
      auto post = microblog_.visible_status(c->viewer(), *id);
      if (!post.ok()) return error_response(post.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      auto page = page_from(*p, 40, 80);
      if (!page.ok()) return error_response(page.error());
      auto rows = fetch(post->id, *page);
      if (!rows.ok()) return error_response(rows.error());
      std::vector<int64_t> ids;
      for (auto [row, account] : *rows) ids.push_back(account);
      auto response = json_or_error(renderer_.accounts(ids));
      if (!rows->empty() && response.status == 200)
        response.with_header("Link", link_header(req, rows->front().first, rows->back().first));
      return response;
    });
  };
  who("/api/v1/statuses/:id/favourited_by",
      [this](int64_t id, const domain::Page& page) { return store_.favourited_by(id, page); });
  who("/api/v1/statuses/:id/reblogged_by",
      [this](int64_t id, const domain::Page& page) { return store_.reblogged_by(id, page); });

  // The signed-in user's favourites and bookmarks, paged by the action's row id.
  auto saved = [this, &r](const char* path, const char* scope, auto fetch) {
    r.add("GET", path, [this, scope, fetch](http::Request& req) {
      auto c = require_user(req, scope);
      if (!c.ok()) return error_response(c.error());
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      auto page = page_from(*p);
      if (!page.ok()) return error_response(page.error());
      auto rows = fetch(c->account->id, *page);
      if (!rows.ok()) return error_response(rows.error());
      std::vector<domain::Post> posts;
      for (auto [row, status_id] : *rows) {
        auto post = microblog_.visible_status(c->viewer(), status_id);
        if (post.ok()) posts.push_back(std::move(post).value());
      }
      auto response = json_or_error(renderer_.statuses(c->viewer(), posts, c->reader));
      if (!rows->empty() && response.status == 200)
        response.with_header("Link", link_header(req, rows->front().first, rows->back().first));
      return response;
    });
  };
  saved("/api/v1/favourites", "read:favourites",
        [this](int64_t me, const domain::Page& page) { return store_.favourites_of(me, page); });
  saved("/api/v1/bookmarks", "read:bookmarks",
        [this](int64_t me, const domain::Page& page) { return store_.bookmarks_of(me, page); });
}

}  // namespace publius::api
