#include "web/pages.h"

#include <algorithm>

#include "domain/microblog.h"
#include "util/time.h"
#include "web/assets.h"
#include "web/html.h"
#include "web/page_parts.h"

namespace publius::web {
namespace {

using domain::Account;
using domain::Post;
using domain::Visibility;

std::string display_name(const Account& a) {
  return a.display_name.empty() ? a.username : a.display_name;
}

// "2026-01-02 10:30 UTC" from an ISO 8601 time of format_iso8601_ms().
std::string minutes_utc(const std::string& iso) {
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string_view visibility_label(Visibility v) {
  switch (v) {
    case Visibility::kPublic:
      return "Public";
    case Visibility::kUnlisted:
      return "Unlisted";
    case Visibility::kPrivate:
      return "Followers only";
    case Visibility::kDirect:
      return "Mentioned people only";
  }
  return "";
}

// An account's avatar, `side` pixels square, when it has one. Decorative: the
// name beside it says whose it is, so the alt text is empty.
void render_avatar(Html& h, const Account& a, int side) {
  if (a.avatar_file.empty()) return;
  const std::string size = std::to_string(side);
  h.open("img", {{"class", "avatar"},
                 {"src", "/system/media/" + a.avatar_file},
                 {"alt", ""},
                 {"width", size},
                 {"height", size},
                 {"loading", "lazy"},
                 {"decoding", "async"}});
}

// A post's images: the preview, sized so the page does not reflow, loaded
// lazily and described by its alt text, linking to the full image.
void render_media(Html& h, const Post& p) {
  if (p.media.empty()) return;
  h.open("div", {{"class", "media"}});
  for (const auto& m : p.media) {
    h.open("a", {{"href", "/system/media/" + m.file_name()}});
    h.open("img", {{"src", "/system/media/" + m.small_file_name()},
                   {"alt", m.description},
                   {"width", std::to_string(m.small_width)},
                   {"height", std::to_string(m.small_height)},
                   {"loading", "lazy"},
                   {"decoding", "async"}});
    h.close("a");
  }
  h.close("div");
}

// A post's poll: with JavaScript off, a form of radio buttons (or checkboxes)
// and a Vote button while the viewer may still vote; otherwise the results as
// text percentages with a <meter>, unless the author hid them until the end.
void render_poll(Html& h, const Frame& f, const PostView& v) {
  if (!v.post.poll) return;
  const domain::Poll& poll = *v.post.poll;
  const std::string id = std::to_string(v.post.id);
  const bool expired = poll.expired(now_ms());
  const bool can_vote = f.viewer && !v.mine && !v.own_votes && !expired;
  const bool show_tallies = !poll.hide_totals || expired || v.mine;
  const int64_t total = poll.votes_count();
  const std::string when = format_iso8601_ms(poll.expires_ms);
  const std::string end_text = when.substr(0, 10) + " " + when.substr(11, 5) + " UTC";
  h.open("div", {{"class", "poll"}});
  if (can_vote) {
    form_open(h, f, "/statuses/" + id + "/vote");
    h.open("fieldset");
    h.element("legend", poll.multiple ? "Poll: choose one or more" : "Poll: choose one");
    for (size_t i = 0; i < poll.options.size(); ++i) {
      const std::string input_id = "poll-" + id + "-" + std::to_string(i);
      h.open("div");
      h.open("input", {{"type", poll.multiple ? "checkbox" : "radio"},
                       {"id", input_id},
                       {"name", "choices[]"},
                       {"value", std::to_string(i)}});
      h.element("label", poll.options[i].title, {{"for", input_id}});
      h.close("div");
    }
    h.close("fieldset");
    h.open("p").element("button", "Vote", {{"type", "submit"}}).close("p");
    h.close("form");
  } else {
    h.open("ul", {{"class", "plain"}, {"aria-label", "Poll results"}});
    for (size_t i = 0; i < poll.options.size(); ++i) {
      const auto& option = poll.options[i];
      const bool chosen = v.own_votes && std::find(v.own_votes->begin(), v.own_votes->end(),
                                                   static_cast<int>(i)) != v.own_votes->end();
      h.open("li");
      if (show_tallies) {
        const int64_t percent = total > 0 ? (option.votes_count * 100 + total / 2) / total : 0;
        h.element("meter", std::to_string(percent) + "%",
                  {{"min", "0"}, {"max", "100"}, {"value", std::to_string(percent)}});
        h.text(" " + std::to_string(percent) + "% ");
      }
      h.text(option.title);
      if (chosen) h.text(" ✓ (your choice)");
      h.close("li");
    }
    h.close("ul");
    if (!show_tallies) h.element("p", "Results are shown when the poll ends.", {{"class", "hint"}});
  }
  h.element("p",
            std::to_string(total) + (total == 1 ? " vote · " : " votes · ") +
                (expired ? "closed " : "ends ") + end_text,
            {{"class", "muted"}});
  h.close("div");
}

void render_post(Html& h, const Frame& f, const PostView& v, bool focus) {
  const Post& p = v.post;
  const std::string path = post_path(v.author, p.id);
  h.open("article",
         {{"class", focus ? "post focus" : "post"}, {"id", "post-" + std::to_string(p.id)}});
  if (v.booster) {
    h.open("p", {{"class", "boosted"}}).text("Boosted by ");
    h.element("a", display_name(*v.booster), {{"href", profile_path(*v.booster)}});
    h.close("p");
  }
  h.open("header");
  render_avatar(h, v.author, 32);
  h.element("a", display_name(v.author), {{"class", "who"}, {"href", profile_path(v.author)}});
  h.element("span", "@" + v.author.username, {{"class", "acct"}});
  h.open("span", {{"class", "meta"}});
  h.open("a", {{"href", path}});
  const std::string when = format_iso8601_ms(p.created_ms);
  h.element("time", minutes_utc(when), {{"datetime", when}});
  h.close("a");
  h.text(" · ").text(visibility_label(p.visibility));
  if (p.edited_ms) h.text(" · edited");
  h.close("span").close("header");
  if (p.in_reply_to_id) {
    h.open("p", {{"class", "muted"}}).text("In reply to an earlier post").close("p");
  }
  // A content warning hides the text behind <details>: works with JavaScript off.
  if (!p.spoiler_text.empty()) {
    h.open("details")
        .open("summary")
        .text("Content warning: ")
        .text(p.spoiler_text)
        .close("summary");
    h.open("div", {{"class", "content"}}).raw(p.html).close("div");
    render_media(h, p);
    render_poll(h, f, v);
    h.close("details");
  } else {
    h.open("div", {{"class", "content"}}).raw(p.html).close("div");
    render_media(h, p);
    render_poll(h, f, v);
  }
  h.open("div", {{"class", "actions"}});
  const std::string id = std::to_string(p.id);
  const std::string counts = std::to_string(p.replies_count) + " replies";
  if (f.viewer) {
    h.element(
        "a", "Reply",
        {{"class", "button"}, {"href", path + "#reply"}, {"aria-label", "Reply (" + counts + ")"}});
    const std::string favs = std::to_string(p.favourites_count);
    if (v.favourited)
      button_form(h, f, "/statuses/" + id + "/unfavourite", "★ Favourited " + favs, "on",
                  "Remove favourite (" + favs + " favourites)");
    else
      button_form(h, f, "/statuses/" + id + "/favourite", "☆ Favourite " + favs, "",
                  "Favourite (" + favs + " favourites)");
    const bool boostable =
        p.visibility == Visibility::kPublic || p.visibility == Visibility::kUnlisted;
    const std::string boosts = std::to_string(p.reblogs_count);
    if (v.reblogged)
      button_form(h, f, "/statuses/" + id + "/unreblog", "⟳ Boosted " + boosts, "on",
                  "Undo boost (" + boosts + " boosts)");
    else if (boostable)
      button_form(h, f, "/statuses/" + id + "/reblog", "⟳ Boost " + boosts, "",
                  "Boost (" + boosts + " boosts)");
    if (v.mine) {
      h.element("a", "Edit", {{"class", "button"}, {"href", "/statuses/" + id + "/edit"}});
      button_form(h, f, "/statuses/" + id + "/delete", "Delete", "danger", "Delete this post");
    }
  } else {
    h.open("span", {{"class", "muted"}})
        .text(counts + " · " + std::to_string(p.favourites_count) + " favourites · " +
              std::to_string(p.reblogs_count) + " boosts")
        .close("span");
  }
  h.close("div").close("article");
}

// A labelled select of the four visibilities; `name` is both its id and form field.
void visibility_select(Html& h, std::string_view label, std::string_view name,
                       Visibility selected) {
  h.element("label", label, {{"for", name}});
  h.open("select", {{"id", name}, {"name", name}});
  for (Visibility v :
       {Visibility::kPublic, Visibility::kUnlisted, Visibility::kPrivate, Visibility::kDirect}) {
    h.open("option", {{"value", domain::visibility_name(v)}, flag("selected", v == selected)});
    h.text(visibility_label(v)).close("option");
  }
  h.close("select");
}

// The compose form's optional poll: up to four options (blank ones are left
// out; all blank, no poll), a duration and whether several may be chosen.
void poll_fields(Html& h) {
  h.open("details", {{"class", "poll-fields"}});
  h.element("summary", "Add a poll");
  h.element("p",
            "Two to four options of at most 50 characters. Not on direct messages or posts "
            "with images.",
            {{"class", "hint"}});
  for (int i = 1; i <= 4; ++i) {
    const std::string n = std::to_string(i);
    h.element("label", "Option " + n, {{"for", "poll_option_" + n}});
    h.open("input", {{"type", "text"},
                     {"id", "poll_option_" + n},
                     {"name", "poll[options][]"},
                     {"maxlength", "50"}});
  }
  h.open("div", {{"class", "row"}}).open("div");
  h.element("label", "Duration", {{"for", "poll_expires_in"}});
  h.open("select", {{"id", "poll_expires_in"}, {"name", "poll[expires_in]"}});
  constexpr std::pair<int, std::string_view> kDurations[] = {
      {300, "5 minutes"}, {1800, "30 minutes"}, {3600, "1 hour"},  {21600, "6 hours"},
      {86400, "1 day"},   {259200, "3 days"},   {604800, "7 days"}};
  for (const auto& [seconds, label] : kDurations) {
    h.open("option", {{"value", std::to_string(seconds)}, flag("selected", seconds == 86400)});
    h.text(label).close("option");
  }
  h.close("select");
  h.close("div").open("div");
  h.open("input", {{"type", "checkbox"},
                   {"id", "poll_multiple"},
                   {"name", "poll[multiple]"},
                   {"value", "true"}});
  h.element("label", "Allow several choices", {{"for", "poll_multiple"}});
  h.close("div").close("div");
  h.close("details");
}

void compose_form(Html& h, const Frame& f, std::optional<int64_t> reply_to,
                  Visibility default_visibility) {
  h.open("section", {{"class", "card"}, {"aria-labelledby", reply_to ? "reply" : "compose"}});
  h.element("h2", reply_to ? "Reply" : "New post", {{"id", reply_to ? "reply" : "compose"}});
  form_open(h, f, "/statuses", "multipart/form-data");
  h.open("input", {{"type", "hidden"}, {"name", "form_key"}, {"value", f.form_key}});
  if (reply_to)
    h.open("input",
           {{"type", "hidden"}, {"name", "in_reply_to_id"}, {"value", std::to_string(*reply_to)}});
  const std::string max = std::to_string(f.max_status_chars);
  h.element("label", "Text", {{"for", "status"}});
  // Not `required`: a post of images alone is allowed (the server checks).
  h.open("textarea", {{"id", "status"},
                      {"name", "status"},
                      {"data-max", max},
                      {"data-counter", "status-counter"},
                      {"aria-describedby", "status-counter"}});
  h.close("textarea");
  h.element("p", "At most " + max + " characters; links count as 23.",
            {{"class", "hint"}, {"id", "status-counter"}, {"aria-live", "polite"}});
  {
    h.open("details", {{"class", "images"}});
    h.element("summary", "Add images (up to " + std::to_string(kWebMediaInputs) + ")");
    h.element("p",
              "JPEG, PNG, WebP or GIF, up to 10 MB each. Location, camera details and all other "
              "metadata are removed before anything is stored.",
              {{"class", "hint"}});
    for (int i = 1; i <= kWebMediaInputs; ++i) {
      const std::string n = std::to_string(i);
      h.open("div", {{"class", "row"}}).open("div");
      h.element("label", "Image " + n, {{"for", "media_" + n}});
      h.open("input", {{"type", "file"},
                       {"id", "media_" + n},
                       {"name", "media_" + n},
                       {"accept", "image/jpeg,image/png,image/webp,image/gif"}});
      h.close("div").open("div");
      h.element("label", "Image description (alt text)", {{"for", "description_" + n}});
      h.open("input", {{"type", "text"},
                       {"id", "description_" + n},
                       {"name", "description_" + n},
                       {"maxlength", "1500"}});
      h.close("div").close("div");
    }
    h.close("details");
  }
  poll_fields(h);
  if (!reply_to) {
    h.element("label", "Publish at (optional, UTC)", {{"for", "scheduled_at"}});
    h.open("input", {{"type", "datetime-local"},
                     {"id", "scheduled_at"},
                     {"name", "scheduled_at"},
                     {"aria-describedby", "scheduled-hint"}});
    h.open("p", {{"class", "hint"}, {"id", "scheduled-hint"}});
    h.text(
        "Leave empty to post now. The time is in UTC, not your local time; at least 5 minutes "
        "ahead. Direct messages cannot be scheduled. ");
    h.element("a", "Your scheduled posts", {{"href", "/scheduled"}});
    h.close("p");
  }
  h.open("div", {{"class", "row"}}).open("div");
  h.element("label", "Content warning (optional)", {{"for", "spoiler_text"}});
  h.open(
      "input",
      {{"type", "text"}, {"id", "spoiler_text"}, {"name", "spoiler_text"}, {"maxlength", "500"}});
  h.close("div").open("div");
  visibility_select(h, "Who can see it", "visibility", default_visibility);
  h.close("div").close("div");
  h.open("p").element("button", "Post", {{"type", "submit"}, {"class", "primary"}}).close("p");
  h.close("form").close("section");
}

std::string format_day_text(int64_t ms) { return format_day(ms); }

void form_messages(Html& h, const FormState& s) { web::form_messages(h, s.error, s.notice); }

}  // namespace

void render_pager(Html& h, const Pager& p) {
  if (p.newer.empty() && p.older.empty()) return;
  h.open("nav", {{"class", "pager"}, {"aria-label", "Pages"}});
  if (!p.newer.empty())
    h.element("a", "← Newer", {{"href", p.newer}, {"rel", "prev"}});
  else
    h.raw("<span></span>");
  if (!p.older.empty()) h.element("a", "Older →", {{"href", p.older}, {"rel", "next"}});
  h.close("nav");
}

void render_posts(Html& h, const Frame& f, const std::vector<PostView>& posts) {
  for (const auto& v : posts) render_post(h, f, v, false);
}

void account_line(Html& h, const Account& a) {
  render_avatar(h, a, 24);
  h.element("a", display_name(a), {{"href", profile_path(a)}});
  h.text(" ").element("span", "@" + a.username, {{"class", "muted"}});
}

void form_open(Html& h, const Frame& f, std::string_view action, std::string_view enctype) {
  h.open("form", {{"method", "post"}, {"action", action}, {"enctype", enctype, !enctype.empty()}});
  h.open("input", {{"type", "hidden"}, {"name", "csrf"}, {"value", f.csrf}});
  h.open("input", {{"type", "hidden"}, {"name", "back"}, {"value", f.back}});
}

void button_form(Html& h, const Frame& f, std::string_view action, std::string_view label,
                 std::string_view css_class, std::string_view aria_label) {
  form_open(h, f, action);
  h.open("button", {{"type", "submit"},
                    {"class", css_class, !css_class.empty()},
                    {"aria-label", aria_label, !aria_label.empty()}});
  h.text(label).close("button").close("form");
}

void form_messages(Html& h, std::string_view error, std::string_view notice) {
  if (!error.empty()) h.element("p", error, {{"class", "error"}, {"role", "alert"}});
  if (!notice.empty()) h.element("p", notice, {{"class", "notice"}, {"role", "status"}});
}

std::string profile_path(const Account& account) { return "/@" + account.username; }
std::string post_path(const Account& author, int64_t post_id) {
  return "/@" + author.username + "/" + std::to_string(post_id);
}

std::string render_page(const Frame& f, std::string_view title, std::string_view main_html) {
  Html h;
  h.raw("<!DOCTYPE html>").open("html", {{"lang", "en"}}).open("head");
  h.open("meta", {{"charset", "utf-8"}});
  h.open("meta", {{"name", "viewport"}, {"content", "width=device-width, initial-scale=1"}});
  h.open("meta", {{"name", "referrer"}, {"content", "no-referrer"}});
  h.open("meta", {{"name", "color-scheme"}, {"content", "light dark"}});
  h.element("title", std::string(title) + " — " + f.instance_title);
  h.open("link", {{"rel", "stylesheet"}, {"href", kStylesheetPath}});
  h.open("script", {{"src", kCounterScriptPath}, flag("defer")}).close("script");
  h.close("head").open("body");
  h.element("a", "Skip to content", {{"class", "skip"}, {"href", "#content"}});
  h.open("header", {{"class", "site"}}).open("div", {{"class", "bar"}});
  h.element("a", f.instance_title, {{"class", "brand"}, {"href", "/"}});
  h.open("nav", {{"class", "main"}, {"aria-label", "Main"}}).open("ul");
  auto link = [&](std::string_view href, std::string_view label) {
    h.open("li");
    h.open("a", {{"href", href}, {"aria-current", "page", f.path == href}});
    h.text(label).close("a").close("li");
  };
  if (f.viewer) {
    link("/home", "Home");
    link("/public", "Public");
    link("/notifications", "Notifications");
    link("/messages", "Messages");
    link("/lists", "Lists");
    link("/search", "Search");
    link(profile_path(*f.viewer), "Profile");
    link("/settings", "Settings");
    for (const auto& extra : f.extra_nav) link(extra.href, extra.label);
    h.open("li");
    Frame out = f;
    out.back = "/";
    form_open(h, out, "/auth/sign_out");
    h.element("button", "Log out", {{"type", "submit"}, {"class", "link"}});
    h.close("form").close("li");
  } else {
    link("/public", "Public");
    link("/search", "Search");
    link("/auth/sign_in", "Log in");
    link("/auth/sign_up", "Sign up");
  }
  h.close("ul").close("nav").close("div").close("header");
  h.open("main", {{"id", "content"}, {"tabindex", "-1"}}).raw(main_html).close("main");
  h.open("footer", {{"class", "site"}});
  h.text(
      "Powered by Publius. This server keeps no addresses, user agents, emails or phone "
      "numbers.");
  for (const auto& extra : f.footer_links)
    h.text(" ").element("a", extra.label, {{"href", extra.href}});
  h.close("footer").close("body").close("html");
  return h.take();
}

std::string error_page(const Frame& f, int status, std::string_view what,
                       std::string_view what_to_do) {
  Html h;
  h.element("h1", status == 404   ? "Not found"
                  : status == 403 ? "Not allowed"
                  : status == 401 ? "Please log in"
                  : status == 429 ? "Too many requests"
                  : status >= 500 ? "Something went wrong on the server"
                                  : "That did not work");
  h.element("p", what, {{"class", "error"}, {"role", "alert"}});
  h.element("p", what_to_do);
  h.open("p").element("a", "Go to the public timeline", {{"href", "/public"}}).close("p");
  return render_page(f, "Error " + std::to_string(status), h.str());
}

std::string message_page(const Frame& f, std::string_view heading, std::string_view text) {
  Html h;
  h.element("h1", heading).element("p", text);
  h.open("p").element("a", "Go to the start page", {{"href", "/"}}).close("p");
  return render_page(f, heading, h.str());
}

std::string timeline_page(const Frame& f, const TimelinePage& page) {
  Html h;
  h.element("h1", page.title);
  if (!page.intro.empty()) h.element("p", page.intro, {{"class", "muted"}});
  if (page.manage)
    h.open("p").element("a", page.manage->label, {{"href", page.manage->href}}).close("p");
  if (page.action) {
    h.open("div", {{"class", "actions"}});
    button_form(h, f, page.action->href, page.action->label);
    h.close("div");
  }
  if (page.compose && f.viewer) compose_form(h, f, std::nullopt, f.viewer->default_visibility);
  h.open("section", {{"aria-label", "Posts"}});
  if (page.posts.empty()) h.element("p", page.empty_message, {{"class", "muted"}});
  render_posts(h, f, page.posts);
  h.close("section");
  render_pager(h, page.pager);
  return render_page(f, page.title, h.str());
}

std::string landing_page(const Frame& f, std::string_view description,
                         const std::vector<std::string>& rules, bool registrations_open,
                         int64_t users, int64_t statuses) {
  Html h;
  h.element("h1", f.instance_title);
  h.element("p", description);
  h.element("p", std::to_string(users) + " people · " + std::to_string(statuses) + " posts",
            {{"class", "muted"}});
  if (f.viewer) {
    h.open("p").text("You are logged in as @" + f.viewer->username + ". ");
    h.element("a", "Go to your home timeline", {{"href", "/home"}}).close("p");
  } else {
    h.open("p", {{"class", "actions"}});
    if (registrations_open)
      h.element("a", "Sign up", {{"class", "button primary"}, {"href", "/auth/sign_up"}});
    h.element("a", "Log in", {{"class", "button"}, {"href", "/auth/sign_in"}});
    h.element("a", "Read the public timeline", {{"class", "button"}, {"href", "/public"}});
    h.close("p");
    if (!registrations_open)
      h.element("p", "This server is not taking new sign-ups.", {{"class", "muted"}});
  }
  h.element("h2", "Rules");
  if (rules.empty()) {
    h.element("p", "The operator has not published rules for this server.", {{"class", "muted"}});
  } else {
    h.open("ol");
    for (const auto& r : rules) h.element("li", r);
    h.close("ol");
  }
  h.element("h2", "Your privacy here");
  h.open("ul");
  h.element("li", "Sign-up asks for a username and a password only: no email, no phone.");
  h.element("li", "The server never writes your address or browser to its disk or logs.");
  h.element("li", "Activity is kept to the day, never the time.");
  h.element("li", "Every page works with JavaScript turned off.");
  h.close("ul");
  return render_page(f, "Welcome", h.str());
}

std::string sign_up_page(const Frame& f, const FormState& s, bool registrations_open) {
  Html h;
  h.element("h1", "Sign up");
  if (!registrations_open) {
    h.element("p", "This server is not taking new sign-ups right now.", {{"class", "error"}});
    return render_page(f, "Sign up", h.str());
  }
  h.element("p",
            "Choose a username and a password. Nothing else is asked: no email, no phone. "
            "Use a name that does not identify you if you want to stay pseudonymous.");
  form_messages(h, s);
  form_open(h, f, "/auth/sign_up");
  h.element("label", "Username", {{"for", "username"}});
  h.open("input", {{"type", "text"},
                   {"id", "username"},
                   {"name", "username"},
                   {"value", s.username},
                   {"autocomplete", "username"},
                   {"required", "required"},
                   {"maxlength", "30"},
                   {"pattern", "[A-Za-z0-9_]{1,30}"},
                   {"aria-describedby", "username-hint"}});
  h.element("p", "Letters, digits and underscores, at most 30.",
            {{"class", "hint"}, {"id", "username-hint"}});
  h.element("label", "Password", {{"for", "password"}});
  h.open("input", {{"type", "password"},
                   {"id", "password"},
                   {"name", "password"},
                   {"autocomplete", "new-password"},
                   {"required", "required"},
                   {"minlength", "8"},
                   {"aria-describedby", "password-hint"}});
  h.element("p", "At least 8 characters.", {{"class", "hint"}, {"id", "password-hint"}});
  h.open("p")
      .element("button", "Create account", {{"type", "submit"}, {"class", "primary"}})
      .close("p");
  h.close("form");
  h.open("p")
      .text("Already have an account? ")
      .element("a", "Log in", {{"href", "/auth/sign_in"}})
      .close("p");
  return render_page(f, "Sign up", h.str());
}

std::string sign_in_page(const Frame& f, const FormState& s) {
  Html h;
  h.element("h1", "Log in");
  form_messages(h, s);
  form_open(h, f, "/auth/sign_in");
  h.element("label", "Username", {{"for", "username"}});
  h.open("input", {{"type", "text"},
                   {"id", "username"},
                   {"name", "username"},
                   {"value", s.username},
                   {"autocomplete", "username"},
                   {"required", "required"}});
  h.element("label", "Password", {{"for", "password"}});
  h.open("input", {{"type", "password"},
                   {"id", "password"},
                   {"name", "password"},
                   {"autocomplete", "current-password"},
                   {"required", "required"}});
  h.open("p").element("button", "Log in", {{"type", "submit"}, {"class", "primary"}}).close("p");
  h.close("form");
  h.open("p")
      .text("Forgot your password? ")
      .element("a", "Use a recovery code", {{"href", "/auth/recover"}})
      .close("p");
  h.open("p")
      .text("No account yet? ")
      .element("a", "Sign up", {{"href", "/auth/sign_up"}})
      .close("p");
  return render_page(f, "Log in", h.str());
}

std::string recover_page(const Frame& f, const FormState& s) {
  Html h;
  h.element("h1", "Recover your account");
  h.element("p",
            "There is no email reset here. Enter your username, one of the recovery codes you "
            "saved at sign-up, and a new password. Each code works once.");
  form_messages(h, s);
  form_open(h, f, "/auth/recover");
  h.element("label", "Username", {{"for", "username"}});
  h.open("input", {{"type", "text"},
                   {"id", "username"},
                   {"name", "username"},
                   {"value", s.username},
                   {"autocomplete", "username"},
                   {"required", "required"}});
  h.element("label", "Recovery code", {{"for", "code"}});
  h.open("input", {{"type", "text"},
                   {"id", "code"},
                   {"name", "code"},
                   {"autocomplete", "off"},
                   {"required", "required"},
                   {"spellcheck", "false"}});
  h.element("label", "New password", {{"for", "password"}});
  h.open("input", {{"type", "password"},
                   {"id", "password"},
                   {"name", "password"},
                   {"autocomplete", "new-password"},
                   {"required", "required"},
                   {"minlength", "8"}});
  h.open("p")
      .element("button", "Set new password", {{"type", "submit"}, {"class", "primary"}})
      .close("p");
  h.close("form");
  return render_page(f, "Recover your account", h.str());
}

std::string recovery_codes_page(const Frame& f, std::string_view heading,
                                const std::vector<std::string>& codes, std::string_view next_href,
                                std::string_view next_label) {
  Html h;
  h.element("h1", heading);
  h.open("div", {{"class", "alert"}, {"role", "alert"}});
  h.element("p", "Write these recovery codes down now. They are shown only this once.");
  h.element("p",
            "They are the only way back into your account if you lose your password: this "
            "server has no email or phone for you, and its operator cannot reset it. Each "
            "code works once. Keep them somewhere only you can reach.");
  h.close("div");
  h.open("ol", {{"class", "codes"}, {"aria-label", "Recovery codes"}});
  for (const auto& c : codes) h.element("li", c);
  h.close("ol");
  h.open("p")
      .element("a", next_label, {{"class", "button primary"}, {"href", next_href}})
      .close("p");
  return render_page(f, heading, h.str());
}

std::string post_page(const Frame& f, const PostView& focus, const std::vector<PostView>& ancestors,
                      const std::vector<PostView>& descendants) {
  Html h;
  h.element("h1", "Post by " + display_name(focus.author));
  if (!ancestors.empty()) {
    h.open("section", {{"aria-label", "Earlier in the thread"}});
    render_posts(h, f, ancestors);
    h.close("section");
  }
  render_post(h, f, focus, true);
  if (f.viewer) {
    Visibility reply_visibility = focus.post.visibility;
    compose_form(h, f, focus.post.id, reply_visibility);
  }
  if (!descendants.empty()) {
    h.element("h2", "Replies");
    render_posts(h, f, descendants);
  }
  return render_page(f, "Post by @" + focus.author.username, h.str());
}

std::string edit_page(const Frame& f, const Post& post, std::string_view error) {
  Html h;
  h.element("h1", "Edit post");
  if (!error.empty()) h.element("p", error, {{"class", "error"}, {"role", "alert"}});
  form_open(h, f, "/statuses/" + std::to_string(post.id) + "/edit");
  const std::string max = std::to_string(f.max_status_chars);
  h.element("label", "Text", {{"for", "status"}});
  h.open("textarea", {{"id", "status"},
                      {"name", "status"},
                      {"required", "required"},
                      {"data-max", max},
                      {"data-counter", "status-counter"}});
  h.text(post.text).close("textarea");
  h.element("p", "At most " + max + " characters.", {{"class", "hint"}, {"id", "status-counter"}});
  h.element("label", "Content warning (optional)", {{"for", "spoiler_text"}});
  h.open("input", {{"type", "text"},
                   {"id", "spoiler_text"},
                   {"name", "spoiler_text"},
                   {"value", post.spoiler_text}});
  h.open("p", {{"class", "actions"}});
  h.element("button", "Save", {{"type", "submit"}, {"class", "primary"}});
  h.element("a", "Cancel", {{"class", "button"}, {"href", f.back}});
  h.close("p").close("form");
  return render_page(f, "Edit post", h.str());
}

std::string profile_page(const Frame& f, const ProfilePage& page) {
  const Account& a = page.account;
  Html h;
  h.open("section", {{"class", "card profile"}});
  if (!a.header_file.empty()) {
    h.open("img", {{"class", "header"},
                   {"src", "/system/media/" + a.header_file},
                   {"alt", ""},
                   {"width", std::to_string(domain::kHeaderWidth)},
                   {"height", std::to_string(domain::kHeaderHeight)},
                   {"loading", "lazy"},
                   {"decoding", "async"}});
  }
  render_avatar(h, a, 96);
  h.element("h1", display_name(a), {{"class", "names"}});
  h.element(
      "p",
      "@" + a.username + (a.locked ? " · approves followers" : "") + (a.bot ? " · automated" : ""),
      {{"class", "muted"}});
  if (!page.note_html.empty())
    h.open("div", {{"class", "content"}}).raw(page.note_html).close("div");
  if (!a.fields.empty()) {
    h.open("dl", {{"class", "fields"}});
    for (const auto& field : a.fields) h.element("dt", field.name).element("dd", field.value);
    h.close("dl");
  }
  h.open("p", {{"class", "stats"}});
  h.element("span", std::to_string(a.statuses_count) + " posts");
  h.element("span", std::to_string(a.following_count) + " following");
  h.element("span", std::to_string(a.followers_count) + " followers");
  h.element("span", "joined " + format_day_text(a.created_day_ms).substr(0, 7));
  h.close("p");
  const std::string base = "/accounts/" + std::to_string(a.id);
  if (page.relationship) {
    const auto& r = *page.relationship;
    h.open("div", {{"class", "actions"}});
    if (r.following)
      button_form(h, f, base + "/unfollow", "Unfollow");
    else if (r.requested)
      button_form(h, f, base + "/unfollow", "Cancel follow request");
    else if (!r.blocking && !r.blocked_by)
      button_form(h, f, base + "/follow", a.locked ? "Request to follow" : "Follow", "primary");
    if (r.followed_by) h.element("span", "Follows you", {{"class", "muted"}});
    h.close("div");
  } else if (f.viewer && f.viewer->id == a.id) {
    h.open("p", {{"class", "actions"}});
    h.element("a", "Edit profile", {{"class", "button"}, {"href", "/settings"}});
    if (a.locked)
      h.element("a", "Follow requests", {{"class", "button"}, {"href", "/follow_requests"}});
    h.close("p");
  } else if (!f.viewer) {
    h.open("p", {{"class", "muted"}})
        .element("a", "Log in", {{"href", "/auth/sign_in"}})
        .text(" to follow @" + a.username + ".")
        .close("p");
  }
  h.close("section");
  h.element("h2", "Posts");
  if (page.posts.empty()) h.element("p", "No posts to show.", {{"class", "muted"}});
  render_posts(h, f, page.posts);
  render_pager(h, page.pager);
  return render_page(f, display_name(a) + " (@" + a.username + ")", h.str());
}

std::string scheduled_page(const Frame& f, const std::vector<ScheduledView>& posts) {
  Html h;
  h.element("h1", "Scheduled posts");
  h.element("p",
            "Posts waiting for their time (UTC). Each is published then, to the people its "
            "visibility names; until then only you see it here. Deleting one keeps its images "
            "for a day, for another post.",
            {{"class", "muted"}});
  if (posts.empty()) h.element("p", "No scheduled posts.", {{"class", "muted"}});
  h.open("ul", {{"class", "plain"}});
  for (const auto& p : posts) {
    h.open("li", {{"class", "card"}});
    const std::string when = format_iso8601_ms(p.scheduled_ms);
    h.open("p").element("strong", "At ");
    h.element("time", minutes_utc(when), {{"datetime", when}});
    h.text(" · ").text(visibility_label(p.visibility));
    if (p.reply) h.text(" · a reply");
    if (p.images > 0) h.text(" · " + std::to_string(p.images) + " image(s)");
    if (p.poll) h.text(" · with a poll");
    h.close("p");
    if (!p.spoiler_text.empty()) h.element("p", "Content warning: " + p.spoiler_text);
    h.element("p", p.text);
    h.open("div", {{"class", "actions"}});
    button_form(h, f, "/scheduled/" + std::to_string(p.id) + "/delete", "Delete", "danger",
                "Delete the post scheduled at " + when);
    h.close("div").close("li");
  }
  h.close("ul");
  return render_page(f, "Scheduled posts", h.str());
}

std::string follow_requests_page(const Frame& f, const std::vector<Account>& requesters) {
  Html h;
  h.element("h1", "Follow requests");
  h.element("p", "Your account approves followers. These people asked to follow you.",
            {{"class", "muted"}});
  if (requesters.empty()) h.element("p", "No pending requests.", {{"class", "muted"}});
  h.open("ul", {{"class", "plain"}});
  for (const auto& a : requesters) {
    h.open("li", {{"class", "card"}});
    account_line(h, a);
    h.open("div", {{"class", "actions"}});
    const std::string base = "/follow_requests/" + std::to_string(a.id);
    button_form(h, f, base + "/authorize", "Approve", "primary", "Approve @" + a.username);
    button_form(h, f, base + "/reject", "Reject", "danger", "Reject @" + a.username);
    h.close("div").close("li");
  }
  h.close("ul");
  return render_page(f, "Follow requests", h.str());
}

std::string messages_page(const Frame& f, const std::vector<MessageThread>& threads,
                          const Pager& pager) {
  Html h;
  h.element("h1", "Direct messages");
  h.element("p",
            "Posts seen only by the people they mention. Write one by choosing \u201cMentioned "
            "people only\u201d when you post. They are stored sealed: not even this server's "
            "operator can read them.",
            {{"class", "muted"}});
  if (threads.empty()) h.element("p", "No direct messages yet.", {{"class", "muted"}});
  for (const auto& t : threads) {
    h.open("section", {{"class", "thread"}, {"aria-label", "Conversation"}});
    h.open("p");
    if (t.unread) h.element("strong", "New · ");
    if (t.with.empty()) h.text("Notes to yourself");
    for (size_t i = 0; i < t.with.size(); ++i) {
      h.text(i == 0 ? "With " : ", ");
      h.element("a", "@" + t.with[i].username, {{"href", profile_path(t.with[i])}});
    }
    h.close("p");
    render_post(h, f, t.last, false);
    h.close("section");
  }
  render_pager(h, pager);
  return render_page(f, "Direct messages", h.str());
}

std::string notifications_page(const Frame& f, const std::vector<NotificationView>& items,
                               const Pager& pager) {
  using domain::NotificationType;
  Html h;
  h.element("h1", "Notifications");
  if (items.empty()) h.element("p", "Nothing yet.", {{"class", "muted"}});
  h.open("ul", {{"class", "plain"}});
  for (const auto& n : items) {
    h.open("li", {{"class", "card"}});
    h.open("p");
    account_line(h, n.from);
    switch (n.notification.type) {
      case NotificationType::kMention:
        h.text(" mentioned you");
        break;
      case NotificationType::kStatus:
        h.text(" posted");
        break;
      case NotificationType::kReblog:
        h.text(" boosted your post");
        break;
      case NotificationType::kFollow:
        h.text(" followed you");
        break;
      case NotificationType::kFollowRequest:
        h.text(" asked to follow you (")
            .element("a", "review", {{"href", "/follow_requests"}})
            .text(")");
        break;
      case NotificationType::kFavourite:
        h.text(" favourited your post");
        break;
      case NotificationType::kUpdate:
        h.text(" edited a post");
        break;
      case NotificationType::kPoll:
        h.text(f.viewer && n.from.id == f.viewer->id ? ": your poll has ended"
                                                     : ": a poll you voted in has ended");
        break;
    }
    const std::string when = format_iso8601_ms(n.notification.created_ms);
    h.text(" · ").element("time", when.substr(0, 10), {{"datetime", when}, {"class", "muted"}});
    h.close("p");
    if (n.post) {
      h.open("blockquote", {{"class", "content"}}).raw(n.post->html).close("blockquote");
      h.open("p").element("a", "Open the post", {{"href", n.post_path}}).close("p");
    }
    h.close("li");
  }
  h.close("ul");
  render_pager(h, pager);
  return render_page(f, "Notifications", h.str());
}

std::string search_page(const Frame& f, const SearchResults& r) {
  Html h;
  h.element("h1", "Search");
  h.open("form", {{"method", "get"}, {"action", "/search"}, {"role", "search"}});
  h.element("label", "Search for people, hashtags or posts", {{"for", "q"}});
  h.open("div", {{"class", "row"}});
  h.open("input", {{"type", "search"}, {"id", "q"}, {"name", "q"}, {"value", r.query}});
  h.open("div")
      .element("button", "Search", {{"type", "submit"}, {"class", "primary"}})
      .close("div");
  h.close("div").close("form");
  if (r.query.empty()) return render_page(f, "Search", h.str());
  h.element("h2", "People");
  if (r.accounts.empty()) h.element("p", "No one found.", {{"class", "muted"}});
  h.open("ul");
  for (const auto& a : r.accounts) {
    h.open("li");
    account_line(h, a);
    h.close("li");
  }
  h.close("ul");
  h.element("h2", "Hashtags");
  if (r.tags.empty()) h.element("p", "No hashtags found.", {{"class", "muted"}});
  h.open("ul");
  for (const auto& t : r.tags)
    h.open("li").element("a", "#" + t, {{"href", "/tags/" + t}}).close("li");
  h.close("ul");
  h.element("h2", "Posts");
  if (r.posts.empty()) h.element("p", "No posts found.", {{"class", "muted"}});
  render_posts(h, f, r.posts);
  return render_page(f, "Search: " + r.query, h.str());
}

std::string settings_page(const Frame& f, const SettingsPage& page) {
  const Account& a = page.account;
  Html h;
  h.element("h1", "Settings");
  if (!page.error.empty()) h.element("p", page.error, {{"class", "error"}, {"role", "alert"}});
  if (!page.notice.empty()) h.element("p", page.notice, {{"class", "notice"}, {"role", "status"}});

  h.open("p")
      .text("Run this account with other people, or see who runs it: ")
      .element("a", "Collective account", {{"href", "/settings/collective"}})
      .close("p");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "profile"}});
  h.element("h2", "Profile", {{"id", "profile"}});
  form_open(h, f, "/settings/profile", "multipart/form-data");
  h.element("p",
            "Pictures: JPEG, PNG, WebP or GIF, up to " +
                std::to_string(domain::kMaxProfilePictureBytes / (1024 * 1024)) +
                " MB. The avatar is cropped to " + std::to_string(domain::kAvatarSide) + "×" +
                std::to_string(domain::kAvatarSide) + ", the header to " +
                std::to_string(domain::kHeaderWidth) + "×" + std::to_string(domain::kHeaderHeight) +
                " pixels. Location, camera details and all other metadata are removed before "
                "anything is stored.",
            {{"class", "hint"}, {"id", "pictures-hint"}});
  for (const auto& [name, label] : {std::pair{"avatar", "Avatar"}, std::pair{"header", "Header"}}) {
    h.element("label", label, {{"for", name}});
    h.open("input", {{"type", "file"},
                     {"id", name},
                     {"name", name},
                     {"accept", "image/jpeg,image/png,image/webp,image/gif"},
                     {"aria-describedby", "pictures-hint"}});
  }
  h.element("label", "Display name", {{"for", "display_name"}});
  h.open("input", {{"type", "text"},
                   {"id", "display_name"},
                   {"name", "display_name"},
                   {"value", a.display_name},
                   {"maxlength", "30"}});
  h.element("label", "Bio", {{"for", "note"}});
  h.open("textarea", {{"id", "note"}, {"name", "note"}, {"maxlength", "500"}})
      .text(a.note)
      .close("textarea");
  h.open("fieldset").element("legend", "Profile fields (up to 4)");
  for (size_t i = 0; i < 4; ++i) {
    const std::string n = std::to_string(i);
    const std::string human = std::to_string(i + 1);
    const domain::ProfileField empty;
    const auto& field = i < a.fields.size() ? a.fields[i] : empty;
    h.open("div", {{"class", "row"}}).open("div");
    h.element("label", "Label " + human, {{"for", "field-name-" + n}});
    h.open("input", {{"type", "text"},
                     {"id", "field-name-" + n},
                     {"name", "fields_attributes[" + n + "][name]"},
                     {"value", field.name}});
    h.close("div").open("div");
    h.element("label", "Content " + human, {{"for", "field-value-" + n}});
    h.open("input", {{"type", "text"},
                     {"id", "field-value-" + n},
                     {"name", "fields_attributes[" + n + "][value]"},
                     {"value", field.value}});
    h.close("div").close("div");
  }
  h.close("fieldset");
  h.open("p");
  h.open("input", {{"type", "checkbox"},
                   {"id", "locked"},
                   {"name", "locked"},
                   {"value", "1"},
                   flag("checked", a.locked)});
  h.element("label", " Approve followers by hand (lock the account)",
            {{"for", "locked"}, {"class", "inline"}});
  h.close("p");
  h.open("p");
  visibility_select(h, "Default post visibility", "default_visibility", a.default_visibility);
  h.close("p");
  h.open("p")
      .element("button", "Save profile", {{"type", "submit"}, {"class", "primary"}})
      .close("p");
  h.close("form");
  if (!a.avatar_file.empty() || !a.header_file.empty()) {
    h.open("div", {{"class", "actions"}});
    render_avatar(h, a, 48);
    if (!a.avatar_file.empty())
      button_form(h, f, "/settings/avatar/delete", "Remove avatar", "danger");
    if (!a.header_file.empty())
      button_form(h, f, "/settings/header/delete", "Remove header", "danger");
    h.close("div");
  }
  if (a.locked)
    h.open("p").element("a", "Review follow requests", {{"href", "/follow_requests"}}).close("p");
  h.open("p").element("a", "Your scheduled posts", {{"href", "/scheduled"}}).close("p");
  h.close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "password-h"}});
  h.element("h2", "Change password", {{"id", "password-h"}});
  form_open(h, f, "/settings/password");
  h.element("label", "Current password", {{"for", "current_password"}});
  h.open("input", {{"type", "password"},
                   {"id", "current_password"},
                   {"name", "current_password"},
                   {"autocomplete", "current-password"},
                   {"required", "required"}});
  h.element("label", "New password", {{"for", "new_password"}});
  h.open("input", {{"type", "password"},
                   {"id", "new_password"},
                   {"name", "new_password"},
                   {"autocomplete", "new-password"},
                   {"required", "required"},
                   {"minlength", "8"}});
  h.element("p", "Changing the password logs out your other browser sessions.",
            {{"class", "hint"}});
  h.open("p").element("button", "Change password", {{"type", "submit"}}).close("p");
  h.close("form").close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "codes-h"}});
  h.element("h2", "Recovery codes", {{"id", "codes-h"}});
  h.element("p", "You have " + std::to_string(page.recovery_codes_left) +
                     " unused recovery codes. New codes replace all the old ones.");
  form_open(h, f, "/settings/recovery_codes");
  h.element("label", "Current password", {{"for", "codes_password"}});
  h.open("input", {{"type", "password"},
                   {"id", "codes_password"},
                   {"name", "current_password"},
                   {"autocomplete", "current-password"},
                   {"required", "required"}});
  h.open("p").element("button", "Make new recovery codes", {{"type", "submit"}}).close("p");
  h.close("form").close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "tags-h"}});
  h.element("h2", "Followed hashtags", {{"id", "tags-h"}});
  h.element("p",
            "Public posts with these hashtags appear in your home timeline. Only you see this "
            "list; when you followed each is not kept.",
            {{"class", "muted"}});
  if (page.followed_tags.empty())
    h.element("p", "None. Follow a hashtag from its page.", {{"class", "muted"}});
  h.open("ul", {{"class", "members"}});
  for (const auto& tag : page.followed_tags) {
    h.open("li").element("a", "#" + tag, {{"href", "/tags/" + tag}});
    button_form(h, f, "/tags/" + tag + "/unfollow", "Unfollow", "", "Unfollow #" + tag);
    h.close("li");
  }
  h.close("ul").close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "apps-h"}});
  h.element("h2", "Authorized apps", {{"id", "apps-h"}});
  h.element("p", "Apps you let use your account. Only the day each was last used is kept.",
            {{"class", "muted"}});
  if (page.apps.empty()) {
    h.element("p", "None.", {{"class", "muted"}});
  } else {
    h.open("table").open("thead").open("tr");
    h.element("th", "App", {{"scope", "col"}}).element("th", "Permissions", {{"scope", "col"}});
    h.element("th", "Last used", {{"scope", "col"}}).element("th", "", {{"scope", "col"}});
    h.close("tr").close("thead").open("tbody");
    for (const auto& app : page.apps) {
      h.open("tr").element("td", app.app_name).element("td", app.scopes);
      h.element("td", app.last_used_day_ms ? format_day(*app.last_used_day_ms) : "never");
      h.open("td");
      button_form(h, f, "/settings/tokens/" + std::to_string(app.token_id) + "/revoke", "Revoke",
                  "danger", "Revoke " + app.app_name);
      h.close("td").close("tr");
    }
    h.close("tbody").close("table");
  }
  h.close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "move-h"}});
  h.element("h2", "Moving accounts", {{"id", "move-h"}});
  h.element("p",
            "Before an account on another server can move here, name it as an alias. To move "
            "this account away, the other account must name this one as its alias first; your "
            "followers then follow it, and this account shows where it went.",
            {{"class", "muted"}});
  h.open("ul", {{"class", "members"}});
  for (const auto& alias : a.also_known_as) h.element("li", alias);
  h.close("ul");
  form_open(h, f, "/settings/aliases");
  h.element("label", "Alias to add (user@server)", {{"for", "alias_acct"}});
  h.open("input", {{"type", "text"},
                   {"id", "alias_acct"},
                   {"name", "acct"},
                   {"autocomplete", "off"},
                   {"required", "required"}});
  h.open("p").element("button", "Add alias", {{"type", "submit"}}).close("p");
  h.close("form");
  if (a.moved_to_id) {
    h.element("p", "This account has moved.", {{"class", "notice"}});
  } else {
    form_open(h, f, "/settings/move");
    h.element("label", "Move to (user@server)", {{"for", "move_acct"}});
    h.open("input", {{"type", "text"},
                     {"id", "move_acct"},
                     {"name", "acct"},
                     {"autocomplete", "off"},
                     {"required", "required"}});
    h.element("label", "Current password", {{"for", "move_password"}});
    h.open("input", {{"type", "password"},
                     {"id", "move_password"},
                     {"name", "current_password"},
                     {"autocomplete", "current-password"},
                     {"required", "required"}});
    h.open("p")
        .element("button", "Move this account", {{"type", "submit"}, {"class", "danger"}})
        .close("p");
    h.close("form");
  }
  h.close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "delete-h"}});
  h.element("h2", "Delete account", {{"id", "delete-h"}});
  h.element("p",
            "This erases your account, your posts, boosts, favourites, follows and apps "
            "from this server at once. It cannot be undone.");
  form_open(h, f, "/settings/delete");
  h.element("label", "Type your username to confirm", {{"for", "confirm_username"}});
  h.open("input", {{"type", "text"},
                   {"id", "confirm_username"},
                   {"name", "confirm_username"},
                   {"autocomplete", "off"},
                   {"required", "required"}});
  h.element("label", "Current password", {{"for", "delete_password"}});
  h.open("input", {{"type", "password"},
                   {"id", "delete_password"},
                   {"name", "current_password"},
                   {"autocomplete", "current-password"},
                   {"required", "required"}});
  h.open("p")
      .element("button", "Delete my account", {{"type", "submit"}, {"class", "danger"}})
      .close("p");
  h.close("form").close("section");
  return render_page(f, "Settings", h.str());
}

}  // namespace publius::web
