// Request parameters, read the same way whatever encoding the client chose.
//
// Mastodon clients send parameters as a query string, an
// application/x-www-form-urlencoded body, a multipart/form-data body or a JSON
// body. The parsers below turn each of these into a Params: a flat, ordered list
// of (key, value) pairs whose keys use Rails bracket notation ("poll[options][]",
// "fields_attributes[0][name]"), so a handler reads form and JSON input alike.
// Every stored key and value is valid UTF-8. Uploaded files are kept apart, in
// files(); the client's file name is discarded on purpose and stored nowhere.
//
// Ownership and threads: Params is a value type that owns copies of all its
// data (nothing points into the parsed buffer); it is not synchronized. The
// parsers are pure functions, safe to call from any thread. Nothing here throws
// on bad input: malformed input yields a 400 Error whose message names no
// client data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "util/result.h"

namespace publius::http {

struct UploadedFile {
  std::string field;         // form field name
  std::string content_type;  // as sent by the client (untrusted); empty if the part had none
  std::string data;          // raw bytes
  // The client's file name is deliberately not kept (privacy rule: client file names are
  // discarded).
};

class Params {
 public:
  // Single value for an exact key (bracket notation for nested keys, e.g. "poll[expires_in]").
  // For a key given several times, the last one. JSON true/false read as "true"/"false",
  // numbers as their text, JSON null as absent. Array entries ("key[]") are not returned here.
  std::optional<std::string_view> get(std::string_view key) const;
  std::string get_or(std::string_view key, std::string_view fallback) const;

  // All values of an array parameter, in order: "key[]" entries (form/query style), repeated
  // "key" entries, and JSON scalars in an array at key. Objects inside a JSON array are reached
  // through subkeys() instead.
  std::vector<std::string> get_all(std::string_view key) const;

  // Present with any value, including arrays and nested hashes. An empty JSON array or object
  // at key counts as present (get_all() then returns nothing), so a client can say "clear
  // this list". Files are not params: use file().
  bool has(std::string_view key) const;

  // Mastodon/Rails booleans: "1","true","on","t","yes" (any case) => true; "0","false","off",
  // "f","no","" => false; absent => nullopt; anything else => 400 "<key> must be a boolean".
  Result<std::optional<bool>> get_bool(std::string_view key) const;

  // Decimal int64 with optional '-'. Absent or empty (HTML forms send empty fields) =>
  // nullopt; anything else non-numeric => 400 "<key> must be an integer"; too large =>
  // 400 "<key> is out of range".
  Result<std::optional<int64_t>> get_int(std::string_view key) const;

  // Distinct keys directly under prefix, in order of first appearance: with
  // "fields_attributes[0][name]=a&fields_attributes[1][name]=b", subkeys("fields_attributes")
  // is {"0","1"}. JSON arrays of objects give "0","1",...; JSON objects give their keys.
  // Array entries ("prefix[]") have no subkey and are skipped.
  std::vector<std::string> subkeys(std::string_view prefix) const;

  const std::vector<UploadedFile>& files() const { return files_; }
  // The last file uploaded under field, or nullptr. Valid until this Params changes.
  const UploadedFile* file(std::string_view field) const;

  // Appends every entry and file of other, so other's values win on get(). Used to merge the
  // query string with the body (body last) and route path params (last of all).
  void merge(const Params& other);
  void merge(Params&& other);

  // Appends one entry. For tests and route path params; the caller vouches for UTF-8.
  void add(std::string key, std::string value);
  void add_file(UploadedFile file);

  // Number of entries (arrays count once per element), not counting files.
  size_t size() const;
  bool empty() const { return size() == 0 && files_.empty(); }

 private:
  friend struct ParamsAccess;  // lets the parsers in params.cc record empty JSON containers

  struct Entry {
    std::string key;
    std::string value;
    // Stands for an empty JSON array or object at key: seen by has() and subkeys(), never
    // returned as a value.
    bool empty_container = false;
  };

  std::vector<Entry> entries_;
  std::vector<UploadedFile> files_;
};

// Parsers. All of them return a 400 Error on malformed input, with a message such as
// "Invalid query string"; none reads past the given view or keeps a pointer into it.

// The part of the target after '?'. '+' is a space, %XX a byte; a bad escape, a decoded key or
// value that is not UTF-8, or more than 1000 pairs is an error. "key" alone has value "";
// pairs with an empty key are dropped, as Rack does.
Result<Params> parse_query(std::string_view query);

// An application/x-www-form-urlencoded body: the same rules as parse_query.
Result<Params> parse_form(std::string_view body);

// A JSON body; the top level must be an object. Nested objects and arrays flatten to bracket
// keys: {"poll":{"options":["a","b"]},"f":[{"n":"x"}]} gives poll[options][]=a,
// poll[options][]=b, f[0][n]=x. Limits: nesting depth 32, 10000 entries, keys of 1024 bytes.
Result<Params> parse_json(std::string_view body);

// A multipart/form-data body; content_type is the full header value carrying the boundary.
// Parts with a filename parameter become files(), other parts become params (which must be
// UTF-8). Lines must end in CRLF; a missing closing delimiter is an error. At most 1000 parts.
Result<Params> parse_multipart(std::string_view body, std::string_view content_type);

// Picks a parser from the media type of content_type (case-insensitive; parameters such as
// charset ignored): application/json and any */*+json, application/x-www-form-urlencoded,
// multipart/form-data. An empty body gives empty Params whatever the type; a non-empty body of
// any other type (or with no type) is a 400 "Unsupported content type".
Result<Params> parse_body(std::string_view body, std::string_view content_type);

// Percent-encodes everything outside the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~), for
// building URLs and form bodies.
std::string url_encode(std::string_view s);

// Decodes %XX escapes (and '+' as space when plus_is_space, the form/query convention; not for
// paths). nullopt on a malformed escape. Does not check that the result is UTF-8.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// The decimal id in the request's path parameter `name` (Router fills them); kNotFound
// when it is not one, as for an id that names nothing.
Result<int64_t> path_id(const Request& request, std::string_view name = "id");

}  // namespace publius::http
