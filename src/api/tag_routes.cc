// Hashtags: a tag's entity, following and unfollowing it, the followed tags.
#include "api/api.h"

namespace publius::api {
namespace {

// The hashtag named by the path, percent-decoded; kNotFound when it cannot be one.
Result<std::string> path_tag(const http::Request& req) {
  auto name = http::percent_decode(req.path_param("hashtag"), false);
  if (!name) return not_found();
  return std::move(*name);
}

}  // namespace

void Api::add_tag_routes(http::Router& r) {
  r.add("GET", "/api/v1/tags/:hashtag", [this](http::Request& req) {
    auto c = caller(req);
    if (!c.ok()) return error_response(c.error());
    auto name = path_tag(req);
    if (!name.ok()) return error_response(name.error());
    auto tag = microblog_.tag(c->viewer(), *name);
    if (!tag.ok()) return error_response(tag.error());
    return http::Response::json(renderer_.tag(*tag));
  });

  for (bool follow : {true, false}) {
    r.add("POST", follow ? "/api/v1/tags/:hashtag/follow" : "/api/v1/tags/:hashtag/unfollow",
          [this, follow](http::Request& req) {
            auto c = require_user(req, "write:follows");
            if (!c.ok()) return error_response(c.error());
            auto name = path_tag(req);
            if (!name.ok()) return error_response(name.error());
            auto tag = follow ? microblog_.follow_tag(c->account->id, *name)
                              : microblog_.unfollow_tag(c->account->id, *name);
            if (!tag.ok()) return error_response(tag.error());
            return http::Response::json(renderer_.tag(*tag));
          });
  }

  r.add("GET", "/api/v1/followed_tags", [this](http::Request& req) {
    auto c = require_user(req, "read:follows");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    // Mastodon's page size for followed tags: 100 unless asked, at most 200.
    auto page = page_from(*p, 100, 200);
    if (!page.ok()) return error_response(page.error());
    auto tags = microblog_.followed_tags(c->account->id, *page);
    if (!tags.ok()) return error_response(tags.error());
    auto response = http::Response::json(renderer_.tags(*tags));
    if (!tags->empty())
      response.with_header("Link", link_header(req, tags->front().id, tags->back().id));
    return response;
  });
}

}  // namespace publius::api
