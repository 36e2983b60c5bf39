#include "store/sqlite/schema.h"

#include <string>
#include <vector>

namespace publius::sqlite {
namespace {

// Shield rule, enforced by the shape of the schema: no table has a column for a
// client address, user agent, email, phone or real name, and non-public
// activity times are days (ms at UTC midnight), never instants.
const std::vector<const char*> kMigrations = {
    R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  locked INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  fields TEXT NOT NULL DEFAULT '[]',
  role INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  created_day INTEGER NOT NULL,
  last_active_day INTEGER,
  last_status_day INTEGER,
  statuses_count INTEGER NOT NULL DEFAULT 0,
  followers_count INTEGER NOT NULL DEFAULT 0,
  following_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL
);
CREATE TABLE apps (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  website TEXT NOT NULL DEFAULT '',
  redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret TEXT NOT NULL
);
CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  created_day INTEGER NOT NULL,
  last_used_day INTEGER
);
CREATE INDEX tokens_account ON tokens(account_id);
CREATE TABLE auth_codes (
  code_hash TEXT PRIMARY KEY,
  app_id INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
);
CREATE TABLE statuses (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  spoiler_text TEXT NOT NULL DEFAULT '',
  visibility INTEGER NOT NULL,
  sensitive INTEGER NOT NULL DEFAULT 0,
  language TEXT NOT NULL DEFAULT '',
  in_reply_to_id INTEGER,
  in_reply_to_account_id INTEGER,
  reblog_of_id INTEGER REFERENCES statuses(id) ON DELETE CASCADE,
  application_id INTEGER,
  created_ms INTEGER NOT NULL,
  edited_ms INTEGER,
  replies_count INTEGER NOT NULL DEFAULT 0,
  reblogs_count INTEGER NOT NULL DEFAULT 0,
  favourites_count INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT ''
);
CREATE INDEX statuses_account ON statuses(account_id, id);
CREATE INDEX statuses_reply ON statuses(in_reply_to_id);
CREATE INDEX statuses_reblog ON statuses(reblog_of_id, account_id);
CREATE INDEX statuses_public ON statuses(visibility, id) WHERE reblog_of_id IS NULL;
CREATE TABLE status_edits (
  id INTEGER PRIMARY KEY,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  html TEXT NOT NULL,
  spoiler_text TEXT NOT NULL,
  sensitive INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX status_edits_status ON status_edits(status_id);
CREATE TABLE mentions (
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (status_id, account_id)
) WITHOUT ROWID;
CREATE INDEX mentions_account ON mentions(account_id, status_id);
CREATE TABLE status_tags (
  tag TEXT NOT NULL,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  PRIMARY KEY (tag, status_id)
) WITHOUT ROWID;
CREATE INDEX status_tags_status ON status_tags(status_id);
CREATE TABLE follows (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  show_reblogs INTEGER NOT NULL DEFAULT 1,
  notify INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, target_id)
);
CREATE INDEX follows_target ON follows(target_id, account_id);
CREATE TABLE follow_requests (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  show_reblogs INTEGER NOT NULL DEFAULT 1,
  notify INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, target_id)
);
CREATE INDEX follow_requests_target ON follow_requests(target_id);
CREATE TABLE blocks (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  UNIQUE (account_id, target_id)
);
CREATE INDEX blocks_target ON blocks(target_id);
CREATE TABLE mutes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  notifications INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, target_id)
);
CREATE TABLE favourites (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites(status_id);
CREATE TABLE bookmarks (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  UNIQUE (account_id, status_id)
);
CREATE TABLE pins (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  type INTEGER NOT NULL,
  from_account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER REFERENCES statuses(id) ON DELETE CASCADE,
  created_ms INTEGER NOT NULL
);
CREATE INDEX notifications_account ON notifications(account_id, id);
CREATE TABLE markers (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  timeline TEXT NOT NULL,
  last_read_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, timeline)
) WITHOUT ROWID;
CREATE TABLE idempotency_keys (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  key_hash TEXT NOT NULL,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, key_hash)
) WITHOUT ROWID;
-- Public and unlisted posts only; contentless, so deleting needs the old text (SQLite 3.40).
CREATE VIRTUAL TABLE statuses_fts USING fts5(text, content='');
)sql",
    // Web UI sessions (web/session.h): the hash of the cookie secret, the account,
    // and days only; no address or user agent column, by design.
    R"sql(
CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_day INTEGER NOT NULL,
  last_seen_day INTEGER NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
)sql",
    // The legal desk (src/legal). Demands name targets by username only; no
    // table holds anything about a requester's or user's network or contact.
    R"sql(
CREATE TABLE legal_demands (
  id TEXT PRIMARY KEY,
  intake_seq INTEGER NOT NULL UNIQUE,
  received_ms INTEGER NOT NULL,
  demand_json TEXT NOT NULL,
  review_json TEXT NOT NULL,
  state TEXT NOT NULL,
  notice_status TEXT NOT NULL,
  notice_ms INTEGER,
  produced_json TEXT,
  challenged INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL
);
CREATE INDEX legal_demands_received ON legal_demands(received_ms);
CREATE TABLE legal_history (
  id INTEGER PRIMARY KEY,
  demand_id TEXT NOT NULL REFERENCES legal_demands(id),
  at_ms INTEGER NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX legal_history_demand ON legal_history(demand_id, id);
CREATE TABLE legal_documents (
  demand_id TEXT NOT NULL REFERENCES legal_demands(id),
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (demand_id, sha256)
) WITHOUT ROWID;
CREATE TABLE legal_audit (
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  demand_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  entry_hash TEXT NOT NULL,
  signature TEXT NOT NULL
);
)sql",
    // The highest account id ever given out, so a deleted account's id is never reused:
    // clients cache accounts by id, and a newcomer must not inherit a deleted pseudonym's.
    R"sql(
CREATE TABLE account_id_high_water (last_id INTEGER NOT NULL);
INSERT INTO account_id_high_water SELECT coalesce(max(id), 0) FROM accounts;
)sql",
    // Sealed direct messages (docs/sealed-messages.md). Each account gets an X25519
    // key pair: the public key in clear, the secret key wrapped under the password
    // and, on each credential's own row, under that credential, so deleting the
    // credential deletes its copy. Direct posts keep only `sealed`, the envelope.
    // Direct messages written before sealing cannot be sealed (no account had a
    // key pair to seal them to): their text is erased, here and in the edit
    // history and hashtags, and they show a fixed notice. secure_delete zeroes
    // the old bytes; migrate() then checkpoints so no page of them stays in the WAL.
    R"sql(
ALTER TABLE accounts ADD COLUMN public_key BLOB;
ALTER TABLE accounts ADD COLUMN wrapped_key BLOB;
ALTER TABLE tokens ADD COLUMN wrapped_key BLOB;
ALTER TABLE web_sessions ADD COLUMN wrapped_key BLOB;
ALTER TABLE auth_codes ADD COLUMN wrapped_key BLOB;
ALTER TABLE recovery_codes ADD COLUMN wrapped_key BLOB;
ALTER TABLE statuses ADD COLUMN sealed BLOB;
ALTER TABLE status_edits ADD COLUMN sealed BLOB;
DELETE FROM status_edits WHERE status_id IN (SELECT id FROM statuses WHERE visibility = 3);
DELETE FROM status_tags WHERE status_id IN (SELECT id FROM statuses WHERE visibility = 3);
UPDATE statuses SET text = '', spoiler_text = '', tags = '',
  html = '<p>This direct message was written before messages were sealed; its text was erased.</p>'
  WHERE visibility = 3;
)sql",
    // Lists: an account's own named groups of accounts it follows, each with a
    // timeline. Private to the owner; no timestamps are kept.
    R"sql(
CREATE TABLE lists (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  replies_policy INTEGER NOT NULL
);
CREATE INDEX lists_by_owner ON lists(account_id);
CREATE TABLE list_members (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  UNIQUE (list_id, account_id)
);
CREATE INDEX list_members_by_account ON list_members(account_id);
)sql",
    // Markers keep the day they were saved, not the moment: reading one's timeline
    // is non-public activity, kept at day precision like last-active.
    R"sql(
UPDATE markers SET updated_ms = updated_ms - (updated_ms % 86400000);
)sql",
    // Posting defaults (Mastodon's `source[privacy]`, `[sensitive]`, `[language]`):
    // what a new post gets when the client does not say.
    R"sql(
ALTER TABLE accounts ADD COLUMN default_visibility INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_sensitive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN default_language TEXT NOT NULL DEFAULT '';
)sql",
    // Conversations (docs/sealed-messages.md): each account's direct-message threads,
    // keyed by the ids of the other participants (ascending, space-separated) and
    // pointing at the newest post; no content. A thread goes with its owner, its
    // newest post (the domain re-points it first) and, in delete_account(), with
    // any participant.
    R"sql(
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  participants TEXT NOT NULL,
  last_status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  unread INTEGER NOT NULL,
  UNIQUE (account_id, participants)
);
CREATE INDEX conversations_page ON conversations(account_id, last_status_id);
CREATE INDEX conversations_last_status ON conversations(last_status_id);
)sql",
    // Media uploads (docs/decisions/0002-media-uploads.md): processed images,
    // stored as files under DATA/media named by a random key. No column for the
    // client's file name or content type, nor an upload time (the id is random).
    R"sql(
CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER REFERENCES statuses(id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  file_key TEXT NOT NULL UNIQUE,
  extension TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  size INTEGER NOT NULL,
  small_width INTEGER NOT NULL,
  small_height INTEGER NOT NULL,
  small_size INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  focus_x REAL NOT NULL DEFAULT 0,
  focus_y REAL NOT NULL DEFAULT 0,
  blurhash TEXT NOT NULL
);
CREATE INDEX media_account ON media(account_id);
CREATE INDEX media_status ON media(status_id, position);
)sql",
    // The day (midnight UTC) an unattached upload was made, so uploads never
    // posted are swept after a day (Media::sweep_media); no finer time is
    // kept (shield rule), and attaching clears it: a post has its own time.
    // Uploads already waiting get today, a full day's grace.
    R"sql(
ALTER TABLE media ADD COLUMN uploaded_day INTEGER;
UPDATE media SET uploaded_day = (CAST(strftime('%s', 'now') AS INTEGER) / 86400) * 86400000
  WHERE status_id IS NULL;
)sql",
    // Posts forget the client app they came from: an app's name and website are whatever the
    // client chose, so, like a user agent, they can single out a speaker (shield rule).
    R"sql(
ALTER TABLE statuses DROP COLUMN application_id;
)sql",
    // Filters (domain/filters.h). The expiry is a day, never an instant: the instant a filter
    // was made is non-public activity.
    R"sql(
CREATE TABLE filters (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  contexts INTEGER NOT NULL,
  action INTEGER NOT NULL,
  expires_day INTEGER
);
CREATE INDEX filters_by_account ON filters (account_id);
CREATE TABLE filter_keywords (
  id INTEGER PRIMARY KEY,
  filter_id INTEGER NOT NULL REFERENCES filters(id) ON DELETE CASCADE,
  keyword TEXT NOT NULL,
  whole_word INTEGER NOT NULL
);
CREATE INDEX filter_keywords_by_filter ON filter_keywords (filter_id);
CREATE TABLE filter_statuses (
  id INTEGER PRIMARY KEY,
  filter_id INTEGER NOT NULL REFERENCES filters(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  UNIQUE (filter_id, status_id)
);
CREATE INDEX filter_statuses_by_status ON filter_statuses (status_id);
)sql",
    // Profile pictures: the names of the avatar's and the header's files in the
    // media directory ('' for none). No upload time and no client file name.
    R"sql(
ALTER TABLE accounts ADD COLUMN avatar_file TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN header_file TEXT NOT NULL DEFAULT '';
)sql",
    // Polls (one per post, named by its id) and their options with the tallies.
    // A vote row says only who chose which option, with no time at all (shield
    // rule: voting is non-public activity); WITHOUT ROWID, so not even the order
    // of votes is kept. Votes go with the voter's account, tallies stay (as in
    // Mastodon). `ended` is set in the transaction that writes the poll-end
    // notifications, so they are written exactly once, restarts included.
    // An earlier version's options are kept with the edit (StatusEdit.poll).
    // SQLite's update hook does not report WITHOUT ROWID rows; every deletion of
    // votes also deletes a poll, post or account row, which it does report, so
    // the erasure pass still runs (docs/decisions/0003-polls.md).
    R"sql(
CREATE TABLE polls (
  status_id INTEGER PRIMARY KEY REFERENCES statuses(id) ON DELETE CASCADE,
  expires_ms INTEGER NOT NULL,
  multiple INTEGER NOT NULL,
  hide_totals INTEGER NOT NULL,
  voters_count INTEGER NOT NULL DEFAULT 0,
  ended INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX polls_open ON polls(expires_ms) WHERE ended = 0;
CREATE TABLE poll_options (
  status_id INTEGER NOT NULL REFERENCES polls(status_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  votes_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (status_id, position)
) WITHOUT ROWID;
CREATE TABLE poll_votes (
  status_id INTEGER NOT NULL REFERENCES polls(status_id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  choice INTEGER NOT NULL,
  PRIMARY KEY (status_id, account_id, choice)
) WITHOUT ROWID;
CREATE INDEX poll_votes_account ON poll_votes(account_id);
ALTER TABLE status_edits ADD COLUMN poll_options TEXT;
)sql",
    // Followed hashtags: which account follows which tag (normalized), and nothing more.
    // Following a tag is non-public activity: no time, and WITHOUT ROWID so not even the
    // order of follows is kept. Rows go with the account. The update hook does not see
    // this table, so an unfollow marks the erasure pass due itself (SqliteStore).
    R"sql(
CREATE TABLE tag_follows (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (account_id, tag)
) WITHOUT ROWID;
CREATE INDEX tag_follows_by_tag ON tag_follows(tag, account_id);
)sql",
    // Private notes on other accounts (Relationship `note`), sealed to the writer's own key:
    // a note may name the person behind an account, so it is never stored readable.
    R"sql(
CREATE TABLE account_notes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  sealed BLOB NOT NULL,
  UNIQUE (account_id, target_id)
);
CREATE INDEX account_notes_target ON account_notes (target_id);
)sql",
    // Scheduled posts (Mastodon's scheduled statuses): the client's parameters as
    // the domain encodes them (never of a direct post: they would sit unsealed)
    // and the publication time, which becomes public with the post and so is kept
    // exactly. The id is random, like an upload's: when a post was scheduled is
    // non-public activity. A scheduled post reserves its uploads (media
    // .scheduled_status_id) until it is published or deleted, which releases them.
    R"sql(
CREATE TABLE scheduled_statuses (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  scheduled_ms INTEGER NOT NULL,
  params TEXT NOT NULL
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses(scheduled_ms);
CREATE INDEX scheduled_statuses_by_account ON scheduled_statuses(account_id, id);
ALTER TABLE media ADD COLUMN scheduled_status_id INTEGER
  REFERENCES scheduled_statuses(id) ON DELETE SET NULL;
CREATE INDEX media_scheduled ON media(scheduled_status_id) WHERE scheduled_status_id IS NOT NULL;
)sql",
    // A scheduled post claims its Idempotency-Key (the key's hash, as idempotency_keys
    // keeps it) in the row itself, unique per account, so two requests racing with one
    // key store one post. Posts scheduled earlier keep theirs in `params` only.
    R"sql(
ALTER TABLE scheduled_statuses ADD COLUMN idempotency_key_hash TEXT;
CREATE UNIQUE INDEX scheduled_statuses_idempotency ON scheduled_statuses(account_id,
  idempotency_key_hash) WHERE idempotency_key_hash IS NOT NULL;
)sql",
    // How each post is listed (store::PostListing), as the domain decides it
    // (domain::listing_of), kept with the post so that deleting it reverses exactly
    // what it added. Earlier posts are listed by the rule of this version: a post
    // counts on its author's profile unless it is a boost or direct; a reply counts
    // in its parent's replies_count, and a post's hashtags are searchable, when
    // anyone may see it (public or unlisted); only public posts are in full-text
    // search and the public timelines. The search index and every counter are made
    // to match: unlisted posts leave the index (merged into one segment at once),
    // and direct messages and hidden replies leave the counts (and an account's
    // last status day with them).
    R"sql(
ALTER TABLE statuses ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN counted_as_reply INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN in_search INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN tags_in_search INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN in_public_timelines INTEGER NOT NULL DEFAULT 0;
UPDATE statuses SET
  counted = (reblog_of_id IS NULL AND visibility <> 3),
  counted_as_reply = (in_reply_to_id IS NOT NULL AND visibility IN (0, 1)),
  in_search = (reblog_of_id IS NULL AND visibility = 0),
  tags_in_search = (reblog_of_id IS NULL AND visibility IN (0, 1)),
  in_public_timelines = (reblog_of_id IS NULL AND visibility = 0);
INSERT INTO statuses_fts (statuses_fts, rowid, text) SELECT 'delete', id,
  spoiler_text || char(10) || text FROM statuses WHERE reblog_of_id IS NULL AND visibility = 1;
UPDATE accounts SET
  statuses_count = (SELECT count(*) FROM statuses s WHERE s.account_id = accounts.id AND
    s.counted = 1),
  last_status_day = (SELECT (max(s.created_ms) / 86400000) * 86400000 FROM statuses s WHERE
    s.account_id = accounts.id AND s.counted = 1);
UPDATE statuses SET replies_count = (SELECT count(*) FROM statuses r WHERE
  r.in_reply_to_id = statuses.id AND r.counted_as_reply = 1);
DROP INDEX statuses_public;
CREATE INDEX statuses_public_timelines ON statuses(id) WHERE in_public_timelines = 1;
INSERT INTO statuses_fts (statuses_fts) VALUES ('optimize');
)sql",
    // Fan-out asks who keeps an author out of view (Store::hidden_by) for every
    // post: the accounts muting it, and the followers who switched its boosts off,
    // found without reading every mute or every follower.
    R"sql(
CREATE INDEX mutes_target ON mutes(target_id);
CREATE INDEX follows_hiding_boosts ON follows(target_id, account_id) WHERE show_reblogs = 0;
)sql",
    // Notification policies and requests (Mastodon 4.3): a notification the recipient's
    // policy holds back is kept `filtered` until the recipient accepts its sender (a
    // permission, so the sender's later ones are accepted too) or dismisses it (deleted).
    // A policy is four actions (domain::PolicyAction); an account without a row has the
    // default one. Neither keeps a time: when someone changed a setting or accepted a
    // sender is non-public activity.
    R"sql(
ALTER TABLE notifications ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;
CREATE INDEX notifications_filtered ON notifications(account_id, from_account_id)
  WHERE filtered = 1;
CREATE TABLE notification_policies (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  for_not_following INTEGER NOT NULL,
  for_not_followers INTEGER NOT NULL,
  for_new_accounts INTEGER NOT NULL,
  for_private_mentions INTEGER NOT NULL
);
CREATE TABLE notification_permissions (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  from_account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  UNIQUE (from_account_id, account_id)
);
CREATE INDEX notification_permissions_account ON notification_permissions(account_id);
)sql",
    // Threads muted (Mastodon's conversation mutes): their notifications stop for the
    // account. Named by the thread's first post, and no time: muting is non-public activity.
    R"sql(
CREATE TABLE thread_mutes (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  UNIQUE (status_id, account_id)
);
CREATE INDEX thread_mutes_account ON thread_mutes(account_id);
)sql",
    // Exclusive lists (Mastodon's `exclusive`): their members' posts stay out of the
    // owner's home feed.
    R"sql(
ALTER TABLE lists ADD COLUMN exclusive INTEGER NOT NULL DEFAULT 0;
)sql",
    // Profile settings (Mastodon's `discoverable`, `indexable`, `hide_collections`). New
    // and existing accounts keep what this server did before: posts found by full-text
    // search, follow lists shown; the profile directory is opt-in, as in Mastodon.
    R"sql(
ALTER TABLE accounts ADD COLUMN discoverable INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN indexable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN hide_collections INTEGER NOT NULL DEFAULT 0;
)sql",
    // Featured hashtags (Mastodon's FeaturedTag): which account shows which tag
    // (normalized) on its profile, which is public; the row id names the feature. No
    // time is kept: the counts shown with a feature are read from the posts.
    R"sql(
CREATE TABLE featured_tags (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  UNIQUE (account_id, tag)
);
)sql",
    // Endorsements (Mastodon's account pins): the accounts one features on one's
    // profile, only while following them. Featuring is public; the row id orders them
    // and no time is kept.
    R"sql(
CREATE TABLE endorsements (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  UNIQUE (account_id, target_id)
);
CREATE INDEX endorsements_target ON endorsements(target_id);
)sql",
    // Reports to the moderators (domain::Report): the reported account and posts, why,
    // and the moderators' handling, with days only. The reporter's account is kept while
    // the report is open and erased when it is resolved (docs/decisions/0006-reports.md);
    // no address or user agent exists to keep. A report goes with the reported account;
    // an attached post that is deleted leaves it.
    R"sql(
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  reporter_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  category INTEGER NOT NULL,
  comment TEXT NOT NULL,
  rule_ids TEXT NOT NULL DEFAULT '',
  created_day INTEGER NOT NULL,
  updated_day INTEGER NOT NULL,
  action_taken_day INTEGER,
  action_taken_by_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
  assigned_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL
);
CREATE INDEX reports_target ON reports(target_id);
CREATE INDEX reports_reporter ON reports(reporter_id) WHERE reporter_id IS NOT NULL;
CREATE INDEX reports_open ON reports(id) WHERE action_taken_day IS NULL;
CREATE INDEX reports_resolved_by ON reports(action_taken_by_id) WHERE action_taken_by_id IS NOT NULL;
CREATE INDEX reports_assigned ON reports(assigned_id) WHERE assigned_id IS NOT NULL;
CREATE TABLE report_statuses (
  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
  PRIMARY KEY (report_id, status_id)
) WITHOUT ROWID;
CREATE INDEX report_statuses_status ON report_statuses(status_id);
)sql",
    // The notification policy's for_limited_accounts (domain::NotificationPolicy),
    // kept so that it answers back what was set; filter (1) by default, as Mastodon 4.3.
    R"sql(
ALTER TABLE notification_policies ADD COLUMN for_limited_accounts INTEGER NOT NULL DEFAULT 1;
)sql",
    // Each local account's ActivityPub actor key pair (federation/http_signature.h), made
    // on first need rather than at registration: the public half is published in the actor
    // document, the private half signs the account's federation requests. Random, it says
    // nothing about anyone; it goes with its account.
    R"sql(
CREATE TABLE actor_keys (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  public_pem TEXT NOT NULL,
  private_pem TEXT NOT NULL
);
)sql",
    // Federation (issue 12): remote actors, each with an accounts row named "user@host"
    // (no password: no one signs in as it) so that follows, requests and counts work as
    // for local accounts; the id of a remote's Follow while its request waits (for the
    // Accept or Reject); and the durable delivery queue, one row per inbox and activity,
    // naming rows rather than holding content (rendered when sent), claimed until
    // claimed_until so each is sent once. Only public documents of remote actors are
    // kept: nothing about who reads what.
    R"sql(
CREATE TABLE remote_actors (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  uri TEXT NOT NULL UNIQUE,
  inbox TEXT NOT NULL,
  shared_inbox TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  key_id TEXT NOT NULL,
  public_pem TEXT NOT NULL
);
CREATE INDEX remote_actors_key ON remote_actors(key_id);
CREATE TABLE follow_activities (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  target_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  uri TEXT NOT NULL,
  PRIMARY KEY (account_id, target_id)
) WITHOUT ROWID;
CREATE TABLE federation_deliveries (
  id INTEGER PRIMARY KEY,
  inbox TEXT NOT NULL,
  kind INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  object_id INTEGER NOT NULL,
  object_uri TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  due_ms INTEGER NOT NULL,
  claimed_until_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX federation_deliveries_due ON federation_deliveries(due_ms);
CREATE INDEX federation_deliveries_account ON federation_deliveries(account_id);
)sql",
    // Collective accounts (docs/collective-accounts.md): one pseudonym, several members,
    // and no row that says which member did anything. A member is credentials only: the
    // lookup its password gives under the account's salt, its own key pair, the account's
    // key generations sealed to it, its recovery codes. Tokens, sessions and codes name
    // their member only so that removing the member deletes them; a member's token keeps
    // no last-used day and its session no last-seen day beyond the day it began.
    R"sql(
CREATE TABLE collectives (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  salt BLOB NOT NULL,
  key_generation INTEGER NOT NULL
);
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES collectives(account_id) ON DELETE CASCADE,
  lookup BLOB NOT NULL,
  owner INTEGER NOT NULL DEFAULT 0,
  joined_day INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  wrapped_key BLOB NOT NULL,
  UNIQUE (account_id, lookup)
);
CREATE UNIQUE INDEX members_owner ON members(account_id) WHERE owner;
CREATE TABLE member_keys (
  member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  sealed BLOB NOT NULL,
  PRIMARY KEY (member_id, generation)
) WITHOUT ROWID;
CREATE TABLE member_recovery_codes (
  id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES collectives(account_id) ON DELETE CASCADE,
  lookup BLOB NOT NULL,
  wrapped_key BLOB NOT NULL,
  UNIQUE (account_id, lookup)
);
CREATE INDEX member_recovery_codes_member ON member_recovery_codes(member_id);
CREATE TABLE member_invites (
  code_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES collectives(account_id) ON DELETE CASCADE,
  expires_day INTEGER NOT NULL
);
CREATE INDEX member_invites_account ON member_invites(account_id);
CREATE TABLE invite_keys (
  code_hash TEXT NOT NULL REFERENCES member_invites(code_hash) ON DELETE CASCADE,
  generation INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  PRIMARY KEY (code_hash, generation)
) WITHOUT ROWID;
ALTER TABLE tokens ADD COLUMN member_id INTEGER REFERENCES members(id) ON DELETE CASCADE;
ALTER TABLE web_sessions ADD COLUMN member_id INTEGER REFERENCES members(id) ON DELETE CASCADE;
ALTER TABLE auth_codes ADD COLUMN member_id INTEGER REFERENCES members(id) ON DELETE CASCADE;
CREATE INDEX tokens_member ON tokens(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX web_sessions_member ON web_sessions(member_id) WHERE member_id IS NOT NULL;
CREATE INDEX auth_codes_member ON auth_codes(member_id) WHERE member_id IS NOT NULL;
)sql",
    // Federation: a post finds its author's remote followers without reading the local ones
    // (158,000 of them cost a viral post as much again as its whole fan-out). A follow by a
    // remote actor is marked, by trigger whichever path inserts it, and indexed apart.
    R"sql(
ALTER TABLE follows ADD COLUMN by_remote INTEGER NOT NULL DEFAULT 0;
UPDATE follows SET by_remote = 1 WHERE account_id IN (SELECT account_id FROM remote_actors);
CREATE INDEX follows_by_remote ON follows(target_id, account_id) WHERE by_remote;
CREATE TRIGGER follows_mark_remote AFTER INSERT ON follows
  WHEN EXISTS (SELECT 1 FROM remote_actors WHERE account_id = NEW.account_id)
BEGIN
  UPDATE follows SET by_remote = 1 WHERE id = NEW.id;
END;
)sql",
    // Federation: posts from other servers are statuses of their remote authors, with
    // their ActivityPub id (one row per id, so a Create received twice stores one post)
    // and their page there. Local posts keep both empty.
    R"sql(
ALTER TABLE statuses ADD COLUMN uri TEXT NOT NULL DEFAULT '';
ALTER TABLE statuses ADD COLUMN url TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX statuses_uri ON statuses(uri) WHERE uri != '';
)sql",
    // Account migration (ActivityPub Move): the actor ids an account is also known as,
    // space-separated (a URL holds no space), and the account it moved to.
    R"sql(
ALTER TABLE accounts ADD COLUMN also_known_as TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN moved_to_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
)sql",
    // Federation safety: the operator's domain blocks (Mastodon's admin domain blocks),
    // which name servers, not people; and the instance actor's key pair, which signs
    // what the server says as itself (forwarded reports, fetches), so no account is named.
    R"sql(
CREATE TABLE domain_blocks (
  id INTEGER PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  severity INTEGER NOT NULL,
  reject_media INTEGER NOT NULL DEFAULT 0,
  reject_reports INTEGER NOT NULL DEFAULT 0,
  private_comment TEXT NOT NULL DEFAULT '',
  public_comment TEXT NOT NULL DEFAULT '',
  created_day INTEGER NOT NULL
);
CREATE TABLE instance_actor_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_pem TEXT NOT NULL,
  private_pem TEXT NOT NULL
);
)sql",
    // Whether a report about a remote account was also sent to its server, which
    // Mastodon's Report shows as `forwarded`.
    R"sql(
ALTER TABLE reports ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db, int target_version) {
  int current = 0;
  {
    PUBLIUS_ASSIGN_OR_RETURN(auto version_stmt, db.prepare("PRAGMA user_version"));
    if (!version_stmt.step()) return version_stmt.status();
    current = static_cast<int>(version_stmt.int64(0));
  }
  if (current > latest_schema_version()) {
    return internal_error("data directory schema version " + std::to_string(current) +
                          " is newer than this build supports (" +
                          std::to_string(latest_schema_version()) + ")");
  }
  for (int v = current; v < target_version; ++v) {
    PUBLIUS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(db));
    PUBLIUS_TRY(db.exec(kMigrations[v]));
    PUBLIUS_TRY(db.exec("PRAGMA user_version=" + std::to_string(v + 1)));
    PUBLIUS_TRY(tx.commit());
  }
  // A migration may erase content (the sealing one does): copy the new pages into
  // the database file and empty the WAL, which still holds the old page images.
  if (current < target_version) PUBLIUS_TRY(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  return ok_status();
}

}  // namespace publius::sqlite
