#include "push/sender.h"

#include <curl/curl.h>

#include <boost/json.hpp>

#include "domain/text_format.h"
#include "oauth/scopes.h"
#include "util/json_writer.h"
#include "util/time.h"

namespace publius::push {
namespace {

// How long a push service keeps a message for a device that is offline, and how
// urgently it wakes one: Mastodon's values.
constexpr std::string_view kTimeToLiveSeconds = "172800";
constexpr std::string_view kUrgency = "normal";
// A VAPID token's lifetime (RFC 8292 allows at most 24 h).
constexpr int64_t kJwtLifetimeSeconds = 12 * 3600;
// Mastodon's body is the post's text cut to 140 characters.
constexpr size_t kMaxBodyCharacters = 140;

// Mastodon's English notification titles.
std::string title_of(domain::NotificationType type, const std::string& name) {
  using T = domain::NotificationType;
  switch (type) {
    case T::kMention:
      return "You were mentioned by " + name;
    case T::kStatus:
      return name + " just posted";
    case T::kReblog:
      return name + " boosted your post";
    case T::kFollow:
      return name + " is now following you";
    case T::kFollowRequest:
      return "Pending follower: " + name;
    case T::kFavourite:
      return name + " favorited your post";
    case T::kUpdate:
      return name + " edited a post";
    case T::kPoll:
      return "A poll by " + name + " has ended";
  }
  return name;
}

// `text` cut to `max` code points (UTF-8), the last one an ellipsis when cut.
std::string truncated(const std::string& text, size_t max) {
  if (max == 0 || domain::code_points(text) <= max) return text;
  return std::string(domain::first_code_points(text, max - 1)) + "\u2026";
}

// The static avatar URL of an account's rendered entity.
std::string avatar_of(const Result<std::string>& account_json) {
  if (!account_json.ok()) return {};
  boost::system::error_code ec;
  const auto value = boost::json::parse(*account_json, ec);
  if (ec || !value.is_object()) return {};
  const auto* avatar = value.as_object().if_contains("avatar_static");
  return avatar && avatar->is_string() ? std::string(avatar->as_string()) : std::string();
}

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

int abort_when_stopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

}  // namespace

PushSender::PushSender(domain::Microblog& microblog, api::Renderer& renderer,
                       PushSubscriptions& subscriptions, const VapidKey& vapid,
                       PushSenderOptions options)
    : microblog_(microblog),
      renderer_(renderer),
      subscriptions_(subscriptions),
      vapid_(vapid),
      options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  worker_ = std::thread([this] { run(); });
}

PushSender::~PushSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  curl_global_cleanup();
}

void PushSender::notified(const std::vector<domain::Notification>& notifications) {
  {
    std::lock_guard lock(mu_);
    for (const auto& n : notifications) {
      if (notifications_.size() + retries_.size() >= options_.max_queued) break;
      notifications_.push_back(n);
    }
  }
  wake_.notify_one();
}

void PushSender::token_revoked(int64_t token_id) { subscriptions_.remove_token(token_id); }

void PushSender::tokens_of_account_revoked(int64_t account_id) {
  subscriptions_.remove_account(account_id);
}

void PushSender::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::vector<Delivery> ready;
    if (!notifications_.empty()) {
      const domain::Notification n = notifications_.front();
      notifications_.pop_front();
      lock.unlock();
      ready = deliveries_for(n);
      lock.lock();
    } else {
      const auto now = Clock::now();
      auto next =
          std::min_element(retries_.begin(), retries_.end(),
                           [](const Delivery& a, const Delivery& b) { return a.due < b.due; });
      if (next == retries_.end()) {
        wake_.wait(lock);
        continue;
      }
      if (next->due > now) {
        wake_.wait_until(lock, next->due);
        continue;
      }
      ready.push_back(std::move(*next));
      retries_.erase(next);
    }
    lock.unlock();
    for (auto& d : ready) {
      if (stopping_) break;
      const Outcome outcome = post(d);
      if (outcome == Outcome::kGone) subscriptions_.remove_gone(d.token_id, d.subscription_id);
      if (outcome != Outcome::kRetry || ++d.attempts >= options_.max_attempts) continue;
      d.due = Clock::now() + options_.first_retry_delay * (1 << (d.attempts - 1));
      std::lock_guard retry_lock(mu_);
      if (notifications_.size() + retries_.size() < options_.max_queued)
        retries_.push_back(std::move(d));
    }
    lock.lock();
  }
}

std::vector<PushSender::Delivery> PushSender::deliveries_for(const domain::Notification& n) {
  std::vector<Delivery> out;
  const auto subscriptions = subscriptions_.of_account(n.account_id);
  if (subscriptions.empty()) return out;
  // As GET /api/v1/notifications/:id would show it, or not at all.
  auto entries = microblog_.notifications().entries(n.account_id, {n});
  auto recipient = microblog_.accounts().account(n.account_id);
  auto from = microblog_.accounts().account(n.from_account_id);
  if (!entries.ok() || entries->empty() || !recipient.ok() || !from.ok()) return out;
  std::optional<SenderRelation> relation;
  for (const auto& s : subscriptions) {
    if (policy_needs_relation(s.policy) && !relation) {
      auto r = microblog_.relationships().relationship(n.account_id, n.from_account_id);
      if (!r.ok()) return out;
      relation = SenderRelation{.followed_by_recipient = r->following,
                                .follows_recipient = r->followed_by};
    }
    if (!push_wanted(s.alerts, s.policy, n.type, relation.value_or(SenderRelation{}))) continue;
    auto d = delivery(s, payload_json(s, entries->front(), *recipient, *from));
    if (d.ok()) out.push_back(std::move(d).value());
  }
  return out;
}

std::string PushSender::payload_json(const PushSubscription& s,
                                     const domain::NotificationEntry& entry,
                                     const domain::Account& recipient,
                                     const domain::Account& from) {
  const std::string name = from.display_name.empty() ? from.username : from.display_name;
  std::string body = from.note;
  if (entry.status) {
    domain::Post post = *entry.status;
    // A sealed post opens only with a token that may read statuses, as in the API.
    if (!post.sealed.empty() && oauth::covers(s.token_scopes, oauth::kSealedContentScope))
      domain::ReaderKey(microblog_.keys(), s.account_id, shield::Credential::kAccessToken,
                        s.access_token)
          .open(post);
    body = post.spoiler_text.empty() ? post.text : post.spoiler_text;
  }
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("access_token", s.access_token)
      .field("preferred_locale",
             recipient.default_language.empty() ? std::string("en") : recipient.default_language)
      .field("notification_id", std::to_string(entry.notification.id))
      .field("notification_type", domain::notification_type_name(entry.notification.type))
      .field("icon", avatar_of(renderer_.account(from)))
      .field("title", title_of(entry.notification.type, name))
      .field("body", truncated(body, kMaxBodyCharacters))
      .end_object();
  return out;
}

Result<PushSender::Delivery> PushSender::delivery(const PushSubscription& s,
                                                  const std::string& payload) {
  PUBLIUS_ASSIGN_OR_RETURN(
      auto jwt,
      vapid_.jwt_for(s.endpoint, now_ms() / 1000 + kJwtLifetimeSeconds, options_.subject));
  const std::string& key = vapid_.public_key_base64url();
  Delivery d;
  d.token_id = s.token_id;
  d.subscription_id = s.id;
  d.endpoint = s.endpoint;
  d.headers = {"Content-Type: application/octet-stream", "TTL: " + std::string(kTimeToLiveSeconds),
               "Urgency: " + std::string(kUrgency)};
  if (s.standard) {
    PUBLIUS_ASSIGN_OR_RETURN(auto sealed,
                             encrypt_aes128gcm(payload, s.receiver_public_key, s.auth_secret));
    d.body = std::move(sealed.body);
    d.headers.push_back("Content-Encoding: aes128gcm");
    d.headers.push_back("Authorization: vapid t=" + jwt + ", k=" + key);
  } else {
    PUBLIUS_ASSIGN_OR_RETURN(auto sealed,
                             encrypt_aesgcm(payload, s.receiver_public_key, s.auth_secret));
    d.body = std::move(sealed.body);
    d.headers.push_back("Content-Encoding: aesgcm");
    d.headers.push_back("Encryption: salt=" + base64url(sealed.salt));
    d.headers.push_back("Crypto-Key: dh=" + base64url(sealed.sender_public_key) +
                        ";p256ecdsa=" + key);
    d.headers.push_back("Authorization: WebPush " + jwt);
  }
  return d;
}

PushSender::Outcome PushSender::post(const Delivery& d) const {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Outcome::kRetry;
  curl_slist* headers = nullptr;
  for (const auto& h : d.headers) headers = curl_slist_append(headers, h.c_str());
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                          curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, d.endpoint.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, options_.allow_http ? "https,http" : "https");
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, d.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(d.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "Publius");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &discard_body);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &abort_when_stopping);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(&stopping_));
  if (curl_easy_perform(c) != CURLE_OK) return Outcome::kRetry;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return Outcome::kDelivered;
  if (status == 404 || status == 410) return Outcome::kGone;
  if (status == 408 || status == 429 || status >= 500) return Outcome::kRetry;
  return Outcome::kDropped;
}

}  // namespace publius::push
