#include "shield/inventory.h"

#include <algorithm>

#include "util/json_writer.h"
#include "util/time.h"

namespace publius::shield {

const std::vector<std::string>& demand_category_names() {
  static const std::vector<std::string> kNames = {
      "subscriber_name", "login_records",   "phone_numbers",     "mailing_addresses",
      "ip_addresses",    "email_addresses", "payment_records",   "non_content_records",
      "content",         "all_records",     "member_attribution"};
  return kNames;
}

bool is_demand_category(std::string_view name) {
  const auto& names = demand_category_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

const CategoryHolding* AccountInventory::holding(std::string_view category) const {
  for (const auto& c : categories)
    if (c.category == category) return &c;
  return nullptr;
}

namespace {

std::string days_list(const std::vector<int64_t>& days) {
  std::string out;
  for (int64_t d : days) {
    if (!out.empty()) out += ", ";
    out += format_day(d);
  }
  return out.empty() ? "none" : out;
}

std::string plural(int64_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what);
}

// An account of another server: only what its server published and what reached this one
// because local accounts follow, mention or answer it. It never signs in here, so none of
// the local account's records (credentials, settings, private lists) can exist for it.
AccountInventory build_remote_inventory(const store::AccountInventoryCounts& c) {
  AccountInventory inv;
  inv.counts = c;
  using domain::Visibility;
  const int64_t public_posts = c.own_posts[Visibility::kPublic];
  const int64_t unlisted_posts = c.own_posts[Visibility::kUnlisted];
  const int64_t followers_only_posts = c.own_posts[Visibility::kPrivate];
  const int64_t direct_messages = c.own_posts[Visibility::kDirect];
  const int64_t media =
      c.media_in_own_posts[Visibility::kPublic] + c.media_in_own_posts[Visibility::kUnlisted] +
      c.media_in_own_posts[Visibility::kPrivate] + c.media_in_own_posts[Visibility::kDirect];
  const std::string& actor = c.remote->actor_uri;
  inv.groups.push_back(
      {"remote_account",
       {{"actor", 1,
         "an account of another server, " + actor + ": its id, inbox" +
             (c.remote->has_shared_inbox ? ", its server's shared inbox" : "") +
             (c.remote->has_profile_url ? ", profile page" : "") +
             " and public key, as its server publishes them"},
        {"queued_deliveries", c.queued_deliveries,
         "activities of local accounts waiting to be sent to its own inbox (those to its "
         "server's shared inbox name no account)"}}});
  inv.groups.push_back(
      {"public",
       {{"username", 1, "@" + c.username},
        {"display_name", c.display_name.empty() ? 0 : 1, c.display_name},
        {"profile", (c.has_profile_note ? 1 : 0) + c.profile_fields,
         std::string(c.has_profile_note ? "its profile note, as plain text" : "no profile note")},
        {"profile_pictures", c.profile_pictures,
         "its avatar and header as copied here, stored without any metadata"},
        {"public_posts", public_posts, "its public posts that reached this server"},
        {"following", c.following, "local accounts it follows"},
        {"followers", c.followers, "local accounts following it"},
        {"favourites", c.favourites, "posts here it favourited"},
        {"boosts", c.boosts, "posts it boosted that reached this server"}}});
  inv.groups.push_back(
      {"non_public_content",
       {{"unlisted_posts", unlisted_posts, "its unlisted posts that reached this server"},
        {"followers_only_posts", followers_only_posts,
         "its followers-only posts, sent here because local accounts follow it; stored in "
         "clear"},
        {"media", media, "images in its posts, copied here without any metadata"},
        {"reports_about", c.reports_about, "reports to this server's moderators naming it"}}});
  inv.groups.push_back(
      {"sealed_content",
       {{"direct_messages", direct_messages,
         "direct messages it sent to local accounts; sealed to their recipients, not "
         "producible"}}});
  inv.groups.push_back({"timestamps", {{"first_seen_day", 1, format_day(c.created_day_ms)}}});
  const std::string elsewhere =
      "not held: an account of another server never signs in here; what its own server "
      "holds about it is that server's";
  const std::string no_column = "not held: the schema has no column for ";
  const int64_t content_count = public_posts + unlisted_posts + followers_only_posts + media;
  inv.categories = {
      {"subscriber_name", false,
       "not held: only the name @" + c.username + " and display name its server publishes"},
      {"login_records", false, elsewhere},
      {"phone_numbers", false, no_column + "phone numbers"},
      {"mailing_addresses", false, no_column + "mailing addresses"},
      {"ip_addresses", false,
       no_column +
           "addresses: neither its server's nor any reader's address is written to disk or logs"},
      {"email_addresses", false, no_column + "email addresses"},
      {"payment_records", false, no_column + "payments; the server takes none"},
      {"non_content_records", true,
       "the day it was first seen here (" + format_day(c.created_day_ms) + "), its actor " + actor +
           " with its inboxes and public key, " + plural(c.following, "follows") +
           " of local accounts, " + plural(c.followers, "local followers") + ", " +
           plural(c.queued_deliveries, "deliveries waiting") + " and " +
           plural(c.reports_about, "reports about it") +
           "; who on this server read its posts "
           "is recorded nowhere"},
      {"content", content_count > 0,
       plural(public_posts, "public") + ", " + plural(unlisted_posts, "unlisted") + " and " +
           plural(followers_only_posts, "followers-only posts") + " and " +
           plural(media, "images") + " that reached this server; " +
           plural(direct_messages, "direct messages") +
           " to local accounts are sealed and "
           "cannot be produced"},
      {"all_records", true,
       "only the records and content listed above, which its own server sent or published"},
      {"member_attribution", false,
       "not held: who operates an account of another server is not known here"}};
  return inv;
}

}  // namespace

AccountInventory build_inventory(const store::AccountInventoryCounts& c) {
  if (c.remote) return build_remote_inventory(c);
  AccountInventory inv;
  inv.counts = c;
  using domain::Visibility;
  const int64_t public_posts = c.own_posts[Visibility::kPublic];
  const int64_t unlisted_posts = c.own_posts[Visibility::kUnlisted];
  const int64_t followers_only_posts = c.own_posts[Visibility::kPrivate];
  const int64_t direct_messages = c.own_posts[Visibility::kDirect];
  const int64_t direct_messages_received = c.posts_mentioning[Visibility::kDirect];
  const int64_t public_media = c.media_in_own_posts[Visibility::kPublic];
  const int64_t non_public_media = c.media_in_own_posts[Visibility::kUnlisted] +
                                   c.media_in_own_posts[Visibility::kPrivate] +
                                   c.media_in_own_posts[Visibility::kDirect];
  const std::string last_active =
      c.last_active_day_ms ? format_day(*c.last_active_day_ms) : std::string("never");
  inv.groups.push_back(
      {"public",
       {{"username", 1, "@" + c.username},
        {"display_name", c.display_name.empty() ? 0 : 1, c.display_name},
        {"profile", (c.has_profile_note ? 1 : 0) + c.profile_fields,
         std::string(c.has_profile_note ? "a profile note" : "no profile note") + " and " +
             plural(c.profile_fields, "profile fields")},
        {"profile_pictures", c.profile_pictures,
         "avatar and header images, stored without any metadata"},
        {"public_posts", public_posts, "posts anyone can read"},
        {"public_media", public_media, "images in public posts, stored without any metadata"},
        {"following", c.following, "accounts this account follows"},
        {"followers", c.followers,
         "accounts following this account, " + std::to_string(c.remote_followers) +
             " of them on other servers (which servers hold them is public)"},
        {"favourites", c.favourites, "posts this account favourited"},
        {"boosts", c.boosts, "posts this account boosted"},
        {"featured_tags", c.featured_tags,
         "hashtags shown on this account's profile; no time of featuring is kept"},
        {"endorsements", c.endorsements,
         "accounts this account features on its profile; no time of featuring is kept"}}});
  inv.groups.push_back(
      {"non_public_content",
       {{"followers_only_posts", followers_only_posts,
         "posts every follower can read, stored in clear"},
        {"unlisted_posts", unlisted_posts, "public posts kept off public timelines"},
        {"non_public_media", non_public_media,
         "images in unlisted or followers-only posts, stored without any metadata"},
        {"unattached_media", c.unattached_media,
         "images uploaded but in no post, seen only by this account; stored without metadata"},
        {"scheduled_posts", c.scheduled_posts,
         "posts waiting for their publication time, stored in clear with that time (never "
         "direct messages), seen only by this account until published"},
        {"bookmarks", c.bookmarks, "posts this account bookmarked (private list)"},
        {"lists", c.lists, "this account's lists (titles, private)"},
        {"list_members", c.list_memberships, "accounts placed in this account's lists"},
        {"filters", c.filters, "this account's filters (titles, contexts, expiry day)"},
        {"filter_keywords", c.filter_keywords, "words this account filters out (private)"},
        {"conversations", c.conversations,
         "direct-message threads in this account's list: the other participants, the newest "
         "message's id and whether it was read; no message content"},
        {"poll_votes", c.poll_votes,
         "options this account chose in others' polls (private: shown only to this account); "
         "no time of voting is kept"},
        {"followed_tags", c.followed_tags,
         "hashtags this account follows (private); no time or order of following is kept"},
        {"reports_filed", c.reports_filed,
         "open reports this account filed to the moderators (the reported account and posts, "
         "category, rules and comment); the link to this account is erased when a report is "
         "resolved, and only days are kept"},
        {"reports_about", c.reports_about,
         "reports to the moderators naming this account, open or resolved (its posts, category, "
         "rules and the reporter's comment); who filed them is no part of this account's "
         "records"},
        {"queued_deliveries", c.queued_deliveries,
         "activities of this account waiting to be sent to other servers: each names the "
         "receiving inbox, the kind of activity and the post or account it concerns, and is "
         "removed once sent or given up"},
        {"push_subscriptions_on_disk", 0,
         "none: Web Push subscriptions (a push service's endpoint naming the device, and the "
         "device's keys) are held in the running server's memory only, never written to disk or "
         "logs, and end with a restart, a revoked token or the account's erasure "
         "(docs/decisions/0007-web-push-subscriptions.md)"},
        {"posting_defaults", 1,
         "settings for new posts: visibility " +
             std::string(domain::visibility_name(c.default_visibility)) +
             (c.default_sensitive ? ", marked sensitive" : ", not marked sensitive") +
             ", language " + (c.default_language.empty() ? "none" : c.default_language)}}});
  inv.groups.push_back(
      {"sealed_content",
       {{"direct_messages", direct_messages,
         "direct messages written by this account; sealed to their recipients, not producible"},
        {"direct_messages_received", direct_messages_received,
         "direct messages addressed to this account; sealed, not producible (who wrote them and "
         "when is not sealed)"},
        {"account_notes", c.account_notes,
         "private notes on other accounts; sealed to this account's key, not producible (which "
         "accounts have a note is not sealed)"}}});
  std::vector<InventoryItem> times = {
      {"account_created_day", 1, format_day(c.created_day_ms)},
      {"last_active_day", c.last_active_day_ms ? 1 : 0, last_active},
      {"token_last_used_days", static_cast<int64_t>(c.token_last_used_days_ms.size()),
       days_list(c.token_last_used_days_ms)},
      {"unattached_media_upload_days", static_cast<int64_t>(c.media_upload_days_ms.size()),
       days_list(c.media_upload_days_ms)}};
  inv.groups.push_back({"timestamps", std::move(times)});
  const auto members = static_cast<int64_t>(c.member_join_days_ms.size());
  const bool collective = members > 0;
  if (collective) {
    inv.groups.push_back(
        {"collective_account",
         {{"members", members,
           "people who may act for this account, each known only by a number in the order they "
           "joined and the day they joined (" +
               days_list(c.member_join_days_ms) +
               "); each holds a password, recovery codes and keys of their own, and no name, "
               "contact or activity of any member is held"},
          {"member_attribution", 0,
           "none: which member wrote, edited, favourited, boosted, followed, sent or changed "
           "anything is not recorded anywhere; every action is the account's, and members' "
           "tokens and sessions keep no days of use"},
          {"member_invites", c.member_invites,
           "unused invite codes (SHA-256 hashes, each with its last valid day)"}}});
  }
  inv.groups.push_back(
      {"secrets_as_hashes",
       {{"password_hash", c.has_password_hash ? 1 : 0, "Argon2id hash; the password is not held"},
        {"recovery_code_hashes", c.recovery_code_hashes, "Argon2id hashes; the codes are not held"},
        {"token_hashes", c.token_hashes,
         "SHA-256 hashes of access tokens; the tokens are not held"},
        {"public_key", c.has_public_key ? 1 : 0,
         "X25519 public key direct messages are sealed to; it opens nothing"},
        {"actor_key", c.has_actor_key ? 1 : 0,
         "the RSA-2048 key pair federation signs this account's requests with, made by the "
         "server: the public half is published, the private half is held in clear to sign; "
         "random, it says nothing about anyone"},
        {"wrapped_secret_key_copies", c.wrapped_key_copies,
         "the secret key that opens sealed messages, each copy encrypted under a key derived from "
         "the password or a live credential; the server holds none of them"}}});

  const int64_t media_count =
      public_media + non_public_media + c.unattached_media + c.profile_pictures;
  const int64_t content_count =
      public_posts + unlisted_posts + followers_only_posts + c.scheduled_posts + media_count;
  const std::string sealed = plural(direct_messages, "direct messages written") + " and " +
                             std::to_string(direct_messages_received) +
                             " received are sealed and cannot be produced";
  const std::string no_column = "not held: the schema has no column for ";
  const std::string run_by = collective
                                 ? "a collective account run by " + plural(members, "members") +
                                       " (joined " + days_list(c.member_join_days_ms) + ")"
                                 : std::string();
  inv.categories = {
      {"subscriber_name", false,
       "not held: no real name is ever asked for or stored; only the pseudonymous username @" +
           c.username + " and its display name, both public" +
           (collective ? "; " + run_by + ", none of whom gave a name" : "")},
      {"login_records", false,
       "no login history is kept; last active day " + last_active + " and token last-used days (" +
           days_list(c.token_last_used_days_ms) + ") only"},
      {"phone_numbers", false, no_column + "phone numbers"},
      {"mailing_addresses", false, no_column + "mailing addresses"},
      {"ip_addresses", false,
       no_column + "client addresses; they are never written to disk or logs"},
      {"email_addresses", false, no_column + "email addresses"},
      {"payment_records", false, no_column + "payments; the server takes none"},
      {"non_content_records", true,
       "account creation day " + format_day(c.created_day_ms) + ", last active day " + last_active +
           ", token last-used days (" + days_list(c.token_last_used_days_ms) +
           "), upload days of unattached images (" + days_list(c.media_upload_days_ms) + "), " +
           plural(c.following, "follows") + ", " + plural(c.followers, "followers") + ", " +
           plural(c.conversations, "direct-message threads") + " (participants and read state), " +
           plural(c.poll_votes, "poll choices") + " (undated), " +
           plural(c.followed_tags, "followed hashtags") + " (undated), " +
           plural(c.reports_filed, "open reports filed") + " and " +
           plural(c.reports_about, "reports about it") + " (by day), and the posting defaults"},
      {"content", content_count > 0,
       content_count > 0
           ? plural(public_posts, "public") + ", " + plural(unlisted_posts, "unlisted") + " and " +
                 plural(followers_only_posts, "followers-only posts") + ", " +
                 plural(c.scheduled_posts, "scheduled posts") + ", " +
                 plural(media_count, "images") + "; " + sealed
           : "no posts; " + sealed},
      {"all_records", true,
       "only the non-content records and content listed above; nothing else exists on disk (Web "
       "Push subscriptions live in the running server's memory only)"},
      {"member_attribution", false,
       collective ? "not held: @" + c.username + " is " + run_by +
                        "; which member performed any action (a post, reply, boost, favourite, "
                        "follow, direct message, edit or setting) is recorded nowhere, so the "
                        "person who posted any given post cannot be named"
                  : "not held: @" + c.username +
                        " is a one-person account; who that person is is not held "
                        "(see subscriber_name)"}};
  return inv;
}

Result<AccountInventory> StoreDisclosureInventory::for_account(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto counts, store_.inventory_counts(account_id));
  return build_inventory(counts);
}

Result<AccountInventory> StoreDisclosureInventory::for_username(std::string_view username) {
  if (!username.empty() && username.front() == '@') username.remove_prefix(1);
  PUBLIUS_ASSIGN_OR_RETURN(auto account, store_.account_by_username(username));
  if (!account) return not_found("no account named '" + std::string(username) + "'");
  return for_account(account->id);
}

std::string inventory_to_json(const AccountInventory& inv) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("account").begin_object();
  w.field_id("id", inv.counts.account_id).field("username", inv.counts.username);
  w.end_object();
  w.key("groups").begin_object();
  for (const auto& g : inv.groups) {
    w.key(g.name).begin_object();
    for (const auto& item : g.items) {
      w.key(item.name).begin_object();
      w.field("count", item.count).field("detail", item.detail);
      w.end_object();
    }
    w.end_object();
  }
  w.end_object();
  w.key("demand_categories").begin_object();
  for (const auto& c : inv.categories) {
    w.key(c.category).begin_object();
    w.field("held", c.held).field("what", c.what);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return out;
}

std::string inventory_to_text(const AccountInventory& inv) {
  std::string out = "Disclosure inventory for @" + inv.counts.username + " (account " +
                    std::to_string(inv.counts.account_id) + ")\n";
  for (const auto& g : inv.groups) {
    out += "\n" + g.name + ":\n";
    for (const auto& item : g.items)
      out += "  " + item.name + ": " + std::to_string(item.count) + " — " + item.detail + "\n";
  }
  out += "\nWhat a legal demand could reach:\n";
  for (const auto& c : inv.categories)
    out += "  " + c.category + ": " + (c.held ? "HELD — " : "not held — ") + c.what + "\n";
  return out;
}

}  // namespace publius::shield
