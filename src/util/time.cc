#include "util/time.h"

#include <chrono>
#include <cstdio>

namespace publius {
namespace {

// Civil-from-days and days-from-civil (Howard Hinnant's public-domain algorithms,
// rewritten here) keep us off the thread-unsafe, locale-dependent libc time API.
struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
const int64_t kFirstFourDigitYearMs = days_from_civil(0, 1, 1) * kDayMs;
const int64_t kPastFourDigitYearsMs = days_from_civil(10000, 1, 1) * kDayMs;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_iso8601_ms(int64_t ms) {
  const int64_t days = floor_div(ms, kDayMs);
  const int64_t rem = ms - days * kDayMs;
  const Civil c = civil_from_days(days);
  if (c.y < 0 || c.y > 9999) {  // outside four digits: the general form
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(rem / 3600000),
                  static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                  static_cast<long long>(rem % 1000));
    return buf;
  }
  // Written digit by digit: every API response carries one (X-RateLimit-Reset), and
  // snprintf cost more than the rest of the header.
  std::string out = "0000-00-00T00:00:00.000Z";
  const auto put = [&out](size_t at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, c.y, 4);
  put(5, c.m, 2);
  put(8, c.d, 2);
  put(11, rem / 3600000, 2);
  put(14, rem / 60000 % 60, 2);
  put(17, rem / 1000 % 60, 2);
  put(20, rem % 1000, 3);
  return out;
}

std::string format_day(int64_t ms) { return format_iso8601_ms(ms).substr(0, 10); }

std::optional<int64_t> parse_rfc3339_ms(std::string_view s) {
  auto digits = [&](size_t pos, size_t n) -> std::optional<int> {
    if (pos + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31) return std::nullopt;
  int64_t ms = days_from_civil(*y, *mo, *d) * kDayMs;
  if (s.size() == 10) return std::nullopt;  // a date alone is not RFC 3339
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  auto h = digits(11, 2), mi = digits(14, 2), se = digits(17, 2);
  if (!h || !mi || !se || s.size() < 19 || s[13] != ':' || s[16] != ':') return std::nullopt;
  if (*h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  ms += (*h * 3600LL + *mi * 60LL + *se) * 1000;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int frac_digits = 0, frac = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (frac_digits < 3) frac = frac * 10 + (s[pos] - '0'), ++frac_digits;
      ++pos;
    }
    if (frac_digits == 0) return std::nullopt;
    while (frac_digits++ < 3) frac *= 10;
    ms += frac;
  }
  if (pos == s.size()) return std::nullopt;
  int64_t utc;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    utc = ms;
  } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    const int64_t offset = (*oh * 60LL + *om) * 60000;
    utc = s[pos] == '+' ? ms - offset : ms + offset;
  } else {
    return std::nullopt;
  }
  // An offset (or a leap second) can carry year 0000 or 9999 out of the four-digit years
  // that format_iso8601_ms() writes and this function reads back.
  if (utc < kFirstFourDigitYearMs || utc >= kPastFourDigitYearsMs) return std::nullopt;
  return utc;
}

}  // namespace publius
