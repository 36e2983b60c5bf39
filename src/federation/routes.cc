#include "federation/routes.h"

#include "domain/text_format.h"
#include "federation/activities.h"
#include "federation/http_signature.h"
#include "http/errors.h"
#include "http/params.h"
#include "util/ascii.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::federation {
namespace {

constexpr std::string_view kNodeInfoSchema = "http://nodeinfo.diaspora.software/ns/schema/";
constexpr std::string_view kProfilePageRel = "http://webfinger.net/rel/profile-page";

using PublicHandler = std::function<Result<http::Response>(http::Request&)>;

// A public route whose errors answer as {"error": ...} with http/errors.h's status.
void add_public(http::Router& router, std::string pattern, PublicHandler handler) {
  router.add("GET", std::move(pattern), http::Policy::anyone(),
             [handler = std::move(handler)](http::Request& req) {
               auto res = handler(req);
               return res.ok() ? std::move(res).value() : http::error_response(res.error());
             });
}

// The username a WebFinger resource names on this server: "acct:name@domain" (the
// "acct:" and a leading '@' optional, as Mastodon accepts), the actor URL or the profile
// URL. kBadRequest for a resource of no such form, kNotFound for another server's.
Result<std::string> username_of_resource(std::string_view resource,
                                         const domain::InstanceConfig& config) {
  const std::string base = config.base_url();
  for (const std::string& prefix : {base + "/users/", base + "/@"}) {
    if (resource.starts_with(prefix)) {
      std::string_view name = resource.substr(prefix.size());
      if (name.empty() || name.find_first_of("/?#@") != std::string_view::npos) return not_found();
      return std::string(name);
    }
  }
  if (resource.starts_with("https://") || resource.starts_with("http://")) return not_found();
  if (resource.starts_with("acct:")) resource.remove_prefix(5);
  if (resource.starts_with("@")) resource.remove_prefix(1);
  const size_t at = resource.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == resource.size())
    return bad_request("resource must be acct:user@domain or an actor URL");
  if (ascii_lowercase(resource.substr(at + 1)) != ascii_lowercase(config.domain))
    return not_found();
  return std::string(resource.substr(0, at));
}

std::string webfinger_json(const domain::Account& a, const domain::InstanceConfig& config) {
  const std::string actor = actor_url(config, a.username);
  const std::string profile = config.base_url() + "/@" + a.username;
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("subject", "acct:" + a.username + "@" + config.domain)
      .key("aliases")
      .begin_array()
      .string(profile)
      .string(actor)
      .end_array()
      .key("links")
      .begin_array()
      .begin_object()
      .field("rel", kProfilePageRel)
      .field("type", "text/html")
      .field("href", profile)
      .end_object()
      .begin_object()
      .field("rel", "self")
      .field("type", kActivityJson)
      .field("href", actor)
      .end_object()
      .end_array()
      .end_object();
  return out;
}

std::string nodeinfo_json(std::string_view schema_version, std::string_view software_version,
                          const domain::InstanceUsage& usage,
                          const domain::InstanceConfig& config) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("version", schema_version)
      .key("software")
      .begin_object()
      .field("name", "publius")
      .field("version", software_version)
      .end_object()
      .key("protocols")
      .begin_array()
      .string("activitypub")
      .end_array()
      .key("services")
      .begin_object()
      .key("outbound")
      .begin_array()
      .end_array()
      .key("inbound")
      .begin_array()
      .end_array()
      .end_object()
      .key("usage")
      .begin_object()
      .key("users")
      .begin_object()
      .field("total", usage.users)
      .field("activeMonth", usage.active_month)
      .field("activeHalfyear", usage.active_halfyear)
      .end_object()
      .field("localPosts", usage.local_posts)
      .end_object()
      .field("openRegistrations", config.registrations_open)
      .key("metadata")
      .begin_object()
      .field("nodeName", config.title)
      .field("nodeDescription", config.description)
      .end_object()
      .end_object();
  return out;
}

// The media type of a stored picture, from its file name's extension; empty when unknown.
std::string_view image_type(std::string_view file) {
  const std::string ext = ascii_lowercase(file.substr(file.rfind('.') + 1));
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "webp") return "image/webp";
  return {};
}

void write_image(JsonWriter& w, std::string_view key, const std::string& file,
                 const std::string& base) {
  if (file.empty()) return;
  w.key(key).begin_object().field("type", "Image");
  if (auto type = image_type(file); !type.empty()) w.field("mediaType", type);
  w.field("url", base + "/system/media/" + file).end_object();
}

// The actor document of `a`; `moved_to_uri` is the actor it moved to (empty: none).
std::string actor_json(const domain::Account& a, const store::ActorKey& key,
                       const domain::InstanceConfig& config, std::string_view moved_to_uri) {
  const std::string base = config.base_url();
  const std::string actor = actor_url(config, a.username);
  const auto no_mentions = [](std::string_view) { return std::optional<domain::MentionTarget>(); };
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("@context").begin_array();
  w.string("https://www.w3.org/ns/activitystreams").string("https://w3id.org/security/v1");
  // The terms Mastodon adds beyond ActivityStreams, so JSON-LD processors read them.
  w.begin_object()
      .field("manuallyApprovesFollowers", "as:manuallyApprovesFollowers")
      .field("toot", "http://joinmastodon.org/ns#")
      .key("featured")
      .begin_object()
      .field("@id", "toot:featured")
      .field("@type", "@id")
      .end_object()
      .field("discoverable", "toot:discoverable")
      .field("indexable", "toot:indexable")
      .field("schema", "http://schema.org#")
      .field("PropertyValue", "schema:PropertyValue")
      .field("value", "schema:value")
      .key("alsoKnownAs")
      .begin_object()
      .field("@id", "as:alsoKnownAs")
      .field("@type", "@id")
      .end_object()
      .key("movedTo")
      .begin_object()
      .field("@id", "as:movedTo")
      .field("@type", "@id")
      .end_object()
      .end_object()
      .end_array();
  w.field("id", actor)
      .field("type", "Person")
      .field("following", actor + "/following")
      .field("followers", actor + "/followers")
      .field("inbox", actor + "/inbox")
      .field("outbox", actor + "/outbox")
      .field("featured", actor + "/collections/featured")
      .field("preferredUsername", a.username)
      .field("name", a.display_name)
      .field("summary", domain::format_status_text(a.note, no_mentions, base).html)
      .field("url", base + "/@" + a.username)
      .field("manuallyApprovesFollowers", a.locked)
      .field("discoverable", a.discoverable)
      .field("indexable", a.indexable)
      // Day precision only: the account's creation is kept no finer (shield rule).
      .field("published", format_day(a.created_day_ms) + "T00:00:00Z");
  w.key("publicKey")
      .begin_object()
      .field("id", actor + "#main-key")
      .field("owner", actor)
      .field("publicKeyPem", key.public_pem)
      .end_object();
  w.key("endpoints").begin_object().field("sharedInbox", base + "/inbox").end_object();
  if (!a.also_known_as.empty()) {
    w.key("alsoKnownAs").begin_array();
    for (const auto& alias : a.also_known_as) w.string(alias);
    w.end_array();
  }
  if (!moved_to_uri.empty()) w.field("movedTo", moved_to_uri);
  w.key("attachment").begin_array();
  for (const auto& f : a.fields)
    w.begin_object()
        .field("type", "PropertyValue")
        .field("name", f.name)
        .field("value", domain::format_status_text(f.value, no_mentions, base).html)
        .end_object();
  w.end_array();
  write_image(w, "icon", a.avatar_file, base);
  write_image(w, "image", a.header_file, base);
  w.end_object();
  return out;
}

// The local account a request's :username names (percent-decoded; no user@host).
Result<domain::Account> local_account(domain::Microblog& microblog, const http::Request& req) {
  auto name = http::percent_decode(req.path_param("username"), false);
  if (!name || name->empty() || name->find('@') != std::string::npos) return not_found();
  return microblog.accounts().account_by_acct(*name);
}

// The collections' pages hold this many items, as Mastodon's outbox.
constexpr int kCollectionPageSize = 20;

// A collection of `account` is asked for: a browser is sent to the profile page and,
// with authorized fetch (`gate`), an unsigned or refused request gets its error, before
// anything is read; nullopt when the collection is to be rendered (activity_json()).
std::optional<Result<http::Response>> profile_or_refusal(const http::Request& req,
                                                         const domain::InstanceConfig& config,
                                                         const domain::Account& account,
                                                         const AuthorizedFetch* gate) {
  if (!wants_activity_json(req.header("accept")))
    return Result<http::Response>(std::move(
        http::Response::redirect(config.base_url() + "/@" + http::url_encode(account.username))
            .with_header("Vary", "Accept")));
  if (gate) {
    if (auto admitted = gate->admit(req); !admitted.ok())
      return Result<http::Response>(admitted.error());
  }
  return std::nullopt;
}

http::Response activity_json(std::string json) {
  auto res = http::Response::json(std::move(json));
  res.content_type = std::string(kActivityJson) + "; charset=utf-8";
  return std::move(res.with_header("Vary", "Accept"));
}

// The page a collection request asks for: nullopt for the collection itself (no `page`),
// else the paging (`max_id` the last item of the page before). kBadRequest for a
// malformed max_id.
Result<std::optional<domain::Page>> collection_page(const http::Request& req) {
  PUBLIUS_ASSIGN_OR_RETURN(auto params, http::parse_query(req.query));
  if (!params.get("page")) return std::optional<domain::Page>();
  domain::Page page{.limit = kCollectionPageSize};
  if (auto max_id = params.get("max_id")) {
    page.max_id = parse_id(*max_id);
    if (!page.max_id) return bad_request("max_id must be an id");
  }
  return std::optional(page);
}

// An OrderedCollection: its count, and its first page's URL unless `hidden` (an account
// that hides its social graph shows counts only, as Mastodon does).
std::string collection_json(const std::string& id, int64_t total, bool hidden) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("@context", "https://www.w3.org/ns/activitystreams")
      .field("id", id)
      .field("type", "OrderedCollection")
      .field("totalItems", total);
  if (!hidden) w.field("first", id + "?page=true");
  w.end_object();
  return out;
}

// One OrderedCollectionPage of `items` (each pre-rendered JSON), with a `next` page after
// `last_id` when the page is full.
std::string collection_page_json(const std::string& collection, const domain::Page& page,
                                 const std::vector<std::string>& items, int64_t last_id) {
  std::string out;
  JsonWriter w(out);
  std::string id = collection + "?page=true";
  if (page.max_id) id += "&max_id=" + std::to_string(*page.max_id);
  w.begin_object()
      .field("@context", "https://www.w3.org/ns/activitystreams")
      .field("id", id)
      .field("type", "OrderedCollectionPage")
      .field("partOf", collection);
  if (static_cast<int>(items.size()) == page.limit && last_id > 0)
    w.field("next", collection + "?page=true&max_id=" + std::to_string(last_id));
  w.key("orderedItems").begin_array();
  for (const auto& item : items) w.raw(item);
  w.end_array().end_object();
  return out;
}

// The actor URL of an account here or elsewhere.
Result<std::string> actor_uri_of(domain::Microblog& microblog, int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto remote, microblog.federation().remote_actor(account_id));
  if (remote) return remote->uri;
  PUBLIUS_ASSIGN_OR_RETURN(auto account, microblog.accounts().account(account_id));
  return actor_url(microblog.config(), account.username);
}

// The account's posts of `page` that anyone may see (the one visibility rule, for no
// reader): public and unlisted.
Result<std::vector<domain::Post>> public_posts(domain::Microblog& microblog, int64_t account_id,
                                               const domain::AccountPostsFilter& filter,
                                               const domain::Page& page) {
  return microblog.timelines().account_statuses(std::nullopt, account_id, filter, page);
}

// The Note of a local post, with its inReplyTo.
Result<std::string> note_of(domain::Microblog& microblog, const domain::Account& author,
                            const domain::Post& post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto mentions, microblog.federation().note_mentions(post));
  PUBLIUS_ASSIGN_OR_RETURN(auto parent, parent_note_uri(microblog, post));
  return note_json(microblog.config(), author, post, mentions, parent);
}

// GET /users/:username/followers or /following.
Result<http::Response> follow_collection(domain::Microblog& microblog, http::Request& req,
                                         const AuthorizedFetch* gate, bool followers) {
  PUBLIUS_ASSIGN_OR_RETURN(auto account, local_account(microblog, req));
  if (auto early = profile_or_refusal(req, microblog.config(), account, gate))
    return std::move(*early);
  const std::string id =
      actor_url(microblog.config(), account.username) + (followers ? "/followers" : "/following");
  PUBLIUS_ASSIGN_OR_RETURN(auto page, collection_page(req));
  const int64_t total = followers ? account.followers_count : account.following_count;
  if (!page || account.hide_collections)
    return activity_json(collection_json(id, total, account.hide_collections));
  PUBLIUS_ASSIGN_OR_RETURN(
      auto rows, followers ? microblog.relationships().followers(std::nullopt, account.id, *page)
                           : microblog.relationships().following(std::nullopt, account.id, *page));
  std::vector<std::string> items;
  for (const auto& row : rows) {
    PUBLIUS_ASSIGN_OR_RETURN(auto uri, actor_uri_of(microblog, row.second));
    std::string item;
    JsonWriter(item).string(uri);
    items.push_back(std::move(item));
  }
  const int64_t last = rows.empty() ? 0 : rows.back().first;
  return activity_json(collection_page_json(id, *page, items, last));
}

}  // namespace

bool wants_activity_json(std::string_view accept) {
  const std::string a = ascii_lowercase(accept);
  if (a.find(kActivityJson) != std::string::npos) return true;
  // ld+json counts only with the ActivityStreams profile, as the ActivityPub spec says.
  return a.find("application/ld+json") != std::string::npos &&
         a.find("https://www.w3.org/ns/activitystreams") != std::string::npos;
}

std::string actor_url(const domain::InstanceConfig& config, std::string_view username) {
  return config.base_url() + "/users/" + std::string(username);
}

Result<std::string> actor_document(domain::Microblog& microblog, const domain::Account& account) {
  PUBLIUS_ASSIGN_OR_RETURN(auto key, microblog.accounts().actor_key(account.id, make_actor_key));
  std::string moved_to;
  if (account.moved_to_id) {
    PUBLIUS_ASSIGN_OR_RETURN(moved_to, microblog.federation().actor_uri(*account.moved_to_id));
  }
  return actor_json(account, key, microblog.config(), moved_to);
}

std::optional<Result<http::Response>> actor_if_asked(domain::Microblog& microblog,
                                                     const http::Request& request,
                                                     const domain::Account& account,
                                                     const AuthorizedFetch* gate) {
  if (!wants_activity_json(request.header("accept"))) return std::nullopt;
  if (gate) {
    if (auto admitted = gate->admit(request); !admitted.ok())
      return Result<http::Response>(admitted.error());
  }
  auto document = actor_document(microblog, account);
  if (!document.ok()) return Result<http::Response>(document.error());
  auto res = http::Response::json(std::move(*document));
  res.content_type = std::string(kActivityJson) + "; charset=utf-8";
  res.with_header("Vary", "Accept");
  return Result<http::Response>(std::move(res));
}

void register_routes(domain::Microblog& microblog, http::Router& router,
                     std::string software_version, const AuthorizedFetch* gate) {
  const domain::InstanceConfig& config = microblog.config();

  add_public(router, "/.well-known/webfinger",
             [&microblog, &config](http::Request& req) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto params, http::parse_query(req.query));
               auto resource = params.get("resource");
               if (!resource || resource->empty())
                 return bad_request("Missing parameter: resource");
               PUBLIUS_ASSIGN_OR_RETURN(auto username, username_of_resource(*resource, config));
               PUBLIUS_ASSIGN_OR_RETURN(auto account,
                                        microblog.accounts().account_by_acct(username));
               auto res = http::Response::json(webfinger_json(account, config));
               res.content_type = "application/jrd+json; charset=utf-8";
               return std::move(res.with_header("Access-Control-Allow-Origin", "*"));
             });

  add_public(router, "/.well-known/host-meta", [&config](http::Request&) -> Result<http::Response> {
    http::Response res;
    res.content_type = "application/xrd+xml; charset=utf-8";
    res.body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
        "  <Link rel=\"lrdd\" template=\"" +
        domain::html_escape(config.base_url()) +
        "/.well-known/webfinger?resource={uri}\"/>\n</XRD>\n";
    return std::move(res.with_header("Access-Control-Allow-Origin", "*"));
  });

  add_public(router, "/.well-known/nodeinfo", [&config](http::Request&) -> Result<http::Response> {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key("links").begin_array();
    for (std::string_view version : {"2.0", "2.1"})
      w.begin_object()
          .field("rel", std::string(kNodeInfoSchema) + std::string(version))
          .field("href", config.base_url() + "/nodeinfo/" + std::string(version))
          .end_object();
    w.end_array().end_object();
    return http::Response::json(std::move(out));
  });

  for (std::string_view version : {"2.0", "2.1"}) {
    add_public(
        router, "/nodeinfo/" + std::string(version),
        [&microblog, &config, version, software_version](http::Request&) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto usage, microblog.accounts().usage(now_ms()));
          auto res = http::Response::json(nodeinfo_json(version, software_version, usage, config));
          res.content_type = "application/json; profile=\"" + std::string(kNodeInfoSchema) +
                             std::string(version) + "#\"";
          return std::move(res.with_header("Access-Control-Allow-Origin", "*"));
        });
  }

  // The instance actor, which signs what the server says as itself; JSON for everyone,
  // as Mastodon serves it (a server verifying a signature may ask with any Accept).
  add_public(router, "/actor", [&microblog, &config](http::Request&) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto key, microblog.federation().instance_actor_key(make_actor_key));
    auto res = http::Response::json(instance_actor_json(config, key));
    res.content_type = std::string(kActivityJson) + "; charset=utf-8";
    return res;
  });

  add_public(router, "/users/:username",
             [&microblog, &config, gate](http::Request& req) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto account, local_account(microblog, req));
               if (auto actor = actor_if_asked(microblog, req, account, gate))
                 return std::move(*actor);
               // A person's browser: the profile page, as Mastodon redirects.
               return std::move(http::Response::redirect(config.base_url() + "/@" +
                                                         http::url_encode(account.username))
                                    .with_header("Vary", "Accept"));
             });

  // A post at its ActivityPub id: the Note for an ActivityPub Accept when anyone may see it
  // (public or unlisted), else the post's page.
  add_public(router, "/users/:username/statuses/:id",
             [&microblog, &config, gate](http::Request& req) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto account, local_account(microblog, req));
               const auto id = parse_id(req.path_param("id"));
               if (!id) return not_found();
               PUBLIUS_ASSIGN_OR_RETURN(auto post,
                                        microblog.visibility().status(std::nullopt, *id));
               if (post.account_id != account.id || post.reblog_of_id) return not_found();
               if (!wants_activity_json(req.header("accept")))
                 return std::move(http::Response::redirect(config.base_url() + "/@" +
                                                           http::url_encode(account.username) +
                                                           "/" + std::to_string(post.id))
                                      .with_header("Vary", "Accept"));
               if (gate) PUBLIUS_TRY(gate->admit(req));
               PUBLIUS_ASSIGN_OR_RETURN(auto note, note_of(microblog, account, post));
               return activity_json(std::move(note));
             });

  // The actor's collections (Mastodon's): its outbox of Create(Note) of its public and
  // unlisted posts, its followers and following (counts only when it hides them), and its
  // pinned posts. Followers-only and direct posts never appear.
  add_public(
      router, "/users/:username/outbox",
      [&microblog, &config, gate](http::Request& req) -> Result<http::Response> {
        PUBLIUS_ASSIGN_OR_RETURN(auto account, local_account(microblog, req));
        if (auto early = profile_or_refusal(req, config, account, gate)) return std::move(*early);
        const std::string id = actor_url(config, account.username) + "/outbox";
        PUBLIUS_ASSIGN_OR_RETURN(auto page, collection_page(req));
        if (!page) return activity_json(collection_json(id, account.statuses_count, false));
        PUBLIUS_ASSIGN_OR_RETURN(
            auto posts, public_posts(microblog, account.id, {.exclude_reblogs = true}, *page));
        std::vector<std::string> items;
        for (const auto& post : posts) {
          PUBLIUS_ASSIGN_OR_RETURN(auto mentions, microblog.federation().note_mentions(post));
          PUBLIUS_ASSIGN_OR_RETURN(auto parent, parent_note_uri(microblog, post));
          items.push_back(create_note_json(config, account, post, mentions, parent));
        }
        const int64_t last = posts.empty() ? 0 : posts.back().id;
        return activity_json(collection_page_json(id, *page, items, last));
      });
  add_public(router, "/users/:username/followers", [&microblog, gate](http::Request& req) {
    return follow_collection(microblog, req, gate, true);
  });
  add_public(router, "/users/:username/following", [&microblog, gate](http::Request& req) {
    return follow_collection(microblog, req, gate, false);
  });
  add_public(router, "/users/:username/collections/featured",
             [&microblog, &config, gate](http::Request& req) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(auto account, local_account(microblog, req));
               if (auto early = profile_or_refusal(req, config, account, gate))
                 return std::move(*early);
               PUBLIUS_ASSIGN_OR_RETURN(auto posts,
                                        public_posts(microblog, account.id, {.only_pinned = true},
                                                     {.limit = kCollectionPageSize}));
               std::string out;
               JsonWriter w(out);
               w.begin_object()
                   .field("@context", "https://www.w3.org/ns/activitystreams")
                   .field("id", actor_url(config, account.username) + "/collections/featured")
                   .field("type", "OrderedCollection")
                   .field("totalItems", static_cast<int64_t>(posts.size()))
                   .key("orderedItems")
                   .begin_array();
               for (const auto& post : posts) {
                 PUBLIUS_ASSIGN_OR_RETURN(auto note, note_of(microblog, account, post));
                 w.raw(note);
               }
               w.end_array().end_object();
               return activity_json(std::move(out));
             });
}

}  // namespace publius::federation
