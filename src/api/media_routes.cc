// Media: uploading images, their alt text and focal point, and serving the
// processed files. The processing itself is the domain's (Microblog::upload_media).
#include "api/api.h"

namespace publius::api {

Result<domain::MediaChange> media_change_from(const http::Params& p,
                                              std::string_view description_key,
                                              std::string_view focus_key) {
  domain::MediaChange change;
  if (auto d = p.get(description_key)) change.description = std::string(*d);
  if (auto f = p.get(focus_key); f && !f->empty()) {
    PUBLIUS_ASSIGN_OR_RETURN(change.focus, domain::parse_focus(*f));
  }
  return change;
}

void Api::add_media_routes(http::Router& r) {
  auto upload = [this](http::Request& req) {
    auto c = require_user(req, "write:media");
    if (!c.ok()) return error_response(c.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    const http::UploadedFile* file = p->file("file");
    if (!file) return http::Response::error(422, "Validation failed: File can't be blank");
    auto details = media_change_from(*p, "description", "focus");
    if (!details.ok()) return error_response(details.error());
    auto media = microblog_.upload_media(c->account->id, file->data, *details);
    if (!media.ok()) return error_response(media.error());
    // Processing is synchronous, so the url is set and v2 answers 200, not 202.
    return http::Response::json(Renderer::media_attachment(*media, microblog_.config().base_url()));
  };
  r.add("POST", "/api/v1/media", upload);
  r.add("POST", "/api/v2/media", upload);

  r.add("GET", "/api/v1/media/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:media");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    auto media = microblog_.own_media(c->account->id, *id);
    if (!media.ok()) return error_response(media.error());
    return http::Response::json(Renderer::media_attachment(*media, microblog_.config().base_url()));
  });

  r.add("PUT", "/api/v1/media/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:media");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    // Someone else's upload is not found, whatever the parameters (as Mastodon).
    if (auto own = microblog_.own_media(c->account->id, *id); !own.ok())
      return error_response(own.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto change = media_change_from(*p, "description", "focus");
    if (!change.ok()) return error_response(change.error());
    auto media = microblog_.update_media(c->account->id, *id, *change);
    if (!media.ok()) return error_response(media.error());
    return http::Response::json(Renderer::media_attachment(*media, microblog_.config().base_url()));
  });

  r.add("DELETE", "/api/v1/media/:id", [this](http::Request& req) {
    auto c = require_user(req, "write:media");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto s = microblog_.delete_media(c->account->id, *id); !s.ok())
      return error_response(s.error());
    return http::Response::json("{}");
  });

  // The files. Names are random keys checked character by character
  // (media::MediaFiles::is_valid_name), so no path reaches outside the directory.
  r.add("GET", "/system/media/:name", [this](http::Request& req) {
    const std::string_view name = req.path_param("name");
    auto bytes = microblog_.media_file(name);
    if (!bytes.ok()) return error_response(bytes.error());
    http::Response res;
    res.content_type = std::string(media::MediaFiles::content_type_of(name));
    res.body = std::move(bytes).value();
    // A name is never reused for other bytes.
    res.with_header("Cache-Control", "public, max-age=31536000, immutable")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("Content-Security-Policy", "default-src 'none'; sandbox");
    return res;
  });
}

}  // namespace publius::api
