// GroupCommitter: runs the writes of many threads on one SQLite connection in
// batches, one transaction and one fsync (COMMIT under synchronous=FULL) per
// batch, so concurrent writers share the cost of making their writes durable
// (docs/decisions/0008-group-commit.md).
//
// A writer calls run(write) and blocks. The first writer to find no batch in
// progress becomes the leader: it takes the connection's mutex, then every write
// queued by then (its own included), and runs them in order inside one
// BEGIN IMMEDIATE ... COMMIT, each in a savepoint of its own (a write alone in
// its batch needs none: the transaction is its own). A write that returns an
// error is rolled back to its savepoint (or with the transaction, when alone)
// and fails alone; the others stay in the batch. After COMMIT the leader wakes the batch's writers,
// each of which returns only then: a write is acknowledged after the fsync covering it. Writes
// arriving while a batch runs wait for the next one, so a batch holds at most one write per thread
// blocked in the store. A write queued with enqueue() has no waiting caller: it runs, in
// a savepoint of its own, in the next batch whoever leads it (the next write its thread
// makes shares that transaction and fsync), and records its own outcome.
//
// Ownership: borrows the connection and its mutex, which must outlive it.
// Thread-safety: run(), stats() and the histograms may be called from any thread. A write runs
// on the leader's thread while the connection's mutex is held, so it must not
// take that mutex (nor call run()), and must leave the connection inside the
// transaction it found (it may use savepoints of its own).
// Errors: run() returns the write's own error if it failed, otherwise the
// batch's: when the transaction is lost (BEGIN, RELEASE or COMMIT failed, or an
// error such as a full disk made SQLite roll it back), every write of the batch
// fails with that error, nothing of the batch is stored, and `on_lost_batch` runs
// (under the connection's mutex) so the owner can drop what its writes cached.
// After a batch's COMMIT succeeds, `on_committed` runs (under the connection's
// mutex, before its writers are woken), so the owner can publish what is durable now.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <vector>

#include "store/sqlite/db.h"
#include "util/metrics.h"
#include "util/result.h"

namespace publius::sqlite {

class GroupCommitter {
 public:
  // One write: statements on the connection, and whatever the caller keeps
  // beside the file (caches) once they succeeded. An error rolls the
  // statements back.
  using Write = std::function<Status(Db&)>;

  struct Stats {
    uint64_t writes = 0;    // writes run, failed ones included
    uint64_t batches = 0;   // transactions (fsyncs) they ran in
    uint64_t waiting = 0;   // writes queued now for the next batch
    uint64_t enqueued = 0;  // of those, enqueue()d ones (no caller leads their batch)
  };

  GroupCommitter(Db& db, std::mutex& connection_mu, std::function<void()> on_lost_batch,
                 std::function<void()> on_committed = {});
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `write` in the next batch; returns once that batch is durable or lost.
  Status run(const Write& write);
  // Queues `write` for the next batch and returns at once. It is run (and durable) only
  // when some run() leads a batch; its error, or its batch's, is not reported, so it
  // must record whatever it needs to know of its outcome.
  void enqueue(Write write);

  Stats stats() const;
  // Writes per batch, and the seconds each batch's COMMIT took (the fsync, mostly).
  const metrics::Histogram& batch_sizes() const { return batch_sizes_; }
  const metrics::Histogram& commit_seconds() const { return commit_seconds_; }

 private:
  struct Pending {
    const Write* write;
    Status status = ok_status();
    bool done = false;
    Write queued{};  // an enqueue()d write, which `write` points to: nobody waits for it
  };
  // The leader's work, under the connection's mutex: one transaction for `batch`.
  void commit_batch(const std::vector<Pending*>& batch);
  // Runs one pending write's body; an exception becomes its error.
  Status run_write(Pending& p);
  // True when SQLite still has the batch's transaction open.
  bool in_transaction() { return sqlite3_get_autocommit(db_.handle()) == 0; }

  Db& db_;
  std::mutex& connection_mu_;
  std::function<void()> on_lost_batch_;
  std::function<void()> on_committed_;

  mutable std::mutex queue_mu_;  // guards everything below
  std::condition_variable batch_done_;
  std::vector<Pending*> queue_;  // waiting for the next batch, in arrival order
  std::list<Pending> enqueued_;  // the enqueue()d writes' records, until their batch ends
  bool leader_active_ = false;
  Stats stats_;
  metrics::Histogram batch_sizes_{metrics::power_of_two_buckets(1024)};
  metrics::Histogram commit_seconds_{metrics::latency_buckets()};
};

}  // namespace publius::sqlite
