#include "util/json_writer.h"

#include <charconv>
#include <cmath>

#include "util/swar.h"

namespace publius {

void JsonWriter::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  out_.push_back('"');
  escape_into(out_, k);
  out_.append("\":");
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  out_.push_back('"');
  escape_into(out_, s);
  out_.push_back('"');
  return *this;
}
JsonWriter& JsonWriter::integer(int64_t v) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, end);
  return *this;
}
JsonWriter& JsonWriter::number(double v) {
  separate();
  char buf[32];
  auto [end, ec] = std::isfinite(v) ? std::to_chars(buf, buf + sizeof buf, v)
                                    : std::to_chars_result{buf, std::errc::invalid_argument};
  if (ec == std::errc())
    out_.append(buf, end);
  else
    out_.push_back('0');
  return *this;
}
JsonWriter& JsonWriter::id(int64_t v) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.push_back('"');
  out_.append(buf, end);
  out_.push_back('"');
  return *this;
}
JsonWriter& JsonWriter::boolean(bool v) {
  separate();
  out_.append(v ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  return *this;
}

void JsonWriter::escape_into(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    // Most texts need no escape at all: eight bytes none of which may are skipped whole,
    // and the bytes of a word that may hold one are looked at one by one.
    if (i % 8 == 0 && i + 8 <= s.size()) {
      const uint64_t word = swar::load8(s.data() + i);
      if (!swar::may_have_byte_below(word, 0x20) && !swar::may_have_byte(word, '"') &&
          !swar::may_have_byte(word, '\\')) {
        i += 7;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
}

}  // namespace publius
