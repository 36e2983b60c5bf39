// SqliteStore: the embedded default Store, one SQLite file (WAL mode) inside the
// data directory. open() applies pending migrations. All calls are serialized
// on one connection under a mutex: SQLite serializes writers anyway, and the
// rows every request reads (tokens, accounts, posts, block/mute lists) are kept
// in read-through caches, so the hot paths rarely reach SQL (docs/performance.md).
// Writes are group-committed (GroupCommitter): the writes of concurrent callers
// share one transaction and one fsync, each in a savepoint of its own, and every
// write call returns only once its write is durable (or has failed, alone).
//
// The caches are exact: every write through this store updates them, and a
// commit by another connection (the admin CLI against a running server) is seen
// through PRAGMA data_version and empties them. A read the caches can answer
// takes neither the connection nor its mutex (so it never waits for a batch's
// fsync) and runs no SQL: it looks at the WAL index's header in shared memory
// (WalIndexWatch), and only when a commit has changed it since the caches were
// last checked does it take the connection to ask data_version whose commit it
// was. A write changes what the caches say only once its batch is durable. The legal desk's tables
// in the same file are written through this store's connection (SqliteLegalStore), so the server's
// own legal actions are not mistaken for another process's.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/sqlite/db.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/wal_index.h"
#include "store/store.h"
#include "util/periodic_thread.h"

namespace publius::sqlite {

class SqliteStore final : public store::Store {
 public:
  // Opens DIR/publius.db, creating and migrating it as needed.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& data_dir);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<uint64_t> external_commits() override;

  // How long a queued write (touch_activity_day) waits at most for a batch to carry it.
  static constexpr std::chrono::milliseconds kQueuedWritesFlush{1000};

  // How the writes so far were batched (writes against transactions): for tests
  // and metrics. Never blocks on the connection.
  GroupCommitter::Stats write_stats() const { return committer_.stats(); }
  // The batches' sizes and commit times: for metrics.
  const GroupCommitter& committer() const { return committer_; }

  // Runs `work(db)` on this store's connection under its mutex and returns what
  // it returns: for a store of other tables in the same file (SqliteLegalStore),
  // whose commits are then this connection's own. PRAGMA data_version moves only
  // for another connection's commits, so a process's own legal actions never
  // count as external commits, while another process's (a `publius legal`
  // command) always do. `work` must not call this store (the mutex is not
  // recursive) nor write the tables this store caches, and must end any
  // transaction it begins.
  template <typename Work>
  auto with_connection(Work&& work) {
    std::lock_guard lock(mu_);
    return work(db_);
  }

  Result<store::Account> create_account(const store::NewAccount& a) override;
  Result<std::optional<store::Account>> account_by_id(int64_t id) override;
  Result<std::optional<store::Account>> account_by_username(std::string_view username) override;
  Result<std::vector<store::Account>> accounts_by_ids(const std::vector<int64_t>& ids) override;
  Result<std::vector<store::Account>> search_accounts(std::string_view prefix, int limit,
                                                      int offset) override;
  Result<std::vector<int64_t>> directory(const store::DirectoryQuery& q) override;
  Status update_profile(int64_t id, const store::ProfileUpdate& u) override;
  Status set_role(int64_t id, domain::Role role) override;
  Result<std::string> password_hash(int64_t account_id) override;
  // Queues the day's write (GroupCommitter::enqueue) and returns at once: it commits in
  // the next batch (with the caller's next write, if it makes one), or within
  // kQueuedWritesFlush when no write comes. Reads of the days (accounts_active_since,
  // tokens_of, the inventory) commit what is queued first.
  Status touch_activity_day(int64_t account_id, int64_t token_id, std::string_view token_hash,
                            int64_t day_ms) override;
  Result<store::AccountInventoryCounts> inventory_counts(int64_t account_id) override;
  Result<int64_t> accounts_active_since(int64_t day_ms) override;
  Result<std::optional<store::ActorKey>> actor_key(int64_t account_id) override;
  Result<store::ActorKey> add_actor_key(int64_t account_id, const store::ActorKey& key) override;
  Result<store::AccountRecords> account_records(
      int64_t account_id, const std::vector<domain::Visibility>& post_visibilities) override;

  Result<store::App> create_app(const store::App& app) override;
  Result<std::optional<store::App>> app_by_client_id(std::string_view client_id) override;
  Result<std::optional<store::App>> app_by_id(int64_t id) override;
  Result<store::Token> create_token(const std::string& token_hash, const store::Token& t,
                                    const std::string& wrapped_key) override;
  Result<std::optional<store::Token>> token_by_hash(const std::string& token_hash) override;
  Status revoke_token(const std::string& token_hash) override;
  Status create_auth_code(const std::string& code_hash, const store::AuthCode& c,
                          const std::string& wrapped_key) override;
  Result<std::optional<store::AuthCode>> take_auth_code(const std::string& code_hash,
                                                        int64_t app_id) override;

  Status insert_status(const store::Post& s, const store::NewPostEffects& effects) override;
  Result<std::optional<store::Post>> status_by_id(int64_t id) override;
  Result<std::vector<store::Post>> statuses_by_ids(const std::vector<int64_t>& ids) override;
  Result<std::vector<int64_t>> delete_status(int64_t id) override;
  Status update_status(const store::Post& s, const store::PostEdit& previous,
                       const std::vector<std::string>& tag_keys, bool reset_poll_votes,
                       const std::vector<store::Notification>& notifications) override;
  Result<std::vector<store::PostEdit>> status_edits(int64_t id) override;
  Result<std::optional<int64_t>> find_reblog(int64_t account_id, int64_t status_id) override;
  Result<std::vector<int64_t>> ancestors(int64_t id, int limit) override;
  Result<bool> add_poll_votes(int64_t account_id, int64_t status_id,
                              const std::vector<int>& choices) override;
  Result<std::vector<std::pair<int64_t, std::vector<int>>>> poll_choices(
      int64_t account_id, const std::vector<int64_t>& status_ids) override;
  Result<std::vector<store::DuePoll>> polls_due(int64_t now_ms, int limit) override;
  Result<bool> end_poll(const store::DuePoll& poll,
                        const std::vector<store::Notification>& notifications) override;
  Result<std::optional<int64_t>> next_poll_end() override;
  Status insert_media(const store::MediaAttachment& m) override;
  Result<std::vector<store::MediaAttachment>> media_by_ids(
      const std::vector<int64_t>& ids) override;
  Status update_media_description(int64_t id, const std::string& description, double focus_x,
                                  double focus_y) override;
  Result<bool> delete_unattached_media(int64_t id) override;
  Result<std::vector<std::string>> media_file_names_of(int64_t account_id) override;
  Result<std::vector<std::string>> delete_unattached_media_uploaded_by(
      int64_t last_day_ms) override;
  Result<std::vector<std::string>> stored_media_keys(const std::vector<std::string>& keys) override;
  Result<std::vector<int64_t>> descendants(int64_t id, int limit) override;
  Status insert_scheduled_status(const store::ScheduledStatus& s) override;
  Result<std::optional<store::ScheduledStatus>> scheduled_status(int64_t id) override;
  Result<std::vector<store::ScheduledStatus>> scheduled_statuses_of(int64_t account_id,
                                                                    const store::Page& p) override;
  Result<std::vector<store::ScheduledStatus>> scheduled_statuses_due(int64_t now_ms,
                                                                     int limit) override;
  Result<std::optional<int64_t>> next_scheduled_ms() override;
  Result<bool> reschedule_status(int64_t id, int64_t scheduled_ms) override;
  Result<bool> delete_scheduled_status(int64_t id) override;
  Result<store::ScheduledCounts> scheduled_counts(int64_t account_id, int64_t day_ms,
                                                  int64_t except_id) override;

  Result<std::vector<int64_t>> account_statuses(int64_t account_id,
                                                const store::AccountStatusesQuery& q,
                                                const store::Page& p) override;
  Result<std::vector<int64_t>> public_timeline(
      const store::Page& p, bool only_media = false,
      domain::PostOrigin origin = domain::PostOrigin::kAny) override;
  Result<std::vector<int64_t>> tag_timeline(std::string_view normalized_tag, const store::Page& p,
                                            bool only_media = false) override;
  Result<std::vector<int64_t>> feed_candidates(const store::FeedSources& sources,
                                               const store::Page& p) override;
  Result<std::vector<int64_t>> search_statuses(std::string_view query, int limit,
                                               int offset) override;
  Result<std::vector<std::string>> search_tags(std::string_view prefix, int limit) override;

  Result<bool> set_favourite(int64_t account_id, int64_t status_id, bool on,
                             const std::vector<store::Notification>& notifications) override;
  Result<bool> set_bookmark(int64_t account_id, int64_t status_id, bool on) override;
  Result<bool> set_pin(int64_t account_id, int64_t status_id, bool on) override;
  Result<store::ViewerFlags> viewer_flags(int64_t account_id,
                                          const std::vector<int64_t>& status_ids) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> favourites_of(int64_t account_id,
                                                                 const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> bookmarks_of(int64_t account_id,
                                                                const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> favourited_by(int64_t status_id,
                                                                 const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> reblogged_by(int64_t status_id,
                                                                const store::Page& p) override;

  Result<store::FollowOutcome> follow(
      int64_t account_id, int64_t target_id, bool locked_target, bool show_reblogs, bool notify,
      const std::vector<store::Notification>& notifications) override;
  Result<bool> end_follow(const store::EndedFollow& ended) override;
  Result<bool> resolve_follow_request(
      int64_t requester_id, int64_t target_id, bool accept,
      const std::vector<store::Notification>& notifications) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> follow_requests(int64_t target_id,
                                                                   const store::Page& p) override;
  Result<bool> set_block(int64_t account_id, int64_t target_id, bool on,
                         const std::vector<store::EndedFollow>& ended) override;
  Result<bool> set_mute(int64_t account_id, int64_t target_id, bool on,
                        bool notifications) override;
  Result<std::vector<store::Relationship>> relationships(int64_t account_id,
                                                         const std::vector<int64_t>& ids) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> followers(int64_t account_id,
                                                             const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> following(int64_t account_id,
                                                             const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> blocks_of(int64_t account_id,
                                                             const store::Page& p) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> mutes_of(int64_t account_id,
                                                            const store::Page& p) override;
  Result<bool> set_endorsement(int64_t account_id, int64_t target_id, bool on) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> endorsements(int64_t account_id,
                                                                const store::Page& p) override;
  Result<std::vector<int64_t>> followers_followed_by(int64_t account_id,
                                                     int64_t viewer_id) override;
  Result<std::vector<int64_t>> follower_ids(int64_t account_id) override;
  Result<std::vector<int64_t>> followed_ids(int64_t account_id) override;
  Result<std::vector<int64_t>> notified_follower_ids(int64_t account_id) override;
  Result<store::HiddenAccounts> hidden_accounts(int64_t viewer_id) override;
  Result<store::HiddenBy> hidden_by(int64_t account_id) override;
  Result<bool> set_tag_follow(int64_t account_id, const std::string& tag, bool on) override;
  Result<std::vector<std::string>> followed_tags(int64_t account_id) override;
  Result<std::vector<int64_t>> tag_follower_ids(const std::vector<std::string>& tags) override;
  Result<std::vector<domain::FeaturedTag>> featured_tags(int64_t account_id) override;
  Result<std::optional<int64_t>> feature_tag(int64_t account_id, const std::string& tag,
                                             size_t at_most) override;
  Result<bool> unfeature_tag(int64_t account_id, int64_t featured_tag_id) override;
  Result<std::vector<std::string>> listed_tags_of(int64_t account_id, int limit) override;
  Result<std::vector<domain::TagDay>> tag_history(std::string_view tag,
                                                  int64_t since_day_ms) override;

  Result<std::vector<store::Notification>> notifications(int64_t account_id,
                                                         const store::NotificationQuery& q,
                                                         const store::Page& p) override;
  Result<std::optional<store::Notification>> notification(int64_t account_id, int64_t id) override;
  Result<bool> dismiss_notification(int64_t account_id, int64_t id) override;
  Status clear_notifications(int64_t account_id) override;
  Result<std::vector<std::pair<int64_t, domain::NotificationPolicy>>> notification_policies(
      const std::vector<int64_t>& account_ids) override;
  Status save_notification_policy(int64_t account_id,
                                  const domain::NotificationPolicy& policy) override;
  Result<std::vector<int64_t>> notification_permissions(
      int64_t from_account_id, const std::vector<int64_t>& account_ids) override;
  Result<std::vector<domain::NotificationRequest>> notification_requests(
      int64_t account_id, const store::Page& p) override;
  Result<std::optional<domain::NotificationRequest>> notification_request(int64_t account_id,
                                                                          int64_t id) override;
  Status resolve_notification_requests(int64_t account_id,
                                       const std::vector<int64_t>& from_account_ids,
                                       bool accept) override;
  Result<bool> set_thread_mute(int64_t account_id, int64_t root_id, bool on) override;
  Result<std::vector<int64_t>> thread_muters(int64_t root_id) override;

  Status save_conversation(int64_t account_id, const std::vector<int64_t>& participant_ids,
                           int64_t last_status_id, bool unread) override;
  Result<std::vector<store::Conversation>> conversations(int64_t account_id,
                                                         const store::Page& p) override;
  Result<std::optional<store::Conversation>> conversation(int64_t account_id, int64_t id) override;
  Result<std::vector<store::Conversation>> conversations_ending_with(int64_t status_id) override;
  Result<std::vector<int64_t>> statuses_with_visibility_of(int64_t account_id,
                                                           domain::Visibility visibility,
                                                           int64_t before_id, int limit) override;
  Result<bool> mark_conversation_read(int64_t account_id, int64_t id) override;
  Result<bool> delete_conversation(int64_t account_id, int64_t id) override;

  Result<domain::Report> insert_report(const domain::Report& r) override;
  Result<std::optional<domain::Report>> report(int64_t id) override;
  Result<std::vector<domain::Report>> reports(const store::ReportQuery& q,
                                              const store::Page& p) override;
  Status update_report(const domain::Report& r) override;
  Result<store::InstanceStats> instance_stats() override;
  Result<store::List> create_list(const store::List& list) override;
  Result<std::optional<store::List>> list(int64_t list_id) override;
  Status update_list(const store::List& list) override;
  Status delete_list(int64_t list_id) override;
  Status set_account_note(int64_t account_id, int64_t target_id,
                          const std::string& sealed) override;
  Result<std::vector<domain::Filter>> filters_of(int64_t account_id) override;
  Result<std::optional<domain::Filter>> filter(int64_t filter_id) override;
  Result<std::optional<int64_t>> filter_of_keyword(int64_t keyword_id) override;
  Result<std::optional<int64_t>> filter_of_status(int64_t filter_status_id) override;
  Result<domain::Filter> save_filter(const domain::Filter& filter) override;
  Status delete_filter(int64_t filter_id) override;
  Result<std::vector<store::List>> lists_of(int64_t owner_id) override;
  Result<std::vector<store::List>> lists_with_member(int64_t owner_id, int64_t member_id) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> list_members(int64_t list_id,
                                                                const store::Page& p) override;
  Status add_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) override;
  Status remove_list_members(int64_t list_id, const std::vector<int64_t>& account_ids) override;
  Result<std::vector<int64_t>> list_member_ids(int64_t list_id) override;
  Result<std::vector<int64_t>> exclusive_list_owners(int64_t member_id) override;
  Result<std::vector<store::Marker>> markers(int64_t account_id) override;
  Result<store::Marker> save_marker(int64_t account_id, const std::string& timeline,
                                    int64_t last_read_id) override;
  Result<std::optional<int64_t>> idempotent_status(int64_t account_id,
                                                   const std::string& key_hash) override;

  Status create_web_session(const std::string& token_hash, int64_t account_id,
                            std::optional<int64_t> member_id, int64_t day_ms,
                            const std::string& wrapped_key) override;
  Result<std::optional<store::WebSession>> web_session(const std::string& token_hash) override;
  Status touch_web_session(const std::string& token_hash, int64_t day_ms) override;
  Status delete_web_session(const std::string& token_hash) override;
  Status delete_web_sessions_of(int64_t account_id) override;
  Status set_password_hash(int64_t account_id, const std::string& password_hash) override;
  Result<std::vector<store::RecoveryCodeHash>> recovery_codes(int64_t account_id) override;
  Result<bool> consume_recovery_code(int64_t account_id, int64_t code_id) override;
  Status replace_recovery_codes(int64_t account_id,
                                const std::vector<store::NewRecoveryCode>& codes) override;
  Result<std::optional<store::AccountKey>> account_key(int64_t account_id) override;
  Status set_account_key(int64_t account_id, const store::AccountKey& key) override;
  Result<bool> add_account_key(int64_t account_id, const store::AccountKey& key) override;
  Result<std::vector<std::pair<int64_t, std::string>>> public_keys(
      const std::vector<int64_t>& ids) override;
  Result<std::optional<store::WrappedCopy>> wrapped_key(
      store::KeyedCredential kind, const std::string& credential_hash) override;
  Result<std::vector<store::Token>> tokens_of(int64_t account_id) override;
  Status revoke_token_of(int64_t account_id, int64_t token_id) override;
  Status revoke_tokens_of(int64_t account_id) override;
  Result<std::optional<store::Collective>> collective(int64_t account_id) override;
  Result<int64_t> make_collective(int64_t account_id, const std::string& salt,
                                  const store::NewMember& owner, int64_t day_ms) override;
  Result<std::vector<store::Member>> members(int64_t account_id) override;
  Result<std::optional<store::Member>> member(int64_t member_id) override;
  Result<std::optional<store::Member>> member_by_lookup(int64_t account_id,
                                                        const std::string& lookup) override;
  Result<std::vector<store::KeyCopy>> key_copies(int64_t member_id) override;
  Status create_invite(const std::string& code_hash, const store::Invite& invite) override;
  Result<std::optional<store::Invite>> invite(const std::string& code_hash,
                                              int64_t today_ms) override;
  Result<store::JoinOutcome> join_collective(const std::string& code_hash, int64_t today_ms,
                                             const store::NewMember& member,
                                             int64_t day_ms) override;
  Result<std::vector<int64_t>> remove_member(int64_t member_id, const store::Rekey& rekey) override;
  Status hand_over(int64_t from_member_id, int64_t to_member_id) override;
  Result<std::optional<std::vector<int64_t>>> set_member_password(
      int64_t member_id, const std::string& lookup, const std::string& wrapped_key,
      std::optional<int64_t> code_id) override;
  Result<std::optional<store::MemberRecoveryCode>> member_recovery_code(
      int64_t account_id, const std::string& lookup) override;
  Result<int64_t> member_recovery_codes_left(int64_t member_id) override;
  Status replace_member_recovery_codes(
      int64_t member_id, const std::vector<store::NewMemberRecoveryCode>& codes) override;
  Status delete_account(int64_t account_id) override;
  Result<bool> erase_deleted() override;
  Result<int64_t> save_remote_actor(const store::RemoteActor& actor,
                                    const store::RemoteProfile& profile) override;
  Result<std::optional<store::RemoteActor>> remote_actor(int64_t account_id) override;
  Result<std::optional<store::RemoteActor>> remote_actor_by_uri(std::string_view uri) override;
  Result<std::optional<store::RemoteActor>> remote_actor_by_key_id(
      std::string_view key_id) override;
  Result<std::optional<int64_t>> status_id_by_uri(std::string_view uri) override;
  Result<std::vector<std::string>> follower_inboxes(int64_t account_id) override;
  Status keep_follow_activity(int64_t follower_id, int64_t target_id,
                              const std::string& uri) override;
  Result<std::optional<std::string>> take_follow_activity(int64_t follower_id,
                                                          int64_t target_id) override;
  Status enqueue_deliveries(const std::vector<store::FederationDelivery>& deliveries,
                            int64_t due_ms) override;
  Result<std::vector<store::FederationDelivery>> claim_deliveries(int64_t now_ms, int64_t lease_ms,
                                                                  int limit) override;
  Status finish_delivery(int64_t id) override;
  Status retry_delivery(int64_t id, int64_t due_ms) override;
  Result<std::optional<int64_t>> next_delivery_ms() override;
  Result<domain::DomainBlock> insert_domain_block(const domain::DomainBlock& block) override;
  Status update_domain_block(const domain::DomainBlock& block) override;
  Result<bool> delete_domain_block(int64_t id) override;
  Result<std::vector<domain::DomainBlock>> domain_blocks() override;
  Result<std::vector<std::pair<int64_t, std::string>>> remote_accounts_containing(
      std::string_view text) override;
  Result<std::optional<store::ActorKey>> instance_actor_key() override;
  Result<store::ActorKey> add_instance_actor_key(const store::ActorKey& key) override;

  // ---- Bulk loading (benchmark data: bench/seed.cc) ----
  // Each call writes its whole batch as one write of the group commit: one
  // transaction and one fsync, statements compiled once. A batch leaves in the
  // file exactly what the single writes, one after another, would have left
  // (rows, counters, search index), so a server reads it like anything else;
  // a batch that fails leaves nothing of itself. Thread-safe like every write.
  // Batches of about 10,000 to 100,000 rows keep the log and memory bounded.

  // As create_account() for each, in order; ids ascend.
  Result<std::vector<store::Account>> create_accounts(
      const std::vector<store::NewAccount>& accounts);
  // A token to create: create_token()'s arguments.
  struct NewToken {
    std::string token_hash;
    store::Token token;
    std::string wrapped_key;
  };
  // As create_token() for each, in order.
  Result<std::vector<store::Token>> create_tokens(const std::vector<NewToken>& tokens);
  // New follows (follower, followed) of unlocked accounts, showing boosts, without
  // notifications: what follow(follower, followed, false, true, false) does for a
  // pair not yet following. A pair already following, repeated or naming an
  // account that does not exist fails the batch (kConflict or kNotFound).
  Status insert_follows(const std::vector<std::pair<int64_t, int64_t>>& follows);
  // As insert_status() for each, in order.
  Status insert_statuses(const std::vector<std::pair<store::Post, store::NewPostEffects>>& posts);

 private:
  explicit SqliteStore(Db db);
  // Runs `body` (a callable returning a Result, using db_ and the caches as if
  // under mu_) as one write of the next group commit, and returns its result
  // once durable, or the batch's error if the batch was lost.
  template <typename Body>
  auto write(Body&& body) -> decltype(body());
  // Runs `body` as a write's body (inside the running batch, on its leader's thread):
  // holds the caches while it runs, and drops the cache effects it noted if it fails.
  template <typename Body>
  auto write_body(Body&& body) -> decltype(body());
  // Commits the writes queued with GroupCommitter::enqueue, if any (an empty write
  // leads their batch).
  Status commit_queued_writes();
  // SQLite's update hook: notes every row this connection deletes or
  // overwrites, cascades included, for erase_deleted().
  static void note_change(void* self, int op, const char* db_name, const char* table,
                          sqlite3_int64 rowid);
  // The bodies of create_account(), create_token() and insert_status(), run inside
  // a write (one row each, or a bulk batch of them).
  Result<store::Account> create_account_in(const store::NewAccount& a);
  Result<store::Token> create_token_in(const std::string& token_hash, const store::Token& t,
                                       const std::string& wrapped_key);
  Status insert_status_in(const store::Post& s, const store::NewPostEffects& effects);
  // Under mu_: the posts of `ids` that exist, from the caches or the file.
  Result<std::vector<store::Post>> load_statuses(const std::vector<int64_t>& ids);
  // The posts of `ids` from the caches alone, without mu_; nullopt unless all are there.
  std::optional<std::vector<store::Post>> cached_statuses(const std::vector<int64_t>& ids) const;
  // Points the post's attachments at it, in order; with `replace`, first deletes
  // the rows of those it no longer lists.
  Status attach_media(const store::Post& post, bool replace);
  Result<std::vector<std::pair<int64_t, int64_t>>> paged_pairs(std::string_view table,
                                                               std::string_view key_col,
                                                               std::string_view value_col,
                                                               int64_t key, const store::Page& p);

  // The viewer's own favourites, boosts, bookmarks, pins and poll choices, as
  // sets: every rendered status needs four flags, and probing SQL for each costs more than
  // the rest of the render.
  struct ViewerSets {
    std::unordered_set<int64_t> favourited, reblogged, bookmarked, pinned;
    std::unordered_set<int64_t> muted_threads;                   // first posts of the threads muted
    std::unordered_map<int64_t, std::vector<int>> poll_choices;  // by post id, ascending
  };
  // Under mu_, never in a write's body (it fills the cache).
  Result<ViewerSets*> viewer_sets(int64_t account_id);
  // In the body of a favourite, boost, bookmark, pin or thread mute: once its batch
  // is durable, the account's cached `set`, if loaded, holds `status_id` exactly when `on`.
  void note_link(int64_t account_id, std::unordered_set<int64_t> ViewerSets::*set,
                 int64_t status_id, bool on);

  // Cache upkeep. The caches change only under mu_ and cache_mu_ (exclusive),
  // and are read under either. A write's body holds both; it may drop entries
  // (the next read reloads them from the file, waiting for mu_ and so for the
  // batch's commit), but changes an entry's content only through
  // after_commit(), once its batch is durable, and only after the last of its
  // statements that can fail (a write that fails leaves the caches as they were).
  // A batch lost at COMMIT drops every cache (drop_caches()).
  //
  // Under mu_: drops the caches if another connection committed since the last
  // look, and notes the WAL index's header the caches are now current with.
  Status sync_caches();
  // Empties every cache: after another connection's commit, or a lost batch. Under
  // mu_ and cache_mu_.
  void drop_caches();
  // Under cache_mu_ (shared suffices): no commit since sync_caches() last looked, so
  // what the caches hold is what the file holds.
  bool caches_current() const {
    const auto now = wal_index_.snapshot();
    return now && synced_header_ && *now == *synced_header_;
  }
  // Answers a read from the caches alone, without mu_, when they are current:
  // `lookup` runs under cache_mu_ (shared) and returns the answer, or nullopt when
  // the caches lack some of it (the caller then reads under mu_).
  template <typename Lookup>
  auto from_caches(Lookup&& lookup) const -> decltype(lookup()) {
    std::shared_lock caches(cache_mu_);
    if (!caches_current()) return std::nullopt;
    return lookup();
  }
  // Under mu_: exclusive use of the caches (a write's body holds it already).
  std::unique_lock<std::shared_mutex> lock_caches() {
    return writing_ ? std::unique_lock<std::shared_mutex>()
                    : std::unique_lock<std::shared_mutex>(cache_mu_);
  }
  // Under mu_: whether what was just read may be kept in the caches. Not inside a
  // write: the rows it reads may be its batch's, not committed yet.
  bool may_fill() const { return !writing_; }
  // In a write's body: `effect` changes the caches once the batch is durable.
  void after_commit(std::function<void()> effect) { commit_effects_.push_back(std::move(effect)); }
  // After each durable batch, under mu_: its writes' effects, then the caches' check.
  void batch_committed();
  void forget_post(int64_t id) { post_cache_.erase(id); }
  void forget_account(int64_t id) { account_cache_.erase(id); }
  // A follow edge between a and b changed.
  void forget_follow(int64_t a, int64_t b) {
    for (int64_t id : {a, b}) {
      account_cache_.erase(id);
      followers_cache_.erase(id);
      hidden_cache_.erase(id);
    }
  }
  void forget_hidden(int64_t a, int64_t b) {
    hidden_cache_.erase(a);
    hidden_cache_.erase(b);
  }
  template <typename Map>
  static void bound(Map& cache) {
    if (cache.size() > kMaxCacheEntries) cache.clear();
  }
  static constexpr size_t kMaxCacheEntries = 200000;

  std::mutex mu_;
  Db db_;
  mutable std::shared_mutex cache_mu_;  // see "Cache upkeep" above
  WalIndexWatch wal_index_;
  std::optional<WalIndexWatch::Header> synced_header_;  // under mu_ and cache_mu_
  bool writing_ = false;  // under mu_: a write's body runs (and holds cache_mu_)
  // The cache changes of the running batch's writes, applied once it is durable (under mu_).
  std::vector<std::function<void()>> commit_effects_;
  int64_t data_version_ = -1;
  uint64_t external_commits_ = 0;  // data_version changes after the first look
  // Set by note_change() (under mu_, on the writing thread), cleared by erase_deleted().
  bool old_bytes_in_log_ = false;      // a row was deleted or overwritten
  bool deleted_search_terms_ = false;  // a post was deleted: its terms linger in the index
  std::unordered_map<int64_t, store::Post> post_cache_;
  std::unordered_map<int64_t, store::Account> account_cache_;
  std::unordered_map<std::string, store::Token> token_cache_;
  std::unordered_map<int64_t, store::HiddenAccounts> hidden_cache_;
  std::unordered_map<int64_t, ViewerSets> viewer_cache_;
  // Follower lists of accounts that posted recently: a viral account's next
  // post fans out without reading 158,000 rows again.
  std::unordered_map<int64_t, std::vector<int64_t>> followers_cache_;
  // The activity days queued by touch_activity_day() and not yet durable, by
  // (account, token): a day queued already is not queued again. Emptied when a
  // batch is lost, so the next use queues its day again.
  std::mutex queued_days_mu_;
  std::map<std::pair<int64_t, int64_t>, int64_t> queued_days_;
  GroupCommitter committer_;  // borrows db_ and mu_
  // Leads a batch for queued writes when no other write comes (kQueuedWritesFlush).
  PeriodicThread queued_writes_flusher_;  // last: uses the committer
};

}  // namespace publius::sqlite
