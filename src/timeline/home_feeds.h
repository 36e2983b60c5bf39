// HomeFeeds keeps each active account's home timeline in memory as the newest
// status ids (at most `capacity`, 800 like Mastodon and Twitter), filled by
// fan-out on write. Only warm feeds are kept: a feed is created on its owner's
// first read (rebuilt from the store) and fan-out skips accounts without one,
// so memory follows readers, not followers.
//
// Fan-out cost is what makes a viral account cheap: feeds live in shards of
// vectors indexed directly by account id (ids are dense sequence numbers), so
// delivering to N followers is N array lookups and appends with one lock per
// shard and no per-follower allocation once a feed has grown.
//
// Thread-safe. Entries are ids only; deleted statuses simply fail to hydrate
// and are skipped by the reader.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "domain/model.h"
#include "util/result.h"

namespace publius::timeline {

class HomeFeeds {
 public:
  explicit HomeFeeds(size_t capacity = 800);

  // Adds status_id to the feed of every account in `recipients` that has a warm feed,
  // unless it is older than all a feed holds of a longer history (the store has it there).
  void fan_out(int64_t status_id, std::span<const int64_t> recipients);

  // Ids for `page`, newest first, from the warm feed; nullopt when the feed is cold
  // or the page reaches below what the feed holds (the caller then asks the store).
  std::optional<std::vector<int64_t>> read(int64_t account_id, const domain::Page& page) const;

  // Builds the feed of a cold account from `load` (which returns the newest ids,
  // newest first). Fan-outs that happen while `load` runs are kept, so a post
  // committed during a rebuild is never lost.
  Status warm(int64_t account_id, const std::function<Result<std::vector<int64_t>>()>& load);

  // Forgets a feed (after unfollow or block); the next read rebuilds it.
  void drop(int64_t account_id);

  // Forgets every feed when `external_commits` (store::Store::external_commits)
  // is higher than at the last call: another process wrote to the store, and
  // fan-out never saw what it posted (a legal notice sent by the CLI, say), nor
  // can it tell whose feeds that touched.
  void drop_all_after(uint64_t external_commits);

  bool is_warm(int64_t account_id) const;

  // What the feeds hold now, for metrics: walks every shard under its lock, so
  // it costs a pass over the feed slots (one per account id up to the highest
  // warm one), not a pass over the ids.
  struct Usage {
    size_t warm_feeds = 0;  // ready to read (a feed being rebuilt is not yet)
    size_t entries = 0;     // status ids held in all feeds
    size_t bytes = 0;       // memory the feeds and their slots take, allocated capacity included
  };
  Usage usage() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Feed {
    bool ready = false;
    bool complete = false;     // holds every status the account could see (short history)
    std::vector<int64_t> ids;  // ascending
  };
  static constexpr size_t kShards = 64;
  struct Shard {
    mutable std::mutex mu;
    std::vector<std::unique_ptr<Feed>> feeds;  // index: account_id / kShards
  };
  Feed* find(Shard& shard, int64_t account_id) const;
  void insert(Feed& feed, int64_t status_id) const;

  size_t capacity_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<uint64_t> external_commits_seen_{0};
};

}  // namespace publius::timeline
