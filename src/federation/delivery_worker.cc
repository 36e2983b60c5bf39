#include "federation/delivery_worker.h"

#include <algorithm>

#include "federation/activities.h"
#include "federation/http_signature.h"
#include "federation/routes.h"
#include "util/time.h"

namespace publius::federation {

DeliveryWorker::DeliveryWorker(domain::Microblog& microblog, const Fetcher& fetcher,
                               DeliveryWorkerOptions options)
    : microblog_(microblog),
      fetcher_(fetcher),
      options_(options),
      instance_(microblog),
      hosts_(options.hosts) {
  for (int i = 0; i < std::max(1, options_.senders); ++i)
    threads_.push_back(std::make_unique<PeriodicThread>([this] { return pass(); }));
}

DeliveryWorker::~DeliveryWorker() {
  stopping_ = true;
  hosts_.wake_all();  // a sender waiting for a busy server's slot stops waiting
  threads_.clear();   // joins each after its delivery in progress
}

std::chrono::milliseconds DeliveryWorker::pass() { return std::min(send_direct(), send_queued()); }

std::chrono::milliseconds DeliveryWorker::send_direct() {
  auto& federation = microblog_.federation();
  const int64_t now = now_ms();
  const auto next = federation.next_direct_delivery_ms();
  if (!next) return options_.poll_interval;
  if (*next > now) return std::min(options_.poll_interval, std::chrono::milliseconds(*next - now));
  auto claimed = federation.claim_direct_deliveries(now, options_.batch);
  for (auto& d : claimed) {
    if (stopping_) break;  // what is claimed and unsent is lost with the process anyway
    if (send(d) == Outcome::kRetry) federation.direct_delivery_failed(std::move(d), now_ms());
  }
  return claimed.empty() ? options_.poll_interval : std::chrono::milliseconds(0);
}

std::chrono::milliseconds DeliveryWorker::send_queued() {
  auto& federation = microblog_.federation();
  // Reading when the next is due costs no write; only a due delivery is claimed.
  const int64_t now = now_ms();
  auto next = federation.next_delivery_ms();
  if (!next.ok() || !next->has_value()) return options_.poll_interval;
  if (**next > now)
    return std::min(options_.poll_interval, std::chrono::milliseconds(**next - now));
  auto claimed = federation.claim_deliveries(now, options_.batch);
  if (!claimed.ok()) return options_.poll_interval;
  // Servers with a free slot first; those busy after the rest, each once a slot frees.
  std::vector<std::pair<const store::FederationDelivery*, std::string>> waiting;
  for (const auto& d : *claimed) {
    if (stopping_) break;
    std::string host = domain::url_authority(d.inbox);
    if (hosts_.unavailable(host, now)) {
      (void)federation.delivered(d.id);  // a server gone for days: dropped unsent
    } else if (hosts_.try_take(host)) {
      finish(d, host);
    } else {
      waiting.emplace_back(&d, std::move(host));
    }
  }
  for (const auto& w : waiting) {
    if (!hosts_.take(w.second, stopping_)) break;  // stopping: the claim expires
    finish(*w.first, w.second);
  }
  return claimed->empty() ? options_.poll_interval : std::chrono::milliseconds(0);
}

void DeliveryWorker::finish(const store::FederationDelivery& delivery, const std::string& host) {
  const Outcome outcome = send(delivery);
  hosts_.give_back(host);
  if (outcome == Outcome::kDone)
    (void)microblog_.federation().delivered(delivery.id);
  else
    (void)microblog_.federation().delivery_failed(delivery, now_ms());
}

Result<std::optional<std::string>> DeliveryWorker::render(
    const store::FederationDelivery& delivery) {
  using Kind = store::DeliveryKind;
  const auto& config = microblog_.config();
  PUBLIUS_ASSIGN_OR_RETURN(auto author, microblog_.accounts().account(delivery.account_id));
  switch (delivery.kind) {
    case Kind::kAcceptFollow:
    case Kind::kRejectFollow: {
      PUBLIUS_ASSIGN_OR_RETURN(auto follower,
                               microblog_.federation().remote_actor(delivery.object_id));
      if (!follower) return std::optional<std::string>();
      return std::optional(follow_answer_json(config, author, follower->uri, delivery.object_uri,
                                              delivery.kind == Kind::kAcceptFollow));
    }
    case Kind::kFollow:
    case Kind::kUndoFollow: {
      PUBLIUS_ASSIGN_OR_RETURN(auto followed,
                               microblog_.federation().remote_actor(delivery.object_id));
      if (!followed) return std::optional<std::string>();
      return std::optional(
          delivery.kind == Kind::kFollow
              ? follow_json(config, author, delivery.object_id, followed->uri)
              : undo_follow_json(config, author, delivery.object_id, followed->uri));
    }
    case Kind::kCreateNote: {
      PUBLIUS_ASSIGN_OR_RETURN(auto post,
                               microblog_.federation().post_to_deliver(delivery.object_id));
      if (!post) return std::optional<std::string>();
      PUBLIUS_ASSIGN_OR_RETURN(auto mentions, microblog_.federation().note_mentions(*post));
      PUBLIUS_ASSIGN_OR_RETURN(auto parent, parent_note_uri(microblog_, *post));
      return std::optional(create_note_json(config, author, *post, mentions, parent));
    }
    case Kind::kDeleteNote:
      return std::optional(delete_note_json(config, author, delivery.object_id));
    case Kind::kLike:
    case Kind::kUndoLike:
    case Kind::kAnnounce:
    case Kind::kUndoAnnounce:
    case Kind::kBlock:
    case Kind::kUndoBlock:
      return render_social(delivery, author);
    case Kind::kUpdateNote: {
      PUBLIUS_ASSIGN_OR_RETURN(auto post,
                               microblog_.federation().post_to_deliver(delivery.object_id));
      if (!post) return std::optional<std::string>();
      PUBLIUS_ASSIGN_OR_RETURN(auto mentions, microblog_.federation().note_mentions(*post));
      PUBLIUS_ASSIGN_OR_RETURN(auto parent, parent_note_uri(microblog_, *post));
      return std::optional(update_note_json(config, author, *post, mentions, parent));
    }
    case Kind::kUpdatePerson: {
      PUBLIUS_ASSIGN_OR_RETURN(auto document, actor_document(microblog_, author));
      return std::optional(update_person_json(config, author, document));
    }
    case Kind::kMove: {
      PUBLIUS_ASSIGN_OR_RETURN(auto target, microblog_.federation().actor_uri(delivery.object_id));
      return std::optional(move_json(config, author, target));
    }
    case Kind::kDeleteActor:  // held in memory only (send(DirectDelivery)), never queued
      return std::optional<std::string>();
    case Kind::kFlag: {
      // `author` is the reported remote account here; the instance actor signs.
      PUBLIUS_ASSIGN_OR_RETURN(auto target,
                               microblog_.federation().remote_actor(delivery.account_id));
      PUBLIUS_ASSIGN_OR_RETURN(auto report,
                               microblog_.federation().report_to_forward(delivery.object_id));
      if (!target || !report) return std::optional<std::string>();
      PUBLIUS_ASSIGN_OR_RETURN(auto uris, microblog_.federation().post_uris(report->status_ids));
      return std::optional(flag_json(config, target->uri, uris, report->comment));
    }
  }
  return std::optional<std::string>();
}

Result<SigningKey> DeliveryWorker::signing_key(int64_t account_id) {
  // Held while a missing key is read too: senders starting together on an account whose
  // key is not made yet would otherwise each make an RSA key (Accounts::actor_key keeps
  // only the first).
  std::lock_guard lock(keys_mu_);
  PUBLIUS_ASSIGN_OR_RETURN(auto pem, microblog_.accounts().actor_key(account_id, make_actor_key));
  return key_of_pem(pem.private_pem);
}

Result<SigningKey> DeliveryWorker::key_of_pem(const std::string& private_pem) {
  // Found by the key itself, not the account's id: an erased account's id may be given to
  // a new account, whose deliveries must never be signed with the old key.
  if (auto it = keys_.find(private_pem); it != keys_.end()) return it->second;
  PUBLIUS_ASSIGN_OR_RETURN(auto key, SigningKey::from_pem(private_pem));
  if (keys_.size() >= kMaxKeys) keys_.clear();
  keys_.insert_or_assign(private_pem, key);
  return key;
}

DeliveryWorker::Outcome DeliveryWorker::send(const store::FederationDelivery& delivery) {
  auto body = render(delivery);
  if (!body.ok()) {
    // Its account or post is gone (not found): nothing to send. A storage error: later.
    return body.error().code == ErrorCode::kNotFound ? Outcome::kDone : Outcome::kRetry;
  }
  if (!*body) return Outcome::kDone;
  // The instance actor signs a forwarded report (kFlag); the account signs the rest.
  if (delivery.kind == store::DeliveryKind::kFlag) {
    auto key = instance_.key();
    if (!key.ok()) return Outcome::kRetry;
    return post_signed(delivery.inbox, *key, instance_.key_id(), std::move(**body));
  }
  return post_signed_as(delivery.inbox, delivery.account_id, std::move(**body));
}

DeliveryWorker::Outcome DeliveryWorker::send(const domain::DirectDelivery& delivery) {
  const auto& config = microblog_.config();
  if (delivery.kind == store::DeliveryKind::kDeleteActor) {
    // The account is gone: its key came along in memory (parsed once for all its servers).
    auto key = [&] {
      std::lock_guard lock(keys_mu_);
      return key_of_pem(delivery.private_pem);
    }();
    if (!key.ok()) return Outcome::kDone;
    return post_signed(delivery.inbox, *key, actor_url(config, delivery.username) + "#main-key",
                       delete_actor_json(config, delivery.username));
  }
  auto author = microblog_.accounts().account(delivery.post.account_id);
  if (!author.ok())
    return author.error().code == ErrorCode::kNotFound ? Outcome::kDone : Outcome::kRetry;
  auto mentions = microblog_.federation().note_mentions(delivery.post);
  if (!mentions.ok()) return Outcome::kRetry;
  auto parent = parent_note_uri(microblog_, delivery.post);
  if (!parent.ok()) return Outcome::kRetry;
  std::string body = delivery.kind == store::DeliveryKind::kUpdateNote
                         ? update_note_json(config, *author, delivery.post, *mentions, *parent)
                         : create_note_json(config, *author, delivery.post, *mentions, *parent);
  return post_signed_as(delivery.inbox, delivery.post.account_id, std::move(body));
}

DeliveryWorker::Outcome DeliveryWorker::post_signed_as(const std::string& inbox, int64_t account_id,
                                                       std::string body) {
  auto author = microblog_.accounts().account(account_id);
  if (!author.ok())
    return author.error().code == ErrorCode::kNotFound ? Outcome::kDone : Outcome::kRetry;
  auto key = signing_key(account_id);
  if (!key.ok()) return Outcome::kRetry;
  return post_signed(inbox, *key, actor_url(microblog_.config(), author->username) + "#main-key",
                     std::move(body));
}

DeliveryWorker::Outcome DeliveryWorker::post_signed(const std::string& inbox, const SigningKey& key,
                                                    const std::string& key_id, std::string body) {
  // Nothing goes to a suspended server: what was queued before the block is dropped.
  if (auto suspended = microblog_.domain_blocks().suspends(domain::url_authority(inbox));
      !suspended.ok() || *suspended)
    return suspended.ok() ? Outcome::kDone : Outcome::kRetry;
  auto url = parse_url(inbox);
  if (!url.ok()) return Outcome::kDone;
  const std::string host = url->authority();
  auto signed_headers =
      sign_request({.method = "POST", .target = url->target, .host = host, .body = body}, key_id,
                   key, now_ms() / 1000);
  if (!signed_headers.ok()) return Outcome::kRetry;
  auto response = fetcher_.fetch(
      {.method = "POST",
       .url = inbox,
       .headers = {"Content-Type: application/activity+json", "Accept: application/activity+json",
                   "Date: " + signed_headers->date, "Digest: " + signed_headers->digest,
                   "Signature: " + signed_headers->signature},
       .body = std::move(body)});
  if (!response.ok()) {
    if (response.error().code != ErrorCode::kUnavailable) return Outcome::kDone;
    hosts_.failed(domain::url_authority(inbox), now_ms());
    return Outcome::kRetry;
  }
  const long status = response->status;
  if (status == 408 || status == 429 || status >= 500) {
    hosts_.failed(domain::url_authority(inbox), now_ms());
    return Outcome::kRetry;
  }
  hosts_.answered(domain::url_authority(inbox));
  return Outcome::kDone;  // sent (2xx), or refused for good (4xx)
}

}  // namespace publius::federation
