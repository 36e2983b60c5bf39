#include "http/params.h"

#include <boost/json.hpp>
#include <charconv>
#include <cstddef>
#include <stdexcept>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "util/ids.h"
#include "util/utf8.h"

namespace publius::http {

// Grants the parsers below access to Params internals they alone may create (markers for empty
// JSON containers) without making that part of the public API.
struct ParamsAccess {
  static void add_empty_container(Params& p, std::string key) {
    p.entries_.push_back({std::move(key), std::string(), true});
  }
};

namespace {

// These bound the work one request can cause; Mastodon's largest legitimate requests (filters
// with keywords, profile fields) stay far below them.
constexpr size_t kMaxUrlencodedPairs = 1000;
constexpr size_t kMaxMultipartParts = 1000;
constexpr size_t kMaxJsonDepth = 32;
constexpr size_t kMaxJsonEntries = 10000;
// Flattening repeats a nested key's full path in every entry under it, so without this bound a
// small JSON body with one huge key and many children could cost gigabytes.
constexpr size_t kMaxJsonKeyBytes = 1024;
// RFC 2046 section 5.1.1.
constexpr size_t kMaxBoundaryLength = 70;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 7230 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the decoding of s to out; false on a malformed escape.
bool percent_decode_into(std::string_view s, bool plus_is_space, std::string& out) {
  out.reserve(out.size() + s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (s.size() - i < 3) return false;
      const int h = hex_value(s[i + 1]);
      const int l = hex_value(s[i + 2]);
      if (h < 0 || l < 0) return false;
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

// True if key is strictly under prefix in bracket notation ("prefix[...").
bool is_under(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '[';
}

// ---------------------------------------------------------------------------------------------
// application/x-www-form-urlencoded (and query strings)

Result<Params> parse_urlencoded(std::string_view input, std::string_view what) {
  Params params;
  size_t pairs = 0;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('&', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view piece = input.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;  // "a=1&&b=2", trailing '&'
    if (++pairs > kMaxUrlencodedPairs) {
      return bad_request(std::string(what) + ": too many parameters");
    }

    const size_t eq = piece.find('=');
    std::string key, value;
    if (!percent_decode_into(piece.substr(0, eq), true, key) ||
        (eq != std::string_view::npos && !percent_decode_into(piece.substr(eq + 1), true, value))) {
      return bad_request(std::string(what) + ": malformed percent escape");
    }
    if (!is_valid_utf8(key) || !is_valid_utf8(value)) {
      return bad_request(std::string(what) + ": not valid UTF-8");
    }
    // Rack drops "=value" pairs too; an empty key cannot name anything a handler reads.
    if (key.empty()) continue;
    params.add(std::move(key), std::move(value));
  }
  return params;
}

// ---------------------------------------------------------------------------------------------
// JSON

namespace json = boost::json;

// Flattens a parsed JSON object into bracket-notation entries. Recursion depth is bounded by
// the parser's max_depth.
class JsonFlattener {
 public:
  explicit JsonFlattener(Params& out) : out_(out) {}

  Status flatten_root(const json::object& root) {
    std::string path;
    for (const auto& member : root) {
      if (member.key().empty()) continue;  // as for forms: an empty key names nothing
      path.assign(member.key().data(), member.key().size());
      PUBLIUS_TRY(check_path(path));
      PUBLIUS_TRY(flatten(member.value(), path));
    }
    return ok_status();
  }

 private:
  Status flatten(const json::value& v, std::string& path) {
    switch (v.kind()) {
      case json::kind::null:
        return ok_status();  // null means absent
      case json::kind::object:
        return flatten_object(v.get_object(), path);
      case json::kind::array:
        return flatten_array(v.get_array(), path);
      default:
        return emit(path, v);
    }
  }

  Status flatten_object(const json::object& obj, std::string& path) {
    const size_t base = path.size();
    const size_t before = count_;
    for (const auto& member : obj) {
      // "b[]" would read as an array entry; an empty key names nothing, as at the top level.
      if (member.key().empty()) continue;
      path.push_back('[');
      path.append(member.key().data(), member.key().size());
      path.push_back(']');
      PUBLIUS_TRY(check_path(path));
      PUBLIUS_TRY(flatten(member.value(), path));
      path.resize(base);
    }
    if (count_ == before) return emit_empty_container(path);
    return ok_status();
  }

  // Scalars become "path[]" (Rails' array notation); objects and arrays inside an array get
  // their index, "path[0][name]", as Rails' nested attributes expect.
  Status flatten_array(const json::array& arr, std::string& path) {
    const size_t base = path.size();
    const size_t before = count_;
    for (size_t i = 0; i < arr.size(); ++i) {
      const json::value& elem = arr[i];
      if (elem.is_null()) continue;
      if (elem.is_object() || elem.is_array()) {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, i);
        path.push_back('[');
        path.append(digits, r.ptr);
        path.push_back(']');
        PUBLIUS_TRY(check_path(path));
        PUBLIUS_TRY(flatten(elem, path));
      } else {
        path.append("[]");
        PUBLIUS_TRY(check_path(path));
        PUBLIUS_TRY(emit(path, elem));
      }
      path.resize(base);
    }
    if (count_ == before) return emit_empty_container(path);
    return ok_status();
  }

  Status emit(const std::string& path, const json::value& v) {
    PUBLIUS_TRY(count_entry());
    out_.add(path, scalar_text(v));
    return ok_status();
  }

  Status emit_empty_container(const std::string& path) {
    PUBLIUS_TRY(count_entry());
    ParamsAccess::add_empty_container(out_, path);
    return ok_status();
  }

  Status count_entry() {
    if (++count_ > kMaxJsonEntries) return bad_request("Invalid JSON body: too many entries");
    return ok_status();
  }

  static Status check_path(const std::string& path) {
    if (path.size() > kMaxJsonKeyBytes) return bad_request("Invalid JSON body: key too long");
    return ok_status();
  }

  static std::string scalar_text(const json::value& v) {
    char buf[64];
    std::to_chars_result r{buf, std::errc()};
    switch (v.kind()) {
      case json::kind::string:
        return std::string(v.get_string().data(), v.get_string().size());
      case json::kind::bool_:
        return v.get_bool() ? "true" : "false";
      case json::kind::int64:
        r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
        break;
      case json::kind::uint64:
        r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
        break;
      case json::kind::double_:
        // Shortest text that round-trips: 20.0 reads as "20", 0.5 as "0.5".
        r = std::to_chars(buf, buf + sizeof buf, v.get_double());
        break;
      default:
        return std::string();  // containers and null never reach here
    }
    if (r.ec != std::errc()) return std::string();  // cannot happen with a 64-byte buffer
    return std::string(buf, r.ptr);
  }

  Params& out_;
  size_t count_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Header values with parameters (Content-Type, Content-Disposition)

struct HeaderValue {
  std::string_view main;                                    // e.g. "multipart/form-data"
  std::vector<std::pair<std::string, std::string>> params;  // names lowercased, values unquoted
};

// Parses `main *( OWS ";" OWS name "=" ( token / quoted-string ) )`. nullopt if malformed.
// Lenient about stray ';' and about non-token characters in unquoted values (real clients send
// boundaries such as "abc=def" unquoted).
std::optional<HeaderValue> parse_header_value(std::string_view v) {
  HeaderValue out;
  size_t semi = v.find(';');
  out.main = trim_ows(v.substr(0, semi));
  size_t i = semi;
  while (i < v.size()) {
    // v[i] == ';'
    ++i;
    while (i < v.size() && (is_ows(v[i]) || v[i] == ';')) ++i;
    if (i >= v.size()) break;
    const size_t name_start = i;
    while (i < v.size() && is_tchar(v[i])) ++i;
    const std::string_view name = v.substr(name_start, i - name_start);
    while (i < v.size() && is_ows(v[i])) ++i;
    if (name.empty() || i >= v.size() || v[i] != '=') return std::nullopt;
    ++i;
    while (i < v.size() && is_ows(v[i])) ++i;
    std::string value;
    if (i < v.size() && v[i] == '"') {
      ++i;
      bool closed = false;
      while (i < v.size()) {
        const char c = v[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < v.size()) {
          value.push_back(v[i++]);
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return std::nullopt;
      while (i < v.size() && is_ows(v[i])) ++i;
      if (i < v.size() && v[i] != ';') return std::nullopt;
    } else {
      const size_t value_start = i;
      while (i < v.size() && v[i] != ';') ++i;
      value = std::string(trim_ows(v.substr(value_start, i - value_start)));
    }
    out.params.emplace_back(to_lower(name), std::move(value));
  }
  return out;
}

const std::string* find_param(const HeaderValue& h, std::string_view name) {
  for (const auto& [k, v] : h.params) {
    if (k == name) return &v;
  }
  return nullptr;
}

// RFC 2046 bchars: DIGIT / ALPHA / "'()+_,-./:=?" / space (not last).
bool is_valid_boundary(std::string_view b) {
  if (b.empty() || b.size() > kMaxBoundaryLength || b.back() == ' ') return false;
  for (char c : b) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("'()+_,-./:=? ").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// multipart/form-data (RFC 7578 over RFC 2046)

Error multipart_error(std::string_view why) {
  return bad_request("Invalid multipart body: " + std::string(why));
}

// One body part: header lines, an empty line, the content. Adds a param or a file to out.
Status add_part(std::string_view part, Params& out) {
  std::string_view headers, content;
  if (part.starts_with("\r\n")) {
    content = part.substr(2);  // no header lines at all
  } else {
    const size_t end = part.find("\r\n\r\n");
    if (end == std::string_view::npos) return multipart_error("part headers not terminated");
    headers = part.substr(0, end);
    content = part.substr(end + 4);
  }

  std::optional<std::string_view> disposition, content_type;
  while (!headers.empty()) {
    size_t eol = headers.find("\r\n");
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return multipart_error("bad part header");
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!is_tchar(c)) return multipart_error("bad part header");
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    // Line folding and bare CR/LF are obsolete and only serve to smuggle headers.
    if (value.find_first_of("\r\n") != std::string_view::npos) {
      return multipart_error("bad part header");
    }
    if (iequals(name, "content-disposition")) {
      if (disposition) return multipart_error("duplicate Content-Disposition");
      disposition = value;
    } else if (iequals(name, "content-type")) {
      if (content_type) return multipart_error("duplicate Content-Type");
      content_type = value;
    }
    // Other part headers (Content-Transfer-Encoding, which RFC 7578 deprecates) are ignored.
  }

  if (!disposition) return multipart_error("part without Content-Disposition");
  const auto cd = parse_header_value(*disposition);
  if (!cd || !iequals(cd->main, "form-data")) return multipart_error("bad Content-Disposition");
  const std::string* field = find_param(*cd, "name");
  if (!field) return multipart_error("part without a name");
  if (!is_valid_utf8(*field)) return multipart_error("field name not valid UTF-8");
  if (field->empty()) return ok_status();  // as for forms: an empty name names nothing

  const std::string* filename = find_param(*cd, "filename");
  if (!filename) filename = find_param(*cd, "filename*");
  if (filename) {
    // Browsers send filename="" with no content for a file input left empty; like Rack, treat
    // that as no file. The file name itself is discarded here, never copied.
    if (filename->empty() && content.empty()) return ok_status();
    out.add_file(
        UploadedFile{*field, std::string(content_type.value_or("")), std::string(content)});
    return ok_status();
  }
  if (!is_valid_utf8(content)) return multipart_error("field value not valid UTF-8");
  out.add(*field, std::string(content));
  return ok_status();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Params

std::optional<std::string_view> Params::get(std::string_view key) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (!it->empty_container && it->key == key) return std::string_view(it->value);
  }
  return std::nullopt;
}

std::string Params::get_or(std::string_view key, std::string_view fallback) const {
  return std::string(get(key).value_or(fallback));
}

std::vector<std::string> Params::get_all(std::string_view key) const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) {
    if (e.empty_container) continue;
    const std::string_view k = e.key;
    if (k == key || (k.size() == key.size() + 2 && k.starts_with(key) && k.ends_with("[]"))) {
      out.push_back(e.value);
    }
  }
  return out;
}

bool Params::has(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key || is_under(e.key, key)) return true;
  }
  return false;
}

Result<std::optional<bool>> Params::get_bool(std::string_view key) const {
  const auto v = get(key);
  if (!v) return std::optional<bool>();
  for (std::string_view t : {"1", "true", "on", "t", "yes"}) {
    if (iequals(*v, t)) return std::optional<bool>(true);
  }
  for (std::string_view f : {"0", "false", "off", "f", "no", ""}) {
    if (iequals(*v, f)) return std::optional<bool>(false);
  }
  return bad_request(std::string(key) + " must be a boolean");
}

Result<std::optional<int64_t>> Params::get_int(std::string_view key) const {
  const auto v = get(key);
  if (!v || v->empty()) return std::optional<int64_t>();
  int64_t n = 0;
  const char* end = v->data() + v->size();
  const auto r = std::from_chars(v->data(), end, n);
  if (r.ec == std::errc::result_out_of_range && r.ptr == end) {
    return bad_request(std::string(key) + " is out of range");
  }
  if (r.ec != std::errc() || r.ptr != end) {
    return bad_request(std::string(key) + " must be an integer");
  }
  return std::optional<int64_t>(n);
}

std::vector<std::string> Params::subkeys(std::string_view prefix) const {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;  // views into entries_, which outlive this call
  for (const Entry& e : entries_) {
    if (!is_under(e.key, prefix)) continue;
    const std::string_view rest = std::string_view(e.key).substr(prefix.size() + 1);
    const size_t close = rest.find(']');
    if (close == 0 || close == std::string_view::npos) continue;  // "prefix[]" or unbalanced
    const std::string_view sub = rest.substr(0, close);
    // Only well-formed segments count ("a[b]" or "a[b][..."), so that has("prefix[sub]") holds
    // for every subkey returned; "a[[b]" and "a[b]c" name nothing a handler could ask for.
    if (sub.find('[') != std::string_view::npos) continue;
    if (close + 1 < rest.size() && rest[close + 1] != '[') continue;
    if (seen.insert(sub).second) out.emplace_back(sub);
  }
  return out;
}

const UploadedFile* Params::file(std::string_view field) const {
  for (auto it = files_.rbegin(); it != files_.rend(); ++it) {
    if (it->field == field) return &*it;
  }
  return nullptr;
}

void Params::merge(const Params& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
  files_.insert(files_.end(), other.files_.begin(), other.files_.end());
}

void Params::merge(Params&& other) {
  if (entries_.empty() && files_.empty()) {
    *this = std::move(other);
    return;
  }
  entries_.insert(entries_.end(), std::make_move_iterator(other.entries_.begin()),
                  std::make_move_iterator(other.entries_.end()));
  files_.insert(files_.end(), std::make_move_iterator(other.files_.begin()),
                std::make_move_iterator(other.files_.end()));
  other.entries_.clear();
  other.files_.clear();
}

void Params::add(std::string key, std::string value) {
  entries_.push_back({std::move(key), std::move(value), false});
}

void Params::add_file(UploadedFile file) { files_.push_back(std::move(file)); }

size_t Params::size() const {
  size_t n = 0;
  for (const Entry& e : entries_) n += e.empty_container ? 0 : 1;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Parsers

Result<Params> parse_query(std::string_view query) {
  return parse_urlencoded(query, "Invalid query string");
}

Result<Params> parse_form(std::string_view body) {
  return parse_urlencoded(body, "Invalid form body");
}

Result<Params> parse_json(std::string_view body) {
  // The DOM lives only until it is flattened, so a bump allocator freed in one go is cheapest.
  json::monotonic_resource arena;
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  Params params;
  try {
    const json::value root =
        json::parse(json::string_view(body.data(), body.size()), ec, &arena, options);
    if (ec) {
      if (ec == json::error::too_deep) return bad_request("Invalid JSON body: nested too deeply");
      return bad_request("Invalid JSON body");
    }
    if (!root.is_object()) return bad_request("JSON body must be an object");
    PUBLIUS_TRY(JsonFlattener(params).flatten_root(root.get_object()));
  } catch (const std::length_error&) {
    // Boost.JSON throws these even from the error_code overload when a container or string
    // exceeds its size limit; unreachable with sane body limits, but the contract is no throw.
    return bad_request("Invalid JSON body");
  } catch (const boost::system::system_error&) {
    return bad_request("Invalid JSON body");
  }
  return params;
}

Result<Params> parse_multipart(std::string_view body, std::string_view content_type) {
  const auto ct = parse_header_value(content_type);
  if (!ct || !iequals(ct->main, "multipart/form-data")) return multipart_error("bad Content-Type");
  const std::string* boundary = find_param(*ct, "boundary");
  if (!boundary) return multipart_error("missing boundary");
  if (!is_valid_boundary(*boundary)) return multipart_error("bad boundary");

  // Every delimiter but a leading one is "CRLF--boundary"; the CRLF belongs to the delimiter,
  // not to the preceding part's content.
  const std::string delimiter = "\r\n--" + *boundary;
  const std::string_view dash_boundary = std::string_view(delimiter).substr(2);

  size_t pos;
  if (body.starts_with(dash_boundary)) {
    pos = 0;
  } else {
    const size_t found = body.find(delimiter);  // skips a preamble, which RFC 2046 allows
    if (found == std::string_view::npos) return multipart_error("boundary not found");
    pos = found + 2;
  }

  Params params;
  size_t parts = 0;
  while (true) {
    pos += dash_boundary.size();
    std::string_view rest = body.substr(pos);
    if (rest.starts_with("--")) return params;  // close delimiter; the epilogue is ignored
    size_t skip = 0;
    while (skip < rest.size() && is_ows(rest[skip])) ++skip;  // transport padding
    if (!rest.substr(skip).starts_with("\r\n")) return multipart_error("bad delimiter line");
    const size_t part_start = pos + skip + 2;
    const size_t next = body.find(delimiter, part_start);
    if (next == std::string_view::npos) return multipart_error("missing closing delimiter");
    if (++parts > kMaxMultipartParts) return multipart_error("too many parts");
    PUBLIUS_TRY(add_part(body.substr(part_start, next - part_start), params));
    pos = next + 2;
  }
}

Result<Params> parse_body(std::string_view body, std::string_view content_type) {
  if (body.empty()) return Params();
  const std::string type = to_lower(trim_ows(content_type.substr(0, content_type.find(';'))));
  if (type == "application/json") return parse_json(body);
  if (type == "application/x-www-form-urlencoded") return parse_form(body);
  if (type == "multipart/form-data") return parse_multipart(body, content_type);
  // Structured-syntax suffix (RFC 6839), e.g. application/merge-patch+json.
  const size_t slash = type.find('/');
  if (slash != std::string::npos && slash > 0 && type.size() > slash + 1 + 5 &&
      type.ends_with("+json")) {
    return parse_json(body);
  }
  return bad_request("Unsupported content type");
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0F]);
    }
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  if (!percent_decode_into(s, plus_is_space, out)) return std::nullopt;
  return out;
}

Result<int64_t> path_id(const Request& request, std::string_view name) {
  auto id = parse_id(request.path_param(name));
  if (!id) return not_found();
  return *id;
}

}  // namespace publius::http
