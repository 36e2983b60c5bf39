#include "api/token_json.h"

#include "util/json_writer.h"

namespace publius::api {

std::string token_json(const domain::IssuedToken& issued,
                       const std::vector<std::string>* recovery_codes) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("access_token", issued.secret)
      .field("token_type", "Bearer")
      .field("scope", issued.token.scopes)
      .field("created_at", issued.token.created_day_ms / 1000);
  if (recovery_codes) {
    w.key("recovery_codes").begin_array();
    for (const auto& code : *recovery_codes) w.string(code);
    w.end_array();
  }
  w.end_object();
  return out;
}

}  // namespace publius::api
