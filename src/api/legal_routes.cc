// Admin API for the legal desk, the disclosure inventory and account deletion.
// Every route needs a user token with admin:read (reads) or admin:write
// (changes) AND the admin role, declared with the route. Handlers parse and call
// legal::LegalDesk or the domain.
#include "api/api.h"
#include "input/readers.h"
#include "shield/inventory.h"

namespace publius::api {

void Api::add_legal_routes(http::Router& r) {
  auto desk = [this]() -> Result<legal::LegalDesk*> {
    if (!options_.legal_desk) return not_found("The legal desk is not enabled on this server");
    return options_.legal_desk;
  };

  route(r, "GET", "/api/v1/admin/accounts/:id/inventory", http::Policy::admin("admin:read"),
        [this](Call& c) -> Result<http::Response> {
          if (!options_.inventory) return not_found("The disclosure inventory is not enabled");
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_ASSIGN_OR_RETURN(auto inv, options_.inventory->for_account(id));
          return http::Response::json(shield::inventory_to_json(inv));
        });

  // The operator's deletion: the same erasure as the account's own (Accounts::delete_account).
  route(r, "DELETE", "/api/v1/admin/accounts/:id", http::Policy::admin("admin:write"),
        [this](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto id, c.path_id());
          PUBLIUS_TRY(microblog_.accounts().delete_account(id));
          return http::Response::json("{\"id\":\"" + std::to_string(id) + "\"}");
        });

  route(r, "GET", "/api/v1/admin/legal/demands", http::Policy::admin("admin:read"),
        [desk](Call&) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          return json(d->list_json());
        });

  route(r, "POST", "/api/v1/admin/legal/demands", http::Policy::admin("admin:write"),
        [desk](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          // A JSON body is the demand itself; a multipart body carries it in the `demand`
          // part and the documents as `documents[]` files. Paths in `documents` would name
          // files on the server's disk, which only the operator's CLI may read.
          std::string demand_json = c.request.body;
          std::vector<legal::DocumentUpload> uploads;
          if (c.request.header("content-type").find("multipart/form-data") !=
              std::string_view::npos) {
            demand_json = c.params.get_or("demand", "");
            uploads = input::document_uploads(c.params);
          }
          auto parsed = legal::parse_demand(demand_json);
          if (parsed.ok() && !parsed->documents.empty())
            return bad_request(
                "documents: upload the files as multipart `documents[]` parts; paths are read "
                "only by `publius legal intake` on the server");
          PUBLIUS_ASSIGN_OR_RETURN(auto out, d->intake(demand_json, uploads));
          return http::Response::json(std::move(out), 201);
        });

  route(r, "GET", "/api/v1/admin/legal/demands/:id", http::Policy::admin("admin:read"),
        [desk](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          return json(d->show_json(std::string(c.request.path_param("id"))));
        });

  route(r, "POST", "/api/v1/admin/legal/demands/:id/transition", http::Policy::admin("admin:write"),
        [desk](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          const std::string id(c.request.path_param("id"));
          PUBLIUS_TRY(d->show_json(id));
          return json(d->transition(id, c.params.get_or("to", ""), c.params.get_or("reason", "")));
        });

  route(r, "POST", "/api/v1/admin/legal/demands/:id/produce", http::Policy::admin("admin:write"),
        [desk](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          const std::string id(c.request.path_param("id"));
          PUBLIUS_TRY(d->show_json(id));
          PUBLIUS_ASSIGN_OR_RETURN(auto approved, input::approved_categories(c.params));
          return json(d->produce_stored(id, approved));
        });

  route(r, "GET", "/api/v1/admin/legal/verify", http::Policy::admin("admin:read"),
        [desk](Call&) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          PUBLIUS_ASSIGN_OR_RETURN(auto report, d->verify());
          std::string body = std::string("{\"intact\":") + (report.intact ? "true" : "false") +
                             ",\"entries\":" + std::to_string(report.entries);
          if (!report.intact)
            body += ",\"first_broken_entry\":" + std::to_string(report.first_broken_seq);
          body += "}";
          return http::Response::json(std::move(body));
        });

  route(r, "GET", "/api/v1/admin/legal/transparency", http::Policy::admin("admin:read"),
        [desk](Call& c) -> Result<http::Response> {
          PUBLIUS_ASSIGN_OR_RETURN(auto d, desk());
          legal::TransparencyOptions options;
          options.period = c.params.get_or("period", "");
          options.format = c.params.get_or("format", "json");
          PUBLIUS_ASSIGN_OR_RETURN(auto band, c.params.get_bool("band"));
          options.band = band.value_or(false);
          PUBLIUS_ASSIGN_OR_RETURN(auto report, d->transparency(options));
          if (options.format == "json") return http::Response::json(std::move(report));
          if (options.format == "html") return http::Response::html(std::move(report));
          http::Response response = http::Response::json(std::move(report));
          response.content_type = "text/csv; charset=utf-8";
          return response;
        });
}

}  // namespace publius::api
