// Readers: the domain's values read from a request's parameters (http::Params),
// the same way for both edges that take them from people: the Mastodon API and the
// web UI's forms. Each validates what it reads: a malformed value is a 400 or 422
// naming the parameter, never a silently different value.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/domain_blocks.h"
#include "domain/types.h"
#include "http/params.h"
#include "legal/desk.h"
#include "util/result.h"

namespace publius::input {

// Mastodon paging parameters: max_id, since_id, min_id, limit (default 20, capped at `max_limit`).
Result<domain::Page> page_from(const http::Params& p, int default_limit = 20, int max_limit = 40);
// The ids in an array parameter (`id[]` by default), first occurrence order, duplicates and
// non-ids dropped.
std::vector<int64_t> id_list(const http::Params& p, std::string_view name = "id");
// id_list(), refused (422) when it names more than `max_ids`, as Mastodon refuses.
Result<std::vector<int64_t>> bounded_id_list(const http::Params& p, size_t max_ids,
                                             std::string_view name = "id");
// The one value of `key` (nullopt when absent); 422 when the client sent a list or an object
// there, which would otherwise be silently ignored (a reply posted as a new thread).
Result<std::optional<std::string_view>> single_value(const http::Params& p, std::string_view key);
// Mastodon's `offset` for searches: absent or negative is 0. Searches reach no further than
// kMaxSearchOffset results (as Mastodon's search index); nullopt past that: nothing is found
// there, however large the number (it must never wrap round to the first page).
inline constexpr int64_t kMaxSearchOffset = 10'000;
Result<std::optional<int>> search_offset(const http::Params& p);
// A list's title, replies_policy and exclusive as a client sent them (also the web
// UI's list forms); a replies_policy that is none of Mastodon's is a 422.
Result<domain::ListFields> list_fields(const http::Params& p);
// Legal desk parameters shared by the admin API and the web UI (legal_routes.cc):
// the files uploaded as `documents[]`, named "document-1", "document-2", ... (the
// parser discards client file names), and the categories in `approve` /
// `approve[]` (comma-separated lists allowed); at least one is required.
std::vector<legal::DocumentUpload> document_uploads(const http::Params& p);

// An attachment's alt text and focal point from the parameters named
// `description_key` and `focus_key` (API and web UI alike); 422 for a bad focus.
Result<domain::MediaChange> media_change_from(const http::Params& p,
                                              std::string_view description_key,
                                              std::string_view focus_key);
Result<std::vector<std::string>> approved_categories(const http::Params& p);

// Mastodon's poll[options][], poll[expires_in], poll[multiple], poll[hide_totals]
// (from a form or JSON alike; API and web UI); none when no poll[...] is given.
// The web form's empty option fields are left out with `drop_blank_options`, and
// a form whose options are all blank then means no poll. 422 for a bad number.
Result<std::optional<domain::NewPoll>> poll_from(const http::Params& p, bool drop_blank_options);
// The option positions of a vote, `choices[]`; 422 for one that is not a number.
Result<std::vector<int64_t>> poll_choices_from(const http::Params& p);

// Mastodon's `scheduled_at`: an ISO 8601 time, or one without a zone (a web
// form's datetime-local, "2026-01-02T10:30"), read as UTC. Unset when absent or
// empty; 422 when it is not a time.
Result<std::optional<int64_t>> scheduled_at_from(const http::Params& p);

// A domain block's fields as Mastodon's admin API names them (also the web UI's admin
// form): `severity` (suspend, silence or noop; 422 naming it otherwise), `reject_media`
// and `reject_reports` (booleans; 400 naming them otherwise), `private_comment` and
// `public_comment`. Absent fields are unset.
Result<domain::DomainBlockChange> domain_block_change(const http::Params& p);

}  // namespace publius::input
