// The pages of lists: the signed-in account's lists and one list's settings.
// The list's timeline itself is a timeline_page (pages.cc).
#include "web/page_parts.h"
#include "web/pages.h"

namespace publius::web {
namespace {

using domain::RepliesPolicy;

std::string_view replies_policy_label(RepliesPolicy p) {
  switch (p) {
    case RepliesPolicy::kFollowed:
      return "Replies to anyone I follow";
    case RepliesPolicy::kList:
      return "Replies to members of this list";
    case RepliesPolicy::kNone:
      return "No replies";
  }
  return "";
}

// Title and replies-policy fields, shared by the create and edit forms.
void list_fields(Html& h, std::string_view title, RepliesPolicy selected) {
  h.open("div", {{"class", "row"}}).open("div");
  h.element("label", "Title", {{"for", "title"}});
  h.open("input", {{"type", "text"},
                   {"id", "title"},
                   {"name", "title"},
                   {"value", title},
                   {"maxlength", "100"},
                   flag("required")});
  h.close("div").open("div");
  h.element("label", "Show replies", {{"for", "replies_policy"}});
  h.open("select", {{"id", "replies_policy"}, {"name", "replies_policy"}});
  for (RepliesPolicy p : {RepliesPolicy::kList, RepliesPolicy::kFollowed, RepliesPolicy::kNone}) {
    h.open("option", {{"value", domain::replies_policy_name(p)}, flag("selected", p == selected)});
    h.text(replies_policy_label(p)).close("option");
  }
  h.close("select").close("div").close("div");
}

}  // namespace

std::string lists_page(const Frame& f, const std::vector<domain::List>& lists,
                       const FormState& state) {
  Html h;
  h.element("h1", "Lists");
  h.element("p",
            "Your own groups of accounts you follow, each with its own timeline. Only you see "
            "your lists.",
            {{"class", "muted"}});
  if (lists.empty()) {
    h.element("p", "You have no lists yet.", {{"class", "muted"}});
  } else {
    h.open("ul", {{"class", "lists"}});
    for (const auto& list : lists) {
      h.open("li").element("a", list.title, {{"href", "/lists/" + std::to_string(list.id)}});
      h.close("li");
    }
    h.close("ul");
  }
  h.open("section", {{"class", "card"}, {"aria-labelledby", "new-list"}});
  h.element("h2", "New list", {{"id", "new-list"}});
  form_messages(h, state.error, state.notice);
  form_open(h, f, "/lists");
  list_fields(h, "", RepliesPolicy::kList);
  h.open("p").element("button", "Create list", {{"type", "submit"}, {"class", "primary"}});
  h.close("p").close("form").close("section");
  return render_page(f, "Lists", h.str());
}

std::string list_edit_page(const Frame& f, const domain::List& list,
                           const std::vector<domain::Account>& members, const FormState& state) {
  const std::string base = "/lists/" + std::to_string(list.id);
  Html h;
  h.element("h1", "Edit list: " + list.title);
  h.open("p").element("a", "Back to the list's posts", {{"href", base}}).close("p");
  form_messages(h, state.error, state.notice);

  h.open("section", {{"class", "card"}, {"aria-labelledby", "members"}});
  h.element("h2", "Members", {{"id", "members"}});
  if (members.empty()) h.element("p", "Nobody is in this list yet.", {{"class", "muted"}});
  h.open("ul", {{"class", "members"}});
  for (const auto& a : members) {
    h.open("li");
    h.element("a", a.display_name.empty() ? a.username : a.display_name,
              {{"href", profile_path(a)}});
    h.text(" ").element("span", "@" + a.username, {{"class", "muted"}});
    button_form(h, f, base + "/members/" + std::to_string(a.id) + "/remove", "Remove", "",
                "Remove @" + a.username + " from this list");
    h.close("li");
  }
  h.close("ul");
  form_open(h, f, base + "/members");
  h.element("label", "Add someone you follow (username)", {{"for", "username"}});
  h.open("input", {{"type", "text"},
                   {"id", "username"},
                   {"name", "username"},
                   {"autocomplete", "off"},
                   flag("required")});
  h.open("p").element("button", "Add to list", {{"type", "submit"}}).close("p");
  h.close("form").close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "list-settings"}});
  h.element("h2", "Title and replies", {{"id", "list-settings"}});
  form_open(h, f, base + "/edit");
  list_fields(h, list.title, list.replies_policy);
  h.open("p").element("button", "Save", {{"type", "submit"}, {"class", "primary"}});
  h.close("p").close("form").close("section");

  h.open("section", {{"class", "card"}, {"aria-labelledby", "delete-list"}});
  h.element("h2", "Delete this list", {{"id", "delete-list"}});
  h.element("p", "The accounts in it are not unfollowed.", {{"class", "muted"}});
  button_form(h, f, base + "/delete", "Delete list", "danger");
  h.close("section");
  return render_page(f, "Edit list: " + list.title, h.str());
}

}  // namespace publius::web
