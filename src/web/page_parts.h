// Markup pieces shared by the page renderers (pages.cc, legal_pages.cc,
// report_pages.cc): forms that always carry the CSRF token, one-button action
// forms, form messages, posts as timeline entries and an account's one-line name.
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "web/html.h"
#include "web/pages.h"

namespace publius::web {

// Opens a POST form carrying the CSRF token and the page to come back to.
// `enctype` is written when not empty (multipart/form-data for uploads).
void form_open(Html& h, const Frame& f, std::string_view action, std::string_view enctype = "");

// A one-button form, the accessible way to do an action without JavaScript.
void button_form(Html& h, const Frame& f, std::string_view action, std::string_view label,
                 std::string_view css_class = "", std::string_view aria_label = "");

// The error (role=alert) and notice (role=status) paragraphs of a form page.
void form_messages(Html& h, std::string_view error, std::string_view notice);

// Newer/older links under a list; nothing when both are empty.
void render_pager(Html& h, const Pager& p);

// Posts as timeline entries, each with the viewer's actions.
void render_posts(Html& h, const Frame& f, const std::vector<PostView>& posts);

// An account's avatar, linked display name and @username on one line.
void account_line(Html& h, const domain::Account& a);

}  // namespace publius::web
