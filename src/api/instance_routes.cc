// Instance metadata and the small endpoints clients call at start-up.
#include "api/api.h"
#include "domain/text_format.h"
#include "media/image_processor.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::api {
namespace {

constexpr std::string_view kVersion = "4.3.0 (compatible; Publius " PUBLIUS_VERSION ")";

// A 1x1 grey PNG: the avatar and header of every account that has not uploaded its own.
constexpr unsigned char kDefaultImage[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78,
    0xda, 0x63, 0x68, 0x68, 0x68, 0x00, 0x00, 0x03, 0x04, 0x01, 0x81, 0x75, 0x2e, 0x01,
    0xbc, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

// The v1 entity's configuration has only the accounts, statuses, media_attachments and polls
// blocks (and no max_pinned_statuses); v2 adds the rest.
enum class InstanceVersion { kV1, kV2 };

void write_configuration(JsonWriter& w, const domain::InstanceConfig& config,
                         const std::string& streaming, const std::string& vapid_key,
                         InstanceVersion version) {
  const bool v2 = version == InstanceVersion::kV2;
  w.key("configuration").begin_object();
  if (v2) {
    w.key("urls").begin_object().field("streaming", streaming).field_null("status").end_object();
    w.key("vapid").begin_object().field("public_key", vapid_key).end_object();
  }
  w.key("accounts")
      .begin_object()
      .field("max_featured_tags", static_cast<int64_t>(domain::kMaxFeaturedTags));
  if (v2) w.field("max_pinned_statuses", static_cast<int64_t>(config.max_pinned));
  w.end_object();
  w.key("statuses")
      .begin_object()
      .field("max_characters", static_cast<int64_t>(config.max_status_chars))
      .field("max_media_attachments", static_cast<int64_t>(domain::kMaxMediaPerPost))
      .field("characters_reserved_per_url", int64_t{23})
      .end_object();
  w.key("media_attachments").begin_object();
  // What media/image_processor.h accepts (GIF is stored as a PNG still).
  w.key("supported_mime_types")
      .begin_array()
      .string("image/jpeg")
      .string("image/png")
      .string("image/webp")
      .string("image/gif")
      .end_array();
  const media::ImageLimits limits;
  w.field("image_size_limit", static_cast<int64_t>(limits.max_bytes))
      .field("image_matrix_limit", limits.max_pixels);
  if (v2) w.field("description_limit", static_cast<int64_t>(domain::kMaxMediaDescriptionChars));
  w.field("video_size_limit", int64_t{0})
      .field("video_frame_rate_limit", int64_t{0})
      .field("video_matrix_limit", int64_t{0})
      .end_object();
  w.key("polls")
      .begin_object()
      .field("max_options", static_cast<int64_t>(config.polls.max_options))
      .field("max_characters_per_option",
             static_cast<int64_t>(config.polls.max_characters_per_option))
      .field("min_expiration", config.polls.min_expiration_s)
      .field("max_expiration", config.polls.max_expiration_s)
      .end_object();
  if (v2) w.key("translation").begin_object().field("enabled", false).end_object();
  w.end_object();
}

// Mastodon's Rule entities; a rule's id is its 1-based position.
void write_rules(JsonWriter& w, const std::vector<std::string>& rules) {
  w.begin_array();
  for (size_t i = 0; i < rules.size(); ++i)
    w.raw(Renderer::rule(static_cast<int>(i + 1), rules[i]));
  w.end_array();
}

}  // namespace

void Api::add_instance_routes(http::Router& r) {
  route(r, "GET", "/api/v2/instance", http::Policy::anyone(),
        [this](Call& c) -> Result<http::Response> {
          const auto& config = microblog_.config();
          PUBLIUS_ASSIGN_OR_RETURN(auto stats, microblog_.accounts().instance_stats());
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("domain", config.domain)
              .field("title", config.title)
              .field("version", kVersion)
              .field("source_url", config.base_url())
              .field("description", config.description);
          w.key("usage")
              .begin_object()
              .key("users")
              .begin_object()
              .field("active_month", stats.users)
              .end_object()
              .end_object();
          w.key("thumbnail")
              .begin_object()
              .field("url", config.base_url() + "/avatars/original/missing.png")
              .end_object();
          w.key("icon").begin_array().end_array();
          w.key("languages").begin_array().string("en").end_array();
          write_configuration(w, config, "ws" + c.request.origin().substr(4),
                              options_.vapid_public_key, InstanceVersion::kV2);
          w.key("registrations")
              .begin_object()
              .field("enabled", config.registrations_open)
              .field("approval_required", false)
              .field_null("message")
              .field_null("url")
              .end_object();
          w.key("api_versions").begin_object().field("mastodon", int64_t{2}).end_object();
          w.key("contact").begin_object().field("email", "").field_null("account").end_object();
          w.key("rules");
          write_rules(w, config.rules);
          w.end_object();
          return http::Response::json(std::move(out));
        });

  route(r, "GET", "/api/v1/instance", http::Policy::anyone(),
        [this](Call& c) -> Result<http::Response> {
          const auto& config = microblog_.config();
          PUBLIUS_ASSIGN_OR_RETURN(auto stats, microblog_.accounts().instance_stats());
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("uri", config.domain)
              .field("title", config.title)
              .field("short_description", config.description)
              .field("description", config.description)
              .field("email", "")
              .field("version", kVersion);
          w.key("urls")
              .begin_object()
              .field("streaming_api", "ws" + c.request.origin().substr(4))
              .end_object();
          w.key("stats")
              .begin_object()
              .field("user_count", stats.users)
              .field("status_count", stats.statuses)
              .field("domain_count", int64_t{0})
              .end_object();
          w.field_null("thumbnail");
          w.key("languages").begin_array().string("en").end_array();
          w.field("registrations", config.registrations_open)
              .field("approval_required", false)
              .field("invites_enabled", false);
          write_configuration(w, config, "", options_.vapid_public_key, InstanceVersion::kV1);
          w.field_null("contact_account");
          w.key("rules");
          write_rules(w, config.rules);
          w.end_object();
          return http::Response::json(std::move(out));
        });

  route(r, "GET", "/api/v1/instance/rules", http::Policy::anyone(),
        [this](Call&) -> Result<http::Response> {
          std::string out;
          JsonWriter w(out);
          write_rules(w, microblog_.config().rules);
          return http::Response::json(std::move(out));
        });

  // Mastodon's ExtendedDescription: the operator's description and rules as HTML (escaped,
  // links made), as of the day the server read them: they change only with a restart.
  route(r, "GET", "/api/v1/instance/extended_description", http::Policy::anyone(),
        [this, read_day = now_day_ms()](Call&) -> Result<http::Response> {
          const auto& config = microblog_.config();
          const auto as_html = [&](std::string_view text) {
            return domain::format_status_text(text, {}, config.base_url()).html;
          };
          std::string content = as_html(config.description);
          if (!config.rules.empty()) {
            content += "<h2>Rules</h2><ol>";
            for (const auto& rule : config.rules) content += "<li>" + as_html(rule) + "</li>";
            content += "</ol>";
          }
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("updated_at", format_iso8601_ms(read_day))
              .field("content", content)
              .end_object();
          return http::Response::json(std::move(out));
        });

  // Every language a post or an account's default may be in (ISO 639-1), as Mastodon lists
  // the languages it knows.
  route(r, "GET", "/api/v1/instance/languages", http::Policy::anyone(),
        [](Call&) -> Result<http::Response> {
          std::string out;
          JsonWriter w(out);
          w.begin_array();
          for (const auto& language : domain::languages())
            w.begin_object().field("code", language.code).field("name", language.name).end_object();
          w.end_array();
          return http::Response::json(std::move(out));
        });

  // Weekly activity would publish how many accounts signed in each week, which is
  // non-public activity, and no login history exists to count it from; the list of peers
  // would tell which servers the accounts here talk to, what an account hiding its
  // follows keeps to itself. Both answer with an empty list
  // (docs/decisions/0005-instance-activity-and-peers.md).
  for (const char* path : {"/api/v1/instance/activity", "/api/v1/instance/peers"}) {
    route(r, "GET", path, http::Policy::anyone(),
          [](Call&) -> Result<http::Response> { return http::Response::json("[]"); });
  }

  route(r, "GET", "/api/v1/preferences", http::Policy::user("read:accounts"),
        [](Call& c) -> Result<http::Response> {
          const domain::Account& a = c.user();
          std::string out;
          JsonWriter w(out);
          w.begin_object()
              .field("posting:default:visibility", domain::visibility_name(a.default_visibility))
              .field("posting:default:sensitive", a.default_sensitive)
              .field_or_null("posting:default:language", a.default_language)
              .field("reading:expand:media", "default")
              .field("reading:expand:spoilers", false)
              .end_object();
          return http::Response::json(std::move(out));
        });

  // Features this server does not have yet answer with their documented empty value,
  // so clients that call them at start-up keep working.
  // Each guarded as Mastodon guards it (announcements and suggestions are the signed-in
  // user's own).
  for (const auto& [path, policy] :
       {std::pair{"/api/v1/custom_emojis", http::Policy::anyone()},
        std::pair{"/api/v1/announcements", http::Policy::user("read")},
        std::pair{"/api/v1/trends/tags", http::Policy::anyone()},
        std::pair{"/api/v1/trends/statuses", http::Policy::anyone()},
        std::pair{"/api/v1/trends/links", http::Policy::anyone()},
        std::pair{"/api/v2/suggestions", http::Policy::user("read")}}) {
    route(r, "GET", path, policy,
          [](Call&) -> Result<http::Response> { return http::Response::json("[]"); });
  }

  for (const char* path : {"/avatars/original/missing.png", "/headers/original/missing.png"}) {
    route(r, "GET", path, http::Policy::anyone(), [](Call&) -> Result<http::Response> {
      http::Response res;
      res.content_type = "image/png";
      res.body = std::string(reinterpret_cast<const char*>(kDefaultImage), sizeof kDefaultImage);
      return res;
    });
  }

  route(r, "GET", "/health", http::Policy::anyone(), [](Call&) -> Result<http::Response> {
    auto res = http::Response::json(std::string("OK"));
    res.content_type = "text/plain; charset=utf-8";
    return res;
  });
}

}  // namespace publius::api
