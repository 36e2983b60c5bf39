// Admin API for the legal desk, the disclosure inventory and account deletion.
// Every route needs a user token with admin:read (reads) or admin:write
// (changes) AND the admin role. Handlers only authenticate, parse and call
// legal::LegalDesk or the domain.
#include "api/api.h"
#include "shield/inventory.h"

namespace publius::api {

std::vector<legal::DocumentUpload> document_uploads(const http::Params& p) {
  std::vector<legal::DocumentUpload> out;
  for (const auto& file : p.files())
    if (file.field == "documents[]" || file.field == "documents")
      out.push_back({"document-" + std::to_string(out.size() + 1), file.data});
  return out;
}

Result<std::vector<std::string>> approved_categories(const http::Params& p) {
  std::vector<std::string> out;
  // get_all reads `approve[]` entries and repeated `approve` alike.
  for (const auto& value : p.get_all("approve")) {
    size_t start = 0;
    while (start <= value.size()) {
      const size_t comma = value.find(',', start);
      const std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (out.empty()) return bad_request("approve: name at least one category");
  return out;
}

void Api::add_legal_routes(http::Router& r) {
  // A user token with `scope` whose account is an admin.
  auto admin = [this](const http::Request& req, std::string_view scope) -> Result<Caller> {
    PUBLIUS_ASSIGN_OR_RETURN(auto c, require_user(req, scope));
    if (!c.account || c.account->role != domain::Role::kAdmin)
      return forbidden("This action requires the admin role");
    return c;
  };
  auto desk = [this]() -> Result<legal::LegalDesk*> {
    if (!options_.legal_desk) return not_found("The legal desk is not enabled on this server");
    return options_.legal_desk;
  };

  r.add("GET", "/api/v1/admin/accounts/:id/inventory", [this, admin](http::Request& req) {
    auto c = admin(req, "admin:read");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    shield::StoreDisclosureInventory inventory(store_);
    auto inv = inventory.for_account(*id);
    if (!inv.ok()) return error_response(inv.error());
    return http::Response::json(shield::inventory_to_json(*inv));
  });

  // The operator's deletion: the same erasure as the account's own (Microblog::delete_account).
  r.add("DELETE", "/api/v1/admin/accounts/:id", [this, admin](http::Request& req) {
    auto c = admin(req, "admin:write");
    if (!c.ok()) return error_response(c.error());
    auto id = path_id(req);
    if (!id.ok()) return error_response(id.error());
    if (auto s = microblog_.delete_account(*id); !s.ok()) return error_response(s.error());
    return http::Response::json("{\"id\":\"" + std::to_string(*id) + "\"}");
  });

  r.add("GET", "/api/v1/admin/legal/demands", [admin, desk](http::Request& req) {
    auto c = admin(req, "admin:read");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    return json_or_error((*d)->list_json());
  });

  r.add("POST", "/api/v1/admin/legal/demands", [this, admin, desk](http::Request& req) {
    auto c = admin(req, "admin:write");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    // A JSON body is the demand itself; a multipart body carries it in the `demand`
    // part and the documents as `documents[]` files. Paths in `documents` would name
    // files on the server's disk, which only the operator's CLI may read.
    std::string demand_json = req.body;
    std::vector<legal::DocumentUpload> uploads;
    if (req.header("content-type").find("multipart/form-data") != std::string_view::npos) {
      auto p = params(req);
      if (!p.ok()) return error_response(p.error());
      demand_json = p->get_or("demand", "");
      uploads = document_uploads(*p);
    }
    auto parsed = legal::parse_demand(demand_json);
    if (parsed.ok() && !parsed->documents.empty())
      return error_response(bad_request(
          "documents: upload the files as multipart `documents[]` parts; paths are read only by "
          "`publius legal intake` on the server"));
    auto out = (*d)->intake(demand_json, uploads);
    if (!out.ok()) return error_response(out.error());
    return http::Response::json(std::move(out).value(), 201);
  });

  r.add("GET", "/api/v1/admin/legal/demands/:id", [admin, desk](http::Request& req) {
    auto c = admin(req, "admin:read");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    return json_or_error((*d)->show_json(std::string(req.path_param("id"))));
  });

  r.add("POST", "/api/v1/admin/legal/demands/:id/transition",
        [this, admin, desk](http::Request& req) {
          auto c = admin(req, "admin:write");
          if (!c.ok()) return error_response(c.error());
          auto d = desk();
          if (!d.ok()) return error_response(d.error());
          const std::string id(req.path_param("id"));
          if (auto shown = (*d)->show_json(id); !shown.ok()) return error_response(shown.error());
          auto p = params(req);
          if (!p.ok()) return error_response(p.error());
          return json_or_error((*d)->transition(id, p->get_or("to", ""), p->get_or("reason", "")));
        });

  r.add("POST", "/api/v1/admin/legal/demands/:id/produce", [this, admin, desk](http::Request& req) {
    auto c = admin(req, "admin:write");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    const std::string id(req.path_param("id"));
    if (auto shown = (*d)->show_json(id); !shown.ok()) return error_response(shown.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    auto approved = approved_categories(*p);
    if (!approved.ok()) return error_response(approved.error());
    return json_or_error((*d)->produce_stored(id, *approved));
  });

  r.add("GET", "/api/v1/admin/legal/verify", [admin, desk](http::Request& req) {
    auto c = admin(req, "admin:read");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    auto report = (*d)->verify();
    if (!report.ok()) return error_response(report.error());
    std::string body = std::string("{\"intact\":") + (report->intact ? "true" : "false") +
                       ",\"entries\":" + std::to_string(report->entries);
    if (!report->intact)
      body += ",\"first_broken_entry\":" + std::to_string(report->first_broken_seq);
    body += "}";
    return http::Response::json(std::move(body));
  });

  r.add("GET", "/api/v1/admin/legal/transparency", [this, admin, desk](http::Request& req) {
    auto c = admin(req, "admin:read");
    if (!c.ok()) return error_response(c.error());
    auto d = desk();
    if (!d.ok()) return error_response(d.error());
    auto p = params(req);
    if (!p.ok()) return error_response(p.error());
    legal::TransparencyOptions options;
    options.period = p->get_or("period", "");
    options.format = p->get_or("format", "json");
    auto band = p->get_bool("band");
    if (!band.ok()) return error_response(band.error());
    options.band = band->value_or(false);
    auto report = (*d)->transparency(options);
    if (!report.ok()) return error_response(report.error());
    if (options.format == "json") return http::Response::json(std::move(report).value());
    if (options.format == "html") return http::Response::html(std::move(report).value());
    http::Response response = http::Response::json(std::move(report).value());
    response.content_type = "text/csv; charset=utf-8";
    return response;
  });
}

}  // namespace publius::api
