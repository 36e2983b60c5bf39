#include "api/render.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <unordered_set>

#include "domain/notification_groups.h"
#include "domain/text_format.h"
#include "util/buffer_pool.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {

using namespace std::string_view_literals;
using domain::Account;
using domain::Post;

template <typename Source>
Renderer::Json Renderer::Cache<Source>::get(const Source& now) {
  auto& shard = shard_of(now.id);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(now.id);
  if (it == shard.entries.end()) return nullptr;
  Entry& entry = it->second;
  const uint64_t revision = now.store_revision.value();
  if (revision != 0 && revision == entry.revision) {
    assert(entry.source == now && "an entity was changed after the store stamped it");
    return entry.json;
  }
  if (!(entry.source == now)) return nullptr;
  // The next read of this load is recognised at once (an unstamped copy keeps the entry's).
  if (revision != 0) entry.revision = revision;
  return entry.json;
}

template <typename Source>
Renderer::Json Renderer::Cache<Source>::put(const Source& source, std::string json) {
  auto shared = std::make_shared<const std::string>(std::move(json));
  auto& shard = shard_of(source.id);
  std::lock_guard lock(shard.mu);
  // Crude but bounded: a full shard starts over. Entries are cheap to rebuild.
  if (shard.entries.size() >= kMaxPerShard) shard.entries.clear();
  shard.entries.insert_or_assign(source.id, Entry{source, source.store_revision.value(), shared});
  return shared;
}

template <typename Source>
void Renderer::Cache<Source>::erase(int64_t id) {
  auto& shard = shard_of(id);
  std::lock_guard lock(shard.mu);
  shard.entries.erase(id);
}

namespace {

// `,"favourited":…,"reblogged":…,"muted":…,"bookmarked":…` for one status: one of sixteen
// strings made once, appended whole (a page appends it twenty times).
std::string_view viewer_flags_json(bool favourited, bool reblogged, bool muted, bool bookmarked) {
  static const std::array<std::string, 16> all = [] {
    std::array<std::string, 16> made;
    const auto flag = [](bool on) { return on ? "true" : "false"; };
    for (unsigned i = 0; i < made.size(); ++i)
      made[i] = std::string(",\"favourited\":") + flag(i & 1) + ",\"reblogged\":" + flag(i & 2) +
                ",\"muted\":" + flag(i & 4) + ",\"bookmarked\":" + flag(i & 8);
    return made;
  }();
  return all[(favourited ? 1 : 0) | (reblogged ? 2 : 0) | (muted ? 4 : 0) | (bookmarked ? 8 : 0)];
}

}  // namespace

struct Renderer::Bundle {
  domain::Viewer viewer;
  domain::ReaderKey* reader = nullptr;
  std::unordered_map<int64_t, Post> originals;
  std::unordered_map<int64_t, Json> cores;
  std::unordered_map<int64_t, Json> account_json;
  std::unordered_map<int64_t, Account> mention_accounts;
  std::unordered_set<int64_t> favourited, reblogged, bookmarked, pinned, muted;
  std::shared_ptr<const domain::FilterMatcher> filters;  // the viewer's; null: none
  // DELETE's answer: each status carries its source `text` instead of its `content`, so
  // its JSON is neither read from nor put into the cache.
  bool source_requested = false;
  std::unordered_map<int64_t, std::vector<int>> poll_choices;  // the viewer's, by post id
};

Renderer::Renderer(domain::Microblog& microblog)
    : microblog_(microblog), config_(microblog.config()) {}

namespace {

// A JSON array of `items`, each written by `write`.
template <typename T, typename Write>
std::string json_array_of(const std::vector<T>& items, Write write) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += write(items[i]);
  }
  out.push_back(']');
  return out;
}

}  // namespace

void Renderer::post_changed(int64_t post_id) { statuses_.erase(post_id); }
void Renderer::account_changed(int64_t account_id) { accounts_.erase(account_id); }

void Renderer::filters_changed(int64_t account_id) {
  std::lock_guard lock(filters_mu_);
  filters_.erase(account_id);
  ++filters_changes_;
}

Result<std::shared_ptr<const domain::FilterMatcher>> Renderer::filters_of(int64_t viewer) {
  const int64_t today = now_day_ms();
  uint64_t changes_before_reading = 0;
  {
    std::lock_guard lock(filters_mu_);
    auto it = filters_.find(viewer);
    if (it != filters_.end() && it->second.day_ms == today) return it->second.matcher;
    changes_before_reading = filters_changes_;
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto filters, microblog_.filters().filters(viewer));
  static const auto kNoFilters = std::make_shared<const domain::FilterMatcher>();
  auto matcher = filters.empty()
                     ? kNoFilters
                     : std::make_shared<const domain::FilterMatcher>(std::move(filters), now_ms());
  std::lock_guard lock(filters_mu_);
  // A change since the read may have been missed by it: keep nothing, the next request reads again.
  if (filters_changes_ != changes_before_reading) return matcher;
  if (filters_.size() >= kMaxViewerFilters) filters_.clear();
  filters_[viewer] = {today, matcher};
  return matcher;
}

Result<bool> Renderer::has_filters(int64_t viewer) {
  PUBLIUS_ASSIGN_OR_RETURN(auto matcher, filters_of(viewer));
  return !matcher->empty();
}

namespace {

// The members of a Filter entity other than its rules (keywords and statuses), inside an open
// object: all a status's `filtered` names, as in Mastodon, which sends the rules only when the
// filter itself is asked for.
void write_filter_settings(JsonWriter& w, const domain::Filter& f) {
  w.field_id("id", f.id).field("title", f.title);
  w.key("context").begin_array();
  for (auto name : domain::filter_context_names(f.contexts)) w.string(name);
  w.end_array();
  if (f.expires_day_ms)
    w.field("expires_at", format_iso8601_ms(*f.expires_day_ms));
  else
    w.field_null("expires_at");
  w.field("filter_action", domain::filter_action_name(f.action));
}

}  // namespace

std::string Renderer::filter(const domain::Filter& f) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_filter_settings(w, f);
  w.key("keywords").begin_array();
  for (const auto& k : f.keywords)
    w.begin_object()
        .field_id("id", k.id)
        .field("keyword", k.keyword)
        .field("whole_word", k.whole_word)
        .end_object();
  w.end_array();
  w.key("statuses").begin_array();
  for (const auto& s : f.statuses)
    w.begin_object().field_id("id", s.id).field_id("status_id", s.status_id).end_object();
  w.end_array();
  w.end_object();
  return out;
}

// Status `filtered`: the viewer's filters the post matches (FilterResult entities).
void Renderer::write_filtered(const Bundle& b, const Post& post, std::string& out) {
  out += ",\"filtered\":[";
  if (b.filters && !b.filters->empty()) {
    std::string text = post.spoiler_text;
    text += '\n';
    text += post.text;
    for (const auto& m : post.media) {
      text += '\n';
      text += m.description;
    }
    if (post.poll) {
      for (const auto& o : post.poll->options) {
        text += '\n';
        text += o.title;
      }
    }
    bool first = true;
    for (const auto& match : b.filters->match(post.id, text)) {
      if (!first) out.push_back(',');
      first = false;
      std::string entry;
      JsonWriter w(entry);
      w.begin_object().key("filter").begin_object();
      write_filter_settings(w, *match.filter);
      w.end_object();
      w.key("keyword_matches");
      if (match.keyword_matches.empty()) {
        w.null();
      } else {
        w.begin_array();
        for (const auto& k : match.keyword_matches) w.string(k);
        w.end_array();
      }
      w.key("status_matches");
      if (match.status_matched)
        w.begin_array().string(std::to_string(post.id)).end_array();
      else
        w.null();
      w.end_object();
      out += entry;
    }
  }
  out.push_back(']');
}
namespace {

// The path of an account's avatar or header: its file under /system/media/, or
// Mastodon's default missing.png when it has none.
std::string profile_picture_path(const Account& a, domain::ProfilePicture which) {
  const bool avatar = which == domain::ProfilePicture::kAvatar;
  const std::string& file = avatar ? a.avatar_file : a.header_file;
  if (file.empty())
    return avatar ? "/avatars/original/missing.png" : "/headers/original/missing.png";
  return "/system/media/" + file;
}

}  // namespace

Renderer::Json Renderer::account_json(const Account& a) {
  if (auto cached = accounts_.get(a)) return cached;
  const std::string base = config_.base_url();
  std::string url = base + "/@" + a.username;
  std::string uri = base + "/users/" + a.username;
  // A remote account's page and id are its own, from its actor document.
  if (a.username.find('@') != std::string::npos) {
    if (auto remote = microblog_.federation().remote_actor(a.id); remote.ok() && *remote) {
      uri = (*remote)->uri;
      url = (*remote)->url.empty() ? uri : (*remote)->url;
    }
  }
  // A stored picture is never animated (a GIF is kept as a PNG still): its own static version.
  const std::string avatar = base + profile_picture_path(a, domain::ProfilePicture::kAvatar);
  const std::string header = base + profile_picture_path(a, domain::ProfilePicture::kHeader);
  std::string out;
  JsonWriter w(out);
  const auto no_mentions = [](std::string_view) { return std::optional<domain::MentionTarget>(); };
  w.begin_object()
      .field_id("id", a.id)
      // A remote account's name is user@host: its username is the user, its acct all.
      .field("username", std::string_view(a.username).substr(0, a.username.find('@')))
      .field("acct", a.username)
      .field("display_name", a.display_name)
      .field("locked", a.locked)
      .field("bot", a.bot)
      .field("discoverable", a.discoverable)
      .field("indexable", a.indexable)
      .field("group", false)
      .field("created_at", format_iso8601_ms(a.created_day_ms))
      .field("note", domain::format_status_text(a.note, no_mentions, base).html)
      .field("url", url)
      .field("uri", uri)
      .field("avatar", avatar)
      .field("avatar_static", avatar)
      .field("header", header)
      .field("header_static", header)
      .field("followers_count", a.followers_count)
      .field("following_count", a.following_count)
      .field("statuses_count", a.statuses_count);
  if (a.last_status_day_ms) {
    w.field("last_status_at", format_day(*a.last_status_day_ms));
  } else {
    w.field_null("last_status_at");
  }
  w.field("hide_collections", a.hide_collections).field("noindex", true);
  w.key("emojis").begin_array().end_array();
  w.key("roles").begin_array().end_array();
  w.key("fields").begin_array();
  for (const auto& f : a.fields) {
    w.begin_object()
        .field("name", f.name)
        .field("value", domain::format_status_text(f.value, no_mentions, base).html)
        .field_null("verified_at")
        .end_object();
  }
  w.end_array();
  // The account it moved to, itself not moved (so no chain of moves is followed).
  if (a.moved_to_id) {
    if (auto target = microblog_.accounts().account(*a.moved_to_id);
        target.ok() && !target->moved_to_id)
      w.key("moved").raw(*account_json(*target));
  }
  w.end_object();
  return accounts_.put(a, std::move(out));
}

Result<std::string> Renderer::account(const Account& a) { return *account_json(a); }

Result<std::string> Renderer::credential_account(const Account& a) {
  std::string out = *account_json(a);
  // Reopen the object (the account JSON always has members) to append the owner-only ones.
  out.pop_back();
  out += ",\"source\":";
  {
    std::string source;
    JsonWriter s(source);
    s.begin_object()
        .field("privacy", domain::visibility_name(a.default_visibility))
        .field("sensitive", a.default_sensitive)
        // Documented as a string: the language code, or empty for none.
        .field("language", a.default_language)
        .field("note", a.note);
    s.key("fields").begin_array();
    for (const auto& f : a.fields)
      s.begin_object()
          .field("name", f.name)
          .field("value", f.value)
          .field_null("verified_at")
          .end_object();
    s.end_array();
    PUBLIUS_ASSIGN_OR_RETURN(auto requests, microblog_.relationships().follow_requests(
                                                a.id, domain::Page{.limit = 1000}));
    s.field("follow_requests_count", static_cast<int64_t>(requests.size()))
        // As Mastodon: the owner's `source` repeats the profile settings.
        .field("hide_collections", a.hide_collections)
        .field("discoverable", a.discoverable)
        .field("indexable", a.indexable)
        .end_object();
    out += source;
  }
  out += ",\"role\":" + role(a) + "}";
  return out;
}

std::string Renderer::role(const Account& a) {
  std::string out;
  JsonWriter r(out);
  const bool admin = a.role == domain::Role::kAdmin;
  r.begin_object()
      .field("id", admin ? "3" : "-99")
      .field("name", admin ? "Admin" : "")
      .field("color", "")
      .field("permissions", admin ? "1" : "0")
      .field("highlighted", admin)
      .end_object();
  return out;
}

Result<std::string> Renderer::accounts(const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, microblog_.accounts().accounts(ids));
  std::unordered_map<int64_t, const Account*> by_id;
  for (const auto& a : loaded) by_id[a.id] = &a;
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (int64_t id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) w.raw(*account_json(*it->second));
  }
  w.end_array();
  return out;
}

Result<Renderer::Bundle> Renderer::load(domain::Viewer viewer, const std::vector<Post>& posts,
                                        domain::ReaderKey& reader, bool source_requested) {
  Bundle b;
  b.viewer = viewer;
  b.reader = &reader;
  b.source_requested = source_requested;
  std::vector<int64_t> original_ids;
  for (const auto& p : posts)
    if (p.reblog_of_id) original_ids.push_back(*p.reblog_of_id);
  // A boost was shown only where its original may be seen; the rule decides again.
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, microblog_.visibility().load(original_ids));
  PUBLIUS_ASSIGN_OR_RETURN(auto originals,
                           microblog_.visibility().keep_visible(viewer, std::move(loaded)));
  for (auto& o : originals) b.originals.emplace(o.id, std::move(o));

  std::vector<const Post*> all;
  for (const auto& p : posts) all.push_back(&p);
  for (const auto& [id, o] : b.originals) all.push_back(&o);

  // Every author is read (from the store's cache, usually): a cached account JSON is
  // served only for the account as it is now.
  std::vector<int64_t> needed_accounts, status_ids;
  for (const Post* p : all) {
    status_ids.push_back(p->id);
    needed_accounts.push_back(p->account_id);
    Json core;
    if (p->sealed.empty() && !source_requested && (core = statuses_.get(*p))) {
      b.cores.emplace(p->id, std::move(core));
    } else {
      needed_accounts.insert(needed_accounts.end(), p->mention_account_ids.begin(),
                             p->mention_account_ids.end());
    }
  }
  std::sort(needed_accounts.begin(), needed_accounts.end());
  needed_accounts.erase(std::unique(needed_accounts.begin(), needed_accounts.end()),
                        needed_accounts.end());
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(needed_accounts));
  for (auto& a : accounts) {
    b.account_json[a.id] = account_json(a);
    b.mention_accounts.emplace(a.id, std::move(a));
  }
  if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(auto flags, microblog_.posts().viewer_flags(*viewer, status_ids));
    b.favourited.insert(flags.favourited.begin(), flags.favourited.end());
    b.reblogged.insert(flags.reblogged.begin(), flags.reblogged.end());
    b.bookmarked.insert(flags.bookmarked.begin(), flags.bookmarked.end());
    b.pinned.insert(flags.pinned.begin(), flags.pinned.end());
    b.muted.insert(flags.muted.begin(), flags.muted.end());
    PUBLIUS_ASSIGN_OR_RETURN(b.filters, filters_of(*viewer));
    std::vector<int64_t> poll_ids;
    for (const Post* p : all)
      if (p->poll) poll_ids.push_back(p->id);
    PUBLIUS_ASSIGN_OR_RETURN(auto choices, microblog_.posts().poll_choices(*viewer, poll_ids));
    for (auto& [id, positions] : choices) b.poll_choices.emplace(id, std::move(positions));
  }
  return b;
}

Renderer::Json Renderer::status_core(const Post& p, Bundle& b) {
  auto cached = b.cores.find(p.id);
  if (cached != b.cores.end()) return cached->second;
  const std::string base = config_.base_url();
  std::string username;
  if (auto it = b.mention_accounts.find(p.account_id); it != b.mention_accounts.end())
    username = it->second.username;
  else if (auto acc = microblog_.accounts().account(p.account_id); acc.ok())
    username = acc->username;
  std::string out;
  JsonWriter w(out);
  w.field_id("id", p.id)
      .field("created_at", format_iso8601_ms(p.created_ms))
      .field_optional_id("in_reply_to_id", p.in_reply_to_id)
      .field_optional_id("in_reply_to_account_id", p.in_reply_to_account_id)
      .field("sensitive", p.sensitive)
      .field("spoiler_text", p.spoiler_text)
      .field("visibility", domain::visibility_name(p.visibility));
  if (p.language.empty() || p.reblog_of_id)
    w.field_null("language");
  else
    w.field("language", p.language);
  // A remote post keeps the id and page its server gave it.
  if (p.remote())
    w.field("uri", p.uri);
  else
    w.field("uri", base + "/users/" + username + "/statuses/" + std::to_string(p.id));
  if (p.reblog_of_id)
    w.field_null("url");
  else if (p.remote())
    w.field("url", p.url.empty() ? p.uri : p.url);
  else
    w.field("url", base + "/@" + username + "/" + std::to_string(p.id));
  w.field("replies_count", p.replies_count)
      .field("reblogs_count", p.reblogs_count)
      .field("favourites_count", p.favourites_count);
  if (p.edited_ms)
    w.field("edited_at", format_iso8601_ms(*p.edited_ms));
  else
    w.field_null("edited_at");
  if (b.source_requested)
    w.field("text", p.text);
  else
    w.field("content", p.html);
  // The client app a post came from is never recorded: its name is the client's to choose,
  // and like a user agent it could tell who wrote the post (shield rule).
  w.field_null("application");
  w.key("media_attachments").begin_array();
  for (const auto& m : p.media) w.raw(media_attachment(m, base));
  w.end_array();
  w.key("mentions").begin_array();
  for (int64_t id : p.mention_account_ids) {
    auto it = b.mention_accounts.find(id);
    if (it == b.mention_accounts.end()) continue;
    w.begin_object()
        .field_id("id", id)
        .field("username",
               std::string_view(it->second.username).substr(0, it->second.username.find('@')))
        .field("url", base + "/@" + it->second.username)
        .field("acct", it->second.username)
        .end_object();
  }
  w.end_array();
  // Mastodon's shallow tags (name and url): no `following`, which is the viewer's own.
  w.key("tags").begin_array();
  for (const auto& tag : p.tags) {
    const std::string name = domain::normalize_tag(tag);
    w.begin_object().field("name", name).field("url", base + "/tags/" + name).end_object();
  }
  w.end_array();
  w.key("emojis").begin_array().end_array();
  w.field_null("card");
  if (p.sealed.empty() && !b.source_requested) return statuses_.put(p, std::move(out));
  return std::make_shared<const std::string>(std::move(out));
}

void Renderer::write_poll(const Bundle& b, const Post& p, int64_t now_ms, std::string& out) {
  const domain::Poll& poll = *p.poll;
  const bool expired = poll.expired(now_ms);
  const bool author = b.viewer && *b.viewer == p.account_id;
  const bool show_tallies = !poll.hide_totals || expired || author;
  JsonWriter w(out);
  w.begin_object()
      .field_id("id", p.id)
      .field("expires_at", format_iso8601_ms(poll.expires_ms))
      .field("expired", expired)
      .field("multiple", poll.multiple)
      .field("votes_count", poll.votes_count());
  // As Mastodon documents it: distinct voters only for polls of several choices.
  if (poll.multiple)
    w.field("voters_count", poll.voters_count);
  else
    w.field_null("voters_count");
  w.key("options").begin_array();
  for (const auto& o : poll.options) {
    w.begin_object().field("title", o.title);
    if (show_tallies)
      w.field("votes_count", o.votes_count);
    else
      w.field_null("votes_count");
    w.end_object();
  }
  w.end_array();
  w.key("emojis").begin_array().end_array();
  if (b.viewer) {
    auto own = b.poll_choices.find(p.id);
    // As Mastodon, the author counts as having voted (clients then show the results).
    w.field("voted", author || own != b.poll_choices.end());
    w.key("own_votes").begin_array();
    if (own != b.poll_choices.end())
      for (int choice : own->second) w.integer(choice);
    w.end_array();
  }
  w.end_object();
}

Result<std::string> Renderer::poll(domain::Viewer viewer, const Post& post) {
  Bundle b;
  b.viewer = viewer;
  if (viewer) {
    PUBLIUS_ASSIGN_OR_RETURN(auto choices, microblog_.posts().poll_choices(*viewer, {post.id}));
    for (auto& [id, positions] : choices) b.poll_choices.emplace(id, std::move(positions));
  }
  std::string out;
  write_poll(b, post, now_ms(), out);
  return out;
}

void Renderer::write_status(Bundle& b, const Post& p, std::string& out) {
  if (domain::is_sealed_unopened(p)) {
    Post opened = p;
    b.reader->open(opened);  // fills the content or a placeholder, so this recurses once
    write_status(b, opened, out);
    return;
  }
  out.push_back('{');
  out += *status_core(p, b);
  if (p.poll) {
    out += ",\"poll\":"sv;
    write_poll(b, p, now_ms(), out);
    out += ",\"account\":"sv;
  } else {
    out += ",\"poll\":null,\"account\":"sv;
  }
  if (auto it = b.account_json.find(p.account_id); it != b.account_json.end()) out += *it->second;
  out += ",\"reblog\":"sv;
  const Post* original = nullptr;
  if (p.reblog_of_id) {
    auto it = b.originals.find(*p.reblog_of_id);
    if (it != b.originals.end()) original = &it->second;
  }
  if (original)
    write_status(b, *original, out);
  else
    out += "null"sv;
  write_filtered(b, original ? *original : p, out);
  if (b.viewer) {
    const int64_t target = original ? original->id : p.id;
    const bool own = p.account_id == *b.viewer;
    out += viewer_flags_json(b.favourited.count(target) > 0, b.reblogged.count(target) > 0,
                             b.muted.count(target) > 0, b.bookmarked.count(target) > 0);
    // Mastodon sends `pinned` only where the viewer could pin: own posts that are neither
    // boosts nor direct.
    if (own && !p.reblog_of_id && p.visibility != domain::Visibility::kDirect) {
      out += ",\"pinned\":"sv;
      out += b.pinned.count(p.id) ? "true"sv : "false"sv;
    }
  }
  out.push_back('}');
}

Result<std::string> Renderer::status(domain::Viewer viewer, const Post& post,
                                     domain::ReaderKey& reader) {
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(viewer, {post}, reader));
  std::string out;
  write_status(b, post, out);
  return out;
}

Result<std::string> Renderer::statuses(domain::Viewer viewer, const std::vector<Post>& posts,
                                       domain::ReaderKey& reader) {
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(viewer, posts, reader));
  std::string out = take_buffer(posts.size() * 2048);  // the server gives it back once sent
  out.push_back('[');
  for (size_t i = 0; i < posts.size(); ++i) {
    if (i) out.push_back(',');
    write_status(b, posts[i], out);
  }
  out.push_back(']');
  return out;
}

Result<std::string> Renderer::conversation(int64_t viewer, const domain::ConversationEntry& entry,
                                           domain::ReaderKey& reader) {
  PUBLIUS_ASSIGN_OR_RETURN(auto array, conversations(viewer, {entry}, reader));
  // The array of one: its only element.
  return array.substr(1, array.size() - 2);
}

Result<std::string> Renderer::conversations(int64_t viewer,
                                            const std::vector<domain::ConversationEntry>& entries,
                                            domain::ReaderKey& reader) {
  std::vector<Post> posts;
  std::vector<int64_t> account_ids;
  for (const auto& e : entries) {
    posts.push_back(e.last_status);
    const auto& others = e.conversation.participant_ids;
    account_ids.insert(account_ids.end(), others.begin(), others.end());
  }
  account_ids.push_back(viewer);
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(viewer, posts, reader));
  PUBLIUS_ASSIGN_OR_RETURN(auto loaded, microblog_.accounts().accounts(account_ids));
  std::unordered_map<int64_t, const Account*> by_id;
  for (const auto& a : loaded) by_id[a.id] = &a;
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& c = entries[i].conversation;
    w.begin_object().field_id("id", c.id).field("unread", c.unread);
    w.key("accounts").begin_array();
    const std::vector<int64_t> self{viewer};
    for (int64_t id : c.participant_ids.empty() ? self : c.participant_ids) {
      if (auto it = by_id.find(id); it != by_id.end()) w.raw(*account_json(*it->second));
    }
    w.end_array();
    std::string status;
    write_status(b, posts[i], status);
    w.key("last_status").raw(status);
    w.end_object();
  }
  w.end_array();
  return out;
}

Result<std::string> Renderer::deleted_status(const Post& post, domain::ReaderKey& reader) {
  Post opened = post;
  reader.open(opened);
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(post.account_id, {opened}, reader, true));
  std::string out;
  write_status(b, opened, out);
  return out;
}

Result<std::unordered_map<int64_t, Account>> Renderer::accounts_by_id(
    const std::vector<int64_t>& ids) {
  PUBLIUS_ASSIGN_OR_RETURN(auto accounts, microblog_.accounts().accounts(ids));
  std::unordered_map<int64_t, Account> by_id;
  for (auto& a : accounts) by_id.emplace(a.id, std::move(a));
  return by_id;
}

Result<std::string> Renderer::notifications(int64_t viewer,
                                            const std::vector<domain::NotificationEntry>& list,
                                            domain::ReaderKey& reader) {
  std::vector<Post> posts;
  std::vector<int64_t> account_ids;
  for (const auto& e : list) {
    account_ids.push_back(e.notification.from_account_id);
    if (e.status) posts.push_back(*e.status);
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(viewer, posts, reader));
  std::unordered_map<int64_t, const Post*> post_by_id;
  for (const auto& p : posts) post_by_id[p.id] = &p;
  PUBLIUS_ASSIGN_OR_RETURN(auto account_by_id, accounts_by_id(account_ids));
  std::string out = "[";
  bool first = true;
  for (const auto& e : list) {
    const domain::Notification& n = e.notification;
    auto acc = account_by_id.find(n.from_account_id);
    if (acc == account_by_id.end()) continue;
    if (n.status_id && !e.status) continue;  // a post no longer seen (domain::Notifications)
    if (!first) out.push_back(',');
    first = false;
    std::string head;
    JsonWriter w(head);
    w.begin_object()
        .field_id("id", n.id)
        .field("type", domain::notification_type_name(n.type))
        .field("created_at", format_iso8601_ms(n.created_ms))
        .field("group_key",
               domain::notification_group_key(n, domain::groupable_notification_types()))
        .key("account")
        .raw(*account_json(acc->second));
    out += head;
    // Mastodon leaves `status` out, rather than null, for types not about a status (follow).
    if (e.status) {
      out += ",\"status\":";
      write_status(b, *post_by_id.at(e.status->id), out);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

Result<std::string> Renderer::notification_requests(
    int64_t viewer, const std::vector<domain::NotificationRequestEntry>& list,
    domain::ReaderKey& reader) {
  std::vector<Post> posts;
  std::vector<int64_t> account_ids;
  for (const auto& e : list) {
    account_ids.push_back(e.request.from_account_id);
    if (e.last_status) posts.push_back(*e.last_status);
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto b, load(viewer, posts, reader));
  PUBLIUS_ASSIGN_OR_RETURN(auto account_by_id, accounts_by_id(account_ids));
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    const domain::NotificationRequest& r = list[i].request;
    auto acc = account_by_id.find(r.from_account_id);
    if (acc == account_by_id.end()) continue;
    if (out.size() > 1) out.push_back(',');
    std::string head;
    JsonWriter w(head);
    // Mastodon sends the count as a string.
    w.begin_object()
        .field_id("id", r.id)
        .field("created_at", format_iso8601_ms(ms_of_id(r.id)))
        .field("updated_at", format_iso8601_ms(ms_of_id(r.newest_notification_id)))
        .field("notifications_count", std::to_string(r.notifications_count))
        .key("account")
        .raw(*account_json(acc->second));
    out += head + ",\"last_status\":";
    if (list[i].last_status)
      write_status(b, *list[i].last_status, out);
    else
      out += "null";
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

Result<std::string> Renderer::history(const Post& post, std::vector<domain::PostEdit> edits,
                                      domain::ReaderKey& reader) {
  for (auto& e : edits) reader.open(e);
  PUBLIUS_ASSIGN_OR_RETURN(auto author, microblog_.accounts().account(post.account_id));
  const Json account = account_json(author);
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& e : edits) {
    w.begin_object()
        .field("content", e.html)
        .field("spoiler_text", e.spoiler_text)
        .field("sensitive", e.sensitive)
        .field("created_at", format_iso8601_ms(e.created_ms))
        .key("account")
        .raw(*account);
    // `poll` is documented optional and present only for an edit of a poll.
    if (e.poll_options) {
      w.key("poll").begin_object().key("options").begin_array();
      for (const auto& title : *e.poll_options) w.begin_object().field("title", title).end_object();
      w.end_array().end_object();
    }
    w.key("media_attachments").begin_array().end_array();
    w.key("emojis").begin_array().end_array();
    w.end_object();
  }
  w.end_array();
  return out;
}

namespace {

void image_meta(JsonWriter& w, int width, int height) {
  w.begin_object()
      .field("width", width)
      .field("height", height)
      .field("size", std::to_string(width) + "x" + std::to_string(height))
      .key("aspect")
      .number(height > 0 ? static_cast<double>(width) / height : 0)
      .end_object();
}

}  // namespace

std::string Renderer::scheduled_status(const domain::ScheduledPost& s,
                                       const std::string& base_url) {
  const domain::NewPost& r = s.request;
  std::string out;
  JsonWriter w(out);
  w.begin_object().field_id("id", s.id).field("scheduled_at", format_iso8601_ms(s.scheduled_ms));
  w.key("params").begin_object().field("text", r.text);
  if (r.poll) {
    w.key("poll").raw(domain::new_poll_json(*r.poll));
  } else {
    w.field_null("poll");
  }
  if (r.media_ids.empty()) {
    w.field_null("media_ids");
  } else {
    w.key("media_ids").begin_array();
    for (int64_t id : r.media_ids) w.id(id);
    w.end_array();
  }
  if (r.sensitive) {
    w.field("sensitive", *r.sensitive);
  } else {
    w.field_null("sensitive");
  }
  w.field_or_null("spoiler_text", r.spoiler_text);
  if (r.visibility) {
    w.field("visibility", domain::visibility_name(*r.visibility));
  } else {
    w.field_null("visibility");
  }
  w.field_optional_id("in_reply_to_id", r.in_reply_to_id).field_or_null("language", r.language);
  // Posts keep no client app (shield rule); the post is published once, so no second time.
  w.field_null("application_id").field_null("scheduled_at");
  w.field_or_null("idempotency", r.idempotency_key.value_or(""));
  w.field("with_rate_limit", false).end_object();
  w.key("media_attachments").begin_array();
  for (const auto& m : s.media) w.raw(media_attachment(m, base_url));
  w.end_array().end_object();
  return out;
}

std::string Renderer::scheduled_statuses(const std::vector<domain::ScheduledPost>& list,
                                         const std::string& base_url) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i) out.push_back(',');
    out += scheduled_status(list[i], base_url);
  }
  out.push_back(']');
  return out;
}

std::string Renderer::media_attachment(const domain::MediaAttachment& m,
                                       const std::string& base_url) {
  std::string out;
  JsonWriter w(out);
  const std::string files = base_url + "/system/media/";
  w.begin_object()
      .field_id("id", m.id)
      .field("type", "image")
      .field("url", files + m.file_name())
      .field("preview_url", files + m.small_file_name())
      .field_null("remote_url")
      .field_null("preview_remote_url")
      .field_null("text_url");
  w.key("meta").begin_object().key("original");
  image_meta(w, m.width, m.height);
  w.key("small");
  image_meta(w, m.small_width, m.small_height);
  w.key("focus").begin_object().key("x").number(m.focus_x).key("y").number(m.focus_y).end_object();
  w.end_object();
  if (m.description.empty())
    w.field_null("description");
  else
    w.field("description", m.description);
  w.field("blurhash", m.blurhash).end_object();
  return out;
}

std::string Renderer::tag(const domain::Tag& t) const {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field_id("id", t.id)
      .field("name", t.name)
      .field("url", config_.base_url() + "/tags/" + t.name);
  w.key("history").begin_array();
  for (const auto& day : t.history) {
    // Mastodon writes all three as strings: the day as a UNIX time in seconds.
    w.begin_object()
        .field("day", std::to_string(day.day_ms / 1000))
        .field("uses", std::to_string(day.uses))
        .field("accounts", std::to_string(day.accounts))
        .end_object();
  }
  w.end_array();
  if (t.following) w.field("following", *t.following);
  w.end_object();
  return out;
}

std::string Renderer::tags(const std::vector<domain::Tag>& tags) const {
  return json_array_of(tags, [this](const domain::Tag& t) { return tag(t); });
}

std::string Renderer::featured_tag(const domain::Account& owner,
                                   const domain::FeaturedTag& f) const {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field_id("id", f.id)
      .field("name", f.name)
      .field("url", config_.base_url() + "/@" + owner.username + "?tagged=" + f.name)
      .field("statuses_count", std::to_string(f.statuses_count));
  if (f.last_status_ms)
    w.field("last_status_at", format_day(*f.last_status_ms));
  else
    w.field_null("last_status_at");
  w.end_object();
  return out;
}

std::string Renderer::featured_tags(const domain::Account& owner,
                                    const std::vector<domain::FeaturedTag>& list) const {
  return json_array_of(list, [&](const domain::FeaturedTag& f) { return featured_tag(owner, f); });
}

std::string Renderer::relationship(const domain::Relationship& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field_id("id", r.target_id)
      .field("following", r.following)
      .field("showing_reblogs", r.showing_reblogs)
      .field("notifying", r.notifying)
      .field_null("languages")
      .field("followed_by", r.followed_by)
      .field("blocking", r.blocking)
      .field("blocked_by", r.blocked_by)
      .field("muting", r.muting)
      .field("muting_notifications", r.muting_notifications)
      .field("requested", r.requested)
      .field("requested_by", r.requested_by)
      .field("domain_blocking", false)
      .field("endorsed", r.endorsed)
      .field("note", r.note)
      .end_object();
  return out;
}

std::string Renderer::relationships(const std::vector<domain::Relationship>& rs) {
  return json_array_of(rs, &Renderer::relationship);
}

}  // namespace publius::api
