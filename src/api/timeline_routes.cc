// Timelines (home, public, hashtag, list) and search.
#include "api/api.h"
#include "input/readers.h"

namespace publius::api {

void Api::add_timeline_routes(http::Router& r) {
  // A page of a timeline: the posts rendered for the caller, with the Link header.
  const auto timeline = [this](Call& c,
                               Result<std::vector<domain::Post>> found) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto posts, std::move(found));
    PUBLIUS_ASSIGN_OR_RETURN(auto body, renderer_.statuses(c.viewer(), posts, c.reader));
    return paged(http::Response::json(std::move(body)), c.request, posts);
  };

  route(r, "GET", "/api/v1/timelines/home", http::Policy::user("read:statuses"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
          return timeline(c, microblog_.timelines().home_timeline(c.user_id(), page));
        });

  route(r, "GET", "/api/v1/timelines/public", http::Policy::optional("read:statuses"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
          // As Mastodon: local wins over remote when both are asked.
          PUBLIUS_ASSIGN_OR_RETURN(auto local, c.params.get_bool("local"));
          PUBLIUS_ASSIGN_OR_RETURN(auto remote, c.params.get_bool("remote"));
          const auto origin = local.value_or(false)    ? domain::PostOrigin::kLocal
                              : remote.value_or(false) ? domain::PostOrigin::kRemote
                                                       : domain::PostOrigin::kAny;
          PUBLIUS_ASSIGN_OR_RETURN(auto only_media, c.params.get_bool("only_media"));
          return timeline(c, microblog_.timelines().public_timeline(
                                 c.viewer(), page, only_media.value_or(false), origin));
        });

  route(r, "GET", "/api/v1/timelines/tag/:hashtag", http::Policy::optional("read:statuses"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
          auto tag = http::percent_decode(c.request.path_param("hashtag"), false);
          if (!tag) return bad_request("Invalid hashtag");
          PUBLIUS_ASSIGN_OR_RETURN(auto only_media, c.params.get_bool("only_media"));
          return timeline(c, microblog_.timelines().tag_timeline(c.viewer(), *tag, page,
                                                                 only_media.value_or(false)));
        });

  route(r, "GET", "/api/v1/timelines/list/:list_id", http::Policy::user("read:lists"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id("list_id"));
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
          return timeline(c, microblog_.timelines().list_timeline(c.user_id(), id, page));
        });

  route(r, "GET", "/api/v2/search", http::Policy::optional("read:search"),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          const std::string q = p.get_or("q", "");
          const std::string type = p.get_or("type", "");
          if (!type.empty() && type != "accounts" && type != "hashtags" && type != "statuses")
            return bad_request("type must be accounts, hashtags or statuses");
          PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
          PUBLIUS_ASSIGN_OR_RETURN(auto offset, input::search_offset(p));
          const int n = static_cast<int>(std::clamp<int64_t>(limit.value_or(20), 1, 40));
          // Mastodon answers offset searches only to signed-in users (nullopt: a huge offset).
          if (offset.value_or(1) > 0 && !c.account)
            return unauthorized("Search queries with offset require a signed-in user");
          if (!offset)
            return http::Response::json(R"({"accounts":[],"statuses":[],"hashtags":[]})");
          domain::SearchQuery query;
          query.text = q;
          query.accounts = type.empty() || type == "accounts";
          query.hashtags = type.empty() || type == "hashtags";
          query.statuses = type.empty() || type == "statuses";
          query.limit = n;
          query.offset = *offset;
          PUBLIUS_ASSIGN_OR_RETURN(auto resolve, p.get_bool("resolve"));
          query.resolve = resolve.value_or(false);
          PUBLIUS_ASSIGN_OR_RETURN(auto found, microblog_.search().search(c.viewer(), query));
          std::vector<int64_t> account_ids;
          for (const auto& a : found.accounts) account_ids.push_back(a.id);
          PUBLIUS_ASSIGN_OR_RETURN(auto accounts, renderer_.accounts(account_ids));
          PUBLIUS_ASSIGN_OR_RETURN(auto statuses,
                                   renderer_.statuses(c.viewer(), found.statuses, c.reader));
          const std::string hashtags = renderer_.tags(found.hashtags);
          return http::Response::json("{\"accounts\":" + accounts + ",\"statuses\":" + statuses +
                                      ",\"hashtags\":" + hashtags + "}");
        });
}

}  // namespace publius::api
