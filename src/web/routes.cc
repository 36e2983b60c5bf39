// The web UI's frame (sessions, CSRF, headers, errors) and its auth, reading and
// action routes. Settings are in settings_routes.cc.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "domain/text_format.h"
#include "http/errors.h"
#include "input/readers.h"
#include "oauth/scopes.h"
#include "util/crypto.h"
#include "util/ids.h"
#include "util/time.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/web_ui.h"

namespace publius::web {
namespace {

constexpr int64_t kSessionCookieSeconds = domain::kSessionIdleDays * 86400;

// A domain refusal as a form shows it: without the API's "Validation failed: ".
std::string form_message(const Error& e) {
  constexpr std::string_view kPrefix = "Validation failed: ";
  std::string_view m = e.message;
  if (m.starts_with(kPrefix)) m.remove_prefix(kPrefix.size());
  std::string out(m);
  if (!out.empty() && out.back() != '.') out.push_back('.');
  return out;
}

// What a signed-in browser may do: everything an account can, and an admin's desk for admins.
std::string_view session_scopes(const domain::Account& account) {
  return account.role == domain::Role::kAdmin ? "read write follow push admin:read admin:write"
                                              : "read write follow push";
}

std::string_view advice(int status) {
  switch (status) {
    case 400:
      return "Go back, check what you entered and try again.";
    case 401:
      return "Log in, then try again.";
    case 403:
      return "Go back, reload the page and try again. If it keeps happening, log out and in again.";
    case 404:
      return "Check the address. The post or account may have been deleted, or may not be visible "
             "to you.";
    case 409:
    case 422:
      return "Go back, correct it and submit again; your browser usually keeps what you typed.";
    case 429:
      return "Wait a few minutes, then try again.";
    default:
      return "Try again in a moment. If it keeps failing, tell the server's operator.";
  }
}

}  // namespace

void WebUi::Visit::put_cookie(std::string_view name, std::string header) {
  for (auto& [set_name, set_header] : set_cookies) {
    if (set_name == name) {
      set_header = std::move(header);
      return;
    }
  }
  set_cookies.emplace_back(std::string(name), std::move(header));
}

WebUi::WebUi(domain::Microblog& microblog) : microblog_(microblog) {}

void WebUi::register_routes(http::Router& router) {
  // Static files first: no session, cacheable for a year (their paths are versioned).
  auto asset = [&router](std::string_view path, std::string_view type, std::string_view body) {
    router.add("GET", std::string(path), http::Policy::anyone(), [type, body](http::Request&) {
      http::Response r;
      r.content_type = std::string(type);
      r.body = std::string(body);
      r.with_header("Cache-Control", "public, max-age=31536000, immutable")
          .with_header("X-Content-Type-Options", "nosniff");
      return r;
    });
  };
  asset(kStylesheetPath, "text/css; charset=utf-8", stylesheet());
  asset(kCounterScriptPath, "text/javascript; charset=utf-8", counter_script());
  add_auth_routes(router);
  add_settings_routes(router);
  add_list_routes(router);
  add_report_routes(router);
  add_domain_block_routes(router);
  add_collective_routes(router);
  add_action_routes(router);
  add_reading_routes(router);
}

// ---- Frame ----

Result<WebUi::Visit> WebUi::begin_visit(http::Request& req) {
  Visit v;
  v.secure = req.scheme() == "https";
  v.client_key = req.client_key;
  v.cookie_secret = cookie_value(req, kSessionCookie);
  // Anything that is not a token we could have issued is replaced.
  const bool plausible =
      v.cookie_secret.size() == 43 &&
      std::all_of(v.cookie_secret.begin(), v.cookie_secret.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      });
  if (!plausible) {
    v.cookie_secret.clear();
  } else {
    PUBLIUS_ASSIGN_OR_RETURN(auto holder, microblog_.credentials().session_holder(v.cookie_secret));
    if (holder) {
      auto account = microblog_.accounts().account(holder->account_id);
      if (account.ok()) {
        v.account = std::move(account).value();
        v.member_id = holder->member_id;
        v.reader = domain::ReaderKey(microblog_.keys(), holder->account_id,
                                     shield::Credential::kWebSession, v.cookie_secret);
      }
    }
  }
  if (v.cookie_secret.empty()) {
    // An anonymous secret, stored nowhere: it only keys the CSRF token of the forms
    // shown before sign-in. The same cookie later holds the session secret.
    v.cookie_secret = random_token(32);
    v.put_cookie(kSessionCookie, set_cookie(kSessionCookie, v.cookie_secret, v.secure, -1));
  }
  PUBLIUS_ASSIGN_OR_RETURN(v.params, http::parse_query(req.query));
  if (req.method == "POST") {
    PUBLIUS_ASSIGN_OR_RETURN(auto body, http::parse_body(req.body, req.header("content-type")));
    v.params.merge(std::move(body));
  }
  v.frame.instance_title = microblog_.config().title;
  v.frame.viewer = v.account;
  if (v.account && v.account->role == domain::Role::kAdmin) v.frame.extra_nav = admin_nav_;
  v.frame.footer_links = footer_links_;
  v.frame.csrf = csrf_token(v.cookie_secret);
  v.frame.path = req.path;
  v.frame.back = req.method == "GET" ? req.path + (req.query.empty() ? "" : "?" + req.query)
                                     : safe_local_path(v.params.get_or("back", ""), "/");
  v.frame.max_status_chars = microblog_.config().max_status_chars;
  v.frame.form_key = random_token(16);
  return v;
}

void WebUi::add_page(http::Router& router, std::string method, std::string pattern,
                     http::Policy policy, PageHandler handler) {
  const bool is_post = method == "POST";
  const bool is_get = method == "GET";
  const http::Policy checked = policy;
  router.add(std::move(method), std::move(pattern), std::move(policy),
             [this, is_post, is_get, checked, handler](http::Request& req) {
               auto visit = begin_visit(req);
               if (!visit.ok()) {
                 Visit fallback;
                 fallback.frame.instance_title = microblog_.config().title;
                 return error(fallback, visit.error());
               }
               Visit& v = *visit;
               auto handled = admit_and_handle(req, v, checked, is_post, is_get, handler);
               http::Response response =
                   handled.ok() ? std::move(handled).value() : error(v, handled.error());
               // Pages carry their security headers from http::Response::html.
               for (auto& cookie : v.set_cookies) response.with_header("Set-Cookie", cookie.second);
               return response;
             });
}

Result<http::Response> WebUi::admit_and_handle(http::Request& req, Visit& v,
                                               const http::Policy& policy, bool is_post,
                                               bool is_get, const PageHandler& handler) {
  // A POST must carry the token derived from this browser's cookie: a form on
  // another site cannot read the cookie, so it cannot forge the token.
  if (is_post && !csrf_matches(v.cookie_secret, v.params.get_or("csrf", "")))
    return page(v,
                error_page(v.frame, 403,
                           "This form had expired or did not come from this site, so nothing was "
                           "changed.",
                           advice(403)),
                403);
  // Admin pages are not there for anyone else, signed in or not: the site's 404.
  if (policy.access == http::Access::kAdmin &&
      (!v.account || v.account->role != domain::Role::kAdmin))
    return not_found();
  if (policy.access == http::Access::kUser && !v.account) {
    if (is_get) return http::Response::redirect("/auth/sign_in", 303);
    return unauthorized("You need to be logged in to do that.");
  }
  if (v.account && !oauth::covers_any(session_scopes(*v.account), policy.scope) &&
      policy.access != http::Access::kPublic)
    return forbidden("This page is not open to this account.");
  return handler(req, v);
}

http::Response WebUi::page(Visit&, std::string html, int status) {
  return http::Response::html(std::move(html), status);
}

http::Response WebUi::error(Visit& visit, const Error& e) {
  const int status = http::status_for(e.code);
  std::string what = e.message;
  if (status == 500) {
    spdlog::error("web: internal error: {}", e.message);
    what = "The server could not finish this request.";
  }
  if (status == 503) what = "The server is busy.";
  if (status == 404 && (what.empty() || what == "Record not found"))
    what = "There is nothing at this address that you can see.";
  auto response = page(visit, error_page(visit.frame, status, what, advice(status)), status);
  http::add_error_headers(response, e);
  return response;
}

http::Response WebUi::back(const Visit& visit, std::string_view fallback) {
  return http::Response::redirect(safe_local_path(visit.params.get_or("back", ""), fallback), 303);
}

Status WebUi::sign_in(Visit& visit, int64_t account_id, const shield::SecretKey* key,
                      std::optional<int64_t> member_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto secret,
                           microblog_.credentials().start_session(account_id, key, member_id));
  visit.member_id = member_id;
  visit.reader =
      domain::ReaderKey(microblog_.keys(), account_id, shield::Credential::kWebSession, secret);
  visit.cookie_secret = secret;
  visit.put_cookie(kSessionCookie,
                   set_cookie(kSessionCookie, secret, visit.secure, kSessionCookieSeconds));
  PUBLIUS_ASSIGN_OR_RETURN(auto account, microblog_.accounts().account(account_id));
  visit.account = account;
  visit.frame.viewer = account;
  visit.frame.csrf = csrf_token(secret);
  return ok_status();
}

void WebUi::sign_out_cookie(Visit& visit) {
  visit.cookie_secret = random_token(32);
  visit.put_cookie(kSessionCookie,
                   set_cookie(kSessionCookie, visit.cookie_secret, visit.secure, -1));
  visit.account.reset();
  visit.reader = domain::ReaderKey();
  visit.frame.viewer.reset();
  visit.frame.csrf = csrf_token(visit.cookie_secret);
}

Result<std::vector<PostView>> WebUi::views(Visit& visit, const std::vector<domain::Post>& posts) {
  std::vector<PostView> out;
  std::vector<int64_t> account_ids, shown_ids, original_ids;
  const domain::Viewer viewer = visit.account ? domain::Viewer(visit.account->id) : std::nullopt;
  for (const auto& p : posts)
    if (p.reblog_of_id) original_ids.push_back(*p.reblog_of_id);
  // A boost was shown only where its original may be seen; the rule decides again.
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, microblog_.visibility().load(original_ids));
  PUBLIUS_ASSIGN_OR_RETURN(auto originals,
                           microblog_.visibility().keep_visible(viewer, std::move(loaded)));
  for (const auto& p : posts) {
    PostView v;
    v.entry_id = p.id;
    if (p.reblog_of_id) {
      auto original = std::find_if(originals.begin(), originals.end(),
                                   [&](const domain::Post& o) { return o.id == *p.reblog_of_id; });
      if (original == originals.end()) continue;
      v.post = *original;
      v.booster = domain::Account{};
      v.booster->id = p.account_id;
      account_ids.push_back(p.account_id);
    } else {
      v.post = p;
    }
    visit.reader.open(v.post);
    account_ids.push_back(v.post.account_id);
    shown_ids.push_back(v.post.id);
    out.push_back(std::move(v));
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(account_ids));
  std::map<int64_t, domain::Account> by_id;
  for (auto& a : accounts) by_id[a.id] = std::move(a);
  store::ViewerFlags flags;
  std::map<int64_t, std::vector<int>> poll_choices;
  if (visit.account) {
    const int64_t reader = visit.account->id;
    PUBLIUS_ASSIGN_OR_RETURN(flags, microblog_.posts().viewer_flags(reader, shown_ids));
    std::vector<int64_t> poll_ids;
    for (const auto& v : out)
      if (v.post.poll) poll_ids.push_back(v.post.id);
    PUBLIUS_ASSIGN_OR_RETURN(auto choices, microblog_.posts().poll_choices(reader, poll_ids));
    for (auto& [id, positions] : choices) poll_choices[id] = std::move(positions);
  }
  auto has = [](const std::vector<int64_t>& list, int64_t id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  std::vector<PostView> complete;
  for (auto& v : out) {
    auto author = by_id.find(v.post.account_id);
    if (author == by_id.end()) continue;
    v.author = author->second;
    if (v.booster) {
      auto booster = by_id.find(v.booster->id);
      if (booster == by_id.end()) continue;
      v.booster = booster->second;
    }
    v.favourited = has(flags.favourited, v.post.id);
    v.reblogged = has(flags.reblogged, v.post.id);
    v.mine = visit.account && visit.account->id == v.post.account_id;
    if (auto own = poll_choices.find(v.post.id); own != poll_choices.end())
      v.own_votes = std::move(own->second);
    complete.push_back(std::move(v));
  }
  return complete;
}

Result<PostView> WebUi::view(Visit& visit, const domain::Post& post) {
  PUBLIUS_ASSIGN_OR_RETURN(auto list, views(visit, {post}));
  if (list.empty()) return not_found();
  return list.front();
}

Pager WebUi::pager(const http::Request& req, const http::Params& params,
                   const std::vector<PostView>& posts, int limit) {
  Pager p;
  if (posts.empty()) {
    // Past either end: offer the way back to the newest entries.
    if (params.has("max_id") || params.has("min_id")) p.newer = req.path;
    return p;
  }
  const bool paged = params.has("max_id") || params.has("min_id");
  if (static_cast<int>(posts.size()) >= limit || params.has("min_id"))
    p.older = req.path + "?max_id=" + std::to_string(posts.back().entry_id);
  if (paged) p.newer = req.path + "?min_id=" + std::to_string(posts.front().entry_id);
  return p;
}

// ---- Sign-up, log-in, log-out, recovery ----

void WebUi::add_auth_routes(http::Router& r) {
  add_page(r, "GET", "/auth/sign_up", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) {
             return page(v, sign_up_page(v.frame, {}, microblog_.config().registrations_open));
           });
  add_page(
      r, "POST", "/auth/sign_up", http::Policy::optional("write:accounts"),
      [this](http::Request&, Visit& v) -> Result<http::Response> {
        FormState state;
        state.username = v.params.get_or("username", "");
        if (!microblog_.config().registrations_open)
          return page(v, sign_up_page(v.frame, state, false), 403);
        auto registered =
            microblog_.accounts().register_account(state.username, v.params.get_or("password", ""));
        if (!registered.ok()) {
          if (http::status_for(registered.error().code) >= 500) return registered.take_error();
          state.error = registered.error().message;
          return page(v, sign_up_page(v.frame, state, true), 422);
        }
        PUBLIUS_TRY(sign_in(v, registered->account.id, &registered->key));
        return page(v, recovery_codes_page(v.frame, "Welcome, @" + registered->account.username,
                                           registered->recovery_codes, "/home",
                                           "I saved them: go to my home timeline"));
      });

  add_page(r, "GET", "/auth/sign_in", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) {
             if (v.account) return http::Response::redirect("/home", 303);
             FormState state;
             if (v.params.get_or("done", "") == "recovered")
               state.notice = "Your new password is set. Log in with it.";
             return page(v, sign_in_page(v.frame, state));
           });
  add_page(r, "POST", "/auth/sign_in", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             FormState state;
             state.username = v.params.get_or("username", "");
             const std::string password = v.params.get_or("password", "");
             auto signed_in =
                 microblog_.credentials().sign_in(state.username, password, v.client_key);
             if (!signed_in.ok()) {
               // Refused (throttled) or failed: an error page; a wrong password: the form again.
               if (signed_in.error().code != ErrorCode::kUnauthorized)
                 return signed_in.take_error();
               state.error = "That username and password do not match. Check both and try again.";
               return page(v, sign_in_page(v.frame, state), 401);
             }
             // Whatever session this browser had ends: a fresh secret defeats session fixation.
             (void)microblog_.credentials().end_session(v.cookie_secret);
             PUBLIUS_TRY(
                 sign_in(v, signed_in->account.id, signed_in->key_or_null(), signed_in->member_id));
             return http::Response::redirect("/home", 303);
           });

  add_page(r, "POST", "/auth/sign_out", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             PUBLIUS_TRY(microblog_.credentials().end_session(v.cookie_secret));
             sign_out_cookie(v);
             return http::Response::redirect("/", 303);
           });

  add_page(r, "GET", "/auth/recover", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) { return page(v, recover_page(v.frame, {})); });
  add_page(r, "POST", "/auth/recover", http::Policy::optional("write:accounts"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             FormState state;
             state.username = v.params.get_or("username", "");
             const std::string code = normalize_recovery_code(v.params.get_or("code", ""));
             const std::string password = v.params.get_or("password", "");
             auto recovered =
                 microblog_.credentials().recover(state.username, code, password, v.client_key);
             if (!recovered.ok()) {
               if (recovered.error().code != ErrorCode::kUnprocessable)
                 return recovered.take_error();
               state.error = form_message(recovered.error());
               return page(v, recover_page(v.frame, state), 422);
             }
             return http::Response::redirect("/auth/sign_in?done=recovered", 303);
           });
}

// ---- Reading: landing, timelines, posts, profiles, notifications, search ----

void WebUi::add_reading_routes(http::Router& r) {
  add_page(r, "GET", "/", http::Policy::optional("read"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto stats, microblog_.accounts().instance_stats());
             const auto& config = microblog_.config();
             return page(v, landing_page(v.frame, config.description, config.rules,
                                         config.registrations_open, stats.users, stats.statuses));
           });

  // A timeline page: the domain call differs, the rest is shared.
  auto timeline = [this](http::Request& req, Visit& v, TimelinePage content,
                         auto fetch) -> Result<http::Response> {
    PUBLIUS_ASSIGN_OR_RETURN(auto paging, input::page_from(v.params, 20, 40));
    PUBLIUS_ASSIGN_OR_RETURN(std::vector<domain::Post> posts, fetch(paging));
    PUBLIUS_ASSIGN_OR_RETURN(content.posts, views(v, posts));
    content.pager = pager(req, v.params, content.posts, paging.limit);
    return page(v, timeline_page(v.frame, content));
  };

  add_page(r, "GET", "/home", http::Policy::user("read:statuses"),
           [this, timeline](http::Request& req, Visit& v) {
             TimelinePage content;
             content.title = "Home";
             content.compose = true;
             content.empty_message =
                 "Nothing here yet. Follow people from the public timeline or search.";
             return timeline(req, v, std::move(content), [&](const domain::Page& p) {
               return microblog_.timelines().home_timeline(v.account->id, p);
             });
           });

  add_page(r, "GET", "/public", http::Policy::optional("read:statuses"),
           [this, timeline](http::Request& req, Visit& v) {
             TimelinePage content;
             content.title = "Public timeline";
             content.intro =
                 "Public posts from everyone on " + microblog_.config().title + ", newest first.";
             content.compose = false;
             content.empty_message = "No public posts yet.";
             const domain::Viewer viewer = v.account ? domain::Viewer(v.account->id) : std::nullopt;
             return timeline(req, v, std::move(content), [&](const domain::Page& p) {
               return microblog_.timelines().public_timeline(viewer, p);
             });
           });

  add_page(r, "GET", "/lists/:id", http::Policy::user("read:lists"),
           [this, timeline](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_ASSIGN_OR_RETURN(auto list, microblog_.lists().own_list(v.account->id, id));
             TimelinePage content;
             content.title = list.title;
             content.intro = "Posts from the accounts in this list, newest first.";
             content.manage = NavLink{"/lists/" + std::to_string(id) + "/edit", "Edit this list"};
             content.empty_message =
                 "No posts from this list's accounts yet. Add people on its edit page.";
             return timeline(req, v, std::move(content), [&](const domain::Page& p) {
               return microblog_.timelines().list_timeline(v.account->id, id, p);
             });
           });

  add_page(r, "GET", "/tags/:tag", http::Policy::optional("read:statuses"),
           [this, timeline](http::Request& req, Visit& v) -> Result<http::Response> {
             auto tag = http::percent_decode(req.path_param("tag"), false);
             if (!tag || !domain::is_valid_tag(*tag)) return not_found("That is not a hashtag.");
             TimelinePage content;
             content.title = "#" + *tag;
             content.intro = "Posts tagged #" + *tag + ".";
             content.empty_message = "No posts with this hashtag yet.";
             const domain::Viewer viewer = v.account ? domain::Viewer(v.account->id) : std::nullopt;
             if (viewer) {
               PUBLIUS_ASSIGN_OR_RETURN(auto entity, microblog_.tags().tag(viewer, *tag));
               const std::string base = "/tags/" + entity.name;
               content.action = entity.following.value_or(false)
                                    ? NavLink{base + "/unfollow", "Unfollow #" + *tag}
                                    : NavLink{base + "/follow", "Follow #" + *tag};
             }
             return timeline(req, v, std::move(content), [&](const domain::Page& p) {
               return microblog_.timelines().tag_timeline(viewer, *tag, p);
             });
           });

  add_page(
      r, "GET", "/messages", http::Policy::user("read:statuses"),
      [this](http::Request& req, Visit& v) -> Result<http::Response> {
        PUBLIUS_ASSIGN_OR_RETURN(auto paging, input::page_from(v.params, 20, 40));
        PUBLIUS_ASSIGN_OR_RETURN(auto entries,
                                 microblog_.conversations().conversations(v.account->id, paging));
        std::vector<domain::Post> last_posts;
        for (const auto& e : entries) last_posts.push_back(e.last_status);
        PUBLIUS_ASSIGN_OR_RETURN(auto shown, views(v, last_posts));
        // Every participant of the page in one lookup.
        std::vector<int64_t> participant_ids;
        for (const auto& e : entries)
          participant_ids.insert(participant_ids.end(), e.conversation.participant_ids.begin(),
                                 e.conversation.participant_ids.end());
        PUBLIUS_ASSIGN_OR_RETURN(auto participants,
                                 microblog_.accounts().accounts(participant_ids));
        std::map<int64_t, domain::Account> by_id;
        for (auto& a : participants) by_id[a.id] = std::move(a);
        std::vector<MessageThread> threads;
        for (const auto& [c, last] : entries) {
          auto view = std::find_if(shown.begin(), shown.end(),
                                   [id = last.id](const PostView& p) { return p.post.id == id; });
          if (view == shown.end()) continue;
          MessageThread thread{c.id, {}, *view, c.unread};
          for (int64_t id : c.participant_ids)
            if (auto a = by_id.find(id); a != by_id.end()) thread.with.push_back(a->second);
          threads.push_back(std::move(thread));
          // Shown is read, as the API's POST /api/v1/conversations/:id/read (the
          // thread is already loaded: only the flag is written).
          if (c.unread) {
            PUBLIUS_TRY(microblog_.conversations().mark_read(v.account->id, c.id));
          }
        }
        return page(v, messages_page(v.frame, threads, pager(req, v.params, shown, paging.limit)));
      });

  add_page(r, "GET", "/notifications", http::Policy::user("read:notifications"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto paging, input::page_from(v.params, 30, 80));
             PUBLIUS_ASSIGN_OR_RETURN(auto list,
                                      microblog_.notifications().page(v.account->id, {}, paging));
             PUBLIUS_ASSIGN_OR_RETURN(auto entries,
                                      microblog_.notifications().entries(v.account->id, list));
             std::vector<int64_t> account_ids;
             for (const auto& e : entries) {
               account_ids.push_back(e.notification.from_account_id);
               if (e.status) account_ids.push_back(e.status->account_id);
             }
             PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(account_ids));
             std::map<int64_t, domain::Account> by_id;
             for (auto& a : accounts) by_id[a.id] = std::move(a);
             std::vector<NotificationView> items;
             for (auto& e : entries) {
               auto from = by_id.find(e.notification.from_account_id);
               if (from == by_id.end()) continue;
               NotificationView item{e.notification, from->second, std::nullopt, {}};
               if (e.status) {
                 auto author = by_id.find(e.status->account_id);
                 if (author == by_id.end()) continue;
                 item.post_path = post_path(author->second, e.status->id);
                 v.reader.open(*e.status);
                 item.post = std::move(e.status);
               }
               items.push_back(std::move(item));
             }
             Pager p;
             if (!list.empty() && static_cast<int>(list.size()) >= paging.limit)
               p.older = req.path + "?max_id=" + std::to_string(list.back().id);
             if (v.params.has("max_id")) p.newer = req.path;
             return page(v, notifications_page(v.frame, items, p));
           });

  add_page(r, "GET", "/follow_requests", http::Policy::user("read:follows"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto rows, microblog_.relationships().follow_requests(
                                                     v.account->id, domain::Page{.limit = 80}));
             std::vector<int64_t> ids;
             for (auto [row, account] : rows) ids.push_back(account);
             PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(ids));
             return page(v, follow_requests_page(v.frame, accounts));
           });

  add_page(
      r, "GET", "/scheduled", http::Policy::user("read:statuses"),
      [this](http::Request&, Visit& v) -> Result<http::Response> {
        PUBLIUS_ASSIGN_OR_RETURN(
            auto posts, microblog_.posts().scheduled_statuses(
                            v.account->id,
                            domain::Page{.limit = static_cast<int>(domain::kMaxScheduledPosts)}));
        std::vector<ScheduledView> views;
        for (const auto& p : posts)
          views.push_back({p.id, p.scheduled_ms, p.request.text, p.request.spoiler_text,
                           p.request.visibility.value_or(domain::Visibility::kPublic),
                           p.media.size(), p.request.poll.has_value(),
                           p.request.in_reply_to_id.has_value()});
        std::sort(views.begin(), views.end(), [](const ScheduledView& a, const ScheduledView& b) {
          return a.scheduled_ms < b.scheduled_ms;
        });
        return page(v, scheduled_page(v.frame, views));
      });

  add_page(r, "GET", "/search", http::Policy::optional("read:search"),
           [this](http::Request&, Visit& v) -> Result<http::Response> {
             SearchResults results;
             results.query = v.params.get_or("q", "");
             const domain::Viewer viewer = v.account ? domain::Viewer(v.account->id) : std::nullopt;
             if (!results.query.empty() && results.query.size() <= 200) {
               domain::SearchQuery query;
               query.text = results.query;
               PUBLIUS_ASSIGN_OR_RETURN(auto found, microblog_.search().search(viewer, query));
               results.accounts = std::move(found.accounts);
               for (const auto& t : found.hashtags) results.tags.push_back(t.name);
               PUBLIUS_ASSIGN_OR_RETURN(results.posts, views(v, found.statuses));
             }
             return page(v, search_page(v.frame, results));
           });

  // Profiles and posts live at the URLs the API's `url` fields give: /@name and
  // /@name/ID ("@:acct" matches only segments starting with '@').
  auto account_from_path = [this](http::Request& req) -> Result<domain::Account> {
    auto name = http::percent_decode(req.path_param("acct"), false);
    if (!name || name->empty()) return not_found();
    return microblog_.accounts().account_by_acct(*name);
  };

  add_page(r, "GET", "/@:acct", http::Policy::optional("read:statuses"),
           [this, account_from_path](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto account, account_from_path(req));
             if (profile_alternative_)
               if (auto other = profile_alternative_(req, account)) return std::move(*other);
             PUBLIUS_ASSIGN_OR_RETURN(auto paging, input::page_from(v.params, 20, 40));
             const domain::Viewer viewer = v.account ? domain::Viewer(v.account->id) : std::nullopt;
             // ?tagged=: the posts with one hashtag (a featured tag's `url`).
             domain::AccountPostsFilter filter;
             if (auto tag = v.params.get("tagged"); tag && !tag->empty())
               filter.tag = std::string(*tag);
             PUBLIUS_ASSIGN_OR_RETURN(auto posts, microblog_.timelines().account_statuses(
                                                      viewer, account.id, filter, paging));
             PUBLIUS_ASSIGN_OR_RETURN(auto shown, views(v, posts));
             ProfilePage content;
             content.account = account;
             content.note_html =
                 domain::format_status_text(account.note, {}, microblog_.config().base_url()).html;
             if (v.account && v.account->id != account.id) {
               PUBLIUS_ASSIGN_OR_RETURN(
                   content.relationship,
                   microblog_.relationships().relationship(v.account->id, account.id));
             }
             content.posts = std::move(shown);
             content.pager = pager(req, v.params, content.posts, paging.limit);
             for (std::string* link : {&content.pager.older, &content.pager.newer}) {
               if (filter.tag && !link->empty())
                 *link += (link->find('?') == std::string::npos ? "?tagged=" : "&tagged=") +
                          http::url_encode(*filter.tag);
             }
             return page(v, profile_page(v.frame, content));
           });

  add_page(r, "GET", "/@:acct/:id", http::Policy::optional("read:statuses"),
           [this, account_from_path](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(auto account, account_from_path(req));
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             const domain::Viewer viewer = v.account ? domain::Viewer(v.account->id) : std::nullopt;
             PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.visibility().status(viewer, id));
             if (post.account_id != account.id) return not_found();
             if (post.reblog_of_id) {
               // A boost has no page of its own: show the original.
               PUBLIUS_ASSIGN_OR_RETURN(auto original,
                                        microblog_.visibility().status(viewer, *post.reblog_of_id));
               PUBLIUS_ASSIGN_OR_RETURN(auto author,
                                        microblog_.accounts().account(original.account_id));
               return http::Response::redirect(post_path(author, original.id), 303);
             }
             PUBLIUS_ASSIGN_OR_RETURN(auto focus, view(v, post));
             PUBLIUS_ASSIGN_OR_RETURN(auto thread, microblog_.posts().context(viewer, id));
             PUBLIUS_ASSIGN_OR_RETURN(auto ancestors, views(v, thread.ancestors));
             PUBLIUS_ASSIGN_OR_RETURN(auto descendants, views(v, thread.descendants));
             return page(v, post_page(v.frame, focus, ancestors, descendants));
           });
}

// ---- Actions: compose, edit, delete, favourite, boost, follow accounts and hashtags ----

void WebUi::add_action_routes(http::Router& r) {
  add_page(
      r, "POST", "/statuses", http::Policy::user("write:statuses"),
      [this](http::Request&, Visit& v) -> Result<http::Response> {
        domain::NewPost post;
        post.author_id = v.account->id;
        post.text = v.params.get_or("status", "");
        post.spoiler_text = v.params.get_or("spoiler_text", "");
        if (auto vis = v.params.get("visibility"); vis && !vis->empty()) {
          post.visibility = domain::parse_visibility(*vis);
          if (!post.visibility) return unprocessable("Choose who can see the post from the list.");
        }
        if (auto reply = v.params.get("in_reply_to_id"); reply && !reply->empty()) {
          post.in_reply_to_id = parse_id(*reply);
          if (!post.in_reply_to_id) return not_found("The post you are replying to was not found.");
        }
        PUBLIUS_ASSIGN_OR_RETURN(post.poll,
                                 input::poll_from(v.params, /*drop_blank_options=*/true));
        // The form's "Publish at" (datetime-local, UTC as the form says).
        PUBLIUS_ASSIGN_OR_RETURN(auto scheduled_at, input::scheduled_at_from(v.params));
        // A resubmitted form (back button, double click) posts once: each rendered
        // compose form carries its own random key.
        if (auto key = v.params.get("form_key"); key && !key->empty() && key->size() <= 64)
          post.idempotency_key = "web:" + std::string(*key);
        // The images go through the same upload as the API's; if one is refused or
        // the post is, the ones already stored are deleted again.
        auto discard_uploads = [&] {
          for (int64_t id : post.media_ids)
            (void)microblog_.media().delete_media(post.author_id, id);
        };
        for (int i = 1; i <= kWebMediaInputs; ++i) {
          const std::string n = std::to_string(i);
          const http::UploadedFile* file = v.params.file("media_" + n);
          if (!file || file->data.empty()) continue;  // an input left empty
          auto details = input::media_change_from(v.params, "description_" + n, "focus_" + n);
          auto uploaded =
              details.ok() ? microblog_.media().upload_media(post.author_id, file->data, *details)
                           : Result<domain::MediaAttachment>(details.error());
          if (!uploaded.ok()) {
            discard_uploads();
            return Error{uploaded.error().code, "Image " + n + ": " + uploaded.error().message};
          }
          post.media_ids.push_back(uploaded->id);
        }
        // Posted or scheduled: a resubmitted form finds what it made first, which
        // took the first copies of the images, and this request's copies go.
        auto finish = [&](const auto& made, http::Response done) -> Result<http::Response> {
          if (!made.ok()) {
            discard_uploads();
            return made.error();
          }
          if (!post.media_ids.empty() &&
              (made->media.empty() || made->media.front().id != post.media_ids.front()))
            discard_uploads();
          return done;
        };
        if (scheduled_at)
          return finish(microblog_.posts().schedule_status(post, *scheduled_at, now_ms()),
                        http::Response::redirect("/scheduled", 303));
        return finish(microblog_.posts().create_status(post), back(v, "/home"));
      });

  add_page(r, "GET", "/statuses/:id/edit", http::Policy::user("read:statuses"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_ASSIGN_OR_RETURN(auto post, microblog_.visibility().status(v.account->id, id));
             if (post.account_id != v.account->id || post.reblog_of_id)
               return forbidden("You can only edit your own posts.");
             v.frame.back = post_path(*v.account, post.id);
             v.reader.open(post);
             return page(v, edit_page(v.frame, post, ""));
           });

  add_page(r, "POST", "/statuses/:id/edit", http::Policy::user("write:statuses"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             domain::PostChange change;
             change.text = v.params.get_or("status", "");
             change.spoiler_text = v.params.get_or("spoiler_text", "");
             change.keep_poll = true;  // the edit form has no poll fields
             PUBLIUS_ASSIGN_OR_RETURN(auto edited,
                                      microblog_.posts().edit_status(v.account->id, id, change));
             return http::Response::redirect(post_path(*v.account, edited.id), 303);
           });

  add_page(r, "POST", "/statuses/:id/delete", http::Policy::user("write:statuses"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_TRY(microblog_.posts().delete_status(v.account->id, id));
             // Coming back to the deleted post's own page would be a 404.
             const std::string target = safe_local_path(v.params.get_or("back", ""), "/home");
             if (target.find("/" + std::to_string(id)) != std::string::npos)
               return http::Response::redirect("/home", 303);
             return http::Response::redirect(target, 303);
           });

  add_page(r, "POST", "/scheduled/:id/delete", http::Policy::user("write:statuses"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_TRY(microblog_.posts().delete_scheduled_status(v.account->id, id));
             return http::Response::redirect("/scheduled", 303);
           });

  auto status_action = [this, &r](const char* path, const char* scope, auto act) {
    add_page(r, "POST", path, http::Policy::user(scope),
             [this, act](http::Request& req, Visit& v) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
               PUBLIUS_TRY(act(v.account->id, id));
               return back(v, "/home");
             });
  };
  status_action("/statuses/:id/favourite", "write:favourites", [this](int64_t me, int64_t id) {
    return microblog_.posts().set_favourite(me, id, true);
  });
  status_action("/statuses/:id/unfavourite", "write:favourites", [this](int64_t me, int64_t id) {
    return microblog_.posts().set_favourite(me, id, false);
  });
  status_action("/statuses/:id/reblog", "write:statuses", [this](int64_t me, int64_t id) {
    return microblog_.posts().set_reblog(me, id, true, std::nullopt);
  });
  status_action("/statuses/:id/unreblog", "write:statuses", [this](int64_t me, int64_t id) {
    return microblog_.posts().set_reblog(me, id, false, std::nullopt);
  });

  add_page(r, "POST", "/statuses/:id/vote", http::Policy::user("write:statuses"),
           [this](http::Request& req, Visit& v) -> Result<http::Response> {
             PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
             PUBLIUS_ASSIGN_OR_RETURN(auto choices, input::poll_choices_from(v.params));
             PUBLIUS_TRY(microblog_.posts().vote(v.account->id, id, choices));
             return back(v, "/home");
           });

  auto account_action = [this, &r](const char* path, auto act) {
    add_page(r, "POST", path, http::Policy::user("write:follows"),
             [this, act](http::Request& req, Visit& v) -> Result<http::Response> {
               PUBLIUS_ASSIGN_OR_RETURN(int64_t id, http::path_id(req));
               if (id == v.account->id)
                 return unprocessable("That cannot be done to your own account.");
               PUBLIUS_TRY(act(v.account->id, id));
               return back(v, "/home");
             });
  };
  for (bool follow : {true, false}) {
    add_page(r, "POST", follow ? "/tags/:tag/follow" : "/tags/:tag/unfollow",
             http::Policy::user("write:follows"),
             [this, follow](http::Request& req, Visit& v) -> Result<http::Response> {
               auto tag = http::percent_decode(req.path_param("tag"), false);
               if (!tag) return not_found("That is not a hashtag.");
               PUBLIUS_ASSIGN_OR_RETURN(
                   auto done, follow ? microblog_.tags().follow_tag(v.account->id, *tag)
                                     : microblog_.tags().unfollow_tag(v.account->id, *tag));
               return back(v, "/tags/" + done.name);
             });
  }

  account_action("/accounts/:id/follow", [this](int64_t me, int64_t id) {
    return microblog_.relationships().follow(me, id, true, false);
  });
  account_action("/accounts/:id/unfollow", [this](int64_t me, int64_t id) {
    return microblog_.relationships().unfollow(me, id);
  });
  account_action("/follow_requests/:id/authorize", [this](int64_t me, int64_t id) {
    return microblog_.relationships().resolve_follow_request(me, id, true);
  });
  account_action("/follow_requests/:id/reject", [this](int64_t me, int64_t id) {
    return microblog_.relationships().resolve_follow_request(me, id, false);
  });
}

}  // namespace publius::web
