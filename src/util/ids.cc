#include "util/ids.h"

#include <atomic>
#include <charconv>

#include "util/crypto.h"
#include "util/time.h"

namespace publius {
namespace {
std::atomic<int64_t> last_id{0};
}

int64_t next_id() {
  // Lock-free: take max(now-based floor, last + 1) with a CAS loop, so ids stay
  // unique and increasing even when the clock steps back or many posts share a millisecond.
  const int64_t floor = id_floor_for_ms(now_ms());
  int64_t prev = last_id.load(std::memory_order_relaxed);
  int64_t next;
  do {
    next = prev >= floor ? prev + 1 : floor;
  } while (!last_id.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  return next;
}

int64_t random_id() {
  for (;;) {
    const auto id = static_cast<int64_t>(random_u64() >> 1);
    if (id != 0) return id;
  }
}

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t v = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace publius
