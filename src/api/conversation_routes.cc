// Conversations: the signed-in user's direct-message threads.
#include "api/api.h"
#include "input/readers.h"

namespace publius::api {

void Api::add_conversation_routes(http::Router& r) {
  route(r, "GET", "/api/v1/conversations", http::Policy::user("read:statuses"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto page, input::page_from(c.params, 20, 40));
          PUBLIUS_ASSIGN_OR_RETURN(auto entries,
                                   microblog_.conversations().conversations(c.user_id(), page));
          PUBLIUS_ASSIGN_OR_RETURN(auto body,
                                   renderer_.conversations(c.user_id(), entries, c.reader));
          // Paged by the id of each conversation's newest post, as Mastodon does.
          return paged(http::Response::json(std::move(body)), c.request, entries,
                       [](const domain::ConversationEntry& e) { return e.last_status.id; });
        });

  route(r, "POST", "/api/v1/conversations/:id/read", http::Policy::user("write:conversations"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto entry,
                                   microblog_.conversations().read_conversation(c.user_id(), id));
          return json(renderer_.conversation(c.user_id(), entry, c.reader));
        });

  route(r, "DELETE", "/api/v1/conversations/:id", http::Policy::user("write:conversations"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.conversations().remove_conversation(c.user_id(), id));
          return http::Response::json("{}");
        });
}

}  // namespace publius::api
