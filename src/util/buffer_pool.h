// Spare string buffers for response bodies, kept per thread: a timeline page
// (about 40 KB) is written into a buffer an earlier response has given back, so
// serving a page allocates no large block, and the heap is not grown and trimmed
// (page faults, zeroed pages) around every response.
//
// take_buffer() returns an empty string with at least the capacity asked for when
// a spare one is at hand (else a new one reserved to it); give_back() keeps a
// used buffer's memory for the next take on this thread, if it is large enough to
// be worth keeping. Bounded: a thread keeps at most kSpareBuffers, each at most
// kMaxSpareBytes of capacity.
//
// Thread-safety: each thread has its own spares; a buffer may be given back on
// another thread than the one that took it.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace publius {

namespace buffer_pool_detail {
constexpr size_t kSpareBuffers = 4;
constexpr size_t kMinSpareBytes = 16 * 1024;
constexpr size_t kMaxSpareBytes = 1 << 20;
inline std::vector<std::string>& spares() {
  thread_local std::vector<std::string> kept;
  return kept;
}
}  // namespace buffer_pool_detail

inline std::string take_buffer(size_t capacity) {
  auto& kept = buffer_pool_detail::spares();
  std::string out;
  if (!kept.empty()) {
    out = std::move(kept.back());
    kept.pop_back();
  }
  out.clear();
  out.reserve(capacity);
  return out;
}

inline void give_back(std::string&& buffer) {
  auto& kept = buffer_pool_detail::spares();
  if (buffer.capacity() < buffer_pool_detail::kMinSpareBytes ||
      buffer.capacity() > buffer_pool_detail::kMaxSpareBytes ||
      kept.size() >= buffer_pool_detail::kSpareBuffers)
    return;
  kept.push_back(std::move(buffer));
}

}  // namespace publius
