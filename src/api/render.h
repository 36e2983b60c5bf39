// Renderer writes Mastodon 4.3 entities (Account, Status, Notification,
// Relationship, ...) as JSON, field for field as Mastodon documents them.
//
// Rendering is on the timeline hot path, so the viewer-independent part of
// every status and every account is rendered once and cached as JSON text;
// a page is then assembled by concatenation plus the viewer's own flags
// (favourited, reblogged, ...). A cached JSON is served only for an entity equal
// to the one it was rendered from, so it is exact however renders and changes
// interleave; the domain's change notifications (domain::ChangeObserver) free
// entries early, and the cache is bounded in size. Sealed direct
// posts are opened with the request's `reader` key (or shown as a placeholder)
// and never cached: their JSON is not viewer-independent.
//
// Thread-safe. Reads what it renders through the domain's services. Errors come
// from the store (kInternal).
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/microblog.h"

namespace publius::api {

class Renderer final : public domain::ChangeObserver {
 public:
  // `microblog` is not owned and must outlive this.
  explicit Renderer(domain::Microblog& microblog);

  Result<std::string> account(const domain::Account& account);
  // verify_credentials / update_credentials: adds `source` and `role`.
  Result<std::string> credential_account(const domain::Account& account);
  // Accounts in the order of ids; unknown ids are skipped.
  Result<std::string> accounts(const std::vector<int64_t>& ids);
  Result<std::string> status(domain::Viewer viewer, const domain::Post& post,
                             domain::ReaderKey& reader);
  // The JSON array of a timeline page.
  Result<std::string> statuses(domain::Viewer viewer, const std::vector<domain::Post>& posts,
                               domain::ReaderKey& reader);
  // The deleted post with its source `text` in place of `content`, for redrafting, as
  // Mastodon returns on DELETE.
  Result<std::string> deleted_status(const domain::Post& post, domain::ReaderKey& reader);
  // Notifications with the posts they are about (domain::Notifications: only
  // posts the viewer may see).
  Result<std::string> notifications(int64_t viewer,
                                    const std::vector<domain::NotificationEntry>& notifications,
                                    domain::ReaderKey& reader);
  // Mastodon NotificationRequest entities, in order: the sender's account, the count
  // (a string, as Mastodon sends it) and the newest post (null when none or unseen).
  Result<std::string> notification_requests(
      int64_t viewer, const std::vector<domain::NotificationRequestEntry>& requests,
      domain::ReaderKey& reader);
  // Mastodon Conversation entities, in order: the other participants (the owner
  // alone for notes to self), the unread flag and the newest post, opened with
  // `reader` when sealed. conversation() writes one object, conversations() an array.
  Result<std::string> conversation(int64_t viewer, const domain::ConversationEntry& entry,
                                   domain::ReaderKey& reader);
  Result<std::string> conversations(int64_t viewer,
                                    const std::vector<domain::ConversationEntry>& entries,
                                    domain::ReaderKey& reader);
  Result<std::string> history(const domain::Post& post, std::vector<domain::PostEdit> edits,
                              domain::ReaderKey& reader);
  // Mastodon's Poll entity for the poll of `post` (which has one), as `viewer`
  // sees it now: tallies hidden while it runs if the author asked (except from
  // the author), `voted` and `own_votes` for a signed-in viewer. Statuses carry
  // the same JSON; it is written for each request and never cached, since it
  // changes with every vote, with the clock (expired) and with the viewer.
  Result<std::string> poll(domain::Viewer viewer, const domain::Post& post);
  // Mastodon's MediaAttachment; its files are served under `base_url`/system/media/.
  static std::string media_attachment(const domain::MediaAttachment& m,
                                      const std::string& base_url);
  // Mastodon's Tag entity: id, name, url, the week's history and, for a signed-in
  // viewer, `following`. Written for each request, never cached: `following` is the
  // viewer's own. (A status's `tags` are the shallow kind, name and url only, as in
  // Mastodon, so nothing of the viewer enters the cached status JSON.)
  std::string tag(const domain::Tag& tag) const;
  std::string tags(const std::vector<domain::Tag>& tags) const;
  // Mastodon's Role of an account: Admin (with the administrator permission) or none.
  static std::string role(const domain::Account& account);
  // Mastodon's Rule: the operator's rule at 1-based `position` (its id).
  static std::string rule(int position, std::string_view text);
  // Mastodon's Report, as its reporter reads it.
  Result<std::string> report(const domain::Report& report);
  // Mastodon's Admin::Report for moderators: the accounts as Admin::Account (the
  // reporter's null once the report is resolved and the link erased), the attached
  // `posts` as `moderator` reads them, the cited rules.
  Result<std::string> admin_report(const domain::Report& report,
                                   const std::vector<domain::Post>& posts, int64_t moderator,
                                   domain::ReaderKey& reader);
  // Mastodon's FeaturedTag: statuses_count as a string, last_status_at a day, and the
  // url of `owner`'s profile page listing its posts with the tag.
  std::string featured_tag(const domain::Account& owner, const domain::FeaturedTag& f) const;
  std::string featured_tags(const domain::Account& owner,
                            const std::vector<domain::FeaturedTag>& list) const;
  // Mastodon's ScheduledStatus: the time, the parameters it will be posted with
  // (null where the client gave none) and the uploads reserved for it.
  static std::string scheduled_status(const domain::ScheduledPost& s, const std::string& base_url);
  static std::string scheduled_statuses(const std::vector<domain::ScheduledPost>& list,
                                        const std::string& base_url);
  static std::string relationship(const domain::Relationship& r);
  static std::string relationships(const std::vector<domain::Relationship>& rs);

  // Whether `viewer` has filters in force today (statuses then carry `filtered` for them).
  Result<bool> has_filters(int64_t viewer);

  void post_changed(int64_t post_id) override;
  void account_changed(int64_t account_id) override;
  void filters_changed(int64_t account_id) override;

  // Mastodon's Filter entity with its keywords and statuses (a status's `filtered` names the
  // filter without them).
  static std::string filter(const domain::Filter& f);

 private:
  // A rendered JSON text, shared by the cache and the pages being written from it (no copy).
  using Json = std::shared_ptr<const std::string>;
  // Rendered JSON by id, each entry kept with the entity it was rendered from and served
  // only for an equal one. So a render that read an entity just before a change and
  // stores its JSON after the change's invalidation (two requests racing) leaves an
  // entry no one is served: the next reader holds the changed entity and renders
  // anew. Invalidation (post_changed, account_changed) only frees memory early. A post
  // or an account stamped with the entry's store revision is equal without comparing it
  // (domain::StoreRevision); Debug builds compare anyway and abort if it is not.
  template <typename Source>
  class Cache {
   public:
    static constexpr size_t kShards = 16;
    static constexpr size_t kMaxPerShard = 8192;
    // The JSON rendered from an entity equal to `now`, or null.
    Json get(const Source& now);
    // Keeps `json`, rendered from `source`, and returns it shared.
    Json put(const Source& source, std::string json);
    void erase(int64_t id);

   private:
    struct Entry {
      Source source;
      uint64_t revision;  // of the source as read from the store; 0: unknown
      Json json;
    };
    struct Shard {
      std::mutex mu;
      std::unordered_map<int64_t, Entry> entries;
    };
    Shard& shard_of(int64_t id) { return shards_[static_cast<size_t>(id) % kShards]; }
    std::array<Shard, kShards> shards_;
  };
  struct Bundle;  // everything one page of statuses needs, loaded in batches

  // Each viewer's filters, prepared for matching, as of one day (filters expire by the day).
  // Kept for as many viewers as the home feeds a server keeps warm (issue 14's 50,000 and
  // more): most have none, which costs a map entry sharing one empty matcher.
  static constexpr size_t kMaxViewerFilters = 1 << 17;
  struct ViewerFilters {
    int64_t day_ms = 0;
    std::shared_ptr<const domain::FilterMatcher> matcher;
  };
  Result<std::shared_ptr<const domain::FilterMatcher>> filters_of(int64_t viewer);
  void write_filtered(const Bundle& b, const domain::Post& post, std::string& out);

  Result<Bundle> load(domain::Viewer viewer, const std::vector<domain::Post>& posts,
                      domain::ReaderKey& reader, bool source_requested = false);
  void write_status(Bundle& b, const domain::Post& post, std::string& out);
  static void write_poll(const Bundle& b, const domain::Post& post, int64_t now_ms,
                         std::string& out);
  // The viewer-independent members of a status (cached unless sealed), and an account's JSON.
  Json status_core(const domain::Post& post, Bundle& b);
  Json account_json(const domain::Account& a);
  // The accounts of `ids` that exist, by id.
  Result<std::unordered_map<int64_t, domain::Account>> accounts_by_id(
      const std::vector<int64_t>& ids);

  domain::Microblog& microblog_;
  const domain::InstanceConfig& config_;
  Cache<domain::Account> accounts_;
  Cache<domain::Post> statuses_;
  std::mutex filters_mu_;
  std::unordered_map<int64_t, ViewerFilters> filters_;  // at most kMaxViewerFilters
  // Counts filters_changed() calls, so that filters read before a change are not kept
  // after it (filters_of).
  uint64_t filters_changes_ = 0;
};

}  // namespace publius::api
