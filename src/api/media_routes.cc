// Media: uploading images, their alt text and focal point, and serving the
// processed files. The processing itself is the domain's (Media::upload_media).
#include "api/api.h"
#include "input/readers.h"

namespace publius::api {

void Api::add_media_routes(http::Router& r) {
  const std::string base_url = microblog_.config().base_url();
  const auto upload = [this, base_url](Call& c) -> Result<http::Response> {
    const http::UploadedFile* file = c.params.file("file");
    if (!file) return unprocessable("Validation failed: File can't be blank");
    PUBLIUS_ASSIGN_OR_RETURN(auto details,
                             input::media_change_from(c.params, "description", "focus"));
    PUBLIUS_ASSIGN_OR_RETURN(auto media,
                             microblog_.media().upload_media(c.user_id(), file->data, details));
    // Processing is synchronous, so the url is set and v2 answers 200, not 202.
    return http::Response::json(Renderer::media_attachment(media, base_url));
  };
  route(r, "POST", "/api/v1/media", http::Policy::user("write:media"), upload);
  route(r, "POST", "/api/v2/media", http::Policy::user("write:media"), upload);

  route(r, "GET", "/api/v1/media/:id", http::Policy::user("write:media"),
        [this, base_url](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto media, microblog_.media().own_media(c.user_id(), id));
          return http::Response::json(Renderer::media_attachment(media, base_url));
        });

  route(r, "PUT", "/api/v1/media/:id", http::Policy::user("write:media"),
        [this, base_url](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          // Someone else's upload is not found, whatever the parameters (as Mastodon).
          PUBLIUS_TRY(microblog_.media().own_media(c.user_id(), id));
          PUBLIUS_ASSIGN_OR_RETURN(auto change,
                                   input::media_change_from(c.params, "description", "focus"));
          PUBLIUS_ASSIGN_OR_RETURN(auto media,
                                   microblog_.media().update_media(c.user_id(), id, change));
          return http::Response::json(Renderer::media_attachment(media, base_url));
        });

  route(r, "DELETE", "/api/v1/media/:id", http::Policy::user("write:media"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.media().delete_media(c.user_id(), id));
          return http::Response::json("{}");
        });

  // The files. Names are random keys checked character by character
  // (media::MediaFiles::is_valid_name), so no path reaches outside the directory.
  route(r, "GET", "/system/media/:name", http::Policy::anyone(),
        [this](Call& c) -> Result<http::Response> {
          const std::string_view name = c.request.path_param("name");
          PUBLIUS_ASSIGN_OR_RETURN(auto bytes, microblog_.media().media_file(name));
          http::Response res;
          res.content_type = std::string(media::MediaFiles::content_type_of(name));
          res.body = std::move(bytes);
          // A name is never reused for other bytes.
          res.with_header("Cache-Control", "public, max-age=31536000, immutable")
              .with_header("X-Content-Type-Options", "nosniff")
              .with_header("Content-Security-Policy", "default-src 'none'; sandbox");
          return res;
        });
}

}  // namespace publius::api
