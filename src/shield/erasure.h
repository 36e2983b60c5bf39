// ErasurePass: the serve process's thread that keeps deleted data out of the
// store's files. Every `interval` it calls store::Store::erase_deleted(), which
// does nothing unless rows were deleted or overwritten since the last pass, and
// otherwise merges the search index and checkpoints-and-truncates the SQLite
// write-ahead log, whose old page images secure_delete does not reach
// (docs/erasure.md). Account deletion erases at once and does not wait for it.
// A pass first runs its `sweep`, when given: deletions that are due by time
// (Media::sweep_media), whose old bytes the same pass then erases.
//
// Ownership: `store` is not owned and must outlive the pass. The destructor
// runs one last pass (so a clean shutdown leaves nothing behind), then stops
// and joins the thread. Failures are logged without data and retried next time.
// `sweep` runs on the pass's thread, so what it uses must be thread-safe and
// outlive the pass.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace publius::shield {

class ErasurePass {
 public:
  ErasurePass(store::Store& store, std::chrono::seconds interval,
              std::function<Status()> sweep = {});
  ~ErasurePass();
  ErasurePass(const ErasurePass&) = delete;
  ErasurePass& operator=(const ErasurePass&) = delete;

 private:
  void run();
  void erase_once();

  store::Store& store_;
  const std::chrono::seconds interval_;
  const std::function<Status()> sweep_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace publius::shield
