#include "federation/inbox.h"

#include "federation/activities.h"
#include "federation/html_sanitizer.h"
#include "federation/json_fields.h"
#include "federation/routes.h"
#include "federation/signed_requests.h"
#include "http/errors.h"
#include "http/params.h"
#include "util/time.h"

namespace publius::federation {
namespace {

namespace json = boost::json;

// Whether an activity's object is an embedded actor document.
bool is_actor(const json::object& activity) {
  const auto* object = activity.if_contains("object");
  if (!object || !object->is_object()) return false;
  const std::string type = string_at(object->as_object(), "type");
  return type == "Person" || type == "Service" || type == "Application" || type == "Group" ||
         type == "Organization";
}

}  // namespace

std::string object_id(const json::object& activity, std::string_view member) {
  const auto* v = activity.if_contains(member);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_object()) return string_at(v->as_object(), "id");
  return {};
}

Inbox::Inbox(domain::Microblog& microblog, const Fetcher& fetcher, InboxOptions options)
    : microblog_(microblog), resolver_(fetcher, &microblog), options_(options) {}

void Inbox::register_routes(http::Router& router) {
  const auto route = [this](bool shared) {
    return [this, shared](http::Request& req) {
      std::string username;
      if (!shared) {
        auto name = http::percent_decode(req.path_param("username"), false);
        if (!name || name->empty()) return http::error_response(not_found());
        username = std::move(*name);
      }
      auto res = receive(req, username);
      return res.ok() ? std::move(res).value() : http::error_response(res.error());
    };
  };
  router.add("POST", "/users/:username/inbox", http::Policy::anyone(), route(false));
  router.add("POST", "/inbox", http::Policy::anyone(), route(true));
  router.add("POST", "/actor/inbox", http::Policy::anyone(), route(true));
}

Result<http::Response> Inbox::receive(const http::Request& request, std::string_view username) {
  if (request.body.size() > options_.max_body_bytes)
    return Error{ErrorCode::kPayloadTooLarge, "Activity too large"};
  if (!username.empty()) PUBLIUS_TRY(microblog_.accounts().account_by_acct(username));
  PUBLIUS_ASSIGN_OR_RETURN(auto sender, verified_sender(request));
  // An actor verified earlier, before the server went onion-only, is heard no more.
  if (options_.onion_only && !is_onion_host(domain::url_authority(sender.uri)))
    return forbidden("This server federates with onion services only");
  if (heard_from_) heard_from_(domain::url_authority(sender.uri));
  boost::system::error_code ec;
  const json::value activity = json::parse(request.body, ec);
  if (ec || !activity.is_object()) return bad_request("Activity is not a JSON object");
  // The signer speaks for itself only.
  if (string_at(activity.as_object(), "actor") != sender.uri)
    return unauthorized("Activity actor is not the signer");
  PUBLIUS_TRY(dispatch(sender, activity.as_object()));
  return http::Response::json("{}", 202);
}

Result<store::RemoteActor> Inbox::verified_sender(const http::Request& request) {
  // The JSON is read before any fetch, too.
  return verified_signer(microblog_, resolver_, request, options_.max_skew_s, [&]() -> Status {
    boost::system::error_code ec;
    if (const auto value = json::parse(request.body, ec); ec || !value.is_object())
      return bad_request("Activity is not a JSON object");
    return ok_status();
  });
}

Result<domain::Account> Inbox::local_actor(std::string_view url) {
  return local_account_at(microblog_, url);
}

Status Inbox::dispatch(const store::RemoteActor& sender, const json::object& activity) {
  const std::string type = string_at(activity, "type");
  if (type == "Like" || type == "Announce" || type == "Block")
    return dispatch_social(sender, activity);
  if (type == "Follow") {
    const std::string id = string_at(activity, "id");
    if (id.empty()) return bad_request("Follow without an id");
    PUBLIUS_ASSIGN_OR_RETURN(auto local, local_actor(object_id(activity)));
    return microblog_.federation().receive_follow(sender.account_id, local.id, id);
  }
  if (type == "Undo") {
    const auto* object = activity.if_contains("object");
    if (object && object->is_string())
      return microblog_.federation().receive_undo_of_id(sender.account_id, object->as_string());
    if (!object || !object->is_object()) return bad_request("Undo without an object");
    const auto& undone = object->as_object();
    if (string_at(undone, "type") != "Follow") return undo_social(sender, undone);
    if (const auto actor = string_at(undone, "actor"); !actor.empty() && actor != sender.uri)
      return unauthorized("Undo of another actor's Follow");
    PUBLIUS_ASSIGN_OR_RETURN(auto local, local_actor(object_id(undone)));
    return microblog_.federation().receive_undo_follow(sender.account_id, local.id);
  }
  if (type == "Accept" || type == "Reject") {
    // Of a Follow this server sent for one of its accounts, to the sender itself.
    const auto follow = parse_follow_uri(microblog_.config(), object_id(activity));
    if (!follow || follow->followed_id != sender.account_id) return ok_status();
    PUBLIUS_ASSIGN_OR_RETURN(auto local, microblog_.accounts().account_by_acct(follow->follower));
    return microblog_.federation().receive_follow_answer(sender.account_id, local.id,
                                                         type == "Accept");
  }
  if (type == "Update" && is_actor(activity)) return receive_actor_update(sender, activity);
  if (type == "Move") return receive_move(sender, activity);
  if (type == "Create" || type == "Update") {
    // Only an embedded Note (or Question) is read: nothing is fetched for an id alone.
    const auto* object = activity.if_contains("object");
    if (!object || !object->is_object()) return ok_status();
    const std::string object_type = string_at(object->as_object(), "type");
    if (object_type != "Note" && object_type != "Question") return ok_status();
    PUBLIUS_ASSIGN_OR_RETURN(auto note, parse_note(object->as_object()));
    resolve_local_references(microblog_, note);
    if (type == "Update")
      return microblog_.federation().receive_note_update(sender.account_id, note);
    PUBLIUS_TRY(microblog_.federation().receive_note(sender.account_id, note));
    return ok_status();
  }
  if (type == "Delete") {
    const std::string id = object_id(activity);
    if (id == sender.uri) return microblog_.federation().receive_actor_delete(sender.account_id);
    return microblog_.federation().receive_note_delete(sender.account_id, id);
  }
  if (type == "Flag") return receive_flag(sender, activity);
  return ok_status();  // accepted; not handled yet
}

Status Inbox::receive_actor_update(const store::RemoteActor& sender, const json::object& activity) {
  const auto& object = activity.at("object").as_object();
  // An actor updates itself only.
  if (string_at(object, "id") != sender.uri) return unauthorized("Update of another actor");
  PUBLIUS_ASSIGN_OR_RETURN(auto actor, parse_actor_object(object));
  return microblog_.federation().receive_actor_update(sender.account_id, actor);
}

Status Inbox::receive_move(const store::RemoteActor& sender, const json::object& activity) {
  // An actor moves itself only.
  if (object_id(activity) != sender.uri) return unauthorized("Move of another actor");
  const std::string target = object_id(activity, "target");
  if (target.empty()) return bad_request("Move without a target");
  if (auto local = local_actor(target); local.ok())
    return microblog_.federation().receive_move(sender.account_id, local->id);
  // The target's aliases as its own server says now, not as anyone kept them.
  auto fetched = resolver_.actor_for_key(target);
  if (!fetched.ok() || fetched->uri != target)
    return unprocessable("Move target cannot be fetched");
  auto saved = microblog_.federation().save_remote_actor(*fetched);
  if (!saved.ok()) return unprocessable("Move target refused: " + saved.error().message);
  return microblog_.federation().receive_move(sender.account_id, *saved);
}

Status Inbox::receive_flag(const store::RemoteActor& sender, const json::object& activity) {
  // Its object: the reported account here and any of its posts, each an id (Mastodon
  // sends an array; one id alone is read too).
  std::vector<std::string> objects;
  if (const auto* v = activity.if_contains("object"); v && v->is_array()) {
    for (const auto& item : v->as_array())
      if (item.is_string()) objects.emplace_back(item.as_string());
  } else {
    objects.push_back(object_id(activity));
  }
  domain::RemoteFlag flag{.comment = html_to_text(string_at(activity, "content"))};
  for (const auto& uri : objects) {
    if (auto post = parse_note_uri(microblog_.config(), uri)) {
      flag.status_ids.push_back(*post);
    } else if (auto account = local_actor(uri); account.ok() && flag.target_id == 0) {
      flag.target_id = account->id;
    }
  }
  if (flag.target_id == 0) return ok_status();  // about no account here: nothing to keep
  PUBLIUS_TRY(microblog_.federation().receive_flag(sender.account_id, flag));
  return ok_status();
}

}  // namespace publius::federation
