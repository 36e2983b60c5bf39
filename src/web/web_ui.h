// WebUi serves the server-rendered web interface for people: landing, sign-up,
// log-in, recovery, timelines, posts, profiles, notifications, search and
// settings. Every page works with JavaScript off (Tor Browser at "Safest"); the
// one script, a live character counter, only enhances the compose form.
//
// Handlers stay thin: parse the request, call domain::Microblog's services, and
// render through web/pages.h; they never reach the store. Every page carries a strict
// Content-Security-Policy (http::kSameOriginPagePolicy, set by http::Response::html); every form
// carries a CSRF token tied to the browser's cookie (web/session.h), and a POST without a matching
// token is refused.
//
// Construct once and call register_routes() on the router the API uses too (the
// web UI owns "/", "/@name", "/@name/ID", "/tags/X*", "/auth/*", "/home",
// "/public", "/notifications", "/search", "/settings*", "/statuses/*",
// "/accounts/*", "/follow_requests*", "/admin/reports*", "/admin/domain_blocks*" and
// "/static/*"; the router refuses a route registered twice). Handlers are then safe to call from
// any thread.
//
// Errors: a page handler returns the domain's Error as it is, and the one wrapper
// (add_page) phrases it as the site's error page in the layout, with the status
// http/errors.h maps its code to (a 500 names no detail; a 503 carries
// Retry-After). A handler renders a page of its own only for a refusal the person
// can fix on the same form (a 422 form with its message, a failed sign-in).
// The operator's legal desk and /transparency are added by LegalDeskWeb
// (web/legal_web.h) through add_page() and add_admin_nav().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "domain/microblog.h"
#include "http/message.h"
#include "http/params.h"
#include "http/router.h"
#include "web/pages.h"
#include "web/session.h"

namespace publius::web {

class WebUi {
 public:
  explicit WebUi(domain::Microblog& microblog);
  void register_routes(http::Router& router);

  // One request as the UI sees it: who is signed in, the cookie secret the CSRF
  // token derives from, the page frame, the cookie to set on the response, and
  // the key that opens the account's sealed posts for this request only.
  struct Visit {
    Frame frame;
    std::optional<domain::Account> account;
    // The member of a collective account this browser is signed in as (its session's).
    std::optional<int64_t> member_id;
    domain::ReaderKey reader;
    std::string cookie_secret;
    // The cookies to set, by name: each becomes its own Set-Cookie header.
    std::vector<std::pair<std::string, std::string>> set_cookies;
    bool secure = false;     // the request came over HTTPS
    std::string client_key;  // http::Request::client_key: throttles credential checks
    http::Params params;     // query, then form body (POST)

    // Sets cookie `name` to the Set-Cookie value `header` (web/session.h),
    // replacing what this visit set for that name earlier.
    void put_cookie(std::string_view name, std::string header);
  };
  // A page: its response, or the error the site's error page shows (see Errors above).
  using PageHandler = std::function<Result<http::Response>(http::Request&, Visit&)>;

  // Adds a route in the site's frame with its policy: session lookup, CSRF check
  // on POST, then the policy (an admin page is a 404 to everyone but signed-in
  // admins; kUser needs a signed-in account: a GET goes to the sign-in page,
  // anything else is a 401; a session covers every scope of its account), and
  // security headers on every answer. An error `handler` returns becomes the
  // site's error page; the cookies the visit set go out with either answer.
  // Public so other desks (the legal desk) can add pages.
  void add_page(http::Router& router, std::string method, std::string pattern, http::Policy policy,
                PageHandler handler);
  // A navigation link shown to signed-in admins on every page. Call before serving.
  void add_admin_nav(NavLink link) { admin_nav_.push_back(std::move(link)); }
  // Another representation of a profile (/@name) for clients whose Accept asks for it
  // (federation's ActivityPub actor document): when it answers, its answer replaces the
  // page. Call before serving.
  using ProfileAlternative = std::function<std::optional<Result<http::Response>>(
      const http::Request&, const domain::Account&)>;
  void set_profile_alternative(ProfileAlternative f) { profile_alternative_ = std::move(f); }
  // A link in every page's footer, for everyone. Call before serving.
  void add_footer_link(NavLink link) { footer_links_.push_back(std::move(link)); }

 private:
  void add_auth_routes(http::Router& r);
  void add_reading_routes(http::Router& r);
  void add_action_routes(http::Router& r);
  void add_settings_routes(http::Router& r);
  void add_list_routes(http::Router& r);
  void add_report_routes(http::Router& r);        // the moderators' reports, admins only
  void add_domain_block_routes(http::Router& r);  // the operator's domain blocks, admins only
  // Accounts run by several members (docs/collective-accounts.md).
  void add_collective_routes(http::Router& r);

  Result<Visit> begin_visit(http::Request& request);
  // The checks of add_page() for one visit, then `handler`.
  Result<http::Response> admit_and_handle(http::Request& req, Visit& v, const http::Policy& policy,
                                          bool is_post, bool is_get, const PageHandler& handler);
  // The site's error page for `error`: the status http/errors.h maps its code to, a
  // message fit to show (none of a 500's detail), advice on what to do, Retry-After.
  http::Response error(Visit& visit, const Error& error);
  // Signs the browser in: a new session and its cookie on `visit`; the session
  // carries a wrapped copy of `key` when given (docs/sealed-messages.md).
  Status sign_in(Visit& visit, int64_t account_id, const shield::SecretKey* key,
                 std::optional<int64_t> member_id = std::nullopt);
  // Replaces the cookie with a fresh anonymous secret (after sign-out or erasure).
  void sign_out_cookie(Visit& visit);
  // Loads authors, boosted originals and the viewer's flags for a list of posts,
  // opening sealed ones with the visit's key.
  Result<std::vector<PostView>> views(Visit& visit, const std::vector<domain::Post>& posts);
  Result<PostView> view(Visit& visit, const domain::Post& post);
  // Older/newer links for a list of entries shown newest first.
  Pager pager(const http::Request& req, const http::Params& params,
              const std::vector<PostView>& posts, int limit);
  http::Response page(Visit& visit, std::string html, int status = 200);
  // 303 to the form's `back` field when it is a local path, else `fallback`.
  http::Response back(const Visit& visit, std::string_view fallback);

  domain::Microblog& microblog_;
  std::vector<NavLink> admin_nav_;
  std::vector<NavLink> footer_links_;
  ProfileAlternative profile_alternative_;
};

}  // namespace publius::web
