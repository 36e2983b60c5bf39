// Microblog is the domain: every rule of the Mastodon-style microblog lives
// here (who may see what, what a valid post or profile is, who is notified,
// whose home feed receives a post), between the HTTP handlers above and the
// Store below. Handlers parse and render; they never decide.
//
// Thread-safe: holds no mutable state of its own beyond the Store and the
// HomeFeeds, both thread-safe. Errors are Result values whose messages are
// fit to show the client (Mastodon's {"error": ...}).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "store/store.h"
#include "timeline/home_feeds.h"
#include "util/result.h"

namespace publius::domain {

struct InstanceConfig {
  std::string domain = "localhost";  // the public host name, used in acct and URLs
  std::string title = "Publius";
  std::string description = "A Publius server: pseudonymous microblogging.";
  size_t max_status_chars = 500;
  size_t max_pinned = 5;
  bool registrations_open = true;
  // Where clients reach the server; "https://" + domain unless set (e.g. http on loopback).
  std::string public_url;
  std::string base_url() const { return public_url.empty() ? "https://" + domain : public_url; }
};

struct RegisteredAccount {
  Account account;
  std::vector<std::string> recovery_codes;  // plain text, shown once, stored only hashed
};

struct NewPost {
  int64_t author_id = 0;
  std::string text;
  std::string spoiler_text;
  std::optional<Visibility> visibility;  // default: public
  bool sensitive = false;
  std::string language;
  std::optional<int64_t> in_reply_to_id;
  std::optional<int64_t> application_id;
  std::optional<std::string> idempotency_key;
};

struct PostChange {
  std::string text;
  std::string spoiler_text;
  bool sensitive = false;
  std::string language;
};

struct Context {
  std::vector<Post> ancestors;
  std::vector<Post> descendants;
};

using Viewer = std::optional<int64_t>;  // the signed-in account, if any

// Told of every change that alters how a post or an account renders (counters
// included), so caches of rendered entities stay exact. Called after the change
// is durable, on the thread that made it.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  virtual void post_changed(int64_t post_id) = 0;
  virtual void account_changed(int64_t account_id) = 0;
};

class Microblog {
 public:
  Microblog(store::Store& store, timeline::HomeFeeds& feeds, InstanceConfig config);

  const InstanceConfig& config() const { return config_; }
  // Not owned; set once at start-up before serving.
  void set_observer(ChangeObserver* observer) { observer_ = observer; }
  store::Store& store() { return store_; }

  // Accounts.
  Result<RegisteredAccount> register_account(std::string_view username, std::string_view password,
                                             Role role = Role::kUser);
  Result<Account> authenticate(std::string_view username, std::string_view password);
  Result<Account> account(int64_t id);
  Result<Account> account_by_acct(std::string_view acct);  // "name" or "name@our.domain"
  Result<Account> update_profile(int64_t id, const store::ProfileUpdate& update);

  // Statuses.
  Result<Post> create_status(const NewPost& request);
  Result<Post> edit_status(int64_t editor_id, int64_t status_id, const PostChange& change);
  Result<Post> delete_status(int64_t requester_id, int64_t status_id);
  // The status if `viewer` may see it; kNotFound otherwise (never reveals existence).
  Result<Post> visible_status(Viewer viewer, int64_t status_id);
  Result<Context> context(Viewer viewer, int64_t status_id);
  Result<Post> set_favourite(int64_t account_id, int64_t status_id, bool on);
  // Returns the reblog (on) or the original (off).
  Result<Post> set_reblog(int64_t account_id, int64_t status_id, bool on,
                          std::optional<Visibility> visibility);
  Result<Post> set_bookmark(int64_t account_id, int64_t status_id, bool on);
  Result<Post> set_pin(int64_t account_id, int64_t status_id, bool on);
  Result<std::vector<PostEdit>> history(Viewer viewer, int64_t status_id);

  // Timelines; statuses newest first, already filtered for the viewer.
  Result<std::vector<Post>> home_timeline(int64_t account_id, const Page& page);
  Result<std::vector<Post>> public_timeline(Viewer viewer, const Page& page);
  Result<std::vector<Post>> tag_timeline(Viewer viewer, std::string_view tag, const Page& page);
  Result<std::vector<Post>> account_statuses(Viewer viewer, int64_t account_id,
                                             store::AccountStatusesQuery query, const Page& page);
  // The statuses of `ids` (distinct) that exist and the viewer may see, in that order.
  Result<std::vector<Post>> visible_statuses(Viewer viewer, const std::vector<int64_t>& ids);
  // Keeps the statuses the viewer may see, in order.
  Result<std::vector<Post>> filter_visible(Viewer viewer, std::vector<Post> statuses);

  // Relationships; each returns the new relationship.
  Result<Relationship> follow(int64_t account_id, int64_t target_id, bool show_reblogs,
                              bool notify);
  Result<Relationship> unfollow(int64_t account_id, int64_t target_id);
  Result<Relationship> block(int64_t account_id, int64_t target_id, bool on);
  Result<Relationship> mute(int64_t account_id, int64_t target_id, bool on, bool notifications);
  Result<Relationship> resolve_follow_request(int64_t target_id, int64_t requester_id, bool accept);
  Result<Relationship> relationship(int64_t account_id, int64_t target_id);

 private:
  Result<bool> can_view(Viewer viewer, const Post& post);
  Result<std::vector<Post>> hydrate(const std::vector<int64_t>& ids);
  Status notify(int64_t recipient, NotificationType type, int64_t from,
                std::optional<int64_t> status_id);
  Status deliver(const Post& post);
  std::string render_text(std::string_view text, std::vector<int64_t>* mentions,
                          std::vector<std::string>* tags);

  store::Store& store_;
  timeline::HomeFeeds& feeds_;
  void post_changed(int64_t id) {
    if (observer_) observer_->post_changed(id);
  }
  void account_changed(int64_t id) {
    if (observer_) observer_->account_changed(id);
  }

  InstanceConfig config_;
  ChangeObserver* observer_ = nullptr;
};

// A fresh one-time recovery code (80 random bits, grouped xxxx-xxxx-xxxx-xxxx).
std::string new_recovery_code();

// Password rule: 8 to 1024 bytes; a 422 naming the rule otherwise.
Status check_password(std::string_view password);

// Username rule: 1-30 of [A-Za-z0-9_], as Mastodon.
bool is_valid_username(std::string_view username);

}  // namespace publius::domain
