// The pages of collective accounts.
#include "web/collective_pages.h"

#include "util/time.h"
#include "web/page_parts.h"

namespace publius::web {
namespace {

void password_input(Html& h, std::string_view id, std::string_view label,
                    std::string_view autocomplete) {
  h.element("label", label, {{"for", id}});
  h.open("input", {{"type", "password"},
                   {"id", id},
                   {"name", id},
                   {"autocomplete", autocomplete},
                   {"minlength", std::to_string(domain::kMinPasswordLength)},
                   flag("required")});
}

void submit(Html& h, std::string_view label, std::string_view css_class = "primary") {
  h.open("p").element("button", label, {{"type", "submit"}, {"class", css_class}}).close("p");
}

std::string member_label(const domain::MemberListing& m) {
  std::string label = "Member " + std::to_string(m.number);
  if (m.owner) label += " (owner)";
  if (m.you) label += " (you)";
  return label;
}

void make_collective_section(Html& h, const Frame& f) {
  h.open("section", {{"class", "card"}, {"aria-labelledby", "make"}});
  h.element("h2", "Make this account collective", {{"id", "make"}});
  h.element("p",
            "A collective account is one name run by several people. Each member signs in with "
            "this account's name and a password of their own, and gets recovery codes of their "
            "own. Everything the account does stays the account's: this server keeps no record "
            "of which member wrote, favourited, boosted or sent anything.");
  h.element("p",
            "You become its owner and first member, with your current password as your member "
            "password. Every app and browser signed in to the account is signed out, and you get "
            "new recovery codes.");
  form_open(h, f, "/settings/collective/make");
  password_input(h, "current_password", "Current password", "current-password");
  submit(h, "Make collective");
  h.close("form").close("section");
}

void members_section(Html& h, const Frame& f, const CollectivePage& page) {
  h.open("section", {{"class", "card"}, {"aria-labelledby", "members"}});
  h.element("h2", "Members", {{"id", "members"}});
  h.element("p",
            "This is everything the server holds about the members: their number in the order "
            "they joined and the day each joined.",
            {{"class", "muted"}});
  h.open("ul", {{"class", "members"}});
  for (const auto& m : page.members) {
    const std::string base = "/settings/collective/members/" + std::to_string(m.id);
    h.open("li").text(member_label(m) + ", joined " + format_day(m.joined_day_ms));
    if (m.you && !m.owner && page.members.size() > 1)
      button_form(h, f, base + "/remove", "Leave this account", "danger");
    if (page.viewer_is_owner && !m.you) {
      button_form(h, f, base + "/remove", "Remove", "danger",
                  "Remove " + std::string("member ") + std::to_string(m.number));
      button_form(h, f, base + "/owner", "Make owner", "",
                  "Make member " + std::to_string(m.number) + " the owner");
    }
    h.close("li");
  }
  h.close("ul");
  h.element("p",
            "Removing a member (or leaving) ends their sign-ins at once and gives the account a "
            "new key for direct messages, so a removed member cannot read what is sent after. "
            "The owner hands the account over before leaving; the last member cannot leave.",
            {{"class", "muted"}});
  if (page.viewer_is_owner) {
    form_open(h, f, "/settings/collective/invite");
    h.element("p", "An invite code works once, for " + std::to_string(domain::kInviteDays) +
                       " days. Give it to the new member privately; they join at /join.");
    submit(h, "Create an invite code");
    h.close("form");
  }
  h.close("section");
}

void own_credentials_section(Html& h, const Frame& f, const CollectivePage& page) {
  h.open("section", {{"class", "card"}, {"aria-labelledby", "own"}});
  h.element("h2", "Your member password", {{"id", "own"}});
  form_open(h, f, "/settings/collective/password");
  password_input(h, "current_password", "Current password", "current-password");
  password_input(h, "new_password", "New password", "new-password");
  submit(h, "Change my password");
  h.close("form").close("section");
  // A section of its own, so that its password field's label is not the one above again.
  h.open("section", {{"class", "card"}, {"aria-labelledby", "own_codes"}});
  h.element("h2", "Your recovery codes", {{"id", "own_codes"}});
  h.element("p", "You have " + std::to_string(page.recovery_codes_left) +
                     " unused recovery codes of your own.");
  form_open(h, f, "/settings/collective/recovery_codes");
  password_input(h, "recovery_password", "Current password", "current-password");
  submit(h, "Make new recovery codes", "");
  h.close("form").close("section");
}

}  // namespace

std::string collective_page(const Frame& f, const CollectivePage& page) {
  Html h;
  h.element("h1", "Collective account");
  form_messages(h, page.error, page.notice);
  if (!page.collective) {
    make_collective_section(h, f);
  } else {
    members_section(h, f, page);
    own_credentials_section(h, f, page);
  }
  return render_page(f, "Collective account", h.str());
}

std::string invite_page(const Frame& f, const domain::Invitation& invitation) {
  Html h;
  h.element("h1", "Invite code");
  h.element("p",
            "Give this code to the new member privately. It is shown only now, works once, and "
            "expires at the end of " +
                format_day(invitation.expires_day_ms) + " (UTC).");
  h.open("p").element("code", invitation.code, {{"class", "invite-code"}}).close("p");
  h.element("p", "They join at /join on this server, choosing a password of their own.");
  h.open("p").element("a", "Back to the collective settings", {{"href", "/settings/collective"}});
  h.close("p");
  return render_page(f, "Invite code", h.str());
}

std::string join_page(const Frame& f, const FormState& state) {
  Html h;
  h.element("h1", "Join a collective account");
  h.element("p",
            "With the invite code the account's owner gave you, choose a password of your own. "
            "You sign in with the account's name and this password; no name, email or phone "
            "number of yours is asked for or kept. Choose a long password you use nowhere else: "
            "two members of one account cannot share a password, and a refused one spends the "
            "invite code.");
  form_messages(h, state.error, state.notice);
  form_open(h, f, "/join");
  h.element("label", "Invite code", {{"for", "code"}});
  h.open("input", {{"type", "text"},
                   {"id", "code"},
                   {"name", "code"},
                   {"autocomplete", "off"},
                   flag("required")});
  password_input(h, "password", "Your new password", "new-password");
  submit(h, "Join");
  h.close("form");
  return render_page(f, "Join", h.str());
}

}  // namespace publius::web
