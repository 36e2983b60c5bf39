// Timelines (home, public, hashtag, list) and search.
#include "api/api.h"
#include "domain/text_format.h"

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
          PUBLIUS_ASSIGN_OR_RETURN(auto page, page_from(c.params));
          return timeline(c, microblog_.home_timeline(c.user_id(), page));
        });

  route(r, "GET", "/api/v1/timelines/public", http::Policy::optional("read:statuses"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, page_from(c.params));
          // Every post is local until federation arrives: local-only is everything and
          // remote-only is empty.
          PUBLIUS_TRY(c.params.get_bool("local"));
          PUBLIUS_ASSIGN_OR_RETURN(auto remote, c.params.get_bool("remote"));
          if (remote.value_or(false)) return timeline(c, std::vector<domain::Post>());
          PUBLIUS_ASSIGN_OR_RETURN(auto only_media, c.params.get_bool("only_media"));
          return timeline(c,
                          microblog_.public_timeline(c.viewer(), page, only_media.value_or(false)));
        });

  route(r, "GET", "/api/v1/timelines/tag/:hashtag", http::Policy::optional("read:statuses"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, page_from(c.params));
          auto tag = http::percent_decode(c.request.path_param("hashtag"), false);
          if (!tag) return bad_request("Invalid hashtag");
          PUBLIUS_ASSIGN_OR_RETURN(auto only_media, c.params.get_bool("only_media"));
          return timeline(
              c, microblog_.tag_timeline(c.viewer(), *tag, page, only_media.value_or(false)));
        });

  route(r, "GET", "/api/v1/timelines/list/:list_id", http::Policy::user("read:lists"),
        [this, timeline](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id("list_id"));
          PUBLIUS_ASSIGN_OR_RETURN(auto page, page_from(c.params));
          return timeline(c, microblog_.list_timeline(c.user_id(), id, page));
        });

  route(
      r, "GET", "/api/v2/search", http::Policy::optional("read:search"),
      [this](Call& c) -> Result<http::Response> {
        const auto& p = c.params;
        const std::string q = p.get_or("q", "");
        const std::string type = p.get_or("type", "");
        if (!type.empty() && type != "accounts" && type != "hashtags" && type != "statuses")
          return bad_request("type must be accounts, hashtags or statuses");
        PUBLIUS_ASSIGN_OR_RETURN(auto limit, p.get_int("limit"));
        PUBLIUS_ASSIGN_OR_RETURN(auto offset, search_offset(p));
        const int n = static_cast<int>(std::clamp<int64_t>(limit.value_or(20), 1, 40));
        // Mastodon answers offset searches only to signed-in users (nullopt: a huge offset).
        if (offset.value_or(1) > 0 && !c.account)
          return unauthorized("Search queries with offset require a signed-in user");
        if (!offset) return http::Response::json(R"({"accounts":[],"statuses":[],"hashtags":[]})");
        const int skip = *offset;
        std::string accounts = "[]", hashtags = "[]", statuses = "[]";
        if (!q.empty() && (type.empty() || type == "accounts")) {
          std::string name = q;
          if (name.front() == '@') name.erase(0, 1);
          if (auto at = name.find('@'); at != std::string::npos) name.resize(at);
          PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.search_accounts(name, n, skip));
          std::vector<int64_t> ids;
          for (const auto& a : found) ids.push_back(a.id);
          PUBLIUS_ASSIGN_OR_RETURN(accounts, renderer_.accounts(ids));
        }
        if (!q.empty() && (type.empty() || type == "hashtags")) {
          std::string_view name = q;
          if (name.front() == '#') name.remove_prefix(1);
          PUBLIUS_ASSIGN_OR_RETURN(auto found, store_.search_tags(domain::normalize_tag(name), n));
          PUBLIUS_ASSIGN_OR_RETURN(auto tags, microblog_.tags(c.viewer(), found));
          hashtags = renderer_.tags(tags);
        }
        if (!q.empty() && (type.empty() || type == "statuses")) {
          std::vector<int64_t> ids;
          if (q.front() == '#') {
            PUBLIUS_ASSIGN_OR_RETURN(
                auto found,
                microblog_.tag_timeline(c.viewer(), q.substr(1), domain::Page{.limit = n + skip}));
            for (size_t i = static_cast<size_t>(skip); i < found.size(); ++i)
              ids.push_back(found[i].id);
          } else {
            PUBLIUS_ASSIGN_OR_RETURN(ids, store_.search_statuses(q, n, skip));
          }
          PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.visible_statuses(c.viewer(), ids));
          PUBLIUS_ASSIGN_OR_RETURN(statuses, renderer_.statuses(c.viewer(), posts, c.reader));
        }
        return http::Response::json("{\"accounts\":" + accounts + ",\"statuses\":" + statuses +
                                    ",\"hashtags\":" + hashtags + "}");
      });
}

}  // namespace publius::api
