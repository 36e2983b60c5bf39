#include "store/sqlite/group_commit.h"

#include <chrono>
#include <exception>
#include <utility>

namespace publius::sqlite {

GroupCommitter::GroupCommitter(Db& db, std::mutex& connection_mu,
                               std::function<void()> on_lost_batch,
                               std::function<void()> on_committed)
    : db_(db),
      connection_mu_(connection_mu),
      on_lost_batch_(std::move(on_lost_batch)),
      on_committed_(std::move(on_committed)) {}

Status GroupCommitter::run(const Write& write) {
  Pending me{&write};
  std::unique_lock queue(queue_mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (leader_active_) {
      batch_done_.wait(queue);
      continue;
    }
    leader_active_ = true;
    queue.unlock();
    std::vector<Pending*> batch;
    {
      // The batch is taken only once the connection is ours: writes arriving
      // while readers still hold it join this batch instead of the next.
      std::lock_guard connection(connection_mu_);
      {
        std::lock_guard taking(queue_mu_);
        batch.swap(queue_);
      }
      commit_batch(batch);
    }
    queue.lock();
    for (Pending* p : batch) p->done = true;
    enqueued_.remove_if([](const Pending& p) { return p.done; });
    stats_.writes += batch.size();
    ++stats_.batches;
    batch_sizes_.observe(static_cast<double>(batch.size()));
    leader_active_ = false;
    batch_done_.notify_all();
  }
  return std::move(me.status);
}

void GroupCommitter::enqueue(Write write) {
  std::lock_guard queue(queue_mu_);
  Pending& p = enqueued_.emplace_back(Pending{nullptr});
  p.queued = std::move(write);
  p.write = &p.queued;
  queue_.push_back(&p);
}

Status GroupCommitter::run_write(Pending& p) {
  try {
    return (*p.write)(db_);
  } catch (const std::exception&) {
    // Not a way writes fail (errors are values), but the batch's other writers
    // are waiting on this thread: fail this write alone rather than them all.
    return internal_error("a write was interrupted");
  }
}

void GroupCommitter::commit_batch(const std::vector<Pending*>& batch) {
  // Every write not failed on its own fails with `cause`, and whatever the
  // batch's writes cached is dropped.
  const auto lose = [&](const Status& cause) {
    if (in_transaction()) (void)db_.exec("ROLLBACK");
    for (Pending* p : batch)
      if (p->status.ok()) p->status = cause;
    on_lost_batch_();
  };
  if (Status begun = db_.exec_cached("BEGIN IMMEDIATE"); !begun.ok()) return lose(begun);
  // A write alone in its batch needs no savepoint: if it fails, the batch is lost with
  // it and nothing else. It also keeps a large write (a bulk load) fast: while a
  // savepoint is open, SQLite keeps the pages it changes in a sub-journal that every
  // later statement of the write walks from its start.
  const bool alone = batch.size() == 1;
  for (Pending* p : batch) {
    if (Status opened = alone ? ok_status() : db_.exec_cached("SAVEPOINT batched_write");
        !opened.ok())
      return lose(opened);
    p->status = run_write(*p);
    // Some errors (a full disk, an I/O error) make SQLite roll back the whole
    // transaction: the writes before this one are gone too.
    if (!in_transaction())
      return lose(p->status.ok() ? internal_error("a write ended its batch's transaction")
                                 : p->status);
    if (alone) {
      if (p->status.ok()) break;
      // It fails alone, as from its savepoint: what it cached waits for its success.
      (void)db_.exec("ROLLBACK");
      return;
    }
    const Status closed = p->status.ok()
                              ? db_.exec_cached("RELEASE batched_write")
                              : db_.exec("ROLLBACK TO batched_write; RELEASE batched_write");
    if (!closed.ok()) return lose(closed);
  }
  const auto commit_started = std::chrono::steady_clock::now();
  Status committed = db_.exec_cached("COMMIT");
  commit_seconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_started).count());
  if (!committed.ok()) return lose(committed);
  if (on_committed_) on_committed_();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(queue_mu_);
  Stats out = stats_;
  out.waiting = queue_.size();
  for (const Pending* p : queue_)
    if (p->queued) ++out.enqueued;
  return out;
}

}  // namespace publius::sqlite
