// Timelines (home, public, hashtag, list) and search.
#include "api/api.h"
#include "domain/text_format.h"

namespace publius::api {
namespace {

http::Response timeline_response(Renderer& renderer, const http::Request& req, Api::Caller& caller,
                                 Result<std::vector<domain::Post>> posts) {
  if (!posts.ok()) return error_response(posts.error());
  auto response = json_or_error(renderer.statuses(caller.viewer(), *posts, caller.reader));
  if (!posts->empty() && response.status == 200)
    response.with_header("Link", link_header(req, posts->front().id, posts->back().id));
  return response;
}

}  // namespace

void Api::add_timeline_routes(http::Router& r) {
  r.add("GET", "/api/v1/timelines/home", [this](http::Request& req) {
    auto c = require_user(req, "read:statuses");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    return timeline_response(renderer_, req, *c, microblog_.home_timeline(c->account->id, *page));
  });

  r.add("GET", "/api/v1/timelines/public", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    for (const char* flag : {"local", "remote"}) {
      auto b = p->get_bool(flag);
      if (!b.ok()) return error_response(b.error());
      // Every post is local until federation arrives; remote-only is empty.
      if (std::string_view(flag) == "remote" && b->value_or(false))
        return timeline_response(renderer_, req, *c, std::vector<domain::Post>());
    }
    auto only_media = p->get_bool("only_media");
    if (!only_media.ok()) return error_response(only_media.error());
    return timeline_response(
        renderer_, req, *c,
        microblog_.public_timeline(c->viewer(), *page, only_media->value_or(false)));
  });

  r.add("GET", "/api/v1/timelines/tag/:hashtag", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    auto tag = http::percent_decode(req.path_param("hashtag"), false);
    if (!tag) return http::Response::error(400, "Invalid hashtag");
    auto only_media = p->get_bool("only_media");
    if (!only_media.ok()) return error_response(only_media.error());
    return timeline_response(
        renderer_, req, *c,
        microblog_.tag_timeline(c->viewer(), *tag, *page, only_media->value_or(false)));
  });

  r.add("GET", "/api/v1/timelines/list/:list_id", [this](http::Request& req) {
    auto c = require_user(req, "read:lists");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req, "list_id");
    if (!id.ok()) return error_response(id.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto page = page_from(*p);
    if (!page.ok()) return error_response(page.error());
    return timeline_response(renderer_, req, *c,
                             microblog_.list_timeline(c->account->id, *id, *page));
  });

  r.add("GET", "/api/v2/search", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    const std::string q = p->get_or("q", "");
    const std::string type = p->get_or("type", "");
    if (!type.empty() && type != "accounts" && type != "hashtags" && type != "statuses")
      return http::Response::error(400, "type must be accounts, hashtags or statuses");
    auto limit = p->get_int("limit");
    if (!limit.ok()) return error_response(limit.error());
    auto offset = search_offset(*p);
    if (!offset.ok()) return error_response(offset.error());
    const int n = static_cast<int>(std::clamp<int64_t>(limit->value_or(20), 1, 40));
    // Mastodon answers offset searches only to signed-in users (nullopt: a huge offset).
    if (offset->value_or(1) > 0 && !c->account)
      return http::Response::error(401, "Search queries with offset require a signed-in user");
    if (!*offset) return http::Response::json(R"({"accounts":[],"statuses":[],"hashtags":[]})");
    const int skip = **offset;
    std::string accounts = "[]", hashtags = "[]", statuses = "[]";
    if (!q.empty() && (type.empty() || type == "accounts")) {
      std::string name = q;
      if (name.front() == '@') name.erase(0, 1);
      if (auto at = name.find('@'); at != std::string::npos) name.resize(at);
      auto found = store_.search_accounts(name, n, skip);
      if (!found.ok()) return error_response(found.error());
      std::vector<int64_t> ids;
      for (const auto& a : *found) ids.push_back(a.id);
      auto rendered = renderer_.accounts(ids);
      if (!rendered.ok()) return error_response(rendered.error());
      accounts = std::move(rendered).value();
    }
    if (!q.empty() && (type.empty() || type == "hashtags")) {
      std::string_view name = q;
      if (name.front() == '#') name.remove_prefix(1);
      auto found = store_.search_tags(domain::normalize_tag(name), n);
      if (!found.ok()) return error_response(found.error());
      auto tags = microblog_.tags(c->viewer(), *found);
      if (!tags.ok()) return error_response(tags.error());
      hashtags = renderer_.tags(*tags);
    }
    if (!q.empty() && (type.empty() || type == "statuses")) {
      std::vector<int64_t> ids;
      if (q.front() == '#') {
        auto found =
            microblog_.tag_timeline(c->viewer(), q.substr(1), domain::Page{.limit = n + skip});
        if (!found.ok()) return error_response(found.error());
        for (size_t i = static_cast<size_t>(skip); i < found->size(); ++i)
          ids.push_back((*found)[i].id);
      } else {
        auto found = store_.search_statuses(q, n, skip);
        if (!found.ok()) return error_response(found.error());
        ids = std::move(found).value();
      }
      std::vector<domain::Post> posts;
      for (int64_t id : ids) {
        auto post = microblog_.visible_status(c->viewer(), id);
        if (post.ok()) posts.push_back(std::move(post).value());
      }
      auto rendered = renderer_.statuses(c->viewer(), posts, c->reader);
      if (!rendered.ok()) return error_response(rendered.error());
      statuses = std::move(rendered).value();
    }
    return http::Response::json("{\"accounts\":" + accounts + ",\"statuses\":" + statuses +
                                ",\"hashtags\":" + hashtags + "}");
  });
}

}  // namespace publius::api
