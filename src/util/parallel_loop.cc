#include "util/parallel_loop.h"

#include <algorithm>
#include <atomic>

namespace publius {

namespace {
// Chunks per thread: enough that a thread slowed by the scheduler leaves its share to
// the others, few enough that taking one costs nothing beside the iterations.
constexpr size_t kChunksPerThread = 4;
}  // namespace

struct ParallelLoop::Loop {
  const std::function<void(size_t, size_t)>& body;
  const size_t count;
  const size_t chunk;
  std::atomic<size_t> next{0};  // the first iteration no thread has taken yet
  size_t active = 0;            // helpers working on this loop; guarded by mu_
};

ParallelLoop::ParallelLoop(size_t helpers, size_t min_parallel)
    : min_parallel_(std::max<size_t>(min_parallel, 1)) {
  threads_.reserve(helpers);
  for (size_t i = 0; i < helpers; ++i) threads_.emplace_back([this] { help(); });
}

ParallelLoop::~ParallelLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void ParallelLoop::run(size_t count, const std::function<void(size_t, size_t)>& body) {
  if (count == 0) return;
  if (threads_.empty() || count < min_parallel_ || !running_.try_lock()) {
    body(0, count);
    return;
  }
  const size_t pieces = (threads_.size() + 1) * kChunksPerThread;
  Loop loop{.body = body, .count = count, .chunk = (count + pieces - 1) / pieces};
  {
    std::lock_guard lock(mu_);
    loop_ = &loop;
    ++generation_;
  }
  wake_.notify_all();
  take_chunks(loop);
  {
    // Every chunk is taken; the helpers still running theirs are counted in `active`.
    std::unique_lock lock(mu_);
    loop_ = nullptr;
    done_.wait(lock, [&] { return loop.active == 0; });
  }
  running_.unlock();
}

void ParallelLoop::take_chunks(Loop& loop) {
  for (;;) {
    const size_t begin = loop.next.fetch_add(loop.chunk, std::memory_order_relaxed);
    if (begin >= loop.count) return;
    loop.body(begin, std::min(begin + loop.chunk, loop.count));
  }
}

void ParallelLoop::help() {
  uint64_t seen = 0;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    Loop* loop = loop_;
    if (loop == nullptr) continue;  // woken after its caller had finished it alone
    ++loop->active;
    lock.unlock();
    take_chunks(*loop);
    lock.lock();
    if (--loop->active == 0) done_.notify_all();
  }
}

}  // namespace publius
