// Statuses: posting, reading, editing, deleting and the per-status actions.
#include <charconv>
#include <functional>

#include "api/api.h"
#include "input/readers.h"
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
    PUBLIUS_ASSIGN_OR_RETURN(
        auto change, input::media_change_from(p, prefix + "[description]", prefix + "[focus]"));
    out.push_back({*id, std::move(change)});
  }
  return out;
}

}  // namespace

void Api::add_status_routes(http::Router& r) {
  route(r, "POST", "/api/v1/statuses", http::Policy::user("write:statuses"),
        [this](Call& c) -> Result<http::Response> {
          const auto& p = c.params;
          domain::NewPost post;
          post.author_id = c.user_id();
          post.text = p.get_or("status", "");
          post.spoiler_text = p.get_or("spoiler_text", "");
          post.language = p.get_or("language", "");
          PUBLIUS_ASSIGN_OR_RETURN(auto visibility, input::single_value(p, "visibility"));
          if (visibility && !visibility->empty()) {
            post.visibility = domain::parse_visibility(*visibility);
            if (!post.visibility)
              return unprocessable("Validation failed: Visibility is not valid");
          }
          PUBLIUS_ASSIGN_OR_RETURN(post.sensitive, p.get_bool("sensitive"));
          PUBLIUS_ASSIGN_OR_RETURN(auto in_reply_to, input::single_value(p, "in_reply_to_id"));
          if (in_reply_to && !in_reply_to->empty()) {
            post.in_reply_to_id = parse_id(*in_reply_to);
            if (!post.in_reply_to_id)
              return not_found("The post you are replying to was not found");
          }
          PUBLIUS_ASSIGN_OR_RETURN(post.media_ids, media_ids_from(p));
          PUBLIUS_ASSIGN_OR_RETURN(post.poll, input::poll_from(p, false));
          PUBLIUS_ASSIGN_OR_RETURN(auto scheduled_at, input::scheduled_at_from(p));
          if (auto key = c.request.header("idempotency-key"); !key.empty()) {
            if (key.size() > 256) return unprocessable("Idempotency-Key is too long");
            post.idempotency_key = std::string(key);
          }
          if (scheduled_at) {
            PUBLIUS_ASSIGN_OR_RETURN(
                auto scheduled, microblog_.posts().schedule_status(post, *scheduled_at, now_ms()));
            return http::Response::json(
                Renderer::scheduled_status(scheduled, microblog_.config().base_url()));
          }
          PUBLIUS_ASSIGN_OR_RETURN(auto created, microblog_.posts().create_status(post));
          return json(renderer_.status(c.viewer(), created, c.reader));
        });

  // Several statuses at once (Mastodon 4.3): ones the caller may not see are left out.
  route(r, "GET", "/api/v1/statuses", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto ids, input::bounded_id_list(c.params, 20));
          PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.visibility().statuses(c.viewer(), ids));
          return json(renderer_.statuses(c.viewer(), posts, c.reader));
        });

  route(r, "GET", "/api/v1/statuses/:id", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.visibility().status(c.viewer(), id));
          return json(renderer_.status(c.viewer(), post, c.reader));
        });

  route(r, "DELETE", "/api/v1/statuses/:id", http::Policy::user("write:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto deleted, microblog_.posts().delete_status(c.user_id(), id));
          return json(renderer_.deleted_status(deleted, c.reader));
        });

  route(r, "PUT", "/api/v1/statuses/:id", http::Policy::user("write:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          const auto& p = c.params;
          domain::PostChange change;
          change.text = p.get_or("status", "");
          change.spoiler_text = p.get_or("spoiler_text", "");
          change.language = p.get_or("language", "");
          PUBLIUS_ASSIGN_OR_RETURN(auto sensitive, p.get_bool("sensitive"));
          change.sensitive = sensitive.value_or(false);
          if (p.has("media_ids")) {
            PUBLIUS_ASSIGN_OR_RETURN(change.media_ids, media_ids_from(p));
          }
          PUBLIUS_ASSIGN_OR_RETURN(change.media_attributes, media_attributes_from(p));
          PUBLIUS_ASSIGN_OR_RETURN(change.poll, input::poll_from(p, false));
          PUBLIUS_ASSIGN_OR_RETURN(auto edited,
                                   microblog_.posts().edit_status(c.user_id(), id, change));
          return json(renderer_.status(c.viewer(), edited, c.reader));
        });

  route(r, "GET", "/api/v1/statuses/:id/history", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.visibility().status(c.viewer(), id));
          PUBLIUS_ASSIGN_OR_RETURN(auto edits, microblog_.posts().history(c.viewer(), id));
          return json(renderer_.history(post, std::move(edits), c.reader));
        });

  route(r, "GET", "/api/v1/statuses/:id/source", http::Policy::user("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.visibility().status(c.viewer(), id));
          if (post.account_id != c.user_id()) return not_found();
          c.reader.open(post);
          std::string out;
          JsonWriter(out)
              .begin_object()
              .field_id("id", post.id)
              .field("text", post.text)
              .field("spoiler_text", post.spoiler_text)
              .end_object();
          return http::Response::json(std::move(out));
        });

  route(r, "GET", "/api/v1/statuses/:id/context", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto ctx, microblog_.posts().context(c.viewer(), id));
          PUBLIUS_ASSIGN_OR_RETURN(auto ancestors,
                                   renderer_.statuses(c.viewer(), ctx.ancestors, c.reader));
          PUBLIUS_ASSIGN_OR_RETURN(auto descendants,
                                   renderer_.statuses(c.viewer(), ctx.descendants, c.reader));
          return http::Response::json("{\"ancestors\":" + ancestors +
                                      ",\"descendants\":" + descendants + "}");
        });

  // Per-status actions: the domain call, then the resulting status.
  using Act = std::function<Result<domain::Post>(int64_t me, int64_t id, const http::Params&)>;
  auto action = [this, &r](const char* path, const char* scope, Act act) {
    route(r, "POST", path, http::Policy::user(scope),
          [this, act = std::move(act)](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_ASSIGN_OR_RETURN(auto post, act(c.user_id(), id, c.params));
            return json(renderer_.status(c.viewer(), post, c.reader));
          });
  };
  using Params = http::Params;
  action("/api/v1/statuses/:id/favourite", "write:favourites",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_favourite(me, id, true);
         });
  action("/api/v1/statuses/:id/unfavourite", "write:favourites",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_favourite(me, id, false);
         });
  action("/api/v1/statuses/:id/reblog", "write:statuses",
         [this](int64_t me, int64_t id, const Params& p) -> Result<domain::Post> {
           std::optional<domain::Visibility> visibility;
           PUBLIUS_ASSIGN_OR_RETURN(auto v, input::single_value(p, "visibility"));
           if (v && !v->empty()) {
             visibility = domain::parse_visibility(*v);
             if (!visibility) return unprocessable("Validation failed: Visibility is not valid");
           }
           return microblog_.posts().set_reblog(me, id, true, visibility);
         });
  action("/api/v1/statuses/:id/unreblog", "write:statuses",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_reblog(me, id, false, std::nullopt);
         });
  action("/api/v1/statuses/:id/bookmark", "write:bookmarks",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_bookmark(me, id, true);
         });
  action("/api/v1/statuses/:id/unbookmark", "write:bookmarks",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_bookmark(me, id, false);
         });
  action("/api/v1/statuses/:id/pin", "write:accounts",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_pin(me, id, true);
         });
  action("/api/v1/statuses/:id/unpin", "write:accounts",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_pin(me, id, false);
         });
  // Conversation mutes (Mastodon's name): the post's thread stops notifying.
  action("/api/v1/statuses/:id/mute", "write:mutes", [this](int64_t me, int64_t id, const Params&) {
    return microblog_.posts().set_thread_mute(me, id, true);
  });
  action("/api/v1/statuses/:id/unmute", "write:mutes",
         [this](int64_t me, int64_t id, const Params&) {
           return microblog_.posts().set_thread_mute(me, id, false);
         });

  // Polls, named by their post's id.
  route(r, "GET", "/api/v1/polls/:id", http::Policy::optional("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.posts().poll_status(c.viewer(), id));
          return json(renderer_.poll(c.viewer(), post));
        });

  route(r, "POST", "/api/v1/polls/:id/votes", http::Policy::user("write:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto choices, input::poll_choices_from(c.params));
          PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.posts().vote(c.user_id(), id, choices));
          return json(renderer_.poll(c.viewer(), post));
        });

  // Who favourited or boosted a status: account pages keyed by the action's row id.
  using Who = Result<std::vector<std::pair<int64_t, int64_t>>> (domain::Posts::*)(
      domain::Viewer, int64_t, const domain::Page&);
  auto who = [this, &r](const char* path, Who fetch) {
    route(r, "GET", path, http::Policy::optional("read:accounts"),
          [this, fetch](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
            PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 40, 80));
            return account_page(renderer_, c.request,
                                (microblog_.posts().*fetch)(c.viewer(), id, page));
          });
  };
  who("/api/v1/statuses/:id/favourited_by", &domain::Posts::favourited_by);
  who("/api/v1/statuses/:id/reblogged_by", &domain::Posts::reblogged_by);

  // The signed-in user's favourites and bookmarks, paged by the action's row id.
  using Saved =
      Result<domain::Timelines::SavedPage> (domain::Timelines::*)(int64_t, const domain::Page&);
  auto saved = [this, &r](const char* path, const char* scope, Saved fetch) {
    route(r, "GET", path, http::Policy::user(scope),
          [this, fetch](Call& c) -> Result<http::Response> {
            PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params));
            PUBLIUS_ASSIGN_OR_RETURN(auto found,
                                     (microblog_.timelines().*fetch)(c.user_id(), page));
            PUBLIUS_ASSIGN_OR_RETURN(auto body,
                                     renderer_.statuses(c.viewer(), found.posts, c.reader));
            return paged(http::Response::json(std::move(body)), c.request, found.rows);
          });
  };
  saved("/api/v1/favourites", "read:favourites", &domain::Timelines::favourites);
  saved("/api/v1/bookmarks", "read:bookmarks", &domain::Timelines::bookmarks);
}

}  // namespace publius::api
