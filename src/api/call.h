// Call: one API request as its handler sees it, after the route's policy
// (http::Policy, declared in the route table) admitted it. Api::route builds it;
// handlers read who is calling and the parameters from it and never authenticate
// by themselves.
//
// Lives for one request on one thread; not thread-safe. Move-only (it holds the
// reader's key).
#pragma once

#include <optional>
#include <string_view>

#include "domain/microblog.h"
#include "http/message.h"
#include "http/params.h"
#include "util/result.h"

namespace publius::api {

struct Call {
  explicit Call(http::Request& r) : request(r) {}

  http::Request& request;
  // Query, body and path parameters, parsed once.
  http::Params params;
  // The bearer token presented, verified; absent on public routes and for anonymous callers.
  std::optional<domain::Token> token;
  // The token's account; always set on kUser and kAdmin routes.
  std::optional<domain::Account> account;
  // Opens the account's sealed posts for this request, and only for a token whose
  // scopes cover reading statuses (oauth::kSealedContentScope); otherwise it opens
  // nothing and sealed posts render as the placeholder.
  domain::ReaderKey reader;

  domain::Viewer viewer() const { return account ? domain::Viewer(account->id) : std::nullopt; }
  // The signed-in account, on routes whose policy requires one.
  const domain::Account& user() const { return *account; }
  int64_t user_id() const { return account->id; }
  // The numeric id in path parameter `name`; kNotFound when it is not one.
  Result<int64_t> path_id(std::string_view name = "id") const;
};

}  // namespace publius::api
