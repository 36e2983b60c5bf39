// JsonWriter appends JSON text to a std::string without building a DOM: entity
// rendering is on the timeline hot path, and appending escaped bytes is several
// times faster than constructing and serializing a tree (see docs/performance.md).
// The caller is responsible for well-formed nesting; the writer inserts commas.
// Not thread-safe; cheap to construct.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace publius {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Object member name; the next value call supplies its value.
  JsonWriter& key(std::string_view k);

  JsonWriter& string(std::string_view s);
  JsonWriter& integer(int64_t v);
  // A finite number in its shortest exact form; 0 for NaN and infinities (not JSON).
  JsonWriter& number(double v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // Pre-rendered JSON (e.g. a cached entity) inserted as one value.
  JsonWriter& raw(std::string_view json);
  // An id as Mastodon sends it: a decimal string.
  JsonWriter& id(int64_t v);

  // Shorthands for key + value.
  JsonWriter& field(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& field(std::string_view k, const char* v) { return key(k).string(v); }
  JsonWriter& field(std::string_view k, bool v) { return key(k).boolean(v); }
  JsonWriter& field(std::string_view k, int64_t v) { return key(k).integer(v); }
  JsonWriter& field(std::string_view k, int v) { return key(k).integer(v); }
  JsonWriter& field_id(std::string_view k, int64_t v) { return key(k).id(v); }
  JsonWriter& field_optional_id(std::string_view k, std::optional<int64_t> v) {
    return v ? field_id(k, *v) : key(k).null();
  }
  JsonWriter& field_null(std::string_view k) { return key(k).null(); }
  // The string, or null when it is empty (Mastodon's optional strings).
  JsonWriter& field_or_null(std::string_view k, std::string_view v) {
    return v.empty() ? field_null(k) : field(k, v);
  }

  // Escapes s as the contents of a JSON string (no quotes) onto out.
  static void escape_into(std::string& out, std::string_view s);

 private:
  void separate();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace publius
