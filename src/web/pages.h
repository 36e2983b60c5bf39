// The HTML of every page of the web UI for people, as pure functions from plain
// values to strings. Handlers (web/routes.cc) gather the values through the
// domain and call these; nothing here reads the store or decides a rule.
//
// Every dynamic value is escaped through web::Html. The only markup inserted as
// is comes from the server itself: status and bio HTML rendered by
// domain::format_status_text at write time.
//
// All pages share one layout (render_page): a header with the instance name and
// the navigation, a <main> region, one stylesheet, no inline script or style, so
// the strict Content-Security-Policy holds. Other desks (the operator's legal
// desk) add pages in the same layout by calling render_page with their own body
// and, for admins, links through Frame::extra_nav.
//
// Pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/credentials.h"
#include "domain/model.h"

namespace publius::web {

// The compose form's image inputs, media_1..media_N with description_1..N
// (domain::kMaxMediaPerPost, without including the domain here).
inline constexpr int kWebMediaInputs = 4;

struct NavLink {
  std::string href;
  std::string label;
};

// What the chrome around every page needs.
struct Frame {
  std::string instance_title;
  std::optional<domain::Account> viewer;  // signed in as
  std::string csrf;                       // token for every form on the page
  std::string path;                       // the page's own path, for aria-current
  std::string back;                       // path (with query) forms return to
  std::vector<NavLink> extra_nav;         // e.g. the legal desk, for admins
  std::vector<NavLink> footer_links;      // e.g. the transparency report, for everyone
  size_t max_status_chars = 500;
  std::string form_key;  // random per page: makes a resubmitted compose form post once
};

// The whole document around `main_html` (already-rendered markup).
std::string render_page(const Frame& frame, std::string_view title, std::string_view main_html);

// An error in the site's layout: what went wrong and what to do about it.
std::string error_page(const Frame& frame, int status, std::string_view what,
                       std::string_view what_to_do);

// A plain message in the site's layout (e.g. after erasing an account).
std::string message_page(const Frame& frame, std::string_view heading, std::string_view text);

// One post as a timeline entry.
struct PostView {
  domain::Post post;  // what is shown: the original when this entry is a boost
  domain::Account author;
  std::optional<domain::Account> booster;  // who boosted it into this list
  int64_t entry_id = 0;                    // the list entry's id (the boost's), for paging
  bool favourited = false;
  bool reblogged = false;
  bool mine = false;  // the viewer wrote it
  // The viewer's choices in the post's poll, once they voted.
  std::optional<std::vector<int>> own_votes;
};

// Paging links; empty strings hide a link.
struct Pager {
  std::string newer;
  std::string older;
};

struct TimelinePage {
  std::string title;              // <title> and <h1>
  std::string intro;              // optional paragraph under the heading
  bool compose = false;           // show the compose form first
  std::optional<NavLink> manage;  // e.g. "Edit this list", under the intro
  // A one-button POST form under the intro (href: the form's action), e.g. "Follow" on a
  // hashtag's page.
  std::optional<NavLink> action;
  std::vector<PostView> posts;
  Pager pager;
  std::string empty_message;
};
std::string timeline_page(const Frame& frame, const TimelinePage& page);

std::string landing_page(const Frame& frame, std::string_view description,
                         const std::vector<std::string>& rules, bool registrations_open,
                         int64_t users, int64_t statuses);

// Forms that may come back with an error and the fields already typed.
struct FormState {
  std::string error;
  std::string notice;
  std::string username;
};
std::string sign_up_page(const Frame& frame, const FormState& state, bool registrations_open);
std::string sign_in_page(const Frame& frame, const FormState& state);
std::string recover_page(const Frame& frame, const FormState& state);
// The one-time display of fresh recovery codes.
std::string recovery_codes_page(const Frame& frame, std::string_view heading,
                                const std::vector<std::string>& codes, std::string_view next_href,
                                std::string_view next_label);

std::string post_page(const Frame& frame, const PostView& focus,
                      const std::vector<PostView>& ancestors,
                      const std::vector<PostView>& descendants);
std::string edit_page(const Frame& frame, const domain::Post& post, std::string_view error);

struct ProfilePage {
  domain::Account account;
  std::string note_html;                             // the bio, rendered by the domain's formatter
  std::optional<domain::Relationship> relationship;  // absent for self or logged out
  std::vector<PostView> posts;
  Pager pager;
};
std::string profile_page(const Frame& frame, const ProfilePage& page);

// A scheduled post as the list of them shows it.
struct ScheduledView {
  int64_t id = 0;
  int64_t scheduled_ms = 0;
  std::string text;
  std::string spoiler_text;
  domain::Visibility visibility = domain::Visibility::kPublic;
  size_t images = 0;
  bool poll = false;
  bool reply = false;
};
// The signed-in account's scheduled posts, each with a Delete button.
std::string scheduled_page(const Frame& frame, const std::vector<ScheduledView>& posts);

std::string follow_requests_page(const Frame& frame,
                                 const std::vector<domain::Account>& requesters);

struct NotificationView {
  domain::Notification notification;
  domain::Account from;
  std::optional<domain::Post> post;  // the post it is about, when the viewer may see it
  std::string post_path;             // its page, when `post` is set
};
std::string notifications_page(const Frame& frame, const std::vector<NotificationView>& items,
                               const Pager& pager);

// One direct-message thread: the other people in it, its newest message.
struct MessageThread {
  int64_t id = 0;
  std::vector<domain::Account> with;  // empty: notes to oneself
  PostView last;
  bool unread = false;
};
std::string messages_page(const Frame& frame, const std::vector<MessageThread>& threads,
                          const Pager& pager);

struct SearchResults {
  std::string query;
  std::vector<domain::Account> accounts;
  std::vector<std::string> tags;
  std::vector<PostView> posts;
};
std::string search_page(const Frame& frame, const SearchResults& results);

struct SettingsPage {
  domain::Account account;
  std::vector<domain::AuthorizedApp> apps;
  int64_t recovery_codes_left = 0;
  std::vector<std::string> followed_tags;  // normalized names, in order
  std::string notice;
  std::string error;
};
std::string settings_page(const Frame& frame, const SettingsPage& page);

// The signed-in account's lists, with the form to make one (list_pages.cc).
std::string lists_page(const Frame& frame, const std::vector<domain::List>& lists,
                       const FormState& state);
// One list's settings: title, replies policy, members (to remove), a member to
// add by username, and deleting it.
std::string list_edit_page(const Frame& frame, const domain::List& list,
                           const std::vector<domain::Account>& members, const FormState& state);

// One report as the moderators' page shows it (report_pages.cc).
struct ReportView {
  domain::Report report;
  domain::Account target;
  std::optional<domain::Account> reporter;  // known while the report is open
  std::optional<domain::Account> assigned;
  std::vector<std::string> rules;  // the texts of the rules it cites
  std::vector<PostView> posts;     // the attached posts that still exist
};
// The moderators' reports (admins only): the open ones, or with `resolved` the
// resolved ones, newest first, each with its posts and the buttons to resolve,
// reopen and take it.
std::string reports_page(const Frame& frame, const std::vector<ReportView>& reports, bool resolved,
                         const Pager& pager);

// The operator's domain blocks (admins only, domain_block_pages.cc): each block with a
// form to change it and a button to lift it, and the form to block a domain; `state`
// carries a refusal to show (the form keeps what was typed in `state.username`).
std::string domain_blocks_page(const Frame& frame, const std::vector<domain::DomainBlock>& blocks,
                               const FormState& state);

// Path helpers: the public URLs of accounts and posts (as the API's `url` fields).
std::string profile_path(const domain::Account& account);
std::string post_path(const domain::Account& author, int64_t post_id);

}  // namespace publius::web
