// What federation tests do as another server would: POST an activity signed with an
// actor's key (draft-cavage HTTP Signatures, as Mastodon signs), and read a server's
// database the way someone holding its files would. Test-only; not thread-safe.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "federation/http_signature.h"
#include "integration/server_harness.h"

namespace publius::integration {

inline int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// `body` POSTed to `target` on the server `to` answers for, signed with `private_pem`
// under `key_id` at `at_unix_s`; `tamper` may change the request after signing.
inline HttpResponse post_signed(const Api& to, const std::string& target, const std::string& body,
                                const std::string& key_id, const std::string& private_pem,
                                const std::function<void(HttpRequest&)>& tamper = {},
                                int64_t at_unix_s = unix_now_s()) {
  auto headers = federation::sign_request(
      {.method = "POST", .target = target, .host = "127.0.0.1", .body = body}, key_id, private_pem,
      at_unix_s);
  EXPECT_TRUE(headers.ok());
  HttpRequest req;
  req.method = "POST";
  req.target = target;
  req.body = body;
  req.content_type = "application/activity+json";
  if (headers.ok())
    req.headers = {
        {"Date", headers->date}, {"Digest", headers->digest}, {"Signature", headers->signature}};
  if (tamper) tamper(req);
  return to.request(req);
}

// The first column of the first row `sql` reads (with `text` bound to its `?`, when
// given) from the database in `data_dir`, as text; empty when there is none.
inline std::string read_database(const std::string& data_dir, const std::string& sql,
                                 const std::optional<std::string>& text = std::nullopt) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2((data_dir + "/publius.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      if (text) sqlite3_bind_text(stmt, 1, text->c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

// Rows of `table` (matching `where`, when given) in the database in `data_dir`; -1 when
// it cannot be read.
inline int64_t count_rows(const std::string& data_dir, const std::string& table,
                          const std::string& where = "1") {
  const std::string n =
      read_database(data_dir, "SELECT count(*) FROM " + table + " WHERE " + where);
  return n.empty() ? -1 : std::stoll(n);
}

}  // namespace publius::integration
