// Hashtags: a tag's entity, following and unfollowing it, the followed tags, and the
// hashtags an account features on its profile.
#include "api/api.h"
#include "input/readers.h"

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
  // Mastodon reads any token here; a present one must at least read statuses or follows.
  route(r, "GET", "/api/v1/tags/:hashtag", http::Policy::optional("read:statuses read:follows"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto name, path_tag(c.request));
          PUBLIUS_ASSIGN_OR_RETURN(auto tag, microblog_.tags().tag(c.viewer(), name));
          return http::Response::json(renderer_.tag(tag));
        });

  for (bool follow : {true, false}) {
    route(r, "POST", follow ? "/api/v1/tags/:hashtag/follow" : "/api/v1/tags/:hashtag/unfollow",
          http::Policy::user("write:follows"), [this, follow](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto name, path_tag(c.request));
            PUBLIUS_ASSIGN_OR_RETURN(auto tag,
                                     follow ? microblog_.tags().follow_tag(c.user_id(), name)
                                            : microblog_.tags().unfollow_tag(c.user_id(), name));
            return http::Response::json(renderer_.tag(tag));
          });
  }

  route(r, "GET", "/api/v1/followed_tags", http::Policy::user("read:follows"),
        [this](Call& c) -> Result<http::Response> {
          // Mastodon's page size for followed tags: 100 unless asked, at most 200.
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 100, 200));
          PUBLIUS_ASSIGN_OR_RETURN(auto tags, microblog_.tags().followed_tags(c.user_id(), page));
          return paged(http::Response::json(renderer_.tags(tags)), c.request, tags,
                       [](const domain::Tag& t) { return t.id; });
        });

  // Featured hashtags: anyone may read an account's, as Mastodon.
  route(r, "GET", "/api/v1/accounts/:id/featured_tags", http::Policy::anyone(),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto featured, microblog_.tags().featured_tags(id));
          PUBLIUS_ASSIGN_OR_RETURN(auto owner, microblog_.accounts().account(id));
          return http::Response::json(renderer_.featured_tags(owner, featured));
        });

  route(r, "GET", "/api/v1/featured_tags", http::Policy::user("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto featured, microblog_.tags().featured_tags(c.user_id()));
          return http::Response::json(renderer_.featured_tags(c.user(), featured));
        });

  route(r, "POST", "/api/v1/featured_tags", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto name, input::single_value(c.params, "name"));
          PUBLIUS_ASSIGN_OR_RETURN(auto featured,
                                   microblog_.tags().feature_tag(c.user_id(), name.value_or("")));
          return http::Response::json(renderer_.featured_tag(c.user(), featured));
        });

  route(r, "DELETE", "/api/v1/featured_tags/:id", http::Policy::user("write:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.tags().unfeature_tag(c.user_id(), id));
          return http::Response::json("{}");
        });

  route(r, "GET", "/api/v1/featured_tags/suggestions", http::Policy::user("read:accounts"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto tags,
                                   microblog_.tags().featured_tag_suggestions(c.user_id()));
          return http::Response::json(renderer_.tags(tags));
        });
}

}  // namespace publius::api
