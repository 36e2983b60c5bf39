#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <filesystem>
#include <functional>
#include <optional>

#include "store/sqlite/schema.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::sqlite {

using namespace publius::store;
using domain::Visibility;

namespace {

constexpr const char* kStatusColumns =
    "id, account_id, text, html, spoiler_text, visibility, sensitive, language, in_reply_to_id, "
    "in_reply_to_account_id, reblog_of_id, created_ms, edited_ms, replies_count, "
    "reblogs_count, favourites_count, tags, sealed, uri, url";

constexpr const char* kAccountColumns =
    "id, username, display_name, note, locked, bot, fields, role, created_day, last_status_day, "
    "statuses_count, followers_count, following_count, default_visibility, default_sensitive, "
    "default_language, avatar_file, header_file, discoverable, indexable, hide_collections, "
    "also_known_as, moved_to_id";

std::string fields_to_json(const std::vector<domain::ProfileField>& fields) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& f : fields)
    w.begin_object().field("name", f.name).field("value", f.value).end_object();
  w.end_array();
  return out;
}

std::vector<domain::ProfileField> fields_from_json(const std::string& text) {
  std::vector<domain::ProfileField> fields;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return fields;
  for (const auto& item : value.as_array()) {
    if (!item.is_object()) continue;
    const auto* name = item.as_object().if_contains("name");
    const auto* val = item.as_object().if_contains("value");
    if (name && val && name->is_string() && val->is_string())
      fields.push_back({std::string(name->as_string()), std::string(val->as_string())});
  }
  return fields;
}

// Tags are kept space-joined on the status row (rendering needs them with the
// status) and normalized in status_tags (timelines need them indexed).
std::string join_tags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

std::vector<std::string> split_tags(const std::string& joined) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find(' ', start);
    if (end == std::string::npos) end = joined.size();
    if (end > start) tags.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return tags;
}

Account read_account(const Stmt& s) {
  Account a;
  a.id = s.int64(0);
  a.username = s.text(1);
  a.display_name = s.text(2);
  a.note = s.text(3);
  a.locked = s.boolean(4);
  a.bot = s.boolean(5);
  a.fields = fields_from_json(s.text(6));
  a.role = static_cast<domain::Role>(s.int64(7));
  a.created_day_ms = s.int64(8);
  a.last_status_day_ms = s.optional_int64(9);
  a.statuses_count = s.int64(10);
  a.followers_count = s.int64(11);
  a.following_count = s.int64(12);
  a.default_visibility = static_cast<Visibility>(s.int64(13));
  a.default_sensitive = s.boolean(14);
  a.default_language = s.text(15);
  a.avatar_file = s.text(16);
  a.header_file = s.text(17);
  a.discoverable = s.boolean(18);
  a.indexable = s.boolean(19);
  a.hide_collections = s.boolean(20);
  a.also_known_as = split_tags(s.text(21));  // space-separated like tags
  a.moved_to_id = s.optional_int64(22);
  return a;
}

Post read_status(const Stmt& s) {
  Post st;
  st.id = s.int64(0);
  st.account_id = s.int64(1);
  st.text = s.text(2);
  st.html = s.text(3);
  st.spoiler_text = s.text(4);
  st.visibility = static_cast<Visibility>(s.int64(5));
  st.sensitive = s.boolean(6);
  st.language = s.text(7);
  st.in_reply_to_id = s.optional_int64(8);
  st.in_reply_to_account_id = s.optional_int64(9);
  st.reblog_of_id = s.optional_int64(10);
  st.created_ms = s.int64(11);
  st.edited_ms = s.optional_int64(12);
  st.replies_count = s.int64(13);
  st.reblogs_count = s.int64(14);
  st.favourites_count = s.int64(15);
  st.tags = split_tags(s.text(16));
  st.sealed = s.blob(17);
  st.uri = s.text(18);
  st.url = s.text(19);
  return st;
}

constexpr const char* kMediaColumns =
    "id, account_id, status_id, file_key, extension, width, height, size, small_width, "
    "small_height, small_size, description, focus_x, focus_y, blurhash, uploaded_day, "
    "scheduled_status_id";

constexpr const char* kPostsWithMedia = "(SELECT status_id FROM media WHERE status_id IS NOT NULL)";

domain::MediaAttachment read_media(const Stmt& s) {
  domain::MediaAttachment m;
  m.id = s.int64(0);
  m.account_id = s.int64(1);
  m.status_id = s.optional_int64(2);
  m.file_key = s.text(3);
  m.extension = s.text(4);
  m.width = static_cast<int>(s.int64(5));
  m.height = static_cast<int>(s.int64(6));
  m.size = s.int64(7);
  m.small_width = static_cast<int>(s.int64(8));
  m.small_height = static_cast<int>(s.int64(9));
  m.small_size = s.int64(10);
  m.description = s.text(11);
  m.focus_x = s.real(12);
  m.focus_y = s.real(13);
  m.blurhash = s.text(14);
  m.uploaded_day_ms = s.optional_int64(15);
  m.scheduled_status_id = s.optional_int64(16);
  return m;
}

std::string join_ids(const std::vector<int64_t>& ids, char separator) {
  std::string out;
  for (int64_t id : ids) {
    if (!out.empty()) out.push_back(separator);
    out += std::to_string(id);
  }
  return out;
}

// Ids for an SQL IN (...) list.
std::string id_list(const std::vector<int64_t>& ids) { return join_ids(ids, ','); }

// The stored codes of `visibilities`, for an IN (...) list.
std::string visibility_list(const std::vector<Visibility>& visibilities) {
  std::vector<int64_t> codes;
  for (Visibility v : visibilities) codes.push_back(static_cast<int64_t>(v));
  return id_list(codes);
}

// Appends Mastodon's id-range paging to a query whose WHERE clause is open.
std::string page_clause(std::string_view col, const Page& p) {
  std::string sql;
  if (p.max_id) sql += " AND " + std::string(col) + " < " + std::to_string(*p.max_id);
  if (p.since_id) sql += " AND " + std::string(col) + " > " + std::to_string(*p.since_id);
  if (p.min_id) sql += " AND " + std::string(col) + " > " + std::to_string(*p.min_id);
  sql += " ORDER BY " + std::string(col) + (p.min_id ? " ASC" : " DESC");
  sql += " LIMIT " + std::to_string(std::max(1, p.limit));
  return sql;
}

using Binder = std::function<void(Stmt&)>;

// Runs `sql` (ending in an open WHERE clause) with paging on `col`, collecting
// the first column; results are newest first even for min_id queries.
Result<std::vector<int64_t>> paged_ids(Db& db, const std::string& sql, std::string_view col,
                                       const Page& p, const Binder& bind) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db.prepare(sql + page_clause(col, p)));
  bind(stmt);
  std::vector<int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  if (p.min_id) std::reverse(ids.begin(), ids.end());
  return ids;
}

Result<std::vector<int64_t>> collect_ids(Stmt& stmt) {
  std::vector<int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  return ids;
}

// Appends a copy of a cached post or account to hand out, in place (a copy moved in would
// cost a post's move): it keeps the cache entry's revision (domain::StoreRevision), which
// copying alone drops.
template <typename Entity>
void append_cached(std::vector<Entity>& out, const Entity& cached) {
  out.push_back(cached);
  out.back().store_revision.stamp_as(cached.store_revision);
}
// Keeps `loaded` in `cache` under a fresh revision, which `loaded` is stamped with too.
template <typename Entity>
void fill_cache(std::unordered_map<int64_t, Entity>& cache, Entity& loaded) {
  loaded.store_revision = domain::StoreRevision::fresh();
  Entity& entry = cache[loaded.id] = loaded;
  entry.store_revision.stamp_as(loaded.store_revision);
}

// The entries of `ids` in `cache`, in order; nullopt unless all are there.
template <typename Map>
std::optional<std::vector<typename Map::mapped_type>> all_cached(const Map& cache,
                                                                 const std::vector<int64_t>& ids) {
  std::vector<typename Map::mapped_type> found;
  found.reserve(ids.size());
  for (int64_t id : ids) {
    auto it = cache.find(id);
    if (it == cache.end()) return std::nullopt;
    append_cached(found, it->second);
  }
  return found;
}

// Both compile `sql` once per connection (Db::prepare_cached): compiling costs more than
// running most of these statements, and their texts are few (no id lists).
Status run(Db& db, std::string_view sql, const Binder& bind) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db.prepare_cached(sql));
  bind(stmt);
  return stmt.run();
}

Result<bool> exists(Db& db, std::string_view sql, const Binder& bind) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db.prepare_cached(sql));
  bind(stmt);
  const bool found = stmt.step();
  PUBLIUS_TRY(stmt.status());
  return found;
}

Status adjust_count(Db& db, std::string_view table, std::string_view column, int64_t id,
                    int delta) {
  return run(db,
             "UPDATE " + std::string(table) + " SET " + std::string(column) + " = MAX(0, " +
                 std::string(column) + " + ?) WHERE id = ?",
             [&](Stmt& s) { s.bind(1, delta).bind(2, id); });
}

// A notification row, written inside the transaction of the write that causes it;
// none when its recipient, its sender or its post is gone, as their deletion would have
// taken it.
Status insert_notification_in(Db& db, const Notification& n) {
  return run(db,
             "INSERT INTO notifications (id, account_id, type, from_account_id, status_id, "
             "created_ms, filtered) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM "
             "accounts WHERE id = ?2) AND EXISTS (SELECT 1 FROM accounts WHERE id = ?4) AND (?5 "
             "IS NULL OR EXISTS (SELECT 1 FROM statuses WHERE id = ?5))",
             [&](Stmt& s) {
               s.bind(1, n.id).bind(2, n.account_id).bind(3, static_cast<int64_t>(n.type));
               s.bind(4, n.from_account_id).bind(5, n.status_id).bind(6, n.created_ms);
               s.bind(7, n.filtered);
             });
}

// Ends a follow inside the caller's transaction: the row, both counters, and the
// followed account's places in the follower's lists (lists hold only followed
// accounts, as in Mastodon). True when there was a follow.
// Store::end_follow() inside the caller's transaction.
Result<bool> end_follow_in(Db& db, const EndedFollow& ended) {
  const auto bind_pair = [&](Stmt& s) { s.bind(1, ended.follower_id).bind(2, ended.followed_id); };
  PUBLIUS_TRY(
      run(db, "DELETE FROM follow_requests WHERE account_id = ? AND target_id = ?", bind_pair));
  PUBLIUS_TRY(run(db, "DELETE FROM follows WHERE account_id = ? AND target_id = ?", bind_pair));
  if (db.changes() == 0) return false;
  PUBLIUS_TRY(adjust_count(db, "accounts", "following_count", ended.follower_id, -1));
  PUBLIUS_TRY(adjust_count(db, "accounts", "followers_count", ended.followed_id, -1));
  if (ended.leave_lists) {
    PUBLIUS_TRY(run(db,
                    "DELETE FROM list_members WHERE account_id = ?2 AND list_id IN (SELECT id "
                    "FROM lists WHERE account_id = ?1)",
                    bind_pair));
  }
  if (ended.unendorse) {
    PUBLIUS_TRY(
        run(db, "DELETE FROM endorsements WHERE account_id = ? AND target_id = ?", bind_pair));
  }
  return true;
}

// Participant ids as the conversations table keys them: ascending, space-separated.
std::string participants_key(const std::vector<int64_t>& ids) { return join_ids(ids, ' '); }

// Store::save_conversation() inside the caller's transaction (if any). The SQL
// is compiled once: a direct message files one thread per account in it. No
// thread for an owner or post that is gone (deleted meanwhile).
Status save_conversation_in(Db& db, int64_t account_id, const std::vector<int64_t>& participant_ids,
                            int64_t last_status_id, bool unread) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db.prepare_cached("INSERT INTO conversations (account_id, participants, last_status_id, "
                        "unread) SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM accounts WHERE "
                        "id = ?1) AND EXISTS (SELECT 1 FROM statuses WHERE id = ?3) ON CONFLICT "
                        "(account_id, participants) DO UPDATE SET last_status_id = "
                        "excluded.last_status_id, unread = excluded.unread WHERE "
                        "excluded.last_status_id > conversations.last_status_id"));
  stmt.bind(1, account_id).bind(2, participants_key(participant_ids));
  stmt.bind(3, last_status_id).bind(4, unread);
  return stmt.run();
}

// The post's mention rows, inside the caller's transaction: none for an account that is
// gone (deleted since the text was read), as its deletion would have taken the row.
Status insert_mentions_in(Db& db, const Post& st) {
  for (int64_t account : st.mention_account_ids) {
    PUBLIUS_TRY(run(db,
                    "INSERT OR IGNORE INTO mentions (status_id, account_id) SELECT ?1, id FROM "
                    "accounts WHERE id = ?2",
                    [&](Stmt& s) { s.bind(1, st.id).bind(2, account); }));
  }
  return ok_status();
}

// A poll's option titles as the edit history keeps them: a JSON array of strings.
std::string titles_to_json(const std::vector<std::string>& titles) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const auto& t : titles) w.string(t);
  w.end_array();
  return out;
}

std::vector<std::string> titles_from_json(const std::string& text) {
  std::vector<std::string> titles;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return titles;
  for (const auto& item : value.as_array())
    if (item.is_string()) titles.emplace_back(item.as_string());
  return titles;
}

// A new poll's rows, no votes yet, inside the caller's transaction.
Status insert_poll_in(Db& db, int64_t status_id, const domain::Poll& poll) {
  PUBLIUS_TRY(run(db,
                  "INSERT INTO polls (status_id, expires_ms, multiple, hide_totals) VALUES (?, ?, "
                  "?, ?)",
                  [&](Stmt& s) {
                    s.bind(1, status_id).bind(2, poll.expires_ms).bind(3, poll.multiple);
                    s.bind(4, poll.hide_totals);
                  }));
  for (size_t i = 0; i < poll.options.size(); ++i) {
    PUBLIUS_TRY(run(db, "INSERT INTO poll_options (status_id, position, title) VALUES (?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, status_id).bind(2, static_cast<int64_t>(i));
                      s.bind(3, poll.options[i].title);
                    }));
  }
  return ok_status();
}

// The text the full-text index holds for a post listed in_search.
std::string search_text(const Post& st) { return st.spoiler_text + "\n" + st.text; }

// A post's stored listing (PostListing), inside the caller's transaction; none
// when the post is gone.
Result<std::optional<PostListing>> listing_in(Db& db, int64_t status_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db.prepare_cached("SELECT counted, counted_as_reply, in_search, "
                                             "tags_in_search, in_public_timelines FROM "
                                             "statuses WHERE id = ?"));
  stmt.bind(1, status_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<PostListing>();
  }
  return std::optional<PostListing>(PostListing{stmt.boolean(0), stmt.boolean(1), stmt.boolean(2),
                                                stmt.boolean(3), stmt.boolean(4)});
}

// The table and key column holding a credential's wrapped copy of its account's key.
std::pair<const char*, const char*> credential_row(KeyedCredential kind) {
  switch (kind) {
    case KeyedCredential::kAccessToken:
      return {"tokens", "token_hash"};
    case KeyedCredential::kWebSession:
      return {"web_sessions", "token_hash"};
    case KeyedCredential::kAuthCode:
      return {"auth_codes", "code_hash"};
  }
  return {"tokens", "token_hash"};
}

// The scheduled posts `sql_tail` (a WHERE clause and its order) selects, each
// with the uploads reserved for it, in order.
Result<std::vector<ScheduledStatus>> scheduled_rows(Db& db, const std::string& sql_tail,
                                                    const Binder& bind) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db.prepare("SELECT id, account_id, scheduled_ms, params, idempotency_key_hash "
                            "FROM scheduled_statuses " +
                            sql_tail));
  bind(stmt);
  std::vector<ScheduledStatus> rows;
  while (stmt.step()) {
    rows.push_back({stmt.int64(0), stmt.int64(1), stmt.int64(2), stmt.text(3), {}, {}});
    if (!stmt.is_null(4)) rows.back().idempotency_key_hash = stmt.text(4);
  }
  PUBLIUS_TRY(stmt.status());
  if (rows.empty()) return rows;
  std::vector<int64_t> ids;
  for (const auto& row : rows) ids.push_back(row.id);
  PUBLIUS_ASSIGN_OR_RETURN(auto media, db.prepare(std::string("SELECT ") + kMediaColumns +
                                                  " FROM media WHERE scheduled_status_id IN (" +
                                                  id_list(ids) + ") ORDER BY position"));
  while (media.step()) {
    auto attachment = read_media(media);
    for (auto& row : rows)
      if (row.id == attachment.scheduled_status_id) row.media.push_back(attachment);
  }
  PUBLIUS_TRY(media.status());
  return rows;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return internal_error("cannot create data directory: " + ec.message());
  // Owner-only: the data directory is nobody else's business on a shared host.
  std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  PUBLIUS_ASSIGN_OR_RETURN(auto db, Db::open(data_dir + "/publius.db"));
  PUBLIUS_TRY(migrate(db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db)));
}

SqliteStore::SqliteStore(Db db)
    : db_(std::move(db)),
      wal_index_(db_.handle()),
      committer_(
          db_, mu_,
          [this] {
            {
              auto caches = lock_caches();
              commit_effects_.clear();
              drop_caches();
            }
            std::lock_guard queued(queued_days_mu_);
            queued_days_.clear();
          },
          [this] { batch_committed(); }),
      queued_writes_flusher_([this] {
        (void)commit_queued_writes();  // failing, they wait for the next batch
        return kQueuedWritesFlush;
      }) {
  sqlite3_update_hook(db_.handle(), &SqliteStore::note_change, this);
}

SqliteStore::~SqliteStore() { (void)commit_queued_writes(); }

Status SqliteStore::commit_queued_writes() {
  if (committer_.stats().enqueued == 0) return ok_status();
  return committer_.run([](Db&) { return ok_status(); });
}

template <typename Body>
auto SqliteStore::write_body(Body&& body) -> decltype(body()) {
  const size_t effects_before = commit_effects_.size();
  std::optional<decltype(body())> result;
  {
    // Readers of the caches wait while a write's body changes them, not for its fsync.
    std::unique_lock caches(cache_mu_);
    writing_ = true;
    struct EndWriting {
      bool& writing;
      ~EndWriting() { writing = false; }
    } end_writing{writing_};
    result.emplace(body());
  }
  if (!result->ok())
    commit_effects_.erase(commit_effects_.begin() + static_cast<ptrdiff_t>(effects_before),
                          commit_effects_.end());
  return std::move(*result);
}

template <typename Body>
auto SqliteStore::write(Body&& body) -> decltype(body()) {
  std::optional<decltype(body())> result;
  Status durable = committer_.run([&](Db&) -> Status {
    result.emplace(write_body(body));
    if (!result->ok()) return result->error();
    return ok_status();
  });
  if (!durable.ok()) return durable.take_error();
  return std::move(*result);
}

void SqliteStore::note_change(void* self, int op, const char*, const char* table, sqlite3_int64) {
  if (op != SQLITE_DELETE && op != SQLITE_UPDATE) return;
  auto* store = static_cast<SqliteStore*>(self);
  store->old_bytes_in_log_ = true;
  if (op == SQLITE_DELETE && std::string_view(table) == "statuses")
    store->deleted_search_terms_ = true;
}

Result<bool> SqliteStore::erase_deleted() {
  std::lock_guard lock(mu_);
  if (!old_bytes_in_log_) return false;
  // A contentless FTS5 'delete' only adds a tombstone; the post's terms stay in
  // older index segments until they are merged into one.
  if (deleted_search_terms_)
    PUBLIUS_TRY(db_.exec("INSERT INTO statuses_fts (statuses_fts) VALUES ('optimize')"));
  // The merge above is itself logged; the checkpoint copies every page home
  // (where secure_delete has zeroed what was freed) and empties the log.
  int logged = 0, moved = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db_.handle(), "main", SQLITE_CHECKPOINT_TRUNCATE, &logged, &moved);
  if (rc != SQLITE_OK)
    return internal_error(std::string("erasure checkpoint failed: ") +
                          sqlite3_errmsg(db_.handle()));
  old_bytes_in_log_ = false;
  deleted_search_terms_ = false;
  return true;
}

Status SqliteStore::sync_caches() {
  // Looked at before data_version: a commit landing after that read shows as a header
  // changed since, and is checked then.
  const auto header = wal_index_.snapshot();
  int64_t version = 0;
  {
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached("PRAGMA data_version"));
    if (!stmt.step()) return stmt.status();
    version = stmt.int64(0);
  }
  auto caches = lock_caches();
  if (version != data_version_) {
    drop_caches();
    if (data_version_ != -1) ++external_commits_;
    data_version_ = version;
  }
  synced_header_ = header;
  return ok_status();
}

void SqliteStore::batch_committed() {
  {
    auto caches = lock_caches();
    for (auto& effect : commit_effects_) effect();
    commit_effects_.clear();
  }
  // Failing leaves the caches marked stale: the next read checks again.
  (void)sync_caches();
}

void SqliteStore::drop_caches() {
  post_cache_.clear();
  account_cache_.clear();
  token_cache_.clear();
  hidden_cache_.clear();
  viewer_cache_.clear();
  followers_cache_.clear();
}

Result<uint64_t> SqliteStore::external_commits() {
  if (auto seen = from_caches([&] { return std::optional<uint64_t>(external_commits_); }))
    return *seen;
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  return external_commits_;
}

// ---- Accounts ----

Result<Account> SqliteStore::create_account_in(const NewAccount& a) {
  const int64_t today = now_day_ms();
  // Ids stay dense (home feeds are indexed by them) but are never reused after a deletion.
  // A name already taken (in any letter case) fails the insert: kConflict, nothing stored.
  PUBLIUS_TRY(run(db_, "UPDATE account_id_high_water SET last_id = last_id + 1", [](Stmt&) {}));
  PUBLIUS_TRY(run(db_,
                  "INSERT INTO accounts (id, username, password_hash, role, created_day, "
                  "public_key, wrapped_key) VALUES ((SELECT last_id FROM account_id_high_water), "
                  "?, ?, ?, ?, ?, ?)",
                  [&](Stmt& s) {
                    s.bind(1, a.username).bind(2, a.password_hash);
                    s.bind(3, static_cast<int64_t>(a.role)).bind(4, today);
                    s.bind_blob(5, a.public_key).bind_blob(6, a.password_wrapped_key);
                  }));
  const int64_t id = db_.last_insert_id();
  for (const auto& code : a.recovery_codes) {
    PUBLIUS_TRY(run(
        db_, "INSERT INTO recovery_codes (account_id, code_hash, wrapped_key) VALUES (?, ?, ?)",
        [&](Stmt& s) { s.bind(1, id).bind(2, code.code_hash).bind_blob(3, code.wrapped_key); }));
  }
  Account out;
  out.id = id;
  out.username = a.username;
  out.role = a.role;
  out.created_day_ms = today;
  return out;
}

Result<Account> SqliteStore::create_account(const NewAccount& a) {
  return write([&] { return create_account_in(a); });
}

// ---- Bulk loading ----

Result<std::vector<Account>> SqliteStore::create_accounts(const std::vector<NewAccount>& accounts) {
  return write([&]() -> Result<std::vector<Account>> {
    std::vector<Account> out;
    out.reserve(accounts.size());
    for (const auto& a : accounts) {
      PUBLIUS_ASSIGN_OR_RETURN(auto created, create_account_in(a));
      out.push_back(std::move(created));
    }
    return out;
  });
}

Result<std::vector<Token>> SqliteStore::create_tokens(const std::vector<NewToken>& tokens) {
  return write([&]() -> Result<std::vector<Token>> {
    std::vector<Token> out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) {
      PUBLIUS_ASSIGN_OR_RETURN(auto created, create_token_in(t.token_hash, t.token, t.wrapped_key));
      out.push_back(std::move(created));
    }
    return out;
  });
}

Status SqliteStore::insert_follows(const std::vector<std::pair<int64_t, int64_t>>& follows) {
  return write([&]() -> Status {
    // The counters move once per account with the batch's sum, not once per row: the
    // same values follow() leaves, in a fraction of the updates.
    std::unordered_map<int64_t, int64_t> following, followers;
    // Pairs by name, not structured bindings: clang 14 (clang-tidy) cannot capture those.
    for (const auto& follow : follows) {
      PUBLIUS_TRY(run(db_,
                      "INSERT INTO follows (account_id, target_id, show_reblogs, notify) "
                      "VALUES (?, ?, 1, 0)",
                      [&](Stmt& s) { s.bind(1, follow.first).bind(2, follow.second); }));
      ++following[follow.first];
      ++followers[follow.second];
    }
    auto add_counts = [&](const char* sql,
                          const std::unordered_map<int64_t, int64_t>& counts) -> Status {
      for (const auto& account_count : counts) {
        PUBLIUS_TRY(run(db_, sql, [&](Stmt& s) {
          s.bind(1, account_count.second).bind(2, account_count.first);
        }));
        if (db_.changes() == 0) return not_found("bulk follow names a missing account");
      }
      return ok_status();
    };
    PUBLIUS_TRY(add_counts("UPDATE accounts SET following_count = following_count + ? WHERE id = ?",
                           following));
    PUBLIUS_TRY(add_counts("UPDATE accounts SET followers_count = followers_count + ? WHERE id = ?",
                           followers));
    drop_caches();
    return ok_status();
  });
}

Status SqliteStore::insert_statuses(const std::vector<std::pair<Post, NewPostEffects>>& posts) {
  return write([&]() -> Status {
    for (const auto& [post, effects] : posts) PUBLIUS_TRY(insert_status_in(post, effects));
    return ok_status();
  });
}

Result<std::optional<Account>> SqliteStore::account_by_id(int64_t id) {
  const auto cached = [&]() -> std::optional<std::optional<Account>> {
    if (auto it = account_cache_.find(id); it != account_cache_.end()) {
      std::optional<Account> copy(it->second);
      copy->store_revision.stamp_as(it->second.store_revision);
      return copy;
    }
    return std::nullopt;
  };
  if (auto hit = from_caches(cached)) return std::move(*hit);
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  if (auto hit = cached()) return std::move(*hit);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kAccountColumns +
                                                         " FROM accounts WHERE id = ?"));
  stmt.bind(1, id);
  if (stmt.step()) {
    Account account = read_account(stmt);
    if (may_fill()) {
      auto caches = lock_caches();
      bound(account_cache_);
      fill_cache(account_cache_, account);
    }
    return std::optional<Account>(std::move(account));
  }
  PUBLIUS_TRY(stmt.status());
  return std::optional<Account>();
}

Result<std::optional<Account>> SqliteStore::account_by_username(std::string_view username) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kAccountColumns +
                                                         " FROM accounts WHERE username = ?"));
  stmt.bind(1, username);
  if (stmt.step()) return std::optional<Account>(read_account(stmt));
  PUBLIUS_TRY(stmt.status());
  return std::optional<Account>();
}

Result<std::vector<Account>> SqliteStore::accounts_by_ids(const std::vector<int64_t>& ids) {
  std::vector<Account> out;
  if (ids.empty()) return out;
  if (auto hit = from_caches([&] { return all_cached(account_cache_, ids); }))
    return std::move(*hit);
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  std::vector<int64_t> missing;
  for (int64_t id : ids) {
    if (auto it = account_cache_.find(id); it != account_cache_.end()) {
      append_cached(out, it->second);
    } else {
      missing.push_back(id);
    }
  }
  if (missing.empty()) return out;
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  // One compiled statement stepped per id: compiling an IN list costs more than the lookups.
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kAccountColumns +
                                                         " FROM accounts WHERE id = ?"));
  const size_t first_loaded = out.size();
  for (int64_t id : missing) {
    stmt.reset();
    stmt.bind(1, id);
    if (stmt.step()) out.push_back(read_account(stmt));
    PUBLIUS_TRY(stmt.status());
  }
  if (may_fill()) {
    auto caches = lock_caches();
    bound(account_cache_);
    for (size_t i = first_loaded; i < out.size(); ++i) fill_cache(account_cache_, out[i]);
  }
  return out;
}

Result<std::vector<Account>> SqliteStore::search_accounts(std::string_view prefix, int limit,
                                                          int offset) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached(std::string("SELECT ") + kAccountColumns +
                         " FROM accounts WHERE username LIKE ? ESCAPE '\\' OR display_name LIKE ? "
                         "ESCAPE '\\' ORDER BY followers_count DESC, id LIMIT ? OFFSET ?"));
  std::string pattern;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  stmt.bind(1, pattern + "%").bind(2, pattern + "%").bind(3, limit).bind(4, offset);
  std::vector<Account> out;
  while (stmt.step()) out.push_back(read_account(stmt));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::vector<int64_t>> SqliteStore::directory(const DirectoryQuery& q) {
  std::lock_guard lock(mu_);
  std::string sql = "SELECT id FROM accounts WHERE discoverable = 1";
  if (!q.excluded.empty()) sql += " AND id NOT IN (" + id_list(q.excluded) + ")";
  sql += q.order == domain::DirectoryOrder::kActive
             ? " ORDER BY last_status_day IS NULL, last_status_day DESC, id DESC"
             : " ORDER BY id DESC";
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare(sql + " LIMIT ? OFFSET ?"));
  stmt.bind(1, std::max(1, q.limit)).bind(2, std::max<int64_t>(0, q.offset));
  return collect_ids(stmt);
}

Status SqliteStore::update_profile(int64_t id, const ProfileUpdate& u) {
  return write([&]() -> Status {
    auto set_text = [&](const char* col, const std::optional<std::string>& v) -> Status {
      if (!v) return ok_status();
      return run(db_, std::string("UPDATE accounts SET ") + col + " = ? WHERE id = ?",
                 [&](Stmt& s) { s.bind(1, *v).bind(2, id); });
    };
    auto set_bool = [&](const char* col, std::optional<bool> v) -> Status {
      if (!v) return ok_status();
      return run(db_, std::string("UPDATE accounts SET ") + col + " = ? WHERE id = ?",
                 [&](Stmt& s) { s.bind(1, *v).bind(2, id); });
    };
    PUBLIUS_TRY(set_text("display_name", u.display_name));
    PUBLIUS_TRY(set_text("note", u.note));
    PUBLIUS_TRY(set_bool("locked", u.locked));
    PUBLIUS_TRY(set_bool("bot", u.bot));
    if (u.fields) PUBLIUS_TRY(set_text("fields", fields_to_json(*u.fields)));
    if (u.default_visibility) {
      PUBLIUS_TRY(run(db_, "UPDATE accounts SET default_visibility = ? WHERE id = ?", [&](Stmt& s) {
        s.bind(1, static_cast<int64_t>(*u.default_visibility)).bind(2, id);
      }));
    }
    PUBLIUS_TRY(set_bool("default_sensitive", u.default_sensitive));
    PUBLIUS_TRY(set_text("default_language", u.default_language));
    PUBLIUS_TRY(set_text("avatar_file", u.avatar_file));
    PUBLIUS_TRY(set_text("header_file", u.header_file));
    PUBLIUS_TRY(set_bool("discoverable", u.discoverable));
    PUBLIUS_TRY(set_bool("indexable", u.indexable));
    PUBLIUS_TRY(set_bool("hide_collections", u.hide_collections));
    if (u.also_known_as) PUBLIUS_TRY(set_text("also_known_as", join_tags(*u.also_known_as)));
    if (u.moved_to_id) {
      PUBLIUS_TRY(run(db_, "UPDATE accounts SET moved_to_id = ? WHERE id = ?",
                      [&](Stmt& s) { s.bind(1, *u.moved_to_id).bind(2, id); }));
    }
    forget_account(id);
    return ok_status();
  });
}

Status SqliteStore::set_role(int64_t id, domain::Role role) {
  return write([&]() -> Status {
    forget_account(id);
    return run(db_, "UPDATE accounts SET role = ? WHERE id = ?",
               [&](Stmt& s) { s.bind(1, static_cast<int64_t>(role)).bind(2, id); });
  });
}

Result<std::string> SqliteStore::password_hash(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT password_hash FROM accounts WHERE id = ?"));
  stmt.bind(1, account_id);
  if (stmt.step()) return stmt.text(0);
  PUBLIUS_TRY(stmt.status());
  return not_found();
}

Result<int64_t> SqliteStore::accounts_active_since(int64_t day_ms) {
  PUBLIUS_TRY(commit_queued_writes());
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT count(*) FROM accounts WHERE last_active_day >= ?"));
  stmt.bind(1, day_ms);
  if (stmt.step()) return stmt.int64(0);
  PUBLIUS_TRY(stmt.status());
  return int64_t{0};
}

Result<std::optional<store::ActorKey>> SqliteStore::actor_key(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT public_pem, private_pem FROM actor_keys WHERE account_id = ?"));
  stmt.bind(1, account_id);
  if (stmt.step()) return std::optional(store::ActorKey{stmt.text(0), stmt.text(1)});
  PUBLIUS_TRY(stmt.status());
  return std::optional<store::ActorKey>();
}

Result<store::ActorKey> SqliteStore::add_actor_key(int64_t account_id, const store::ActorKey& key) {
  PUBLIUS_TRY(write([&]() -> Status {
    return run(
        db_,
        "INSERT INTO actor_keys (account_id, public_pem, private_pem) VALUES (?, ?, ?) "
        "ON CONFLICT (account_id) DO NOTHING",
        [&](Stmt& s) { s.bind(1, account_id).bind(2, key.public_pem).bind(3, key.private_pem); });
  }));
  PUBLIUS_ASSIGN_OR_RETURN(auto kept, actor_key(account_id));
  if (!kept) return not_found();
  return std::move(*kept);
}

Status SqliteStore::touch_activity_day(int64_t account_id, int64_t token_id,
                                       std::string_view token_hash, int64_t day_ms) {
  const std::pair<int64_t, int64_t> key{account_id, token_id};
  {
    std::lock_guard queued(queued_days_mu_);
    int64_t& queued_day = queued_days_[key];
    if (queued_day >= day_ms) return ok_status();
    queued_day = day_ms;
  }
  committer_.enqueue([this, key, hash = std::string(token_hash), day_ms](Db&) -> Status {
    Status written = write_body([&]() -> Status {
      PUBLIUS_TRY(run(db_,
                      "UPDATE accounts SET last_active_day = ?1 WHERE id = ?2 AND "
                      "(last_active_day IS NULL OR last_active_day < ?1)",
                      [&](Stmt& s) { s.bind(1, day_ms).bind(2, key.first); }));
      PUBLIUS_TRY(run(db_,
                      "UPDATE tokens SET last_used_day = ?1 WHERE id = ?2 AND "
                      "(last_used_day IS NULL OR last_used_day < ?1)",
                      [&](Stmt& s) { s.bind(1, day_ms).bind(2, key.second); }));
      // By hash: a scan for the id would cost every first use of a day the whole cache.
      after_commit([this, hash, key, day_ms] {
        if (auto it = token_cache_.find(hash); it != token_cache_.end())
          it->second.last_used_day_ms = day_ms;
        std::lock_guard queued(queued_days_mu_);
        if (auto it = queued_days_.find(key); it != queued_days_.end() && it->second <= day_ms)
          queued_days_.erase(it);
      });
      return ok_status();
    });
    if (!written.ok()) {
      // Not written: the next use of the token queues its day again.
      std::lock_guard queued(queued_days_mu_);
      queued_days_.erase(key);
    }
    return written;
  });
  return ok_status();
}

// ---- OAuth ----

namespace {
App read_app(const Stmt& s) {
  App a;
  a.id = s.int64(0);
  a.name = s.text(1);
  a.website = s.text(2);
  a.redirect_uris = split_tags(s.text(3));  // space-separated like tags
  a.scopes = s.text(4);
  a.client_id = s.text(5);
  a.client_secret = s.text(6);
  return a;
}
constexpr const char* kAppColumns =
    "id, name, website, redirect_uris, scopes, client_id, client_secret";
}  // namespace

Result<App> SqliteStore::create_app(const App& app) {
  return write([&]() -> Result<App> {
    PUBLIUS_TRY(
        run(db_,
            "INSERT INTO apps (name, website, redirect_uris, scopes, client_id, "
            "client_secret) VALUES (?, ?, ?, ?, ?, ?)",
            [&](Stmt& s) {
              s.bind(1, app.name).bind(2, app.website).bind(3, join_tags(app.redirect_uris));
              s.bind(4, app.scopes).bind(5, app.client_id).bind(6, app.client_secret);
            }));
    App out = app;
    out.id = db_.last_insert_id();
    return out;
  });
}

Result<std::optional<App>> SqliteStore::app_by_client_id(std::string_view client_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kAppColumns +
                                                         " FROM apps WHERE client_id = ?"));
  stmt.bind(1, client_id);
  if (stmt.step()) return std::optional<App>(read_app(stmt));
  PUBLIUS_TRY(stmt.status());
  return std::optional<App>();
}

Result<std::optional<App>> SqliteStore::app_by_id(int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kAppColumns +
                                                         " FROM apps WHERE id = ?"));
  stmt.bind(1, id);
  if (stmt.step()) return std::optional<App>(read_app(stmt));
  PUBLIUS_TRY(stmt.status());
  return std::optional<App>();
}

namespace {

// A credential's wrapped key, or NULL when it carries none.
void bind_wrapped_key(Stmt& s, int i, const std::string& wrapped_key) {
  if (wrapped_key.empty())
    s.bind_null(i);
  else
    s.bind_blob(i, wrapped_key);
}

}  // namespace

Result<Token> SqliteStore::create_token_in(const std::string& token_hash, const Token& t,
                                           const std::string& wrapped_key) {
  const int64_t today = now_day_ms();
  PUBLIUS_TRY(run(db_,
                  "INSERT INTO tokens (token_hash, app_id, account_id, scopes, created_day, "
                  "wrapped_key, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  [&](Stmt& s) {
                    s.bind(1, token_hash).bind(2, t.app_id).bind(3, t.account_id);
                    s.bind(4, t.scopes).bind(5, today);
                    bind_wrapped_key(s, 6, wrapped_key);
                    s.bind(7, t.member_id);
                  }));
  Token out = t;
  out.id = db_.last_insert_id();
  out.created_day_ms = today;
  return out;
}

Result<Token> SqliteStore::create_token(const std::string& token_hash, const Token& t,
                                        const std::string& wrapped_key) {
  return write([&] { return create_token_in(token_hash, t, wrapped_key); });
}

Result<std::optional<Token>> SqliteStore::token_by_hash(const std::string& token_hash) {
  const auto cached = [&]() -> std::optional<std::optional<Token>> {
    if (auto it = token_cache_.find(token_hash); it != token_cache_.end())
      return std::optional<Token>(it->second);
    return std::nullopt;
  };
  if (auto hit = from_caches(cached)) return std::move(*hit);
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  if (auto hit = cached()) return std::move(*hit);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT id, app_id, account_id, scopes, created_day, "
                                    "last_used_day, member_id FROM tokens WHERE token_hash = ?"));
  stmt.bind(1, token_hash);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<Token>();
  }
  Token t;
  t.id = stmt.int64(0);
  t.app_id = stmt.int64(1);
  t.account_id = stmt.optional_int64(2);
  t.scopes = stmt.text(3);
  t.created_day_ms = stmt.int64(4);
  t.last_used_day_ms = stmt.optional_int64(5);
  t.member_id = stmt.optional_int64(6);
  if (may_fill()) {
    auto caches = lock_caches();
    bound(token_cache_);
    token_cache_[token_hash] = t;
  }
  return std::optional<Token>(t);
}

Status SqliteStore::revoke_token(const std::string& token_hash) {
  return write([&]() -> Status {
    token_cache_.erase(token_hash);
    return run(db_, "DELETE FROM tokens WHERE token_hash = ?",
               [&](Stmt& s) { s.bind(1, token_hash); });
  });
}

Status SqliteStore::create_auth_code(const std::string& code_hash, const AuthCode& c,
                                     const std::string& wrapped_key) {
  return write([&]() -> Status {
    // Expired codes are swept here rather than by a timer: codes live minutes.
    PUBLIUS_TRY(run(db_, "DELETE FROM auth_codes WHERE expires_ms < ?",
                    [&](Stmt& s) { s.bind(1, c.expires_ms - 3600 * 1000); }));
    return run(db_,
               "INSERT INTO auth_codes (code_hash, app_id, account_id, scopes, redirect_uri, "
               "code_challenge, expires_ms, wrapped_key, member_id) VALUES (?, ?, ?, ?, ?, ?, ?, "
               "?, ?)",
               [&](Stmt& s) {
                 s.bind(1, code_hash).bind(2, c.app_id).bind(3, c.account_id).bind(4, c.scopes);
                 s.bind(5, c.redirect_uri).bind(6, c.code_challenge).bind(7, c.expires_ms);
                 bind_wrapped_key(s, 8, wrapped_key);
                 s.bind(9, c.member_id);
               });
  });
}

Result<std::optional<AuthCode>> SqliteStore::take_auth_code(const std::string& code_hash,
                                                            int64_t app_id) {
  return write([&]() -> Result<std::optional<AuthCode>> {
    // One statement: two exchanges of one code cannot both get it.
    PUBLIUS_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare_cached("DELETE FROM auth_codes WHERE code_hash = ? AND app_id = ? "
                                      "RETURNING app_id, account_id, scopes, redirect_uri, "
                                      "code_challenge, expires_ms, member_id"));
    stmt.bind(1, code_hash).bind(2, app_id);
    if (!stmt.step()) {
      PUBLIUS_TRY(stmt.status());
      return std::optional<AuthCode>();
    }
    AuthCode c;
    c.app_id = stmt.int64(0);
    c.account_id = stmt.int64(1);
    c.scopes = stmt.text(2);
    c.redirect_uri = stmt.text(3);
    c.code_challenge = stmt.text(4);
    c.expires_ms = stmt.int64(5);
    c.member_id = stmt.optional_int64(6);
    while (stmt.step()) {
    }
    PUBLIUS_TRY(stmt.status());
    return std::optional<AuthCode>(c);
  });
}

// ---- Statuses ----

Status SqliteStore::insert_status_in(const Post& st, const NewPostEffects& effects) {
  if (effects.scheduled_status_id) {
    // First: its deletion releases the uploads it reserved, for this post to take.
    PUBLIUS_TRY(
        run(db_, "DELETE FROM scheduled_statuses WHERE id = ? AND account_id = ?",
            [&](Stmt& s) { s.bind(1, *effects.scheduled_status_id).bind(2, st.account_id); }));
    if (db_.changes() == 0) return conflict("scheduled post already published or deleted");
  }
  if (effects.idempotency_key_hash) {
    // The key is claimed with the post, under the (account, key) primary key: of
    // two posts racing with one key, the second finds it here (or, on another
    // backend, fails on the constraint) and stores nothing.
    PUBLIUS_ASSIGN_OR_RETURN(
        bool claimed,
        exists(db_, "SELECT 1 FROM idempotency_keys WHERE account_id = ? AND key_hash = ?",
               [&](Stmt& s) { s.bind(1, st.account_id).bind(2, *effects.idempotency_key_hash); }));
    if (claimed) return conflict("idempotency key already names a post");
  }
  if (st.in_reply_to_id) {
    // A reply names its parent without a foreign key (replies outlive it): a parent
    // deleted since the domain looked is a vanished target all the same.
    PUBLIUS_ASSIGN_OR_RETURN(bool parent, exists(db_, "SELECT 1 FROM statuses WHERE id = ?",
                                                 [&](Stmt& s) { s.bind(1, *st.in_reply_to_id); }));
    if (!parent) return not_found("reply parent is gone");
  }
  const PostListing& listing = effects.listing;
  PUBLIUS_TRY(run(db_,
                  std::string("INSERT INTO statuses (") + kStatusColumns +
                      ", counted, counted_as_reply, in_search, tags_in_search, "
                      "in_public_timelines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, "
                      "0, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [&](Stmt& s) {
                    s.bind(1, st.id).bind(2, st.account_id).bind(3, st.text).bind(4, st.html);
                    s.bind(5, st.spoiler_text).bind(6, static_cast<int64_t>(st.visibility));
                    s.bind(7, st.sensitive).bind(8, st.language).bind(9, st.in_reply_to_id);
                    s.bind(10, st.in_reply_to_account_id).bind(11, st.reblog_of_id);
                    s.bind(12, st.created_ms).bind(13, st.edited_ms);
                    s.bind(14, join_tags(st.tags)).bind_blob(15, st.sealed);
                    s.bind(16, st.uri).bind(17, st.url);
                    s.bind(18, listing.counted).bind(19, listing.counted_as_reply);
                    s.bind(20, listing.in_search).bind(21, listing.tags_in_search);
                    s.bind(22, listing.in_public_timelines);
                  }));
  PUBLIUS_TRY(insert_mentions_in(db_, st));
  for (const auto& key : effects.tag_keys) {
    PUBLIUS_TRY(run(db_, "INSERT OR IGNORE INTO status_tags (tag, status_id) VALUES (?, ?)",
                    [&](Stmt& s) { s.bind(1, key).bind(2, st.id); }));
  }
  PUBLIUS_TRY(attach_media(st, false));
  if (st.poll) PUBLIUS_TRY(insert_poll_in(db_, st.id, *st.poll));
  if (st.reblog_of_id)
    PUBLIUS_TRY(adjust_count(db_, "statuses", "reblogs_count", *st.reblog_of_id, +1));
  if (listing.counted) {
    PUBLIUS_TRY(adjust_count(db_, "accounts", "statuses_count", st.account_id, +1));
    PUBLIUS_TRY(run(db_, "UPDATE accounts SET last_status_day = ? WHERE id = ?", [&](Stmt& s) {
      s.bind(1, day_floor_ms(st.created_ms)).bind(2, st.account_id);
    }));
  }
  if (listing.counted_as_reply && st.in_reply_to_id)
    PUBLIUS_TRY(adjust_count(db_, "statuses", "replies_count", *st.in_reply_to_id, +1));
  if (listing.in_search) {
    PUBLIUS_TRY(run(db_, "INSERT INTO statuses_fts (rowid, text) VALUES (?, ?)",
                    [&](Stmt& s) { s.bind(1, st.id).bind(2, search_text(st)); }));
  }
  for (const auto& c : effects.conversations)
    PUBLIUS_TRY(save_conversation_in(db_, c.account_id, c.participant_ids, st.id, c.unread));
  for (const auto& n : effects.notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
  if (effects.idempotency_key_hash) {
    PUBLIUS_TRY(
        run(db_, "INSERT INTO idempotency_keys (account_id, key_hash, status_id) VALUES (?, ?, ?)",
            [&](Stmt& s) {
              s.bind(1, st.account_id).bind(2, *effects.idempotency_key_hash).bind(3, st.id);
            }));
  }
  forget_account(st.account_id);
  if (st.reblog_of_id) forget_post(*st.reblog_of_id);
  if (st.in_reply_to_id) forget_post(*st.in_reply_to_id);
  if (st.reblog_of_id) note_link(st.account_id, &ViewerSets::reblogged, *st.reblog_of_id, true);
  return ok_status();
}

Status SqliteStore::insert_status(const Post& st, const NewPostEffects& effects) {
  return write([&]() -> Status { return insert_status_in(st, effects); });
}

std::optional<std::vector<Post>> SqliteStore::cached_statuses(
    const std::vector<int64_t>& ids) const {
  return from_caches([&] { return all_cached(post_cache_, ids); });
}

Result<std::vector<Post>> SqliteStore::load_statuses(const std::vector<int64_t>& ids) {
  std::vector<Post> out;
  if (ids.empty()) return out;
  PUBLIUS_TRY(sync_caches());
  std::vector<int64_t> missing;
  for (int64_t id : ids) {
    if (auto it = post_cache_.find(id); it != post_cache_.end()) {
      append_cached(out, it->second);
    } else {
      missing.push_back(id);
    }
  }
  if (missing.empty()) return out;
  const size_t first_loaded = out.size();
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare(std::string("SELECT ") + kStatusColumns +
                                       " FROM statuses WHERE id IN (" + id_list(missing) + ")"));
  while (stmt.step()) out.push_back(read_status(stmt));
  PUBLIUS_TRY(stmt.status());
  PUBLIUS_ASSIGN_OR_RETURN(auto mentions,
                           db_.prepare("SELECT status_id, account_id FROM mentions WHERE "
                                       "status_id IN (" +
                                       id_list(missing) + ")"));
  std::unordered_map<int64_t, Post*> loaded;
  for (size_t i = first_loaded; i < out.size(); ++i) loaded[out[i].id] = &out[i];
  while (mentions.step()) {
    if (auto it = loaded.find(mentions.int64(0)); it != loaded.end())
      it->second->mention_account_ids.push_back(mentions.int64(1));
  }
  PUBLIUS_TRY(mentions.status());
  PUBLIUS_ASSIGN_OR_RETURN(auto media, db_.prepare(std::string("SELECT ") + kMediaColumns +
                                                   " FROM media WHERE status_id IN (" +
                                                   id_list(missing) + ") ORDER BY position"));
  while (media.step()) {
    auto attachment = read_media(media);
    if (auto it = loaded.find(*attachment.status_id); it != loaded.end())
      it->second->media.push_back(std::move(attachment));
  }
  PUBLIUS_TRY(media.status());
  PUBLIUS_ASSIGN_OR_RETURN(auto polls, db_.prepare("SELECT status_id, expires_ms, multiple, "
                                                   "hide_totals, voters_count FROM polls WHERE "
                                                   "status_id IN (" +
                                                   id_list(missing) + ")"));
  while (polls.step()) {
    if (auto it = loaded.find(polls.int64(0)); it != loaded.end()) {
      domain::Poll& poll = it->second->poll.emplace();
      poll.expires_ms = polls.int64(1);
      poll.multiple = polls.boolean(2);
      poll.hide_totals = polls.boolean(3);
      poll.voters_count = polls.int64(4);
    }
  }
  PUBLIUS_TRY(polls.status());
  PUBLIUS_ASSIGN_OR_RETURN(auto options,
                           db_.prepare("SELECT status_id, title, votes_count FROM poll_options "
                                       "WHERE status_id IN (" +
                                       id_list(missing) + ") ORDER BY status_id, position"));
  while (options.step()) {
    if (auto it = loaded.find(options.int64(0)); it != loaded.end() && it->second->poll)
      it->second->poll->options.push_back({options.text(1), options.int64(2)});
  }
  PUBLIUS_TRY(options.status());
  if (may_fill()) {
    auto caches = lock_caches();
    bound(post_cache_);
    for (size_t i = first_loaded; i < out.size(); ++i) fill_cache(post_cache_, out[i]);
  }
  return out;
}

Status SqliteStore::attach_media(const Post& st, bool replace) {
  if (replace) {
    std::vector<int64_t> kept;
    for (const auto& m : st.media) kept.push_back(m.id);
    PUBLIUS_TRY(run(db_,
                    "DELETE FROM media WHERE status_id = ? AND id NOT IN (" + id_list(kept) + ")",
                    [&](Stmt& s) { s.bind(1, st.id); }));
  }
  for (size_t i = 0; i < st.media.size(); ++i) {
    const auto& m = st.media[i];
    // Only the author's own media, unattached (and reserved for no scheduled post)
    // or already this post's: the domain checked, and the WHERE clause keeps a
    // race from taking another post's.
    PUBLIUS_TRY(run(db_,
                    "UPDATE media SET status_id = ?1, position = ?2, description = ?3, "
                    "focus_x = ?4, focus_y = ?5, uploaded_day = NULL WHERE id = ?6 AND "
                    "account_id = ?7 AND scheduled_status_id IS NULL AND "
                    "(status_id IS NULL OR status_id = ?1)",
                    [&](Stmt& s) {
                      s.bind(1, st.id).bind(2, static_cast<int64_t>(i)).bind(3, m.description);
                      s.bind(4, m.focus_x).bind(5, m.focus_y).bind(6, m.id).bind(7, st.account_id);
                    }));
    if (db_.changes() == 0)
      return unprocessable("media " + std::to_string(m.id) + " is not the author's to attach");
  }
  return ok_status();
}

Result<std::optional<Post>> SqliteStore::status_by_id(int64_t id) {
  if (auto hit = cached_statuses({id})) return std::optional<Post>(std::move(hit->front()));
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto found, load_statuses({id}));
  if (found.empty()) return std::optional<Post>();
  return std::optional<Post>(std::move(found.front()));
}

Result<std::vector<Post>> SqliteStore::statuses_by_ids(const std::vector<int64_t>& ids) {
  if (ids.empty()) return std::vector<Post>();
  if (auto hit = cached_statuses(ids)) return std::move(*hit);
  std::lock_guard lock(mu_);
  return load_statuses(ids);
}

Result<std::vector<int64_t>> SqliteStore::delete_status(int64_t id) {
  return write([&]() -> Result<std::vector<int64_t>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto found, load_statuses({id}));
    if (found.empty()) return not_found();
    const Post& st = found.front();
    PUBLIUS_ASSIGN_OR_RETURN(auto listed, listing_in(db_, id));
    if (!listed) return not_found();
    const PostListing& listing = *listed;
    PUBLIUS_ASSIGN_OR_RETURN(auto reblogs_stmt,
                             db_.prepare_cached("SELECT id FROM statuses WHERE reblog_of_id = ?"));
    reblogs_stmt.bind(1, id);
    PUBLIUS_ASSIGN_OR_RETURN(auto reblog_ids, collect_ids(reblogs_stmt));
    if (listing.in_search) {
      PUBLIUS_TRY(
          run(db_, "INSERT INTO statuses_fts (statuses_fts, rowid, text) VALUES ('delete', ?, ?)",
              [&](Stmt& s) { s.bind(1, st.id).bind(2, search_text(st)); }));
    }
    if (st.reblog_of_id)
      PUBLIUS_TRY(adjust_count(db_, "statuses", "reblogs_count", *st.reblog_of_id, -1));
    if (listing.counted)
      PUBLIUS_TRY(adjust_count(db_, "accounts", "statuses_count", st.account_id, -1));
    if (listing.counted_as_reply && st.in_reply_to_id)
      PUBLIUS_TRY(adjust_count(db_, "statuses", "replies_count", *st.in_reply_to_id, -1));
    // Replies stay (as in Mastodon) but lose their parent link's target.
    PUBLIUS_TRY(run(db_, "DELETE FROM statuses WHERE id = ?", [&](Stmt& s) { s.bind(1, id); }));
    forget_post(id);
    for (int64_t r : reblog_ids) forget_post(r);
    if (st.reblog_of_id) forget_post(*st.reblog_of_id);
    if (st.in_reply_to_id) forget_post(*st.in_reply_to_id);
    forget_account(st.account_id);
    if (st.reblog_of_id) note_link(st.account_id, &ViewerSets::reblogged, *st.reblog_of_id, false);
    return reblog_ids;
  });
}

Status SqliteStore::update_status(const Post& st, const PostEdit& previous,
                                  const std::vector<std::string>& tag_keys, bool reset_poll_votes,
                                  const std::vector<Notification>& notifications) {
  return write([&]() -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto found, load_statuses({st.id}));
    if (found.empty()) return not_found();
    const Post& old = found.front();
    PUBLIUS_ASSIGN_OR_RETURN(auto listed, listing_in(db_, st.id));
    if (!listed) return not_found();
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO status_edits (status_id, text, html, spoiler_text, sensitive, "
                    "created_ms, sealed, poll_options) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, st.id).bind(2, previous.text).bind(3, previous.html);
                      s.bind(4, previous.spoiler_text).bind(5, previous.sensitive);
                      s.bind(6, previous.created_ms).bind_blob(7, previous.sealed);
                      if (previous.poll_options) s.bind(8, titles_to_json(*previous.poll_options));
                    }));
    if (!st.poll || !old.poll || reset_poll_votes) {
      // Votes and options cascade with the poll row; the voters' cached choices go too.
      PUBLIUS_TRY(
          run(db_, "DELETE FROM polls WHERE status_id = ?", [&](Stmt& s) { s.bind(1, st.id); }));
      if (old.poll) viewer_cache_.clear();
      if (st.poll) PUBLIUS_TRY(insert_poll_in(db_, st.id, *st.poll));
    } else {
      PUBLIUS_TRY(run(db_,
                      "UPDATE polls SET ended = CASE WHEN expires_ms = ?1 THEN ended ELSE 0 END, "
                      "expires_ms = ?1, hide_totals = ?2 WHERE status_id = ?3",
                      [&](Stmt& s) {
                        s.bind(1, st.poll->expires_ms).bind(2, st.poll->hide_totals).bind(3, st.id);
                      }));
    }
    PUBLIUS_TRY(run(db_,
                    "UPDATE statuses SET text = ?, html = ?, spoiler_text = ?, sensitive = ?, "
                    "language = ?, edited_ms = ?, tags = ?, sealed = ? WHERE id = ?",
                    [&](Stmt& s) {
                      s.bind(1, st.text).bind(2, st.html).bind(3, st.spoiler_text);
                      s.bind(4, st.sensitive).bind(5, st.language).bind(6, st.edited_ms);
                      s.bind(7, join_tags(st.tags)).bind_blob(8, st.sealed).bind(9, st.id);
                    }));
    PUBLIUS_TRY(run(db_, "DELETE FROM status_tags WHERE status_id = ?",
                    [&](Stmt& s) { s.bind(1, st.id); }));
    for (const auto& key : tag_keys) {
      PUBLIUS_TRY(run(db_, "INSERT OR IGNORE INTO status_tags (tag, status_id) VALUES (?, ?)",
                      [&](Stmt& s) { s.bind(1, key).bind(2, st.id); }));
    }
    PUBLIUS_TRY(insert_mentions_in(db_, st));
    PUBLIUS_TRY(attach_media(st, true));
    if (listed->in_search) {
      PUBLIUS_TRY(
          run(db_, "INSERT INTO statuses_fts (statuses_fts, rowid, text) VALUES ('delete', ?, ?)",
              [&](Stmt& s) { s.bind(1, old.id).bind(2, search_text(old)); }));
      PUBLIUS_TRY(run(db_, "INSERT INTO statuses_fts (rowid, text) VALUES (?, ?)",
                      [&](Stmt& s) { s.bind(1, st.id).bind(2, search_text(st)); }));
    }
    for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
    forget_post(st.id);
    return ok_status();
  });
}

Result<std::vector<PostEdit>> SqliteStore::status_edits(int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT text, html, spoiler_text, sensitive, created_ms, "
                                    "sealed, poll_options FROM status_edits WHERE status_id = "
                                    "? ORDER BY id"));
  stmt.bind(1, id);
  std::vector<PostEdit> out;
  while (stmt.step()) {
    out.push_back({id, stmt.text(0), stmt.text(1), stmt.text(2), stmt.boolean(3), stmt.int64(4),
                   stmt.blob(5)});
    if (!stmt.is_null(6)) out.back().poll_options = titles_from_json(stmt.text(6));
  }
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::optional<int64_t>> SqliteStore::find_reblog(int64_t account_id, int64_t status_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT id FROM statuses WHERE reblog_of_id = ? AND account_id = ?"));
  stmt.bind(1, status_id).bind(2, account_id);
  if (stmt.step()) return std::optional<int64_t>(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  return std::optional<int64_t>();
}

Result<std::vector<int64_t>> SqliteStore::ancestors(int64_t id, int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("WITH RECURSIVE up(id, parent, depth) AS ("
                         " SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = ?1"
                         " UNION ALL SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s"
                         " JOIN up ON s.id = up.parent WHERE up.depth < ?2)"
                         " SELECT id FROM up WHERE id != ?1 ORDER BY id"));
  stmt.bind(1, id).bind(2, limit);
  return collect_ids(stmt);
}

Result<std::vector<int64_t>> SqliteStore::descendants(int64_t id, int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("WITH RECURSIVE down(id) AS (SELECT ?1 UNION ALL"
                         " SELECT s.id FROM statuses s JOIN down ON s.in_reply_to_id = down.id)"
                         " SELECT id FROM down WHERE id != ?1 ORDER BY id LIMIT ?2"));
  stmt.bind(1, id).bind(2, limit);
  return collect_ids(stmt);
}

Result<std::vector<int64_t>> SqliteStore::account_statuses(int64_t account_id,
                                                           const AccountStatusesQuery& q,
                                                           const Page& p) {
  std::lock_guard lock(mu_);
  std::string sql = "SELECT s.id FROM statuses s WHERE s.account_id = ?1";
  if (q.only_pinned) sql += " AND s.id IN (SELECT status_id FROM pins WHERE account_id = ?1)";
  if (q.exclude_replies) sql += " AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = ?1)";
  if (q.exclude_reblogs) sql += " AND s.reblog_of_id IS NULL";
  if (q.only_media) sql += std::string(" AND s.id IN ") + kPostsWithMedia;
  if (q.tag) sql += " AND s.id IN (SELECT status_id FROM status_tags WHERE tag = ?3)";
  sql += " AND (s.visibility IN (" + visibility_list(q.visibilities) + ")";
  if (q.or_mentioning) sql += " OR s.id IN (SELECT status_id FROM mentions WHERE account_id = ?2)";
  sql += ")";
  return paged_ids(db_, sql, "s.id", p, [&](Stmt& s) {
    s.bind(1, account_id);
    if (q.or_mentioning) s.bind(2, *q.or_mentioning);
    if (q.tag) s.bind(3, *q.tag);
  });
}

Result<std::vector<int64_t>> SqliteStore::public_timeline(const Page& p, bool only_media,
                                                          domain::PostOrigin origin) {
  std::lock_guard lock(mu_);
  std::string sql = "SELECT id FROM statuses WHERE in_public_timelines = 1";
  if (origin == domain::PostOrigin::kLocal) sql += " AND uri = ''";
  if (origin == domain::PostOrigin::kRemote) sql += " AND uri != ''";
  if (only_media) sql += std::string(" AND id IN ") + kPostsWithMedia;
  return paged_ids(db_, sql, "id", p, [](Stmt&) {});
}

Result<std::vector<int64_t>> SqliteStore::tag_timeline(std::string_view tag, const Page& p,
                                                       bool only_media) {
  std::lock_guard lock(mu_);
  std::string sql =
      "SELECT t.status_id FROM status_tags t JOIN statuses s ON s.id = t.status_id "
      "WHERE t.tag = ? AND s.in_public_timelines = 1";
  if (only_media) sql += std::string(" AND s.id IN ") + kPostsWithMedia;
  return paged_ids(db_, sql, "t.status_id", p, [&](Stmt& s) { s.bind(1, tag); });
}

Result<std::vector<int64_t>> SqliteStore::feed_candidates(const FeedSources& sources,
                                                          const Page& p) {
  std::lock_guard lock(mu_);
  // ?1 the mentioned account, ?2... the tags.
  std::string sql =
      "SELECT s.id FROM statuses s WHERE (s.account_id IN (" + id_list(sources.authors) + ")";
  if (sources.mentioned)
    sql += " OR s.id IN (SELECT status_id FROM mentions WHERE account_id = ?1)";
  if (!sources.tags.empty()) {
    sql += " OR s.id IN (SELECT status_id FROM status_tags WHERE tag IN (";
    for (size_t i = 0; i < sources.tags.size(); ++i)
      sql += (i == 0 ? "?" : ", ?") + std::to_string(i + 2);
    sql += "))";
  }
  sql += ")";
  return paged_ids(db_, sql, "s.id", p, [&](Stmt& s) {
    if (sources.mentioned) s.bind(1, *sources.mentioned);
    for (size_t i = 0; i < sources.tags.size(); ++i)
      s.bind(static_cast<int>(i + 2), sources.tags[i]);
  });
}

Result<std::vector<int64_t>> SqliteStore::search_statuses(std::string_view query, int limit,
                                                          int offset) {
  std::lock_guard lock(mu_);
  // Each word becomes a quoted FTS5 term, so user input cannot inject FTS syntax.
  std::string match;
  size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && query[i] == ' ') ++i;
    size_t j = i;
    while (j < query.size() && query[j] != ' ') ++j;
    if (j > i) {
      std::string word(query.substr(i, j - i));
      std::string quoted = "\"";
      for (char c : word) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
      }
      quoted.push_back('"');
      if (!match.empty()) match += " AND ";
      match += quoted;
    }
    i = j;
  }
  if (match.empty()) return std::vector<int64_t>();
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH ? "
                                    "ORDER BY rowid DESC LIMIT ? OFFSET ?"));
  stmt.bind(1, match).bind(2, limit).bind(3, offset);
  return collect_ids(stmt);
}

Result<std::vector<std::string>> SqliteStore::search_tags(std::string_view prefix, int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(
                     "SELECT t.tag FROM status_tags t JOIN statuses s ON s.id = t.status_id WHERE "
                     "t.tag >= ?1 AND t.tag < ?1 || x'ff' AND s.tags_in_search = 1 GROUP BY t.tag "
                     "ORDER BY COUNT(*) DESC, t.tag LIMIT ?2"));
  stmt.bind(1, prefix).bind(2, limit);
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  PUBLIUS_TRY(stmt.status());
  return out;
}

// ---- Favourites, bookmarks, pins ----

namespace {
// Adds or removes the (account, status) row in a link table; true when changed. A
// post (or account) that is gone fails the insert's foreign key: kNotFound.
Result<bool> set_link(Db& db, std::string_view table, int64_t account_id, int64_t status_id,
                      bool on) {
  const std::string t(table);
  PUBLIUS_TRY(run(db,
                  on ? "INSERT OR IGNORE INTO " + t + " (account_id, status_id) VALUES (?, ?)"
                     : "DELETE FROM " + t + " WHERE account_id = ? AND status_id = ?",
                  [&](Stmt& s) { s.bind(1, account_id).bind(2, status_id); }));
  return db.changes() > 0;
}
}  // namespace

void SqliteStore::note_link(int64_t account_id, std::unordered_set<int64_t> ViewerSets::*set,
                            int64_t status_id, bool on) {
  after_commit([this, account_id, set, status_id, on] {
    auto cached = viewer_cache_.find(account_id);
    if (cached == viewer_cache_.end()) return;
    auto& ids = cached->second.*set;
    if (on)
      ids.insert(status_id);
    else
      ids.erase(status_id);
  });
}

Result<bool> SqliteStore::set_favourite(int64_t account_id, int64_t status_id, bool on,
                                        const std::vector<Notification>& notifications) {
  return write([&]() -> Result<bool> {
    PUBLIUS_ASSIGN_OR_RETURN(bool changed, set_link(db_, "favourites", account_id, status_id, on));
    if (changed)
      PUBLIUS_TRY(adjust_count(db_, "statuses", "favourites_count", status_id, on ? 1 : -1));
    if (changed && on)
      for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
    forget_post(status_id);
    note_link(account_id, &ViewerSets::favourited, status_id, on);
    return changed;
  });
}

Result<bool> SqliteStore::set_bookmark(int64_t account_id, int64_t status_id, bool on) {
  return write([&]() -> Result<bool> {
    PUBLIUS_ASSIGN_OR_RETURN(bool changed, set_link(db_, "bookmarks", account_id, status_id, on));
    note_link(account_id, &ViewerSets::bookmarked, status_id, on);
    return changed;
  });
}

Result<bool> SqliteStore::set_pin(int64_t account_id, int64_t status_id, bool on) {
  return write([&]() -> Result<bool> {
    PUBLIUS_ASSIGN_OR_RETURN(bool changed, set_link(db_, "pins", account_id, status_id, on));
    note_link(account_id, &ViewerSets::pinned, status_id, on);
    return changed;
  });
}

Result<SqliteStore::ViewerSets*> SqliteStore::viewer_sets(int64_t account_id) {
  PUBLIUS_TRY(sync_caches());
  if (auto it = viewer_cache_.find(account_id); it != viewer_cache_.end()) return &it->second;
  ViewerSets sets;
  const std::pair<const char*, std::unordered_set<int64_t>*> sources[] = {
      {"SELECT status_id FROM favourites WHERE account_id = ?", &sets.favourited},
      {"SELECT reblog_of_id FROM statuses WHERE account_id = ? AND reblog_of_id IS NOT NULL",
       &sets.reblogged},
      {"SELECT status_id FROM bookmarks WHERE account_id = ?", &sets.bookmarked},
      {"SELECT status_id FROM pins WHERE account_id = ?", &sets.pinned},
      {"SELECT status_id FROM thread_mutes WHERE account_id = ?", &sets.muted_threads},
  };
  for (const auto& [sql, into] : sources) {
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(sql));
    stmt.bind(1, account_id);
    while (stmt.step()) into->insert(stmt.int64(0));
    PUBLIUS_TRY(stmt.status());
  }
  PUBLIUS_ASSIGN_OR_RETURN(auto votes, db_.prepare_cached("SELECT status_id, choice FROM "
                                                          "poll_votes WHERE account_id = ? "
                                                          "ORDER BY status_id, choice"));
  votes.bind(1, account_id);
  while (votes.step())
    sets.poll_choices[votes.int64(0)].push_back(static_cast<int>(votes.int64(1)));
  PUBLIUS_TRY(votes.status());
  auto caches = lock_caches();
  bound(viewer_cache_);
  return &(viewer_cache_[account_id] = std::move(sets));
}

Result<ViewerFlags> SqliteStore::viewer_flags(int64_t account_id,
                                              const std::vector<int64_t>& status_ids) {
  ViewerFlags flags;
  if (status_ids.empty()) return flags;
  const auto set_flags = [&](const ViewerSets& sets) {
    for (int64_t id : status_ids) {
      if (sets.favourited.count(id)) flags.favourited.push_back(id);
      if (sets.reblogged.count(id)) flags.reblogged.push_back(id);
      if (sets.bookmarked.count(id)) flags.bookmarked.push_back(id);
      if (sets.pinned.count(id)) flags.pinned.push_back(id);
    }
  };
  // Without muted threads the cached sets decide every flag; muted ones need the threads read.
  const bool answered = from_caches([&]() -> std::optional<bool> {
                          auto it = viewer_cache_.find(account_id);
                          if (it == viewer_cache_.end() || !it->second.muted_threads.empty())
                            return std::nullopt;
                          set_flags(it->second);
                          return true;
                        }).has_value();
  if (answered) return flags;
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(ViewerSets * sets, viewer_sets(account_id));
  set_flags(*sets);
  if (sets->muted_threads.empty()) return flags;
  // Each post's thread is named by its first post: the oldest, so the least id, on the way
  // up its replies (as deep as Store::ancestors() reads in context).
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("WITH RECURSIVE up(start, id, parent, depth) AS (SELECT id, id, in_reply_to_id, "
                  "0 FROM statuses WHERE id IN (" +
                  id_list(status_ids) +
                  ") UNION ALL SELECT up.start, s.id, s.in_reply_to_id, up.depth + 1 FROM "
                  "statuses s JOIN up ON s.id = up.parent WHERE up.depth < 4096) SELECT start, "
                  "min(id) FROM up GROUP BY start"));
  while (stmt.step())
    if (sets->muted_threads.count(stmt.int64(1))) flags.muted.push_back(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  return flags;
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::paged_pairs(
    std::string_view table, std::string_view key_col, std::string_view value_col, int64_t key,
    const Page& p) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare("SELECT id, " + std::string(value_col) + " FROM " + std::string(table) +
                  " WHERE " + std::string(key_col) + " = ?" + page_clause("id", p)));
  stmt.bind(1, key);
  std::vector<std::pair<int64_t, int64_t>> out;
  while (stmt.step()) out.emplace_back(stmt.int64(0), stmt.int64(1));
  PUBLIUS_TRY(stmt.status());
  if (p.min_id) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::favourites_of(int64_t account_id,
                                                                            const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("favourites", "account_id", "status_id", account_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::bookmarks_of(int64_t account_id,
                                                                           const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("bookmarks", "account_id", "status_id", account_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::favourited_by(int64_t status_id,
                                                                            const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("favourites", "status_id", "account_id", status_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::reblogged_by(int64_t status_id,
                                                                           const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("statuses", "reblog_of_id", "account_id", status_id, p);
}

// ---- Relationships ----

Result<FollowOutcome> SqliteStore::follow(int64_t account_id, int64_t target_id, bool locked_target,
                                          bool show_reblogs, bool notify,
                                          const std::vector<Notification>& notifications) {
  return write([&]() -> Result<FollowOutcome> {
    // The accounts stay cached: only a new follow changes them (its counts, below).
    for (int64_t id : {account_id, target_id}) {
      followers_cache_.erase(id);
      hidden_cache_.erase(id);
    }
    PUBLIUS_ASSIGN_OR_RETURN(
        bool already, exists(db_, "SELECT 1 FROM follows WHERE account_id = ? AND target_id = ?",
                             [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id); }));
    if (already) {
      // Re-following updates the options, as Mastodon does.
      PUBLIUS_TRY(
          run(db_,
              "UPDATE follows SET show_reblogs = ?, notify = ? WHERE account_id = ? AND "
              "target_id = ?",
              [&](Stmt& s) {
                s.bind(1, show_reblogs).bind(2, notify).bind(3, account_id).bind(4, target_id);
              }));
      return FollowOutcome::kAlready;
    }
    if (locked_target) {
      PUBLIUS_TRY(
          run(db_,
              "INSERT OR IGNORE INTO follow_requests (account_id, target_id, show_reblogs, "
              "notify) VALUES (?, ?, ?, ?)",
              [&](Stmt& s) {
                s.bind(1, account_id).bind(2, target_id).bind(3, show_reblogs).bind(4, notify);
              }));
      if (db_.changes() == 0) return FollowOutcome::kAlready;
      for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
      return FollowOutcome::kRequested;
    }
    PUBLIUS_TRY(
        run(db_,
            "INSERT INTO follows (account_id, target_id, show_reblogs, notify) VALUES (?, ?, "
            "?, ?)",
            [&](Stmt& s) {
              s.bind(1, account_id).bind(2, target_id).bind(3, show_reblogs).bind(4, notify);
            }));
    PUBLIUS_TRY(adjust_count(db_, "accounts", "following_count", account_id, +1));
    PUBLIUS_TRY(adjust_count(db_, "accounts", "followers_count", target_id, +1));
    for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
    // Counted in the cached accounts as in their rows, rather than dropped: in a surge
    // every follow would read the followed account's row again.
    // Each changes under a new revision, as if loaded again.
    after_commit([this, account_id, target_id] {
      const auto count = [this](int64_t id, int64_t Account::*counter) {
        if (auto it = account_cache_.find(id); it != account_cache_.end()) {
          ++(it->second.*counter);
          it->second.store_revision = domain::StoreRevision::fresh();
        }
      };
      count(account_id, &Account::following_count);
      count(target_id, &Account::followers_count);
    });
    return FollowOutcome::kFollowing;
  });
}

Result<bool> SqliteStore::end_follow(const EndedFollow& ended) {
  return write([&]() -> Result<bool> {
    forget_follow(ended.follower_id, ended.followed_id);
    PUBLIUS_ASSIGN_OR_RETURN(const bool removed, end_follow_in(db_, ended));
    return removed;
  });
}

Result<bool> SqliteStore::resolve_follow_request(int64_t requester_id, int64_t target_id,
                                                 bool accept,
                                                 const std::vector<Notification>& notifications) {
  return write([&]() -> Result<bool> {
    forget_follow(requester_id, target_id);
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                             db_.prepare_cached("SELECT show_reblogs, notify FROM "
                                                "follow_requests WHERE account_id = ? AND "
                                                "target_id = ?"));
    stmt.bind(1, requester_id).bind(2, target_id);
    if (!stmt.step()) {
      PUBLIUS_TRY(stmt.status());
      return false;
    }
    const bool show_reblogs = stmt.boolean(0), notify = stmt.boolean(1);
    PUBLIUS_TRY(run(db_, "DELETE FROM follow_requests WHERE account_id = ? AND target_id = ?",
                    [&](Stmt& s) { s.bind(1, requester_id).bind(2, target_id); }));
    if (accept) {
      PUBLIUS_TRY(run(db_,
                      "INSERT OR IGNORE INTO follows (account_id, target_id, show_reblogs, notify) "
                      "VALUES (?, ?, ?, ?)",
                      [&](Stmt& s) {
                        s.bind(1, requester_id).bind(2, target_id).bind(3, show_reblogs);
                        s.bind(4, notify);
                      }));
      if (db_.changes() > 0) {
        PUBLIUS_TRY(adjust_count(db_, "accounts", "following_count", requester_id, +1));
        PUBLIUS_TRY(adjust_count(db_, "accounts", "followers_count", target_id, +1));
      }
      for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
    }
    return true;
  });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::follow_requests(int64_t target_id,
                                                                              const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("follow_requests", "target_id", "account_id", target_id, p);
}

Result<bool> SqliteStore::set_block(int64_t account_id, int64_t target_id, bool on,
                                    const std::vector<EndedFollow>& ended) {
  return write([&]() -> Result<bool> {
    forget_follow(account_id, target_id);
    for (const auto& e : ended) forget_follow(e.follower_id, e.followed_id);
    PUBLIUS_TRY(run(db_,
                    on ? "INSERT OR IGNORE INTO blocks (account_id, target_id) VALUES (?, ?)"
                       : "DELETE FROM blocks WHERE account_id = ? AND target_id = ?",
                    [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id); }));
    const bool changed = db_.changes() > 0;
    for (const auto& e : ended) PUBLIUS_TRY(end_follow_in(db_, e));
    return changed;
  });
}

Result<bool> SqliteStore::set_mute(int64_t account_id, int64_t target_id, bool on,
                                   bool notifications) {
  return write([&]() -> Result<bool> {
    forget_hidden(account_id, target_id);
    if (on) {
      PUBLIUS_TRY(
          run(db_,
              "INSERT INTO mutes (account_id, target_id, notifications) VALUES (?, ?, ?) "
              "ON CONFLICT (account_id, target_id) DO UPDATE SET notifications = "
              "excluded.notifications",
              [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id).bind(3, notifications); }));
    } else {
      PUBLIUS_TRY(run(db_, "DELETE FROM mutes WHERE account_id = ? AND target_id = ?",
                      [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id); }));
    }
    return db_.changes() > 0;
  });
}

Result<std::vector<Relationship>> SqliteStore::relationships(int64_t account_id,
                                                             const std::vector<int64_t>& ids) {
  std::lock_guard lock(mu_);
  std::vector<Relationship> out;
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached(
          "SELECT"
          " (SELECT show_reblogs FROM follows WHERE account_id = ?1 AND target_id = ?2),"
          " (SELECT notify FROM follows WHERE account_id = ?1 AND target_id = ?2),"
          " EXISTS(SELECT 1 FROM follows WHERE account_id = ?2 AND target_id = ?1),"
          " EXISTS(SELECT 1 FROM blocks WHERE account_id = ?1 AND target_id = ?2),"
          " EXISTS(SELECT 1 FROM blocks WHERE account_id = ?2 AND target_id = ?1),"
          " (SELECT notifications FROM mutes WHERE account_id = ?1 AND target_id = ?2),"
          " EXISTS(SELECT 1 FROM follow_requests WHERE account_id = ?1 AND target_id = ?2),"
          " EXISTS(SELECT 1 FROM follow_requests WHERE account_id = ?2 AND target_id = ?1),"
          " (SELECT sealed FROM account_notes WHERE account_id = ?1 AND target_id = ?2),"
          " EXISTS(SELECT 1 FROM endorsements WHERE account_id = ?1 AND target_id = ?2)"));
  for (int64_t id : ids) {
    stmt.bind(1, account_id).bind(2, id);
    Relationship r;
    r.target_id = id;
    if (stmt.step()) {
      r.following = !stmt.is_null(0);
      r.showing_reblogs = r.following && stmt.boolean(0);
      r.notifying = r.following && stmt.boolean(1);
      r.followed_by = stmt.boolean(2);
      r.blocking = stmt.boolean(3);
      r.blocked_by = stmt.boolean(4);
      r.muting = !stmt.is_null(5);
      r.muting_notifications = r.muting && stmt.boolean(5);
      r.requested = stmt.boolean(6);
      r.requested_by = stmt.boolean(7);
      r.sealed_note = stmt.blob(8);
      r.endorsed = stmt.boolean(9);
    }
    PUBLIUS_TRY(stmt.status());
    stmt.reset();
    out.push_back(r);
  }
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::followers(int64_t account_id,
                                                                        const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("follows", "target_id", "account_id", account_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::following(int64_t account_id,
                                                                        const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("follows", "account_id", "target_id", account_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::blocks_of(int64_t account_id,
                                                                        const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("blocks", "account_id", "target_id", account_id, p);
}
Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::mutes_of(int64_t account_id,
                                                                       const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("mutes", "account_id", "target_id", account_id, p);
}

Result<bool> SqliteStore::set_endorsement(int64_t account_id, int64_t target_id, bool on) {
  return write([&]() -> Result<bool> {
    const auto bind_pair = [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id); };
    if (!on) {
      PUBLIUS_TRY(
          run(db_, "DELETE FROM endorsements WHERE account_id = ? AND target_id = ?", bind_pair));
      return db_.changes() > 0;
    }
    PUBLIUS_ASSIGN_OR_RETURN(
        bool following,
        exists(db_, "SELECT 1 FROM follows WHERE account_id = ? AND target_id = ?", bind_pair));
    if (!following) return unprocessable("no follow to endorse");
    PUBLIUS_TRY(run(db_, "INSERT OR IGNORE INTO endorsements (account_id, target_id) VALUES (?, ?)",
                    bind_pair));
    const bool added = db_.changes() > 0;
    return added;
  });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::endorsements(int64_t account_id,
                                                                           const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("endorsements", "account_id", "target_id", account_id, p);
}

Result<std::vector<int64_t>> SqliteStore::followers_followed_by(int64_t account_id,
                                                                int64_t viewer_id) {
  std::lock_guard lock(mu_);
  // From the viewer's follows (usually far fewer than a popular account's followers).
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT mine.target_id FROM follows mine JOIN follows theirs ON "
                         "theirs.account_id = mine.target_id AND theirs.target_id = ?1 WHERE "
                         "mine.account_id = ?2 ORDER BY mine.target_id"));
  stmt.bind(1, account_id).bind(2, viewer_id);
  return collect_ids(stmt);
}

Result<std::vector<int64_t>> SqliteStore::follower_ids(int64_t account_id) {
  const auto cached = [&]() -> std::optional<std::vector<int64_t>> {
    if (auto it = followers_cache_.find(account_id); it != followers_cache_.end())
      return it->second;
    return std::nullopt;
  };
  if (auto hit = from_caches(cached)) return std::move(*hit);
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  if (auto hit = cached()) return std::move(*hit);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT account_id FROM follows WHERE target_id = ? ORDER BY account_id"));
  stmt.bind(1, account_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto ids, collect_ids(stmt));
  if (may_fill()) {
    auto caches = lock_caches();
    bound(followers_cache_);
    followers_cache_[account_id] = ids;
  }
  return ids;
}

Result<std::vector<int64_t>> SqliteStore::followed_ids(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT target_id FROM follows WHERE account_id = ? ORDER BY target_id"));
  stmt.bind(1, account_id);
  return collect_ids(stmt);
}

Result<std::vector<int64_t>> SqliteStore::notified_follower_ids(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT account_id FROM follows WHERE target_id = ? AND notify = 1"));
  stmt.bind(1, account_id);
  return collect_ids(stmt);
}

Result<HiddenAccounts> SqliteStore::hidden_accounts(int64_t viewer_id) {
  const auto cached = [&]() -> std::optional<HiddenAccounts> {
    if (auto it = hidden_cache_.find(viewer_id); it != hidden_cache_.end()) return it->second;
    return std::nullopt;
  };
  if (auto hit = from_caches(cached)) return std::move(*hit);
  std::lock_guard lock(mu_);
  PUBLIUS_TRY(sync_caches());
  if (auto hit = cached()) return std::move(*hit);
  HiddenAccounts hidden;
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT target_id FROM blocks WHERE account_id = ?1 UNION "
                                    "SELECT account_id FROM blocks WHERE target_id = ?1 UNION "
                                    "SELECT target_id FROM mutes WHERE account_id = ?1"));
  stmt.bind(1, viewer_id);
  PUBLIUS_ASSIGN_OR_RETURN(hidden.accounts, collect_ids(stmt));
  PUBLIUS_ASSIGN_OR_RETURN(auto reblogs, db_.prepare_cached("SELECT target_id FROM follows WHERE "
                                                            "account_id = ? AND show_reblogs = 0"));
  reblogs.bind(1, viewer_id);
  PUBLIUS_ASSIGN_OR_RETURN(hidden.reblogs_from, collect_ids(reblogs));
  if (may_fill()) {
    auto caches = lock_caches();
    bound(hidden_cache_);
    hidden_cache_[viewer_id] = hidden;
  }
  return hidden;
}

Result<HiddenBy> SqliteStore::hidden_by(int64_t account_id) {
  std::lock_guard lock(mu_);
  HiddenBy hidden;
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT account_id FROM blocks WHERE target_id = ?1 UNION "
                         "SELECT target_id FROM blocks WHERE account_id = ?1 UNION "
                         "SELECT account_id FROM mutes WHERE target_id = ?1 ORDER BY 1"));
  stmt.bind(1, account_id);
  PUBLIUS_ASSIGN_OR_RETURN(hidden.accounts, collect_ids(stmt));
  PUBLIUS_ASSIGN_OR_RETURN(auto boosts,
                           db_.prepare_cached("SELECT account_id FROM follows WHERE target_id = ? "
                                              "AND show_reblogs = 0 ORDER BY account_id"));
  boosts.bind(1, account_id);
  PUBLIUS_ASSIGN_OR_RETURN(hidden.boosts, collect_ids(boosts));
  return hidden;
}

// ---- Followed hashtags ----

Result<bool> SqliteStore::set_tag_follow(int64_t account_id, const std::string& tag, bool on) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_,
                    on ? "INSERT OR IGNORE INTO tag_follows (account_id, tag) VALUES (?, ?)"
                       : "DELETE FROM tag_follows WHERE account_id = ? AND tag = ?",
                    [&](Stmt& s) { s.bind(1, account_id).bind(2, tag); }));
    const bool changed = db_.changes() > 0;
    // The update hook never sees a WITHOUT ROWID table: the unfollow's old bytes in the
    // log are the erasure pass's to remove, so say so here.
    if (changed && !on) old_bytes_in_log_ = true;
    return changed;
  });
}

Result<std::vector<std::string>> SqliteStore::followed_tags(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT tag FROM tag_follows WHERE account_id = ? ORDER BY tag"));
  stmt.bind(1, account_id);
  std::vector<std::string> tags;
  while (stmt.step()) tags.push_back(stmt.text(0));
  PUBLIUS_TRY(stmt.status());
  return tags;
}

Result<std::vector<int64_t>> SqliteStore::tag_follower_ids(const std::vector<std::string>& tags) {
  if (tags.empty()) return std::vector<int64_t>();
  std::lock_guard lock(mu_);
  std::string placeholders;
  for (size_t i = 0; i < tags.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
  PUBLIUS_ASSIGN_OR_RETURN(
      // One text per number of tags a post has: few enough to keep compiled.
      auto stmt, db_.prepare_cached("SELECT DISTINCT account_id FROM tag_follows WHERE tag IN (" +
                                    placeholders + ") ORDER BY account_id"));
  for (size_t i = 0; i < tags.size(); ++i) stmt.bind(static_cast<int>(i + 1), tags[i]);
  return collect_ids(stmt);
}

Result<std::vector<domain::TagDay>> SqliteStore::tag_history(std::string_view tag,
                                                             int64_t since_day_ms) {
  std::lock_guard lock(mu_);
  // Post ids carry their creation time (util/ids.h): the day is read off the id, and the
  // range starts at the first id of `since_day_ms`, within the tag's own index.
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached(
          "SELECT ((t.status_id >> 16) / 86400000) * 86400000 AS day, count(*), "
          "count(DISTINCT s.account_id) FROM status_tags t JOIN statuses s ON s.id "
          "= t.status_id WHERE t.tag = ? AND t.status_id >= ? AND s.in_public_timelines = 1 "
          "GROUP BY day"));
  stmt.bind(1, tag).bind(2, id_floor_for_ms(since_day_ms));
  std::vector<domain::TagDay> days;
  while (stmt.step()) days.push_back({stmt.int64(0), stmt.int64(1), stmt.int64(2)});
  PUBLIUS_TRY(stmt.status());
  return days;
}

// ---- Featured hashtags ----

Result<std::vector<domain::FeaturedTag>> SqliteStore::featured_tags(int64_t account_id) {
  std::lock_guard lock(mu_);
  // Each feature's posts are found from the account's own (statuses_account), then
  // looked up by tag: a popular tag's other authors are never read.
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT f.id, f.tag, (SELECT count(*) FROM statuses s JOIN status_tags "
                         "t ON t.status_id = s.id AND t.tag = f.tag WHERE s.account_id = "
                         "f.account_id AND s.tags_in_search = 1), (SELECT max(s.created_ms) FROM "
                         "statuses s JOIN status_tags t ON t.status_id = s.id AND t.tag = f.tag "
                         "WHERE s.account_id = f.account_id AND s.tags_in_search = 1) FROM "
                         "featured_tags f WHERE f.account_id = ? ORDER BY f.id"));
  stmt.bind(1, account_id);
  std::vector<domain::FeaturedTag> out;
  while (stmt.step()) {
    out.push_back({.id = stmt.int64(0),
                   .account_id = account_id,
                   .name = stmt.text(1),
                   .statuses_count = stmt.int64(2),
                   .last_status_ms = stmt.optional_int64(3)});
  }
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::optional<int64_t>> SqliteStore::feature_tag(int64_t account_id, const std::string& tag,
                                                        size_t at_most) {
  return write([&]() -> Result<std::optional<int64_t>> {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto existing,
        db_.prepare_cached("SELECT id FROM featured_tags WHERE account_id = ? AND tag = ?"));
    existing.bind(1, account_id).bind(2, tag);
    if (existing.step()) return std::optional<int64_t>(existing.int64(0));
    PUBLIUS_TRY(existing.status());
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO featured_tags (account_id, tag) SELECT ?1, ?2 WHERE (SELECT "
                    "count(*) FROM featured_tags WHERE account_id = ?1) < ?3",
                    [&](Stmt& s) {
                      s.bind(1, account_id).bind(2, tag).bind(3, static_cast<int64_t>(at_most));
                    }));
    if (db_.changes() == 0) return std::optional<int64_t>();
    const int64_t id = db_.last_insert_id();
    return std::optional<int64_t>(id);
  });
}

Result<bool> SqliteStore::unfeature_tag(int64_t account_id, int64_t featured_tag_id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "DELETE FROM featured_tags WHERE id = ? AND account_id = ?",
                    [&](Stmt& s) { s.bind(1, featured_tag_id).bind(2, account_id); }));
    return db_.changes() > 0;
  });
}

Result<std::vector<std::string>> SqliteStore::listed_tags_of(int64_t account_id, int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT t.tag FROM statuses s JOIN status_tags t ON t.status_id = s.id "
                         "WHERE s.account_id = ? AND s.tags_in_search = 1 GROUP BY t.tag ORDER "
                         "BY max(s.id) DESC LIMIT ?"));
  stmt.bind(1, account_id).bind(2, std::max(0, limit));
  std::vector<std::string> tags;
  while (stmt.step()) tags.push_back(stmt.text(0));
  PUBLIUS_TRY(stmt.status());
  return tags;
}

// ---- Notifications ----

namespace {
constexpr const char* kNotificationColumns =
    "id, account_id, type, from_account_id, status_id, created_ms, filtered";

Notification read_notification(const Stmt& s) {
  Notification n;
  n.id = s.int64(0);
  n.account_id = s.int64(1);
  n.type = static_cast<NotificationType>(s.int64(2));
  n.from_account_id = s.int64(3);
  n.status_id = s.optional_int64(4);
  n.created_ms = s.int64(5);
  n.filtered = s.boolean(6);
  return n;
}

// The senders whose notifications to ?1 are kept out of sight: those it blocks, and
// those it mutes with their notifications.
constexpr const char* kSilencedSenders =
    "(SELECT target_id FROM blocks WHERE account_id = ?1 UNION SELECT target_id FROM mutes "
    "WHERE account_id = ?1 AND notifications = 1)";
std::string type_list(const std::vector<NotificationType>& types) {
  std::vector<int64_t> ids;
  for (auto t : types) ids.push_back(static_cast<int64_t>(t));
  return id_list(ids);
}
}  // namespace

Result<std::vector<Notification>> SqliteStore::notifications(int64_t account_id,
                                                             const NotificationQuery& q,
                                                             const Page& p) {
  std::lock_guard lock(mu_);
  std::string sql =
      std::string("SELECT ") + kNotificationColumns + " FROM notifications WHERE account_id = ?1";
  if (!q.types.empty()) sql += " AND type IN (" + type_list(q.types) + ")";
  if (!q.exclude_types.empty()) sql += " AND type NOT IN (" + type_list(q.exclude_types) + ")";
  if (q.from_account_id) sql += " AND from_account_id = ?2";
  if (q.status_id) sql += " AND status_id = ?3";
  if (!q.include_filtered) sql += " AND filtered = 0";
  // Notifications from accounts the owner blocks or mutes (with notifications) are hidden.
  sql += std::string(" AND from_account_id NOT IN ") + kSilencedSenders;
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare(sql + page_clause("id", p)));
  stmt.bind(1, account_id);
  if (q.from_account_id) stmt.bind(2, *q.from_account_id);
  if (q.status_id) stmt.bind(3, *q.status_id);
  std::vector<Notification> out;
  while (stmt.step()) out.push_back(read_notification(stmt));
  PUBLIUS_TRY(stmt.status());
  if (p.min_id) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<Notification>> SqliteStore::notification(int64_t account_id, int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT ") + kNotificationColumns +
                                    " FROM notifications WHERE account_id = ? AND id = ?"));
  stmt.bind(1, account_id).bind(2, id);
  if (stmt.step()) return std::optional<Notification>(read_notification(stmt));
  PUBLIUS_TRY(stmt.status());
  return std::optional<Notification>();
}

Result<bool> SqliteStore::dismiss_notification(int64_t account_id, int64_t id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "DELETE FROM notifications WHERE account_id = ? AND id = ?",
                    [&](Stmt& s) { s.bind(1, account_id).bind(2, id); }));
    return db_.changes() > 0;
  });
}

Status SqliteStore::clear_notifications(int64_t account_id) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM notifications WHERE account_id = ?",
               [&](Stmt& s) { s.bind(1, account_id); });
  });
}

Result<std::vector<std::pair<int64_t, domain::NotificationPolicy>>>
SqliteStore::notification_policies(const std::vector<int64_t>& account_ids) {
  std::vector<std::pair<int64_t, domain::NotificationPolicy>> out;
  std::lock_guard lock(mu_);
  // One lookup per account, by a statement compiled once: most calls ask for one or a
  // few accounts, and an IN list would be compiled each time (or, bound as a table,
  // built into a temporary index each time).
  for (int64_t id : account_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto stmt,
        db_.prepare_cached("SELECT for_not_following, for_not_followers, for_new_accounts, "
                           "for_private_mentions, for_limited_accounts FROM "
                           "notification_policies WHERE account_id = ?"));
    stmt.bind(1, id);
    auto action = [&](int column) { return static_cast<domain::PolicyAction>(stmt.int64(column)); };
    if (stmt.step())
      out.emplace_back(
          id, domain::NotificationPolicy{action(0), action(1), action(2), action(3), action(4)});
    PUBLIUS_TRY(stmt.status());
  }
  return out;
}

Status SqliteStore::save_notification_policy(int64_t account_id,
                                             const domain::NotificationPolicy& policy) {
  return write([&]() -> Status {
    return run(db_,
               "INSERT OR REPLACE INTO notification_policies (account_id, for_not_following, "
               "for_not_followers, for_new_accounts, for_private_mentions, for_limited_accounts) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               [&](Stmt& s) {
                 s.bind(1, account_id).bind(2, static_cast<int64_t>(policy.for_not_following));
                 s.bind(3, static_cast<int64_t>(policy.for_not_followers));
                 s.bind(4, static_cast<int64_t>(policy.for_new_accounts));
                 s.bind(5, static_cast<int64_t>(policy.for_private_mentions));
                 s.bind(6, static_cast<int64_t>(policy.for_limited_accounts));
               });
  });
}

Result<std::vector<int64_t>> SqliteStore::notification_permissions(
    int64_t from_account_id, const std::vector<int64_t>& account_ids) {
  std::vector<int64_t> out;
  std::lock_guard lock(mu_);
  // One lookup per account, as notification_policies() does.
  for (int64_t id : account_ids) {
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                             db_.prepare_cached("SELECT 1 FROM notification_permissions WHERE "
                                                "from_account_id = ? AND account_id = ?"));
    stmt.bind(1, from_account_id).bind(2, id);
    if (stmt.step()) out.push_back(id);
    PUBLIUS_TRY(stmt.status());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// The account's requests (?1), one row per sender of filtered notifications: (request
// id, sender, count, newest id, newest post), as a table to page on `id`.
constexpr const char* kNotificationRequests =
    "SELECT * FROM (SELECT min(n.id) AS id, n.from_account_id, count(*), max(n.id), (SELECT "
    "s.status_id FROM notifications s WHERE s.account_id = ?1 AND s.from_account_id = "
    "n.from_account_id AND s.filtered = 1 AND s.status_id IS NOT NULL ORDER BY s.id DESC LIMIT "
    "1) FROM notifications n WHERE n.account_id = ?1 AND n.filtered = 1 GROUP BY "
    "n.from_account_id) WHERE from_account_id NOT IN ";

domain::NotificationRequest read_notification_request(const Stmt& s, int64_t account_id) {
  return {s.int64(0), account_id, s.int64(1), s.int64(2), s.int64(3), s.optional_int64(4)};
}

}  // namespace

Result<std::vector<domain::NotificationRequest>> SqliteStore::notification_requests(
    int64_t account_id, const Page& p) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string(kNotificationRequests) +
                                                  kSilencedSenders + page_clause("id", p)));
  stmt.bind(1, account_id);
  std::vector<domain::NotificationRequest> out;
  while (stmt.step()) out.push_back(read_notification_request(stmt, account_id));
  PUBLIUS_TRY(stmt.status());
  if (p.min_id) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<domain::NotificationRequest>> SqliteStore::notification_request(
    int64_t account_id, int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string(kNotificationRequests) +
                                                         kSilencedSenders + " AND id = ?2"));
  stmt.bind(1, account_id).bind(2, id);
  if (stmt.step())
    return std::optional<domain::NotificationRequest>(read_notification_request(stmt, account_id));
  PUBLIUS_TRY(stmt.status());
  return std::optional<domain::NotificationRequest>();
}

Status SqliteStore::resolve_notification_requests(int64_t account_id,
                                                  const std::vector<int64_t>& from_account_ids,
                                                  bool accept) {
  if (from_account_ids.empty()) return ok_status();
  return write([&]() -> Status {
    const std::string senders = id_list(from_account_ids);
    PUBLIUS_TRY(run(db_,
                    std::string(accept ? "UPDATE notifications SET filtered = 0"
                                       : "DELETE FROM notifications") +
                        " WHERE account_id = ? AND filtered = 1 AND from_account_id IN (" +
                        senders + ")",
                    [&](Stmt& s) { s.bind(1, account_id); }));
    if (accept) {
      for (int64_t from : from_account_ids) {
        PUBLIUS_TRY(run(db_,
                        "INSERT OR IGNORE INTO notification_permissions (account_id, "
                        "from_account_id) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM accounts WHERE "
                        "id = ?2)",
                        [&](Stmt& s) { s.bind(1, account_id).bind(2, from); }));
      }
    }
    return ok_status();
  });
}

Result<bool> SqliteStore::set_thread_mute(int64_t account_id, int64_t root_id, bool on) {
  return write([&]() -> Result<bool> {
    if (on) {
      PUBLIUS_TRY(run(db_,
                      "INSERT OR IGNORE INTO thread_mutes (account_id, status_id) SELECT ?1, ?2 "
                      "WHERE EXISTS (SELECT 1 FROM statuses WHERE id = ?2)",
                      [&](Stmt& s) { s.bind(1, account_id).bind(2, root_id); }));
    } else {
      PUBLIUS_TRY(run(db_, "DELETE FROM thread_mutes WHERE account_id = ? AND status_id = ?",
                      [&](Stmt& s) { s.bind(1, account_id).bind(2, root_id); }));
    }
    const bool changed = db_.changes() > 0;
    note_link(account_id, &ViewerSets::muted_threads, root_id, on);
    return changed;
  });
}

Result<std::vector<int64_t>> SqliteStore::thread_muters(int64_t root_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached(
          "SELECT account_id FROM thread_mutes WHERE status_id = ? ORDER BY account_id"));
  stmt.bind(1, root_id);
  return collect_ids(stmt);
}

namespace {

constexpr const char* kConversationColumns = "id, account_id, participants, last_status_id, unread";

Conversation read_conversation(const Stmt& s) {
  Conversation c;
  c.id = s.int64(0);
  c.account_id = s.int64(1);
  const std::string key = s.text(2);
  const char* at = key.data();
  const char* const end = key.data() + key.size();
  while (at < end) {
    int64_t id = 0;
    const auto parsed = std::from_chars(at, end, id);
    if (parsed.ec != std::errc()) break;
    c.participant_ids.push_back(id);
    at = parsed.ptr + 1;  // past the space
  }
  c.last_status_id = s.int64(3);
  c.unread = s.boolean(4);
  return c;
}

Result<std::vector<Conversation>> collect_conversations(Stmt& stmt) {
  std::vector<Conversation> out;
  while (stmt.step()) out.push_back(read_conversation(stmt));
  PUBLIUS_TRY(stmt.status());
  return out;
}

}  // namespace

Status SqliteStore::save_conversation(int64_t account_id,
                                      const std::vector<int64_t>& participant_ids,
                                      int64_t last_status_id, bool unread) {
  return write([&]() -> Status {
    return save_conversation_in(db_, account_id, participant_ids, last_status_id, unread);
  });
}

Result<std::vector<Conversation>> SqliteStore::conversations(int64_t account_id, const Page& p) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare(std::string("SELECT ") + kConversationColumns +
                                                  " FROM conversations WHERE account_id = ?" +
                                                  page_clause("last_status_id", p)));
  stmt.bind(1, account_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto out, collect_conversations(stmt));
  if (p.min_id) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::optional<Conversation>> SqliteStore::conversation(int64_t account_id, int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT ") + kConversationColumns +
                                    " FROM conversations WHERE account_id = ? AND id = ?"));
  stmt.bind(1, account_id).bind(2, id);
  PUBLIUS_ASSIGN_OR_RETURN(auto found, collect_conversations(stmt));
  if (found.empty()) return std::optional<Conversation>();
  return std::optional<Conversation>(std::move(found.front()));
}

Result<std::vector<Conversation>> SqliteStore::conversations_ending_with(int64_t status_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached(std::string("SELECT ") + kConversationColumns +
                                              " FROM conversations WHERE last_status_id = ?"));
  stmt.bind(1, status_id);
  return collect_conversations(stmt);
}

Result<std::vector<int64_t>> SqliteStore::statuses_with_visibility_of(int64_t account_id,
                                                                      Visibility visibility,
                                                                      int64_t before_id,
                                                                      int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached(
          "SELECT id FROM statuses WHERE visibility = ?4 AND id < ?2 AND (account_id = ?1 "
          "OR id IN (SELECT status_id FROM mentions WHERE account_id = ?1 AND status_id < "
          "?2)) ORDER BY id DESC LIMIT ?3"));
  stmt.bind(1, account_id).bind(2, before_id).bind(3, static_cast<int64_t>(limit));
  stmt.bind(4, static_cast<int64_t>(visibility));
  return collect_ids(stmt);
}

Result<bool> SqliteStore::mark_conversation_read(int64_t account_id, int64_t id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "UPDATE conversations SET unread = 0 WHERE account_id = ? AND id = ?",
                    [&](Stmt& s) { s.bind(1, account_id).bind(2, id); }));
    return db_.changes() > 0;
  });
}

Result<bool> SqliteStore::delete_conversation(int64_t account_id, int64_t id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "DELETE FROM conversations WHERE account_id = ? AND id = ?",
                    [&](Stmt& s) { s.bind(1, account_id).bind(2, id); }));
    return db_.changes() > 0;
  });
}

// ---- Reports ----

namespace {

constexpr const char* kReportColumns =
    "id, reporter_id, target_id, category, comment, rule_ids, created_day, updated_day, "
    "action_taken_day, action_taken_by_id, assigned_id, forwarded";

// A report row, with its posts read after.
domain::Report read_report(const Stmt& s) {
  domain::Report r;
  r.id = s.int64(0);
  r.reporter_id = s.optional_int64(1);
  r.target_id = s.int64(2);
  r.category = static_cast<domain::ReportCategory>(s.int64(3));
  r.comment = s.text(4);
  // Rule positions, space-separated.
  const std::string rules = s.text(5);
  for (const char *at = rules.data(), *end = at + rules.size(); at < end;) {
    int position = 0;
    const auto parsed = std::from_chars(at, end, position);
    if (parsed.ec == std::errc()) r.rule_ids.push_back(position);
    at = parsed.ptr + 1;
  }
  r.created_day_ms = s.int64(6);
  r.updated_day_ms = s.int64(7);
  r.action_taken_day_ms = s.optional_int64(8);
  r.action_taken_by_id = s.optional_int64(9);
  r.assigned_id = s.optional_int64(10);
  r.forwarded = s.int64(11) != 0;
  return r;
}

// Fills in each report's posts, ascending.
Status read_report_statuses(Db& db, std::vector<domain::Report>& reports) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db.prepare_cached("SELECT status_id FROM report_statuses WHERE report_id = ? "
                                   "ORDER BY status_id"));
  for (auto& r : reports) {
    stmt.bind(1, r.id);
    PUBLIUS_ASSIGN_OR_RETURN(r.status_ids, collect_ids(stmt));
    stmt.reset();
  }
  return ok_status();
}

}  // namespace

Result<domain::Report> SqliteStore::insert_report(const domain::Report& r) {
  return write([&]() -> Result<domain::Report> {
    std::vector<int64_t> rules(r.rule_ids.begin(), r.rule_ids.end());
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO reports (reporter_id, target_id, category, comment, rule_ids, "
                    "created_day, updated_day, action_taken_day, action_taken_by_id, assigned_id, "
                    "forwarded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, r.reporter_id).bind(2, r.target_id);
                      s.bind(3, static_cast<int64_t>(r.category)).bind(4, r.comment);
                      s.bind(5, join_ids(rules, ' ')).bind(6, r.created_day_ms);
                      s.bind(7, r.updated_day_ms).bind(8, r.action_taken_day_ms);
                      s.bind(9, r.action_taken_by_id).bind(10, r.assigned_id);
                      s.bind(11, static_cast<int64_t>(r.forwarded));
                    }));
    domain::Report stored = r;
    stored.id = db_.last_insert_id();
    for (int64_t status_id : r.status_ids) {
      PUBLIUS_TRY(run(db_,
                      "INSERT OR IGNORE INTO report_statuses (report_id, status_id) VALUES (?, ?)",
                      [&](Stmt& s) { s.bind(1, stored.id).bind(2, status_id); }));
    }
    std::sort(stored.status_ids.begin(), stored.status_ids.end());
    stored.status_ids.erase(std::unique(stored.status_ids.begin(), stored.status_ids.end()),
                            stored.status_ids.end());
    return stored;
  });
}

Result<std::optional<domain::Report>> SqliteStore::report(int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kReportColumns +
                                                         " FROM reports WHERE id = ?"));
  stmt.bind(1, id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<domain::Report>();
  }
  std::vector<domain::Report> found = {read_report(stmt)};
  PUBLIUS_TRY(read_report_statuses(db_, found));
  return std::optional<domain::Report>(std::move(found.front()));
}

Result<std::vector<domain::Report>> SqliteStore::reports(const ReportQuery& q, const Page& p) {
  std::lock_guard lock(mu_);
  std::string sql = std::string("SELECT ") + kReportColumns + " FROM reports WHERE 1";
  if (q.resolved)
    sql += *q.resolved ? " AND action_taken_day IS NOT NULL" : " AND action_taken_day IS NULL";
  if (q.reporter_id) sql += " AND reporter_id = ?1";
  if (q.target_id) sql += " AND target_id = ?2";
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare(sql + page_clause("id", p)));
  if (q.reporter_id) stmt.bind(1, *q.reporter_id);
  if (q.target_id) stmt.bind(2, *q.target_id);
  std::vector<domain::Report> out;
  while (stmt.step()) out.push_back(read_report(stmt));
  PUBLIUS_TRY(stmt.status());
  if (p.min_id) std::reverse(out.begin(), out.end());
  PUBLIUS_TRY(read_report_statuses(db_, out));
  return out;
}

Status SqliteStore::update_report(const domain::Report& r) {
  return write([&]() -> Status {
    std::vector<int64_t> rules(r.rule_ids.begin(), r.rule_ids.end());
    PUBLIUS_TRY(run(db_,
                    "UPDATE reports SET reporter_id = ?, category = ?, rule_ids = ?, "
                    "updated_day = ?, action_taken_day = ?, action_taken_by_id = ?, "
                    "assigned_id = ? WHERE id = ?",
                    [&](Stmt& s) {
                      s.bind(1, r.reporter_id).bind(2, static_cast<int64_t>(r.category));
                      s.bind(3, join_ids(rules, ' ')).bind(4, r.updated_day_ms);
                      s.bind(5, r.action_taken_day_ms).bind(6, r.action_taken_by_id);
                      s.bind(7, r.assigned_id).bind(8, r.id);
                    }));
    if (db_.changes() == 0) return not_found("no such report");
    return ok_status();
  });
}

Result<InstanceStats> SqliteStore::instance_stats() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT COUNT(*), COALESCE(SUM(statuses_count), 0) FROM "
                                    "accounts WHERE id NOT IN (SELECT account_id FROM "
                                    "remote_actors)"));
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return InstanceStats{};
  }
  return InstanceStats{stmt.int64(0), stmt.int64(1)};
}

// ---- Lists ----

namespace {

constexpr const char* kListColumns = "l.id, l.account_id, l.title, l.replies_policy, l.exclusive";

Result<std::vector<List>> lists_from(Stmt& stmt) {
  std::vector<List> out;
  while (stmt.step())
    out.push_back({stmt.int64(0), stmt.int64(1), stmt.text(2),
                   static_cast<domain::RepliesPolicy>(stmt.int64(3)), stmt.boolean(4)});
  PUBLIUS_TRY(stmt.status());
  return out;
}

}  // namespace

Result<List> SqliteStore::create_list(const List& list) {
  return write([&]() -> Result<List> {
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO lists (account_id, title, replies_policy, exclusive) "
                    "VALUES (?, ?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, list.account_id).bind(2, list.title);
                      s.bind(3, static_cast<int64_t>(list.replies_policy)).bind(4, list.exclusive);
                    }));
    List created = list;
    created.id = db_.last_insert_id();
    return created;
  });
}

Result<std::optional<List>> SqliteStore::list(int64_t list_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kListColumns +
                                                         " FROM lists l WHERE l.id = ?"));
  stmt.bind(1, list_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto found, lists_from(stmt));
  if (found.empty()) return std::optional<List>();
  return std::optional<List>(std::move(found.front()));
}

Status SqliteStore::update_list(const List& list) {
  return write([&]() -> Status {
    return run(db_, "UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ?",
               [&](Stmt& s) {
                 s.bind(1, list.title).bind(2, static_cast<int64_t>(list.replies_policy));
                 s.bind(3, list.exclusive).bind(4, list.id);
               });
  });
}

Status SqliteStore::delete_list(int64_t list_id) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM lists WHERE id = ?", [&](Stmt& s) { s.bind(1, list_id); });
  });
}

Status SqliteStore::set_account_note(int64_t account_id, int64_t target_id,
                                     const std::string& sealed) {
  return write([&]() -> Status {
    if (sealed.empty()) {
      return run(db_, "DELETE FROM account_notes WHERE account_id = ? AND target_id = ?",
                 [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id); });
    }
    return run(db_,
               "INSERT INTO account_notes (account_id, target_id, sealed) VALUES (?, ?, ?) "
               "ON CONFLICT (account_id, target_id) DO UPDATE SET sealed = excluded.sealed",
               [&](Stmt& s) { s.bind(1, account_id).bind(2, target_id).bind_blob(3, sealed); });
  });
}

// ---- Filters ----

namespace {

// The filters `select` finds (its columns: id, account_id, title, contexts, action,
// expires_day), each with its keywords and statuses. The caller holds the store's lock.
Result<std::vector<domain::Filter>> filters_from(Db& db, Stmt& select) {
  std::vector<domain::Filter> out;
  while (select.step()) {
    domain::Filter f;
    f.id = select.int64(0);
    f.account_id = select.int64(1);
    f.title = select.text(2);
    f.contexts = static_cast<uint8_t>(select.int64(3));
    f.action = static_cast<domain::FilterAction>(select.int64(4));
    f.expires_day_ms = select.optional_int64(5);
    out.push_back(std::move(f));
  }
  PUBLIUS_TRY(select.status());
  for (auto& f : out) {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto keywords,
        db.prepare_cached("SELECT id, keyword, whole_word FROM filter_keywords WHERE filter_id = ? "
                          "ORDER BY id"));
    keywords.bind(1, f.id);
    while (keywords.step())
      f.keywords.push_back({keywords.int64(0), keywords.text(1), keywords.boolean(2)});
    PUBLIUS_TRY(keywords.status());
    PUBLIUS_ASSIGN_OR_RETURN(
        auto statuses,
        db.prepare_cached("SELECT id, status_id FROM filter_statuses WHERE filter_id = ? "
                          "ORDER BY id"));
    statuses.bind(1, f.id);
    while (statuses.step()) f.statuses.push_back({statuses.int64(0), statuses.int64(1)});
    PUBLIUS_TRY(statuses.status());
  }
  return out;
}

constexpr const char* kFilterSelect =
    "SELECT id, account_id, title, contexts, action, expires_day FROM filters ";

// The filter that row `id` of `table` (filter_keywords or filter_statuses) belongs to.
Result<std::optional<int64_t>> filter_owning(Db& db, const char* table, int64_t id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db.prepare_cached(std::string("SELECT filter_id FROM ") +
                                                        table + " WHERE id = ?"));
  stmt.bind(1, id);
  if (stmt.step()) return std::optional<int64_t>(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  return std::optional<int64_t>();
}

// Deletes the rows of `table` under `filter_id` whose ids are not in `kept`.
Status delete_rows_not_kept(Db& db, const char* table, int64_t filter_id,
                            const std::vector<int64_t>& kept) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stored, db.prepare_cached(std::string("SELECT id FROM ") + table +
                                                          " WHERE filter_id = ?"));
  stored.bind(1, filter_id);
  std::vector<int64_t> gone;
  while (stored.step())
    if (std::find(kept.begin(), kept.end(), stored.int64(0)) == kept.end())
      gone.push_back(stored.int64(0));
  PUBLIUS_TRY(stored.status());
  for (int64_t id : gone)
    PUBLIUS_TRY(run(db, std::string("DELETE FROM ") + table + " WHERE id = ?",
                    [&](Stmt& s) { s.bind(1, id); }));
  return ok_status();
}

}  // namespace

Result<std::vector<domain::Filter>> SqliteStore::filters_of(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto select, db_.prepare_cached(std::string(kFilterSelect) +
                                                           "WHERE account_id = ? ORDER BY id"));
  select.bind(1, account_id);
  return filters_from(db_, select);
}

Result<std::optional<domain::Filter>> SqliteStore::filter(int64_t filter_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto select,
                           db_.prepare_cached(std::string(kFilterSelect) + "WHERE id = ?"));
  select.bind(1, filter_id);
  PUBLIUS_ASSIGN_OR_RETURN(auto found, filters_from(db_, select));
  if (found.empty()) return std::optional<domain::Filter>();
  return std::optional<domain::Filter>(std::move(found.front()));
}

Result<std::optional<int64_t>> SqliteStore::filter_of_keyword(int64_t keyword_id) {
  std::lock_guard lock(mu_);
  return filter_owning(db_, "filter_keywords", keyword_id);
}

Result<std::optional<int64_t>> SqliteStore::filter_of_status(int64_t filter_status_id) {
  std::lock_guard lock(mu_);
  return filter_owning(db_, "filter_statuses", filter_status_id);
}

Result<domain::Filter> SqliteStore::save_filter(const domain::Filter& filter) {
  return write([&]() -> Result<domain::Filter> {
    domain::Filter saved = filter;
    const auto bind_fields = [&](Stmt& s) {
      s.bind(1, saved.title).bind(2, static_cast<int64_t>(saved.contexts));
      s.bind(3, static_cast<int64_t>(saved.action)).bind(4, saved.expires_day_ms);
    };
    if (saved.id == 0) {
      PUBLIUS_TRY(run(db_,
                      "INSERT INTO filters (title, contexts, action, expires_day, account_id) "
                      "VALUES (?, ?, ?, ?, ?)",
                      [&](Stmt& s) {
                        bind_fields(s);
                        s.bind(5, saved.account_id);
                      }));
      saved.id = db_.last_insert_id();
    } else {
      PUBLIUS_TRY(run(db_,
                      "UPDATE filters SET title = ?, contexts = ?, action = ?, expires_day = ? "
                      "WHERE id = ?",
                      [&](Stmt& s) {
                        bind_fields(s);
                        s.bind(5, saved.id);
                      }));
      if (db_.changes() == 0) return not_found("filter is gone");
    }
    std::vector<int64_t> kept_keywords, kept_statuses;
    for (const auto& k : saved.keywords)
      if (k.id) kept_keywords.push_back(k.id);
    for (const auto& st : saved.statuses)
      if (st.id) kept_statuses.push_back(st.id);
    PUBLIUS_TRY(delete_rows_not_kept(db_, "filter_keywords", saved.id, kept_keywords));
    PUBLIUS_TRY(delete_rows_not_kept(db_, "filter_statuses", saved.id, kept_statuses));
    for (auto& k : saved.keywords) {
      if (k.id) {
        PUBLIUS_TRY(
            run(db_,
                "UPDATE filter_keywords SET keyword = ?, whole_word = ? "
                "WHERE id = ? AND filter_id = ?",
                [&](Stmt& s) {
                  s.bind(1, k.keyword).bind(2, k.whole_word).bind(3, k.id).bind(4, saved.id);
                }));
        continue;
      }
      PUBLIUS_TRY(
          run(db_, "INSERT INTO filter_keywords (filter_id, keyword, whole_word) VALUES (?, ?, ?)",
              [&](Stmt& s) { s.bind(1, saved.id).bind(2, k.keyword).bind(3, k.whole_word); }));
      k.id = db_.last_insert_id();
    }
    for (auto& st : saved.statuses) {
      if (st.id) continue;  // a filtered status is added or removed, never changed
      PUBLIUS_TRY(run(db_, "INSERT INTO filter_statuses (filter_id, status_id) VALUES (?, ?)",
                      [&](Stmt& s) { s.bind(1, saved.id).bind(2, st.status_id); }));
      st.id = db_.last_insert_id();
    }
    return saved;
  });
}

Status SqliteStore::delete_filter(int64_t filter_id) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM filters WHERE id = ?", [&](Stmt& s) { s.bind(1, filter_id); });
  });
}

Result<std::vector<List>> SqliteStore::lists_of(int64_t owner_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT ") + kListColumns +
                                    " FROM lists l WHERE l.account_id = ? ORDER BY l.id"));
  stmt.bind(1, owner_id);
  return lists_from(stmt);
}

Result<std::vector<List>> SqliteStore::lists_with_member(int64_t owner_id, int64_t member_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT ") + kListColumns +
                                    " FROM lists l JOIN list_members m ON m.list_id = l.id WHERE "
                                    "l.account_id = ? AND m.account_id = ? ORDER BY l.id"));
  stmt.bind(1, owner_id).bind(2, member_id);
  return lists_from(stmt);
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqliteStore::list_members(int64_t list_id,
                                                                           const Page& p) {
  std::lock_guard lock(mu_);
  return paged_pairs("list_members", "list_id", "account_id", list_id, p);
}

Status SqliteStore::add_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) {
  return write([&]() -> Status {
    for (int64_t id : account_ids)
      PUBLIUS_TRY(run(db_, "INSERT OR IGNORE INTO list_members (list_id, account_id) VALUES (?, ?)",
                      [&](Stmt& s) { s.bind(1, list_id).bind(2, id); }));
    return ok_status();
  });
}

Status SqliteStore::remove_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) {
  return write([&]() -> Status {
    for (int64_t id : account_ids)
      PUBLIUS_TRY(run(db_, "DELETE FROM list_members WHERE list_id = ? AND account_id = ?",
                      [&](Stmt& s) { s.bind(1, list_id).bind(2, id); }));
    return ok_status();
  });
}

Result<std::vector<int64_t>> SqliteStore::list_member_ids(int64_t list_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(
                     "SELECT account_id FROM list_members WHERE list_id = ? ORDER BY account_id"));
  stmt.bind(1, list_id);
  return collect_ids(stmt);
}

Result<std::vector<int64_t>> SqliteStore::exclusive_list_owners(int64_t member_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT DISTINCT l.account_id FROM lists l JOIN list_members m "
                         "ON m.list_id = l.id WHERE m.account_id = ? AND l.exclusive = 1 "
                         "ORDER BY l.account_id"));
  stmt.bind(1, member_id);
  return collect_ids(stmt);
}

// ---- Markers, idempotency ----

Result<std::vector<Marker>> SqliteStore::markers(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT timeline, last_read_id, version, updated_ms FROM "
                                    "markers WHERE account_id = ?"));
  stmt.bind(1, account_id);
  std::vector<Marker> out;
  while (stmt.step()) out.push_back({stmt.text(0), stmt.int64(1), stmt.int64(2), stmt.int64(3)});
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<Marker> SqliteStore::save_marker(int64_t account_id, const std::string& timeline,
                                        int64_t last_read_id) {
  return write([&]() -> Result<Marker> {
    // The day only: when someone read their timeline is non-public activity.
    const int64_t now = now_day_ms();
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_ms) "
                    "VALUES (?, ?, ?, 1, ?) ON CONFLICT (account_id, timeline) DO UPDATE SET "
                    "last_read_id = excluded.last_read_id, version = version + 1, updated_ms = "
                    "excluded.updated_ms",
                    [&](Stmt& s) {
                      s.bind(1, account_id).bind(2, timeline).bind(3, last_read_id).bind(4, now);
                    }));
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                             db_.prepare_cached("SELECT version FROM markers WHERE account_id "
                                                "= ? AND timeline = ?"));
    stmt.bind(1, account_id).bind(2, timeline);
    int64_t version = 1;
    if (stmt.step()) version = stmt.int64(0);
    PUBLIUS_TRY(stmt.status());
    return Marker{timeline, last_read_id, version, now};
  });
}

Result<std::optional<int64_t>> SqliteStore::idempotent_status(int64_t account_id,
                                                              const std::string& key_hash) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT status_id FROM idempotency_keys WHERE "
                                              "account_id = ? AND key_hash = ?"));
  stmt.bind(1, account_id).bind(2, key_hash);
  if (stmt.step()) return std::optional<int64_t>(stmt.int64(0));
  PUBLIUS_TRY(stmt.status());
  return std::optional<int64_t>();
}

// ---- Web sessions and credentials (web UI) ----

Status SqliteStore::create_web_session(const std::string& token_hash, int64_t account_id,
                                       std::optional<int64_t> member_id, int64_t day_ms,
                                       const std::string& wrapped_key) {
  return write([&]() -> Status {
    return run(db_,
               "INSERT INTO web_sessions (token_hash, account_id, created_day, last_seen_day, "
               "wrapped_key, member_id) VALUES (?, ?, ?, ?, ?, ?)",
               [&](Stmt& s) {
                 s.bind(1, token_hash).bind(2, account_id).bind(3, day_ms).bind(4, day_ms);
                 bind_wrapped_key(s, 5, wrapped_key);
                 s.bind(6, member_id);
               });
  });
}

Result<std::optional<WebSession>> SqliteStore::web_session(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT account_id, created_day, last_seen_day, "
                                              "member_id FROM web_sessions WHERE token_hash = ?"));
  stmt.bind(1, token_hash);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<WebSession>();
  }
  WebSession out;
  out.account_id = stmt.int64(0);
  out.created_day_ms = stmt.int64(1);
  out.last_seen_day_ms = stmt.int64(2);
  out.member_id = stmt.optional_int64(3);
  return std::optional<WebSession>(out);
}

Status SqliteStore::touch_web_session(const std::string& token_hash, int64_t day_ms) {
  return write([&]() -> Status {
    return run(db_,
               "UPDATE web_sessions SET last_seen_day = ?1 WHERE token_hash = ?2 AND "
               "last_seen_day < ?1",
               [&](Stmt& s) { s.bind(1, day_ms).bind(2, token_hash); });
  });
}

Status SqliteStore::delete_web_session(const std::string& token_hash) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM web_sessions WHERE token_hash = ?",
               [&](Stmt& s) { s.bind(1, token_hash); });
  });
}

Status SqliteStore::delete_web_sessions_of(int64_t account_id) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM web_sessions WHERE account_id = ?",
               [&](Stmt& s) { s.bind(1, account_id); });
  });
}

Status SqliteStore::set_password_hash(int64_t account_id, const std::string& password_hash) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_, "UPDATE accounts SET password_hash = ? WHERE id = ?",
                    [&](Stmt& s) { s.bind(1, password_hash).bind(2, account_id); }));
    if (db_.changes() == 0) return not_found();
    return ok_status();
  });
}

Result<std::vector<RecoveryCodeHash>> SqliteStore::recovery_codes(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT id, code_hash, wrapped_key FROM recovery_codes WHERE "
                                    "account_id = ? ORDER BY id"));
  stmt.bind(1, account_id);
  std::vector<RecoveryCodeHash> out;
  while (stmt.step()) out.push_back({stmt.int64(0), stmt.text(1), stmt.blob(2)});
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<bool> SqliteStore::consume_recovery_code(int64_t account_id, int64_t code_id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "DELETE FROM recovery_codes WHERE id = ? AND account_id = ?",
                    [&](Stmt& s) { s.bind(1, code_id).bind(2, account_id); }));
    return db_.changes() > 0;
  });
}

Status SqliteStore::replace_recovery_codes(int64_t account_id,
                                           const std::vector<NewRecoveryCode>& codes) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_, "DELETE FROM recovery_codes WHERE account_id = ?",
                    [&](Stmt& s) { s.bind(1, account_id); }));
    for (const auto& code : codes) {
      PUBLIUS_TRY(run(
          db_, "INSERT INTO recovery_codes (account_id, code_hash, wrapped_key) VALUES (?, ?, ?)",
          [&](Stmt& s) {
            s.bind(1, account_id).bind(2, code.code_hash).bind_blob(3, code.wrapped_key);
          }));
    }
    return ok_status();
  });
}

// ---- Sealed-message keys ----

Result<std::optional<AccountKey>> SqliteStore::account_key(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT public_key, wrapped_key FROM accounts "
                                              "WHERE id = ? AND public_key IS NOT NULL"));
  stmt.bind(1, account_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<AccountKey>();
  }
  return std::optional<AccountKey>(AccountKey{stmt.blob(0), stmt.blob(1)});
}

Status SqliteStore::set_account_key(int64_t account_id, const AccountKey& key) {
  return write([&]() -> Status {
    PUBLIUS_TRY(
        run(db_, "UPDATE accounts SET public_key = ?, wrapped_key = ? WHERE id = ?", [&](Stmt& s) {
          s.bind_blob(1, key.public_key).bind_blob(2, key.password_wrapped_key);
          s.bind(3, account_id);
        }));
    if (db_.changes() == 0) return not_found();
    return ok_status();
  });
}

Result<bool> SqliteStore::add_account_key(int64_t account_id, const AccountKey& key) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_,
                    "UPDATE accounts SET public_key = ?, wrapped_key = ? WHERE id = ? AND "
                    "public_key IS NULL",
                    [&](Stmt& s) {
                      s.bind_blob(1, key.public_key).bind_blob(2, key.password_wrapped_key);
                      s.bind(3, account_id);
                    }));
    return db_.changes() > 0;
  });
}

Result<std::vector<std::pair<int64_t, std::string>>> SqliteStore::public_keys(
    const std::vector<int64_t>& ids) {
  std::vector<std::pair<int64_t, std::string>> out;
  if (ids.empty()) return out;
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare("SELECT id, public_key FROM accounts WHERE id IN (" + id_list(ids) +
                             ") AND public_key IS NOT NULL"));
  while (stmt.step()) out.emplace_back(stmt.int64(0), stmt.blob(1));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::optional<store::WrappedCopy>> SqliteStore::wrapped_key(
    KeyedCredential kind, const std::string& credential_hash) {
  std::lock_guard lock(mu_);
  const auto [table, column] = credential_row(kind);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT wrapped_key, member_id FROM ") + table +
                                    " WHERE " + column + " = ? AND wrapped_key IS NOT NULL"));
  stmt.bind(1, credential_hash);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<store::WrappedCopy>();
  }
  return std::optional<store::WrappedCopy>({stmt.blob(0), stmt.optional_int64(1)});
}

Result<std::vector<Token>> SqliteStore::tokens_of(int64_t account_id) {
  PUBLIUS_TRY(commit_queued_writes());
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT id, app_id, account_id, scopes, created_day, "
                                    "last_used_day, member_id FROM tokens WHERE account_id = ? "
                                    "ORDER BY id DESC"));
  stmt.bind(1, account_id);
  std::vector<Token> out;
  while (stmt.step()) {
    Token t;
    t.id = stmt.int64(0);
    t.app_id = stmt.int64(1);
    t.account_id = stmt.optional_int64(2);
    t.scopes = stmt.text(3);
    t.created_day_ms = stmt.int64(4);
    t.last_used_day_ms = stmt.optional_int64(5);
    t.member_id = stmt.optional_int64(6);
    out.push_back(std::move(t));
  }
  PUBLIUS_TRY(stmt.status());
  return out;
}

Status SqliteStore::revoke_token_of(int64_t account_id, int64_t token_id) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_, "DELETE FROM tokens WHERE id = ? AND account_id = ?",
                    [&](Stmt& s) { s.bind(1, token_id).bind(2, account_id); }));
    if (db_.changes() == 0) return not_found();
    // The cache is keyed by hash; drop the entry whose id matches.
    std::erase_if(token_cache_, [&](const auto& entry) { return entry.second.id == token_id; });
    return ok_status();
  });
}

Status SqliteStore::revoke_tokens_of(int64_t account_id) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_, "DELETE FROM tokens WHERE account_id = ?",
                    [&](Stmt& s) { s.bind(1, account_id); }));
    std::erase_if(token_cache_,
                  [&](const auto& entry) { return entry.second.account_id == account_id; });
    return ok_status();
  });
}

// ---- Collective accounts ----

namespace {

Member read_member(const Stmt& s) {
  Member m;
  m.id = s.int64(0);
  m.account_id = s.int64(1);
  m.owner = s.boolean(2);
  m.joined_day_ms = s.int64(3);
  m.public_key = s.blob(4);
  m.wrapped_key = s.blob(5);
  return m;
}

constexpr const char* kMemberColumns =
    "id, account_id, owner, joined_day, public_key, wrapped_key FROM members";

// Inserts a member of `account_id` with its key copies and recovery codes; kConflict
// when its lookup is another member's.
Result<int64_t> insert_member_in(Db& db, int64_t account_id, const NewMember& m, bool owner,
                                 int64_t day_ms) {
  PUBLIUS_TRY(run(db,
                  "INSERT INTO members (account_id, lookup, owner, joined_day, public_key, "
                  "wrapped_key) VALUES (?, ?, ?, ?, ?, ?)",
                  [&](Stmt& s) {
                    s.bind(1, account_id).bind_blob(2, m.lookup).bind(3, owner).bind(4, day_ms);
                    s.bind_blob(5, m.public_key).bind_blob(6, m.wrapped_key);
                  }));
  const int64_t id = db.last_insert_id();
  for (const auto& copy : m.key_copies)
    PUBLIUS_TRY(
        run(db, "INSERT INTO member_keys (member_id, generation, sealed) VALUES (?, ?, ?)",
            [&](Stmt& s) { s.bind(1, id).bind(2, copy.generation).bind_blob(3, copy.sealed); }));
  for (const auto& code : m.recovery_codes)
    PUBLIUS_TRY(run(db,
                    "INSERT INTO member_recovery_codes (member_id, account_id, lookup, "
                    "wrapped_key) VALUES (?, ?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, id).bind(2, account_id).bind_blob(3, code.lookup);
                      s.bind_blob(4, code.wrapped_key);
                    }));
  return id;
}

// The ids of the member's tokens, before they are deleted with it.
Result<std::vector<int64_t>> member_token_ids_in(Db& db, int64_t member_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db.prepare_cached("SELECT id FROM tokens WHERE member_id = ?"));
  stmt.bind(1, member_id);
  return collect_ids(stmt);
}

}  // namespace

Result<std::optional<store::Collective>> SqliteStore::collective(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT salt, key_generation FROM collectives WHERE account_id = ?"));
  stmt.bind(1, account_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<store::Collective>();
  }
  return std::optional<store::Collective>({stmt.blob(0), stmt.int64(1)});
}

Result<int64_t> SqliteStore::make_collective(int64_t account_id, const std::string& salt,
                                             const NewMember& owner, int64_t day_ms) {
  return write([&]() -> Result<int64_t> {
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO collectives (account_id, salt, key_generation) VALUES (?, ?, 1)",
                    [&](Stmt& s) { s.bind(1, account_id).bind_blob(2, salt); }));
    PUBLIUS_ASSIGN_OR_RETURN(int64_t id, insert_member_in(db_, account_id, owner, true, day_ms));
    PUBLIUS_TRY(run(db_, "UPDATE accounts SET password_hash = '', wrapped_key = NULL WHERE id = ?",
                    [&](Stmt& s) { s.bind(1, account_id); }));
    if (db_.changes() == 0) return not_found();
    for (const char* sql :
         {"DELETE FROM recovery_codes WHERE account_id = ?",
          "DELETE FROM tokens WHERE account_id = ?", "DELETE FROM auth_codes WHERE account_id = ?",
          "DELETE FROM web_sessions WHERE account_id = ?"})
      PUBLIUS_TRY(run(db_, sql, [&](Stmt& s) { s.bind(1, account_id); }));
    std::erase_if(token_cache_,
                  [&](const auto& entry) { return entry.second.account_id == account_id; });
    return id;
  });
}

Result<std::vector<Member>> SqliteStore::members(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kMemberColumns +
                                                         " WHERE account_id = ? ORDER BY id"));
  stmt.bind(1, account_id);
  std::vector<Member> out;
  while (stmt.step()) out.push_back(read_member(stmt));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::optional<Member>> SqliteStore::member(int64_t member_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached(std::string("SELECT ") + kMemberColumns + " WHERE id = ?"));
  stmt.bind(1, member_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<Member>();
  }
  return std::optional<Member>(read_member(stmt));
}

Result<std::optional<Member>> SqliteStore::member_by_lookup(int64_t account_id,
                                                            const std::string& lookup) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kMemberColumns +
                                                         " WHERE account_id = ? AND lookup = ?"));
  stmt.bind(1, account_id).bind_blob(2, lookup);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<Member>();
  }
  return std::optional<Member>(read_member(stmt));
}

Result<std::vector<store::KeyCopy>> SqliteStore::key_copies(int64_t member_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT generation, sealed FROM member_keys "
                                              "WHERE member_id = ? ORDER BY generation DESC"));
  stmt.bind(1, member_id);
  std::vector<store::KeyCopy> out;
  while (stmt.step()) out.push_back({stmt.int64(0), stmt.blob(1)});
  PUBLIUS_TRY(stmt.status());
  return out;
}

Status SqliteStore::create_invite(const std::string& code_hash, const store::Invite& invite) {
  return write([&]() -> Status {
    // Spent and expired codes are swept here: an invite lives days.
    PUBLIUS_TRY(run(db_, "DELETE FROM member_invites WHERE expires_day < ?",
                    [&](Stmt& s) { s.bind(1, now_day_ms()); }));
    PUBLIUS_TRY(
        run(db_,
            "INSERT INTO member_invites (code_hash, account_id, expires_day) VALUES (?, "
            "?, ?)",
            [&](Stmt& s) {
              s.bind(1, code_hash).bind(2, invite.account_id).bind(3, invite.expires_day_ms);
            }));
    for (const auto& copy : invite.wrapped_keys)
      PUBLIUS_TRY(run(db_,
                      "INSERT INTO invite_keys (code_hash, generation, wrapped) VALUES (?, ?, ?)",
                      [&](Stmt& s) {
                        s.bind(1, code_hash).bind(2, copy.generation).bind_blob(3, copy.sealed);
                      }));
    return ok_status();
  });
}

Result<std::optional<store::Invite>> SqliteStore::invite(const std::string& code_hash,
                                                         int64_t today_ms) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached("SELECT account_id, expires_day FROM "
                                                         "member_invites WHERE code_hash = ? AND "
                                                         "expires_day >= ?"));
  stmt.bind(1, code_hash).bind(2, today_ms);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<store::Invite>();
  }
  store::Invite out;
  out.account_id = stmt.int64(0);
  out.expires_day_ms = stmt.int64(1);
  PUBLIUS_ASSIGN_OR_RETURN(auto keys,
                           db_.prepare_cached("SELECT generation, wrapped FROM invite_keys "
                                              "WHERE code_hash = ? ORDER BY generation DESC"));
  keys.bind(1, code_hash);
  while (keys.step()) out.wrapped_keys.push_back({keys.int64(0), keys.blob(1)});
  PUBLIUS_TRY(keys.status());
  return std::optional<store::Invite>(std::move(out));
}

Result<store::JoinOutcome> SqliteStore::join_collective(const std::string& code_hash,
                                                        int64_t today_ms, const NewMember& member,
                                                        int64_t day_ms) {
  return write([&]() -> Result<store::JoinOutcome> {
    store::JoinOutcome out;
    PUBLIUS_ASSIGN_OR_RETURN(
        auto taken, db_.prepare_cached("DELETE FROM member_invites WHERE code_hash = ? AND "
                                       "expires_day >= ? RETURNING account_id"));
    taken.bind(1, code_hash).bind(2, today_ms);
    std::optional<int64_t> account_id;
    while (taken.step()) account_id = taken.int64(0);
    PUBLIUS_TRY(taken.status());
    if (!account_id) {
      out.invite_missing = true;
      return out;
    }
    PUBLIUS_ASSIGN_OR_RETURN(
        bool collides,
        exists(db_, "SELECT 1 FROM members WHERE account_id = ? AND lookup = ?",
               [&](Stmt& s) { s.bind(1, *account_id).bind_blob(2, member.lookup); }));
    if (collides) {
      // The code stays spent: one invite, one guess at another member's password.
      out.lookup_taken = true;
      return out;
    }
    PUBLIUS_ASSIGN_OR_RETURN(auto id, insert_member_in(db_, *account_id, member, false, day_ms));
    out.member_id = id;
    return out;
  });
}

Result<std::vector<int64_t>> SqliteStore::remove_member(int64_t member_id,
                                                        const store::Rekey& rekey) {
  return write([&]() -> Result<std::vector<int64_t>> {
    PUBLIUS_ASSIGN_OR_RETURN(auto gone,
                             db_.prepare_cached("SELECT account_id, owner FROM members WHERE "
                                                "id = ?"));
    gone.bind(1, member_id);
    if (!gone.step()) {
      PUBLIUS_TRY(gone.status());
      return not_found("no such member");
    }
    const int64_t account_id = gone.int64(0);
    const bool owner = gone.boolean(1);
    if (owner) return conflict("the owner hands the account over before leaving");
    PUBLIUS_ASSIGN_OR_RETURN(
        auto staying_stmt,
        db_.prepare_cached("SELECT id FROM members WHERE account_id = ? AND id <> ? "
                           "ORDER BY id"));
    staying_stmt.bind(1, account_id).bind(2, member_id);
    PUBLIUS_ASSIGN_OR_RETURN(auto staying, collect_ids(staying_stmt));
    if (staying.empty()) return conflict("the last member cannot leave");
    std::vector<int64_t> copied;
    for (const auto& [id, sealed] : rekey.copies) copied.push_back(id);
    std::sort(copied.begin(), copied.end());
    if (copied != staying) return conflict("the members changed while the account was re-keyed");
    PUBLIUS_ASSIGN_OR_RETURN(auto token_ids, member_token_ids_in(db_, member_id));
    PUBLIUS_TRY(
        run(db_, "DELETE FROM members WHERE id = ?", [&](Stmt& s) { s.bind(1, member_id); }));
    PUBLIUS_TRY(run(db_, "DELETE FROM member_invites WHERE account_id = ?",
                    [&](Stmt& s) { s.bind(1, account_id); }));
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one in the lambda.
    for (const auto& copy : rekey.copies)
      PUBLIUS_TRY(run(db_,
                      "INSERT INTO member_keys (member_id, generation, sealed) VALUES (?, ?, ?)",
                      [&](Stmt& s) {
                        s.bind(1, copy.first).bind(2, rekey.generation).bind_blob(3, copy.second);
                      }));
    PUBLIUS_TRY(run(db_, "UPDATE collectives SET key_generation = ? WHERE account_id = ?",
                    [&](Stmt& s) { s.bind(1, rekey.generation).bind(2, account_id); }));
    PUBLIUS_TRY(run(db_, "UPDATE accounts SET public_key = ? WHERE id = ?",
                    [&](Stmt& s) { s.bind_blob(1, rekey.public_key).bind(2, account_id); }));
    std::erase_if(token_cache_, [&](const auto& entry) {
      return std::find(token_ids.begin(), token_ids.end(), entry.second.id) != token_ids.end();
    });
    return token_ids;
  });
}

Status SqliteStore::hand_over(int64_t from_member_id, int64_t to_member_id) {
  return write([&]() -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(
        bool same_account,
        exists(db_,
               "SELECT 1 FROM members a JOIN members b ON a.account_id = b.account_id WHERE a.id "
               "= ? AND a.owner AND b.id = ? AND a.id <> b.id",
               [&](Stmt& s) { s.bind(1, from_member_id).bind(2, to_member_id); }));
    if (!same_account) return not_found("no such member");
    PUBLIUS_TRY(run(db_, "UPDATE members SET owner = 0 WHERE id = ?",
                    [&](Stmt& s) { s.bind(1, from_member_id); }));
    return run(db_, "UPDATE members SET owner = 1 WHERE id = ?",
               [&](Stmt& s) { s.bind(1, to_member_id); });
  });
}

Result<std::optional<std::vector<int64_t>>> SqliteStore::set_member_password(
    int64_t member_id, const std::string& lookup, const std::string& wrapped_key,
    std::optional<int64_t> code_id) {
  using Out = std::optional<std::vector<int64_t>>;
  return write([&]() -> Result<Out> {
    std::vector<int64_t> token_ids;
    if (code_id) {
      PUBLIUS_TRY(run(db_, "DELETE FROM member_recovery_codes WHERE id = ? AND member_id = ?",
                      [&](Stmt& s) { s.bind(1, *code_id).bind(2, member_id); }));
      if (db_.changes() == 0) return Out();
      PUBLIUS_ASSIGN_OR_RETURN(token_ids, member_token_ids_in(db_, member_id));
      for (const char* sql :
           {"DELETE FROM tokens WHERE member_id = ?", "DELETE FROM auth_codes WHERE member_id = ?",
            "DELETE FROM web_sessions WHERE member_id = ?"})
        PUBLIUS_TRY(run(db_, sql, [&](Stmt& s) { s.bind(1, member_id); }));
    }
    // A lookup another member holds fails here on UNIQUE (account_id, lookup): kConflict.
    PUBLIUS_TRY(
        run(db_, "UPDATE members SET lookup = ?, wrapped_key = ? WHERE id = ?",
            [&](Stmt& s) { s.bind_blob(1, lookup).bind_blob(2, wrapped_key).bind(3, member_id); }));
    if (db_.changes() == 0) return not_found("no such member");
    std::erase_if(token_cache_, [&](const auto& entry) {
      return std::find(token_ids.begin(), token_ids.end(), entry.second.id) != token_ids.end();
    });
    return Out(std::move(token_ids));
  });
}

Result<std::optional<store::MemberRecoveryCode>> SqliteStore::member_recovery_code(
    int64_t account_id, const std::string& lookup) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT id, member_id, wrapped_key FROM "
                                    "member_recovery_codes WHERE account_id = ? AND lookup = ?"));
  stmt.bind(1, account_id).bind_blob(2, lookup);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<store::MemberRecoveryCode>();
  }
  return std::optional<store::MemberRecoveryCode>({stmt.int64(0), stmt.int64(1), stmt.blob(2)});
}

Result<int64_t> SqliteStore::member_recovery_codes_left(int64_t member_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT count(*) FROM member_recovery_codes WHERE member_id = ?"));
  stmt.bind(1, member_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return internal_error("count returned no row");
  }
  return stmt.int64(0);
}

Status SqliteStore::replace_member_recovery_codes(
    int64_t member_id, const std::vector<store::NewMemberRecoveryCode>& codes) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_, "DELETE FROM member_recovery_codes WHERE member_id = ?",
                    [&](Stmt& s) { s.bind(1, member_id); }));
    for (const auto& code : codes)
      PUBLIUS_TRY(
          run(db_,
              "INSERT INTO member_recovery_codes (member_id, account_id, lookup, "
              "wrapped_key) SELECT id, account_id, ?, ? FROM members WHERE id = ?",
              [&](Stmt& s) {
                s.bind_blob(1, code.lookup).bind_blob(2, code.wrapped_key).bind(3, member_id);
              }));
    return ok_status();
  });
}

// ---- Media ----

// ---- Polls ----

Result<bool> SqliteStore::add_poll_votes(int64_t account_id, int64_t status_id,
                                         const std::vector<int>& choices) {
  return write([&]() -> Result<bool> {
    PUBLIUS_ASSIGN_OR_RETURN(
        bool voted, exists(db_, "SELECT 1 FROM poll_votes WHERE status_id = ? AND account_id = ?",
                           [&](Stmt& s) { s.bind(1, status_id).bind(2, account_id); }));
    if (voted) return false;
    PUBLIUS_TRY(run(db_, "UPDATE polls SET voters_count = voters_count + 1 WHERE status_id = ?",
                    [&](Stmt& s) { s.bind(1, status_id); }));
    if (db_.changes() == 0) return not_found();
    for (int choice : choices) {
      PUBLIUS_TRY(run(db_,
                      "UPDATE poll_options SET votes_count = votes_count + 1 WHERE status_id = ? "
                      "AND position = ?",
                      [&](Stmt& s) { s.bind(1, status_id).bind(2, choice); }));
      if (db_.changes() == 0)
        return unprocessable("poll has no option at position " + std::to_string(choice));
      auto vote =
          run(db_, "INSERT INTO poll_votes (status_id, account_id, choice) VALUES (?, ?, ?)",
              [&](Stmt& s) { s.bind(1, status_id).bind(2, account_id).bind(3, choice); });
      // The primary key backs the check above: a vote already there is "voted", never a 500.
      if (!vote.ok() && vote.error().code == ErrorCode::kConflict) return false;
      PUBLIUS_TRY(vote);
    }
    forget_post(status_id);
    after_commit([this, account_id, status_id, choices] {
      if (auto v = viewer_cache_.find(account_id); v != viewer_cache_.end())
        v->second.poll_choices[status_id] = choices;
    });
    return true;
  });
}

Result<std::vector<std::pair<int64_t, std::vector<int>>>> SqliteStore::poll_choices(
    int64_t account_id, const std::vector<int64_t>& status_ids) {
  std::vector<std::pair<int64_t, std::vector<int>>> out;
  if (status_ids.empty()) return out;
  const auto add_choices = [&](const ViewerSets& sets) {
    for (int64_t id : status_ids) {
      if (auto it = sets.poll_choices.find(id); it != sets.poll_choices.end()) out.push_back(*it);
    }
  };
  const bool answered = from_caches([&]() -> std::optional<bool> {
                          auto it = viewer_cache_.find(account_id);
                          if (it == viewer_cache_.end()) return std::nullopt;
                          add_choices(it->second);
                          return true;
                        }).has_value();
  if (answered) return out;
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(ViewerSets * sets, viewer_sets(account_id));
  add_choices(*sets);
  return out;
}

Result<std::vector<DuePoll>> SqliteStore::polls_due(int64_t now_ms, int limit) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT p.status_id, s.account_id, p.expires_ms FROM "
                                    "polls p JOIN statuses s ON s.id = p.status_id WHERE "
                                    "p.ended = 0 AND p.expires_ms <= ? ORDER BY p.expires_ms "
                                    "LIMIT ?"));
  stmt.bind(1, now_ms).bind(2, std::max(1, limit));
  std::vector<DuePoll> due;
  while (stmt.step()) due.push_back({stmt.int64(0), stmt.int64(1), stmt.int64(2), {}});
  PUBLIUS_TRY(stmt.status());
  for (auto& poll : due) {
    PUBLIUS_ASSIGN_OR_RETURN(auto voters,
                             db_.prepare_cached("SELECT DISTINCT account_id FROM poll_votes WHERE "
                                                "status_id = ? ORDER BY account_id"));
    voters.bind(1, poll.status_id);
    PUBLIUS_ASSIGN_OR_RETURN(poll.voter_ids, collect_ids(voters));
  }
  return due;
}

Result<bool> SqliteStore::end_poll(const DuePoll& poll,
                                   const std::vector<Notification>& notifications) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(
        run(db_, "UPDATE polls SET ended = 1 WHERE status_id = ? AND expires_ms = ? AND ended = 0",
            [&](Stmt& s) { s.bind(1, poll.status_id).bind(2, poll.expires_ms); }));
    if (db_.changes() == 0) return false;
    for (const auto& n : notifications) PUBLIUS_TRY(insert_notification_in(db_, n));
    return true;
  });
}

Result<std::optional<int64_t>> SqliteStore::next_poll_end() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT MIN(expires_ms) FROM polls WHERE ended = 0"));
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<int64_t>();
  }
  return stmt.optional_int64(0);
}

// ---- Scheduled posts ----

Status SqliteStore::insert_scheduled_status(const ScheduledStatus& sched) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO scheduled_statuses (id, account_id, scheduled_ms, params, "
                    "idempotency_key_hash) VALUES (?, ?, ?, ?, ?)",
                    [&](Stmt& s) {
                      s.bind(1, sched.id).bind(2, sched.account_id).bind(3, sched.scheduled_ms);
                      s.bind(4, sched.params);
                      if (sched.idempotency_key_hash) s.bind(5, *sched.idempotency_key_hash);
                    }));
    for (size_t i = 0; i < sched.media.size(); ++i) {
      PUBLIUS_TRY(run(db_,
                      "UPDATE media SET scheduled_status_id = ?1, position = ?2 WHERE id = ?3 AND "
                      "account_id = ?4 AND status_id IS NULL AND scheduled_status_id IS NULL",
                      [&](Stmt& s) {
                        s.bind(1, sched.id).bind(2, static_cast<int64_t>(i));
                        s.bind(3, sched.media[i].id).bind(4, sched.account_id);
                      }));
      if (db_.changes() == 0)
        return unprocessable("media " + std::to_string(sched.media[i].id) +
                             " is not the author's to reserve");
    }
    return ok_status();
  });
}

Result<std::optional<ScheduledStatus>> SqliteStore::scheduled_status(int64_t id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto rows,
                           scheduled_rows(db_, "WHERE id = ?", [&](Stmt& s) { s.bind(1, id); }));
  if (rows.empty()) return std::optional<ScheduledStatus>();
  return std::optional<ScheduledStatus>(std::move(rows.front()));
}

Result<std::vector<ScheduledStatus>> SqliteStore::scheduled_statuses_of(int64_t account_id,
                                                                        const Page& p) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto rows,
                           scheduled_rows(db_, "WHERE account_id = ?" + page_clause("id", p),
                                          [&](Stmt& s) { s.bind(1, account_id); }));
  if (p.min_id) std::reverse(rows.begin(), rows.end());
  return rows;
}

Result<std::vector<ScheduledStatus>> SqliteStore::scheduled_statuses_due(int64_t now_ms,
                                                                         int limit) {
  std::lock_guard lock(mu_);
  return scheduled_rows(db_, "WHERE scheduled_ms <= ? ORDER BY scheduled_ms, id LIMIT ?",
                        [&](Stmt& s) { s.bind(1, now_ms).bind(2, std::max(1, limit)); });
}

Result<std::optional<int64_t>> SqliteStore::next_scheduled_ms() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT MIN(scheduled_ms) FROM scheduled_statuses"));
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return std::optional<int64_t>();
  }
  return stmt.optional_int64(0);
}

Result<bool> SqliteStore::reschedule_status(int64_t id, int64_t scheduled_ms) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_, "UPDATE scheduled_statuses SET scheduled_ms = ? WHERE id = ?",
                    [&](Stmt& s) { s.bind(1, scheduled_ms).bind(2, id); }));
    return db_.changes() > 0;
  });
}

Result<bool> SqliteStore::delete_scheduled_status(int64_t id) {
  return write([&]() -> Result<bool> {
    // Its reserved uploads are released by the foreign key (ON DELETE SET NULL).
    PUBLIUS_TRY(
        run(db_, "DELETE FROM scheduled_statuses WHERE id = ?", [&](Stmt& s) { s.bind(1, id); }));
    return db_.changes() > 0;
  });
}

Result<ScheduledCounts> SqliteStore::scheduled_counts(int64_t account_id, int64_t day_ms,
                                                      int64_t except_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT count(*), coalesce(sum(scheduled_ms >= ?2 AND scheduled_ms "
                         "< ?3), 0) FROM scheduled_statuses WHERE account_id = ?1 AND id <> ?4"));
  stmt.bind(1, account_id).bind(2, day_ms).bind(3, day_ms + kDayMs).bind(4, except_id);
  if (!stmt.step()) {
    PUBLIUS_TRY(stmt.status());
    return ScheduledCounts{};
  }
  return ScheduledCounts{stmt.int64(0), stmt.int64(1)};
}

Status SqliteStore::insert_media(const MediaAttachment& m) {
  return write([&]() -> Status {
    return run(db_,
               std::string("INSERT INTO media (") + kMediaColumns +
                   ") VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
               [&](Stmt& s) {
                 s.bind(1, m.id).bind(2, m.account_id).bind(3, m.file_key).bind(4, m.extension);
                 s.bind(5, m.width).bind(6, m.height).bind(7, m.size).bind(8, m.small_width);
                 s.bind(9, m.small_height).bind(10, m.small_size).bind(11, m.description);
                 s.bind(12, m.focus_x).bind(13, m.focus_y).bind(14, m.blurhash);
                 s.bind(15, m.uploaded_day_ms);
               });
  });
}

Result<std::vector<MediaAttachment>> SqliteStore::media_by_ids(const std::vector<int64_t>& ids) {
  std::lock_guard lock(mu_);
  std::vector<MediaAttachment> out;
  if (ids.empty()) return out;
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare(std::string("SELECT ") + kMediaColumns + " FROM media WHERE id IN (" +
                             id_list(ids) + ")"));
  while (stmt.step()) out.push_back(read_media(stmt));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Status SqliteStore::update_media_description(int64_t id, const std::string& description,
                                             double focus_x, double focus_y) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(
        db_, "UPDATE media SET description = ?, focus_x = ?, focus_y = ? WHERE id = ?",
        [&](Stmt& s) { s.bind(1, description).bind(2, focus_x).bind(3, focus_y).bind(4, id); }));
    if (db_.changes() == 0) return not_found();
    return ok_status();
  });
}

Result<bool> SqliteStore::delete_unattached_media(int64_t id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(run(db_,
                    "DELETE FROM media WHERE id = ? AND status_id IS NULL AND scheduled_status_id "
                    "IS NULL",
                    [&](Stmt& s) { s.bind(1, id); }));
    return db_.changes() > 0;
  });
}

Result<std::vector<std::string>> SqliteStore::delete_unattached_media_uploaded_by(
    int64_t last_day_ms) {
  return write([&]() -> Result<std::vector<std::string>> {
    // One statement: a post attaching one of these at the same moment either
    // takes it first (status_id set, so it stays) or finds it gone.
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                             db_.prepare_cached("DELETE FROM media WHERE status_id IS NULL AND "
                                                "scheduled_status_id IS NULL AND uploaded_day <= ? "
                                                "RETURNING file_key, extension"));
    stmt.bind(1, last_day_ms);
    std::vector<MediaAttachment> deleted;
    while (stmt.step()) {
      MediaAttachment m;
      m.file_key = stmt.text(0);
      m.extension = stmt.text(1);
      deleted.push_back(std::move(m));
    }
    PUBLIUS_TRY(stmt.status());
    return domain::media_file_names(deleted);
  });
}

Result<std::vector<std::string>> SqliteStore::stored_media_keys(
    const std::vector<std::string>& keys) {
  std::lock_guard lock(mu_);
  std::vector<std::string> stored;
  // In chunks, under SQLite's default limit of bound parameters.
  constexpr size_t kChunk = 500;
  for (size_t begin = 0; begin < keys.size(); begin += kChunk) {
    const size_t end = std::min(keys.size(), begin + kChunk);
    std::string placeholders;
    for (size_t i = begin; i < end; ++i)
      placeholders += (i == begin ? "?" : ", ?") + std::to_string(i - begin + 1);
    // A profile picture's file name begins with its key.
    PUBLIUS_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare("SELECT file_key FROM media WHERE file_key IN (" + placeholders +
                               ") UNION SELECT substr(avatar_file, 1, 32) FROM accounts WHERE "
                               "substr(avatar_file, 1, 32) IN (" +
                               placeholders +
                               ") UNION SELECT substr(header_file, 1, 32) FROM accounts WHERE "
                               "substr(header_file, 1, 32) IN (" +
                               placeholders + ")"));
    for (size_t i = begin; i < end; ++i) stmt.bind(static_cast<int>(i - begin + 1), keys[i]);
    while (stmt.step()) stored.push_back(stmt.text(0));
    PUBLIUS_TRY(stmt.status());
  }
  return stored;
}

Result<std::vector<std::string>> SqliteStore::media_file_names_of(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt, db_.prepare_cached(std::string("SELECT ") + kMediaColumns +
                                                         " FROM media WHERE account_id = ?"));
  stmt.bind(1, account_id);
  std::vector<MediaAttachment> media;
  while (stmt.step()) media.push_back(read_media(stmt));
  PUBLIUS_TRY(stmt.status());
  std::vector<std::string> names = domain::media_file_names(media);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto pictures,
      db_.prepare_cached("SELECT avatar_file, header_file FROM accounts WHERE id = ?"));
  pictures.bind(1, account_id);
  if (pictures.step()) {
    for (int column : {0, 1})
      if (std::string name = pictures.text(column); !name.empty()) names.push_back(name);
  }
  PUBLIUS_TRY(pictures.status());
  return names;
}

Status SqliteStore::delete_account(int64_t account_id) {
  return write([&]() -> Status {
    auto exec_for = [&](const char* sql) {
      return run(db_, sql, [&](Stmt& s) { s.bind(1, account_id); });
    };
    // The contentless search index keeps no link to its rows: remove its entries by text.
    PUBLIUS_TRY(exec_for(
        "INSERT INTO statuses_fts (statuses_fts, rowid, text) SELECT 'delete', id, "
        "spoiler_text || char(10) || text FROM statuses WHERE account_id = ?1 AND in_search = 1"));
    // Counters the account contributed to elsewhere.
    PUBLIUS_TRY(exec_for(
        "UPDATE accounts SET following_count = MAX(0, following_count - 1) WHERE id IN (SELECT "
        "account_id FROM follows WHERE target_id = ?1)"));
    PUBLIUS_TRY(exec_for(
        "UPDATE accounts SET followers_count = MAX(0, followers_count - 1) WHERE id IN (SELECT "
        "target_id FROM follows WHERE account_id = ?1)"));
    PUBLIUS_TRY(exec_for(
        "UPDATE statuses SET favourites_count = MAX(0, favourites_count - 1) WHERE id IN (SELECT "
        "status_id FROM favourites WHERE account_id = ?1)"));
    PUBLIUS_TRY(exec_for(
        "UPDATE statuses SET reblogs_count = MAX(0, reblogs_count - (SELECT COUNT(*) FROM statuses "
        "r WHERE r.account_id = ?1 AND r.reblog_of_id = statuses.id)) WHERE account_id != ?1 AND "
        "id IN (SELECT reblog_of_id FROM statuses WHERE account_id = ?1 AND reblog_of_id IS NOT "
        "NULL)"));
    PUBLIUS_TRY(exec_for(
        "UPDATE statuses SET replies_count = MAX(0, replies_count - (SELECT COUNT(*) FROM statuses "
        "r WHERE r.account_id = ?1 AND r.in_reply_to_id = statuses.id AND r.counted_as_reply = 1)) "
        "WHERE account_id != ?1 AND id IN (SELECT in_reply_to_id FROM statuses WHERE account_id = "
        "?1 AND counted_as_reply = 1)"));
    // Others' threads with the account name it in their participant key, which no
    // foreign key reaches.
    PUBLIUS_TRY(exec_for(
        "DELETE FROM conversations WHERE ' ' || participants || ' ' LIKE '% ' || ?1 || ' %'"));
    // Others' boosts of the account's posts cascade away with them; their own search
    // entries are not indexed (boosts never are). Everything else cascades from the row.
    PUBLIUS_TRY(exec_for("DELETE FROM accounts WHERE id = ?1"));
    if (db_.changes() == 0) return not_found();
    // Counters and lists of many rows changed: start every cache afresh.
    post_cache_.clear();
    account_cache_.clear();
    token_cache_.clear();
    hidden_cache_.clear();
    viewer_cache_.clear();
    followers_cache_.clear();
    return ok_status();
  });
}

}  // namespace publius::sqlite

// ---- Disclosure inventory ----

namespace publius::sqlite {

namespace {

// The inventory counts of `account_id`, inside the caller's read transaction.
Result<AccountInventoryCounts> inventory_counts_in(Db& db, int64_t account_id) {
  AccountInventoryCounts c;
  c.account_id = account_id;
  {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto s,
        db.prepare_cached(
            "SELECT username, display_name, note <> '', json_array_length(fields), "
            "password_hash <> '', created_day, last_active_day, default_visibility, "
            "default_sensitive, default_language, (avatar_file <> '') + (header_file <> '') FROM "
            "accounts WHERE id = ?"));
    s.bind(1, account_id);
    if (!s.step()) {
      PUBLIUS_TRY(s.status());
      return not_found("no such account");
    }
    c.username = s.text(0);
    c.display_name = s.text(1);
    c.has_profile_note = s.boolean(2);
    c.profile_fields = s.int64(3);
    c.has_password_hash = s.boolean(4);
    c.created_day_ms = s.int64(5);
    c.last_active_day_ms = s.optional_int64(6);
    c.default_visibility = static_cast<Visibility>(s.int64(7));
    c.default_sensitive = s.boolean(8);
    c.default_language = s.text(9);
    c.profile_pictures = s.int64(10);
  }
  // One scalar count per query keeps each statement obvious to audit.
  auto count = [&](std::string_view sql) -> Result<int64_t> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare_cached(sql));
    s.bind(1, account_id);
    if (!s.step()) {
      PUBLIUS_TRY(s.status());
      return int64_t{0};
    }
    return s.int64(0);
  };
  // Counts grouped by the counted posts' visibility; ?1 is the account.
  auto count_by_visibility = [&](std::string_view sql) -> Result<VisibilityCounts> {
    PUBLIUS_ASSIGN_OR_RETURN(auto s, db.prepare_cached(sql));
    s.bind(1, account_id);
    VisibilityCounts counts;
    while (s.step()) {
      const int64_t code = s.int64(0);
      if (code < 0 || code >= static_cast<int64_t>(counts.by_visibility.size()))
        return internal_error("a post has an unknown visibility code");
      counts[static_cast<Visibility>(code)] = s.int64(1);
    }
    PUBLIUS_TRY(s.status());
    return counts;
  };
  PUBLIUS_ASSIGN_OR_RETURN(
      c.own_posts, count_by_visibility("SELECT visibility, count(*) FROM statuses WHERE "
                                       "account_id = ?1 AND reblog_of_id IS NULL GROUP BY 1"));
  PUBLIUS_ASSIGN_OR_RETURN(
      c.posts_mentioning,
      count_by_visibility("SELECT s.visibility, count(*) FROM mentions m JOIN statuses s ON "
                          "s.id = m.status_id WHERE m.account_id = ?1 AND s.account_id <> ?1 "
                          "GROUP BY 1"));
  PUBLIUS_ASSIGN_OR_RETURN(
      c.media_in_own_posts,
      count_by_visibility("SELECT s.visibility, count(*) FROM media m JOIN statuses s ON s.id = "
                          "m.status_id WHERE m.account_id = ?1 GROUP BY 1"));
  PUBLIUS_ASSIGN_OR_RETURN(
      c.unattached_media,
      count("SELECT count(*) FROM media WHERE account_id = ?1 AND status_id IS NULL"));
  PUBLIUS_ASSIGN_OR_RETURN(
      int64_t public_key,
      count("SELECT count(*) FROM accounts WHERE id = ?1 AND public_key IS NOT NULL"));
  c.has_public_key = public_key > 0;
  PUBLIUS_ASSIGN_OR_RETURN(int64_t actor_key,
                           count("SELECT count(*) FROM actor_keys WHERE account_id = ?1"));
  c.has_actor_key = actor_key > 0;
  PUBLIUS_ASSIGN_OR_RETURN(
      c.wrapped_key_copies,
      count("SELECT (SELECT count(*) FROM accounts WHERE id = ?1 AND wrapped_key IS NOT NULL) + "
            "(SELECT count(*) FROM tokens WHERE account_id = ?1 AND wrapped_key IS NOT NULL) + "
            "(SELECT count(*) FROM web_sessions WHERE account_id = ?1 AND wrapped_key IS NOT "
            "NULL) + (SELECT count(*) FROM auth_codes WHERE account_id = ?1 AND wrapped_key IS "
            "NOT NULL) + (SELECT count(*) FROM recovery_codes WHERE account_id = ?1 AND "
            "wrapped_key IS NOT NULL) + (SELECT count(*) FROM members WHERE account_id = ?1) + "
            "(SELECT count(*) FROM member_keys JOIN members ON members.id = member_id WHERE "
            "account_id = ?1) + (SELECT count(*) FROM member_recovery_codes WHERE account_id = "
            "?1) + (SELECT count(*) FROM invite_keys JOIN member_invites USING (code_hash) WHERE "
            "account_id = ?1)"));
  PUBLIUS_ASSIGN_OR_RETURN(
      c.boosts,
      count("SELECT count(*) FROM statuses WHERE account_id = ?1 AND reblog_of_id IS NOT NULL"));
  PUBLIUS_ASSIGN_OR_RETURN(c.favourites,
                           count("SELECT count(*) FROM favourites WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.bookmarks,
                           count("SELECT count(*) FROM bookmarks WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.lists, count("SELECT count(*) FROM lists WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.list_memberships,
                           count("SELECT count(*) FROM list_members m JOIN lists l ON l.id = "
                                 "m.list_id WHERE l.account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.filters, count("SELECT count(*) FROM filters WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.account_notes,
                           count("SELECT count(*) FROM account_notes WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.filter_keywords,
                           count("SELECT count(*) FROM filter_keywords k JOIN filters f ON f.id = "
                                 "k.filter_id WHERE f.account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.conversations,
                           count("SELECT count(*) FROM conversations WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.poll_votes,
                           count("SELECT count(*) FROM poll_votes WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.followed_tags,
                           count("SELECT count(*) FROM tag_follows WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.featured_tags,
                           count("SELECT count(*) FROM featured_tags WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.endorsements,
                           count("SELECT count(*) FROM endorsements WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.reports_filed,
                           count("SELECT count(*) FROM reports WHERE reporter_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.reports_about,
                           count("SELECT count(*) FROM reports WHERE target_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.scheduled_posts,
                           count("SELECT count(*) FROM scheduled_statuses WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.following,
                           count("SELECT count(*) FROM follows WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(c.followers, count("SELECT count(*) FROM follows WHERE target_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(
      c.recovery_code_hashes,
      count("SELECT (SELECT count(*) FROM recovery_codes WHERE account_id = ?1) + (SELECT "
            "count(*) FROM member_recovery_codes WHERE account_id = ?1)"));
  PUBLIUS_ASSIGN_OR_RETURN(c.member_invites,
                           count("SELECT count(*) FROM member_invites WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(auto joined,
                           db.prepare_cached("SELECT joined_day FROM members WHERE account_id = ? "
                                             "ORDER BY id"));
  joined.bind(1, account_id);
  while (joined.step()) c.member_join_days_ms.push_back(joined.int64(0));
  PUBLIUS_TRY(joined.status());
  PUBLIUS_ASSIGN_OR_RETURN(c.token_hashes,
                           count("SELECT count(*) FROM tokens WHERE account_id = ?1"));
  PUBLIUS_ASSIGN_OR_RETURN(
      auto days,
      db.prepare_cached("SELECT DISTINCT last_used_day FROM tokens WHERE account_id = ? AND "
                        "last_used_day IS NOT NULL ORDER BY last_used_day"));
  days.bind(1, account_id);
  while (days.step()) c.token_last_used_days_ms.push_back(days.int64(0));
  PUBLIUS_TRY(days.status());
  PUBLIUS_ASSIGN_OR_RETURN(
      auto upload_days,
      db.prepare_cached("SELECT DISTINCT uploaded_day FROM media WHERE account_id = ? "
                        "AND uploaded_day IS NOT NULL ORDER BY uploaded_day"));
  upload_days.bind(1, account_id);
  while (upload_days.step()) c.media_upload_days_ms.push_back(upload_days.int64(0));
  PUBLIUS_TRY(upload_days.status());
  PUBLIUS_ASSIGN_OR_RETURN(
      c.remote_followers, count("SELECT count(*) FROM follows WHERE target_id = ?1 AND by_remote"));
  PUBLIUS_ASSIGN_OR_RETURN(auto remote,
                           db.prepare_cached("SELECT uri, shared_inbox <> '', url <> '' "
                                             "FROM remote_actors WHERE account_id = ?"));
  remote.bind(1, account_id);
  if (remote.step()) {
    c.remote = AccountInventoryCounts::Remote{remote.text(0), remote.boolean(1), remote.boolean(2)};
    PUBLIUS_ASSIGN_OR_RETURN(c.queued_deliveries,
                             count("SELECT count(*) FROM federation_deliveries WHERE inbox = "
                                   "(SELECT inbox FROM remote_actors WHERE account_id = ?1)"));
  } else {
    PUBLIUS_TRY(remote.status());
    PUBLIUS_ASSIGN_OR_RETURN(
        c.queued_deliveries,
        count("SELECT count(*) FROM federation_deliveries WHERE account_id = ?1"));
  }
  return c;
}

}  // namespace

Result<AccountInventoryCounts> SqliteStore::inventory_counts(int64_t account_id) {
  PUBLIUS_ASSIGN_OR_RETURN(auto records, account_records(account_id, {}));
  return std::move(records.counts);
}

Result<AccountRecords> SqliteStore::account_records(
    int64_t account_id, const std::vector<Visibility>& post_visibilities) {
  PUBLIUS_TRY(commit_queued_writes());
  std::lock_guard lock(mu_);
  // One snapshot: a legal production reports the account as it was at one moment,
  // whatever other connections (the admin CLI) commit while it is read.
  PUBLIUS_ASSIGN_OR_RETURN(auto snapshot, Transaction::begin_read(db_));
  AccountRecords records;
  PUBLIUS_ASSIGN_OR_RETURN(records.counts, inventory_counts_in(db_, account_id));
  if (!post_visibilities.empty()) {
    // Read apart from the post cache, which holds what this connection saw last, not
    // this snapshot.
    PUBLIUS_ASSIGN_OR_RETURN(
        auto posts, db_.prepare(std::string("SELECT ") + kStatusColumns +
                                " FROM statuses WHERE account_id = ? AND reblog_of_id IS NULL "
                                "AND visibility IN (" +
                                visibility_list(post_visibilities) + ") ORDER BY id DESC"));
    posts.bind(1, account_id);
    while (posts.step()) records.posts.push_back(read_status(posts));
    PUBLIUS_TRY(posts.status());
  }
  PUBLIUS_TRY(snapshot.commit());
  return records;
}

// ---- Federation ----

namespace {

constexpr const char* kRemoteActorColumns =
    "account_id, uri, inbox, shared_inbox, url, key_id, public_pem";

// The remote actor whose `column` equals the value `bind` binds as parameter 1.
Result<std::optional<store::RemoteActor>> remote_actor_where(Db& db, std::string_view column,
                                                             const Binder& bind) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto s, db.prepare_cached(std::string("SELECT ") + kRemoteActorColumns +
                                " FROM remote_actors WHERE " + std::string(column) + " = ?"));
  bind(s);
  if (s.step())
    return std::optional(store::RemoteActor{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4),
                                            s.text(5), s.text(6)});
  PUBLIUS_TRY(s.status());
  return std::optional<store::RemoteActor>();
}

}  // namespace

Result<int64_t> SqliteStore::save_remote_actor(const store::RemoteActor& actor,
                                               const store::RemoteProfile& profile) {
  return write([&]() -> Result<int64_t> {
    std::optional<int64_t> id;
    {
      PUBLIUS_ASSIGN_OR_RETURN(
          auto found, db_.prepare_cached("SELECT account_id FROM remote_actors WHERE uri = ?"));
      found.bind(1, actor.uri);
      if (found.step()) id = found.int64(0);
      PUBLIUS_TRY(found.status());
    }
    if (!id) {
      // Ids come from the same sequence as local accounts' (home feeds are indexed by them).
      PUBLIUS_TRY(db_.exec("UPDATE account_id_high_water SET last_id = last_id + 1"));
      PUBLIUS_TRY(run(db_,
                      "INSERT INTO accounts (id, username, password_hash, role, created_day) "
                      "VALUES ((SELECT last_id FROM account_id_high_water), ?, '', 0, ?)",
                      [&](Stmt& s) { s.bind(1, profile.acct).bind(2, now_day_ms()); }));
      id = db_.last_insert_id();
    }
    PUBLIUS_TRY(run(db_,
                    "UPDATE accounts SET username = ?, display_name = ?, note = ?, locked = ?, "
                    "bot = ?, also_known_as = ? WHERE id = ?",
                    [&](Stmt& s) {
                      s.bind(1, profile.acct).bind(2, profile.display_name).bind(3, profile.note);
                      s.bind(4, profile.locked).bind(5, profile.bot);
                      s.bind(6, join_tags(profile.also_known_as)).bind(7, *id);
                    }));
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO remote_actors (account_id, uri, inbox, shared_inbox, url, "
                    "key_id, public_pem) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) "
                    "DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, "
                    "url = excluded.url, key_id = excluded.key_id, "
                    "public_pem = excluded.public_pem",
                    [&](Stmt& s) {
                      s.bind(1, *id).bind(2, actor.uri).bind(3, actor.inbox);
                      s.bind(4, actor.shared_inbox).bind(5, actor.url).bind(6, actor.key_id);
                      s.bind(7, actor.public_pem);
                    }));
    forget_account(*id);
    return *id;
  });
}

Result<std::optional<store::RemoteActor>> SqliteStore::remote_actor(int64_t account_id) {
  std::lock_guard lock(mu_);
  return remote_actor_where(db_, "account_id", [&](Stmt& s) { s.bind(1, account_id); });
}

Result<std::optional<store::RemoteActor>> SqliteStore::remote_actor_by_uri(std::string_view uri) {
  std::lock_guard lock(mu_);
  return remote_actor_where(db_, "uri", [&](Stmt& s) { s.bind(1, uri); });
}

Result<std::optional<store::RemoteActor>> SqliteStore::remote_actor_by_key_id(
    std::string_view key_id) {
  std::lock_guard lock(mu_);
  return remote_actor_where(db_, "key_id", [&](Stmt& s) { s.bind(1, key_id); });
}

Result<std::optional<int64_t>> SqliteStore::status_id_by_uri(std::string_view uri) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto s, db_.prepare_cached("SELECT id FROM statuses WHERE uri = ? AND uri != ''"));
  s.bind(1, uri);
  if (s.step()) return std::optional<int64_t>(s.int64(0));
  PUBLIUS_TRY(s.status());
  return std::optional<int64_t>();
}

Result<std::vector<std::string>> SqliteStore::follower_inboxes(int64_t account_id) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT DISTINCT CASE r.shared_inbox WHEN '' THEN r.inbox ELSE "
                         "r.shared_inbox END FROM follows f JOIN remote_actors r ON "
                         "r.account_id = f.account_id WHERE f.target_id = ? AND f.by_remote "
                         "ORDER BY 1"));
  stmt.bind(1, account_id);
  std::vector<std::string> out;
  while (stmt.step()) out.push_back(stmt.text(0));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Status SqliteStore::keep_follow_activity(int64_t follower_id, int64_t target_id,
                                         const std::string& uri) {
  return write([&]() -> Status {
    return run(db_,
               "INSERT INTO follow_activities (account_id, target_id, uri) VALUES (?, ?, ?) "
               "ON CONFLICT (account_id, target_id) DO UPDATE SET uri = excluded.uri",
               [&](Stmt& s) { s.bind(1, follower_id).bind(2, target_id).bind(3, uri); });
  });
}

Result<std::optional<std::string>> SqliteStore::take_follow_activity(int64_t follower_id,
                                                                     int64_t target_id) {
  return write([&]() -> Result<std::optional<std::string>> {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto stmt, db_.prepare_cached("DELETE FROM follow_activities WHERE account_id = ? "
                                      "AND target_id = ? RETURNING uri"));
    stmt.bind(1, follower_id).bind(2, target_id);
    std::optional<std::string> uri;
    if (stmt.step()) uri = stmt.text(0);
    PUBLIUS_TRY(stmt.status());
    return uri;
  });
}

Status SqliteStore::enqueue_deliveries(const std::vector<store::FederationDelivery>& deliveries,
                                       int64_t due_ms) {
  if (deliveries.empty()) return ok_status();
  return write([&]() -> Status {
    PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                             db_.prepare_cached("INSERT INTO federation_deliveries (inbox, kind, "
                                                "account_id, object_id, object_uri, due_ms) VALUES "
                                                "(?, ?, ?, ?, ?, ?)"));
    for (const auto& d : deliveries) {
      stmt.reset();
      stmt.bind(1, d.inbox).bind(2, static_cast<int64_t>(d.kind)).bind(3, d.account_id);
      stmt.bind(4, d.object_id).bind(5, d.object_uri).bind(6, due_ms);
      PUBLIUS_TRY(stmt.run());
    }
    return ok_status();
  });
}

Result<std::vector<store::FederationDelivery>> SqliteStore::claim_deliveries(int64_t now_ms,
                                                                             int64_t lease_ms,
                                                                             int limit) {
  return write([&]() -> Result<std::vector<store::FederationDelivery>> {
    PUBLIUS_ASSIGN_OR_RETURN(
        auto stmt,
        db_.prepare_cached("UPDATE federation_deliveries SET claimed_until_ms = ?1 WHERE id IN "
                           "(SELECT id FROM federation_deliveries WHERE due_ms <= ?2 AND "
                           "claimed_until_ms <= ?2 ORDER BY due_ms LIMIT ?3) RETURNING id, inbox, "
                           "kind, account_id, object_id, object_uri, attempts"));
    stmt.bind(1, now_ms + lease_ms).bind(2, now_ms).bind(3, static_cast<int64_t>(limit));
    std::vector<store::FederationDelivery> out;
    while (stmt.step())
      out.push_back({stmt.int64(0), stmt.text(1), static_cast<store::DeliveryKind>(stmt.int64(2)),
                     stmt.int64(3), stmt.int64(4), stmt.text(5), static_cast<int>(stmt.int64(6))});
    PUBLIUS_TRY(stmt.status());
    return out;
  });
}

Status SqliteStore::finish_delivery(int64_t id) {
  return write([&]() -> Status {
    return run(db_, "DELETE FROM federation_deliveries WHERE id = ?",
               [&](Stmt& s) { s.bind(1, id); });
  });
}

Status SqliteStore::retry_delivery(int64_t id, int64_t due_ms) {
  return write([&]() -> Status {
    return run(db_,
               "UPDATE federation_deliveries SET attempts = attempts + 1, due_ms = ?, "
               "claimed_until_ms = 0 WHERE id = ?",
               [&](Stmt& s) { s.bind(1, due_ms).bind(2, id); });
  });
}

Result<std::optional<int64_t>> SqliteStore::next_delivery_ms() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT min(max(due_ms, claimed_until_ms)) FROM "
                                              "federation_deliveries"));
  if (stmt.step()) return stmt.optional_int64(0);
  PUBLIUS_TRY(stmt.status());
  return std::optional<int64_t>();
}

namespace {

void bind_domain_block(Stmt& s, const domain::DomainBlock& b) {
  s.bind(1, b.domain).bind(2, static_cast<int64_t>(b.severity)).bind(3, b.reject_media);
  s.bind(4, b.reject_reports).bind(5, b.private_comment).bind(6, b.public_comment);
}

}  // namespace

Result<domain::DomainBlock> SqliteStore::insert_domain_block(const domain::DomainBlock& block) {
  return write([&]() -> Result<domain::DomainBlock> {
    PUBLIUS_TRY(run(db_,
                    "INSERT INTO domain_blocks (domain, severity, reject_media, reject_reports, "
                    "private_comment, public_comment, created_day) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [&](Stmt& s) {
                      bind_domain_block(s, block);
                      s.bind(7, block.created_day_ms);
                    }));
    domain::DomainBlock kept = block;
    kept.id = db_.last_insert_id();
    return kept;
  });
}

Status SqliteStore::update_domain_block(const domain::DomainBlock& block) {
  return write([&]() -> Status {
    PUBLIUS_TRY(run(db_,
                    "UPDATE domain_blocks SET domain = ?, severity = ?, reject_media = ?, "
                    "reject_reports = ?, private_comment = ?, public_comment = ? WHERE id = ?",
                    [&](Stmt& s) {
                      bind_domain_block(s, block);
                      s.bind(7, block.id);
                    }));
    if (db_.changes() == 0) return not_found();
    return ok_status();
  });
}

Result<bool> SqliteStore::delete_domain_block(int64_t id) {
  return write([&]() -> Result<bool> {
    PUBLIUS_TRY(
        run(db_, "DELETE FROM domain_blocks WHERE id = ?", [&](Stmt& s) { s.bind(1, id); }));
    return db_.changes() > 0;
  });
}

Result<std::vector<domain::DomainBlock>> SqliteStore::domain_blocks() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt, db_.prepare_cached("SELECT id, domain, severity, reject_media, reject_reports, "
                                    "private_comment, public_comment, created_day FROM "
                                    "domain_blocks ORDER BY id"));
  std::vector<domain::DomainBlock> out;
  while (stmt.step())
    out.push_back({.id = stmt.int64(0),
                   .domain = stmt.text(1),
                   .severity = static_cast<domain::DomainBlockSeverity>(stmt.int64(2)),
                   .reject_media = stmt.int64(3) != 0,
                   .reject_reports = stmt.int64(4) != 0,
                   .private_comment = stmt.text(5),
                   .public_comment = stmt.text(6),
                   .created_day_ms = stmt.int64(7)});
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::vector<std::pair<int64_t, std::string>>> SqliteStore::remote_accounts_containing(
    std::string_view text) {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto stmt,
                           db_.prepare_cached("SELECT a.id, a.username FROM remote_actors r JOIN "
                                              "accounts a ON a.id = r.account_id WHERE "
                                              "instr(a.username, ?) > 0 ORDER BY a.id"));
  stmt.bind(1, text);
  std::vector<std::pair<int64_t, std::string>> out;
  while (stmt.step()) out.emplace_back(stmt.int64(0), stmt.text(1));
  PUBLIUS_TRY(stmt.status());
  return out;
}

Result<std::optional<store::ActorKey>> SqliteStore::instance_actor_key() {
  std::lock_guard lock(mu_);
  PUBLIUS_ASSIGN_OR_RETURN(
      auto stmt,
      db_.prepare_cached("SELECT public_pem, private_pem FROM instance_actor_key WHERE id = 1"));
  if (stmt.step()) return std::optional(store::ActorKey{stmt.text(0), stmt.text(1)});
  PUBLIUS_TRY(stmt.status());
  return std::optional<store::ActorKey>();
}

Result<store::ActorKey> SqliteStore::add_instance_actor_key(const store::ActorKey& key) {
  PUBLIUS_TRY(write([&]() -> Status {
    return run(db_,
               "INSERT INTO instance_actor_key (id, public_pem, private_pem) VALUES (1, ?, ?) "
               "ON CONFLICT (id) DO NOTHING",
               [&](Stmt& s) { s.bind(1, key.public_pem).bind(2, key.private_pem); });
  }));
  PUBLIUS_ASSIGN_OR_RETURN(auto kept, instance_actor_key());
  if (!kept) return not_found();
  return std::move(*kept);
}

}  // namespace publius::sqlite
