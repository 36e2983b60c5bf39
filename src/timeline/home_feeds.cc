#include "timeline/home_feeds.h"

#include <algorithm>
#include <array>

namespace publius::timeline {

HomeFeeds::HomeFeeds(size_t capacity) : capacity_(capacity), shards_(new Shard[kShards]) {}

HomeFeeds::Feed* HomeFeeds::find(Shard& shard, int64_t account_id) const {
  const auto slot = static_cast<size_t>(account_id) / kShards;
  return slot < shard.feeds.size() ? shard.feeds[slot].get() : nullptr;
}

void HomeFeeds::insert(Feed& feed, int64_t status_id) const {
  auto& ids = feed.ids;
  if (ids.empty() || ids.back() < status_id) {
    ids.push_back(status_id);
  } else {
    auto it = std::lower_bound(ids.begin(), ids.end(), status_id);
    if (it != ids.end() && *it == status_id) return;
    ids.insert(it, status_id);
  }
  // Trim in batches of a quarter so the erase cost is amortized over many inserts.
  if (ids.size() >= capacity_ + capacity_ / 4) {
    ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(ids.size() - capacity_));
    feed.complete = false;
  }
}

void HomeFeeds::fan_out(int64_t status_id, std::span<const int64_t> recipients) {
  // Counting sort of the recipients by shard (one allocation for the whole
  // list), then one pass per shard under one lock.
  std::array<size_t, kShards + 1> start{};
  for (int64_t account : recipients) ++start[static_cast<size_t>(account) % kShards + 1];
  for (size_t s = 1; s <= kShards; ++s) start[s] += start[s - 1];
  std::vector<int64_t> by_shard(recipients.size());
  std::array<size_t, kShards> next{};
  std::copy(start.begin(), start.end() - 1, next.begin());
  for (int64_t account : recipients)
    by_shard[next[static_cast<size_t>(account) % kShards]++] = account;
  for (size_t s = 0; s < kShards; ++s) {
    if (start[s] == start[s + 1]) continue;
    Shard& shard = shards_[s];
    std::lock_guard lock(shard.mu);
    for (size_t i = start[s]; i < start[s + 1]; ++i) {
      Feed* feed = find(shard, by_shard[i]);
      // An id older than all a truncated feed holds (an edited old post) lies in the
      // store's part of the timeline: kept in memory, it would hide the posts between.
      if (!feed ||
          (feed->ready && !feed->complete && !feed->ids.empty() && status_id < feed->ids.front()))
        continue;
      insert(*feed, status_id);
    }
  }
}

std::optional<std::vector<int64_t>> HomeFeeds::read(int64_t account_id,
                                                    const domain::Page& page) const {
  Shard& shard = shards_[static_cast<size_t>(account_id) % kShards];
  std::lock_guard lock(shard.mu);
  const Feed* feed = find(shard, account_id);
  if (!feed || !feed->ready) return std::nullopt;
  const auto& ids = feed->ids;
  const size_t limit = static_cast<size_t>(std::max(1, page.limit));
  // A page that starts below the oldest id held can only be answered by the store,
  // unless the feed holds the whole history.
  if (page.max_id && !feed->complete && (ids.empty() || *page.max_id <= ids.front()))
    return std::nullopt;
  auto lower = ids.begin();
  auto upper = ids.end();
  if (page.max_id) upper = std::lower_bound(ids.begin(), ids.end(), *page.max_id);
  const std::optional<int64_t> floor = page.min_id ? page.min_id : page.since_id;
  if (floor) lower = std::upper_bound(ids.begin(), ids.end(), *floor);
  std::vector<int64_t> out;
  if (lower >= upper) return out;
  if (page.min_id) {
    // The oldest `limit` above min_id, returned newest first.
    auto end = lower + static_cast<std::ptrdiff_t>(std::min<size_t>(limit, upper - lower));
    out.assign(std::make_reverse_iterator(end), std::make_reverse_iterator(lower));
  } else {
    auto begin = upper - static_cast<std::ptrdiff_t>(std::min<size_t>(limit, upper - lower));
    out.assign(std::make_reverse_iterator(upper), std::make_reverse_iterator(begin));
    // Not enough entries in memory and the feed may be truncated: let the store answer.
    if (out.size() < limit && !feed->complete && !floor && begin == ids.begin() &&
        ids.size() >= capacity_) {
      return std::nullopt;
    }
  }
  return out;
}

Status HomeFeeds::warm(int64_t account_id,
                       const std::function<Result<std::vector<int64_t>>()>& load) {
  Shard& shard = shards_[static_cast<size_t>(account_id) % kShards];
  const auto slot = static_cast<size_t>(account_id) / kShards;
  {
    std::lock_guard lock(shard.mu);
    if (shard.feeds.size() <= slot) shard.feeds.resize(slot + 1);
    if (!shard.feeds[slot])
      shard.feeds[slot] = std::make_unique<Feed>();
    else if (shard.feeds[slot]->ready)
      return ok_status();
  }
  auto loaded = load();  // outside the lock: fan-out continues meanwhile
  std::lock_guard lock(shard.mu);
  Feed* feed = find(shard, account_id);
  if (!feed) return ok_status();  // dropped meanwhile
  if (!loaded.ok()) {
    shard.feeds[slot].reset();
    return loaded.take_error();
  }
  for (int64_t id : *loaded) insert(*feed, id);
  feed->complete = loaded->size() < capacity_;
  feed->ready = true;
  return ok_status();
}

HomeFeeds::Usage HomeFeeds::usage() const {
  Usage usage;
  for (size_t s = 0; s < kShards; ++s) {
    const Shard& shard = shards_[s];
    std::lock_guard lock(shard.mu);
    usage.bytes += shard.feeds.capacity() * sizeof(shard.feeds[0]);
    for (const auto& feed : shard.feeds) {
      if (!feed) continue;
      if (feed->ready) ++usage.warm_feeds;
      usage.entries += feed->ids.size();
      usage.bytes += sizeof(Feed) + feed->ids.capacity() * sizeof(int64_t);
    }
  }
  return usage;
}

void HomeFeeds::drop(int64_t account_id) {
  Shard& shard = shards_[static_cast<size_t>(account_id) % kShards];
  std::lock_guard lock(shard.mu);
  const auto slot = static_cast<size_t>(account_id) / kShards;
  if (slot < shard.feeds.size()) shard.feeds[slot].reset();
}

void HomeFeeds::drop_all_after(uint64_t external_commits) {
  uint64_t seen = external_commits_seen_.load();
  do {
    if (external_commits <= seen) return;  // already dropped for this count (or a later one)
  } while (!external_commits_seen_.compare_exchange_weak(seen, external_commits));
  for (size_t s = 0; s < kShards; ++s) {
    std::lock_guard lock(shards_[s].mu);
    shards_[s].feeds.clear();
  }
}

bool HomeFeeds::is_warm(int64_t account_id) const {
  Shard& shard = shards_[static_cast<size_t>(account_id) % kShards];
  std::lock_guard lock(shard.mu);
  const Feed* feed = find(shard, account_id);
  return feed && feed->ready;
}

}  // namespace publius::timeline
