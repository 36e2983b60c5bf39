// Tests of eight bytes at once (SWAR: SIMD within a register), for scanners looking for rare
// bytes in long texts. Each answers true for every word holding such a byte, and may answer
// true for a word without one: the caller then looks at that word byte by byte. Pure functions.
#pragma once

#include <cstdint>
#include <cstring>

namespace publius::swar {

inline constexpr uint64_t kOnes = 0x0101010101010101;
inline constexpr uint64_t kHighs = 0x8080808080808080;

// The eight bytes at `p`, in any alignment.
inline uint64_t load8(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Whether a byte of `word` may be below `limit` (at most 0x80).
constexpr bool may_have_byte_below(uint64_t word, uint8_t limit) {
  return ((word - limit * kOnes) & ~word & kHighs) != 0;
}

// Whether a byte of `word` may equal `byte`.
constexpr bool may_have_byte(uint64_t word, uint8_t byte) {
  const uint64_t diff = word ^ (byte * kOnes);
  return ((diff - kOnes) & ~diff & kHighs) != 0;
}

}  // namespace publius::swar
