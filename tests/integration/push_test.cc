// Web Push against the running server: the subscription routes and their refusals,
// the VAPID key the app and instance entities advertise, and pushes received by a
// local push service (a socket in this test) and decrypted with the subscription's
// private key, in both encodings.
#include "integration/server_harness.h"
#include "push/web_push_crypto.h"

namespace publius::integration {
namespace {

// One request a push service received.
struct ReceivedPush {
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

// A push service on 127.0.0.1: accepts one request at a time and answers `status`.
class PushReceiver {
 public:
  PushReceiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
      ADD_FAILURE() << "push receiver: " << std::strerror(errno);
    port_ = ntohs(addr.sin_port);
  }
  ~PushReceiver() { ::close(fd_); }
  PushReceiver(const PushReceiver&) = delete;
  PushReceiver& operator=(const PushReceiver&) = delete;

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The next request, answered with `status`; nullopt when none came before the deadline.
  std::optional<ReceivedPush> receive(int status = 201, std::chrono::milliseconds wait = 20s) {
    const auto deadline = Clock::now() + wait;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) != 1) return std::nullopt;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return std::nullopt;
    std::string data;
    ReceivedPush push;
    size_t header_end = std::string::npos, length = 0;
    for (;;) {
      if (header_end == std::string::npos &&
          (header_end = data.find("\r\n\r\n")) != std::string::npos)
        length = parse_head(data.substr(0, header_end), push);
      if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
      pollfd c{client, POLLIN, 0};
      char buffer[4096];
      ssize_t n = 0;
      if (::poll(&c, 1, remaining_ms(deadline)) != 1 ||
          (n = ::read(client, buffer, sizeof buffer)) <= 0) {
        ::close(client);
        return std::nullopt;
      }
      data.append(buffer, static_cast<size_t>(n));
    }
    push.body = data.substr(header_end + 4, length);
    const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                               " Answer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    [[maybe_unused]] auto sent = ::write(client, answer.data(), answer.size());
    ::close(client);
    return push;
  }

 private:
  static size_t parse_head(const std::string& head, ReceivedPush& push) {
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    const auto sp = line.find(' ');
    push.target = line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
    size_t length = 0;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      push.headers.emplace_back(lower(line.substr(0, colon)), value);
      if (lower(line.substr(0, colon)) == "content-length") length = std::stoul(value);
    }
    return length;
  }

  int fd_ = -1;
  int port_ = 0;
};

// A device's side of a subscription: its key pair and auth secret.
struct Device {
  push::P256KeyPair keys = *push::generate_p256_key_pair();
  std::string auth = std::string("0123456789abcdef");
  std::string p256dh() const { return push::base64url(keys.public_key); }
  std::string auth64() const { return push::base64url(auth); }
};

// The value of `name=` in a header such as "dh=...;p256ecdsa=..." or "salt=...".
std::string header_param(const std::string& header, const std::string& name) {
  const auto at = header.find(name + "=");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 1;
  return header.substr(start, header.find_first_of(";,", start) - start);
}

class PushIntegration : public ApiIntegrationTest {
 protected:
  static void SetUpTestSuite() { start_suite_server({"--push-to-loopback-http"}); }

  static std::string vapid_key() {
    return str(Api::ok_json(api().get("/api/v2/instance")), "configuration.vapid.public_key");
  }
  static HttpResponse subscribe(const User& u, const std::string& endpoint, const Device& d,
                                bool standard, const std::string& extra = "") {
    return api().post_form("/api/v1/push/subscription",
                           form({{"subscription[endpoint]", endpoint},
                                 {"subscription[keys][p256dh]", d.p256dh()},
                                 {"subscription[keys][auth]", d.auth64()},
                                 {"subscription[standard]", standard ? "true" : "false"},
                                 {"data[alerts][mention]", "true"}}) +
                               extra,
                           u.token);
  }
  static void mention(const User& from, const User& to, const std::string& text) {
    api().post_status(from, "@" + to.username + " " + text);
  }
  static json::value payload_json(const std::string& plaintext) {
    bool ok = false;
    auto v = parse_json(plaintext, &ok);
    EXPECT_TRUE(ok) << plaintext;
    return v;
  }
};

TEST_F(PushIntegration, TheVapidKeyIsAP256PointInTheAppAndTheInstance) {
  const std::string key = vapid_key();
  auto raw = push::from_base64url(key);
  ASSERT_TRUE(raw.ok()) << key;
  EXPECT_TRUE(push::is_p256_public_key(*raw));
  auto app = Api::ok_json(api().post_form(
      "/api/v1/apps",
      form({{"client_name", "Push app"}, {"redirect_uris", "urn:ietf:wg:oauth:2.0:oob"}})));
  EXPECT_EQ(str(app, "vapid_key"), key);
  // Kept where the instance's other secrets are, never beside the database's rows.
  EXPECT_TRUE(std::filesystem::exists(data_dir_ + "/push/vapid.key"));
  EXPECT_EQ(std::filesystem::status(data_dir_ + "/push/vapid.key").permissions() &
                std::filesystem::perms::others_all,
            std::filesystem::perms::none);
}

TEST_F(PushIntegration, SubscribeReadChangeAndUnsubscribeWithFormsAndJson) {
  const User me = new_user("push");
  const Device device;
  EXPECT_EQ(expect_error(api().get("/api/v1/push/subscription", me.token), 404),
            "Record not found");

  auto created = Api::ok_json(subscribe(me, "https://push.example.net/send/abc", device, true,
                                        "&data[alerts][favourite]=1&data[policy]=followed"));
  EXPECT_EQ(str(created, "endpoint"), "https://push.example.net/send/abc");
  EXPECT_TRUE(boolean(created, "standard"));
  EXPECT_TRUE(at(created, "id").is_int64());
  EXPECT_TRUE(boolean(created, "alerts.mention"));
  EXPECT_TRUE(boolean(created, "alerts.favourite"));
  EXPECT_FALSE(boolean(created, "alerts.follow"));
  EXPECT_EQ(at(created, "alerts").as_object().at("admin.sign_up"), false);
  EXPECT_EQ(str(created, "policy"), "followed");
  EXPECT_EQ(str(created, "server_key"), vapid_key());

  auto read = Api::ok_json(api().get("/api/v1/push/subscription", me.token));
  EXPECT_EQ(read, created);

  // PUT changes the alerts it names and the policy; the others keep their value.
  auto changed = Api::ok_json(api().send_json(
      "PUT", "/api/v1/push/subscription",
      json::parse(
          R"({"data":{"alerts":{"favourite":false,"admin.sign_up":true},"policy":"none"}})"),
      me.token));
  EXPECT_TRUE(boolean(changed, "alerts.mention"));
  EXPECT_FALSE(boolean(changed, "alerts.favourite"));
  EXPECT_EQ(str(changed, "policy"), "none");
  EXPECT_EQ(at(changed, "alerts").as_object().at("admin.sign_up"), true);
  EXPECT_EQ(num(changed, "id"), num(created, "id"));

  // A JSON POST replaces the token's subscription.
  auto replaced = Api::ok_json(api().post_json(
      "/api/v1/push/subscription",
      json::object{
          {"subscription",
           json::object{
               {"endpoint", "https://updates.push.services.mozilla.com/wpush/v2/x"},
               {"keys", json::object{{"p256dh", device.p256dh()}, {"auth", device.auth64()}}}}},
          {"data", json::object{{"alerts", json::object{{"follow", true}}}}},
          {"policy", "follower"}},  // where masto.js puts it
      me.token));
  EXPECT_NE(num(replaced, "id"), num(created, "id"));
  EXPECT_FALSE(boolean(replaced, "standard"));
  EXPECT_TRUE(boolean(replaced, "alerts.follow"));
  EXPECT_FALSE(boolean(replaced, "alerts.mention"));
  EXPECT_EQ(str(replaced, "policy"), "follower");

  EXPECT_EQ(Api::ok_json(api().del("/api/v1/push/subscription", me.token)), json::object{});
  EXPECT_EQ(api().get("/api/v1/push/subscription", me.token).status, 404);
  EXPECT_EQ(
      api().send_form("PUT", "/api/v1/push/subscription", "data[policy]=all", me.token).status,
      404);
  EXPECT_EQ(api().del("/api/v1/push/subscription", me.token).status, 200);
}

TEST_F(PushIntegration, EachTokenHasItsOwnSubscriptionAndNeedsThePushScope) {
  const User me = new_user("push");
  const Device device;
  auto app = api().create_app("read write follow push");
  const std::string other_token = api().password_token(app, me, "read write follow push");
  Api::ok_json(subscribe(me, "https://push.example.net/one", device, true));
  EXPECT_EQ(api().get("/api/v1/push/subscription", other_token).status, 404);

  const std::string no_push = api().password_token(app, me, "read write");
  EXPECT_EQ(subscribe(User{me.id, me.username, me.password, no_push}, "https://push.example.net/x",
                      device, true)
                .status,
            403);
  EXPECT_EQ(api().get("/api/v1/push/subscription", no_push).status, 403);
  EXPECT_EQ(api().get("/api/v1/push/subscription").status, 401);
  // An app token has no account to notify (422, as Mastodon answers a user route).
  EXPECT_EQ(api().get("/api/v1/push/subscription", app_token_).status, 422);
}

TEST_F(PushIntegration, BadInputIsRefusedWithoutEchoingTheEndpoint) {
  const User me = new_user("push");
  const Device device;
  std::string off_curve = device.keys.public_key;
  off_curve[64] ^= 1;
  struct Case {
    std::string endpoint, p256dh, auth, extra;
    int status;
  };
  const std::string ok_key = device.p256dh(), ok_auth = device.auth64();
  const std::vector<Case> cases = {
      {"", ok_key, ok_auth, "", 400},
      {"https://push.example.net/x", "", ok_auth, "", 400},
      {"https://push.example.net/x", ok_key, "", "", 400},
      {"http://push.example.net/secret-device-id", ok_key, ok_auth, "", 422},
      {"ftp://push.example.net/secret-device-id", ok_key, ok_auth, "", 422},
      {"https://user@push.example.net/secret-device-id", ok_key, ok_auth, "", 422},
      {"https:///secret-device-id", ok_key, ok_auth, "", 422},
      {"https://push.example.net/secret device id", ok_key, ok_auth, "", 422},
      {"https://push.example.net/" + std::string(3000, 'a'), ok_key, ok_auth, "", 422},
      {"https://push.example.net/x", ok_key.substr(0, 40), ok_auth, "", 422},
      {"https://push.example.net/x", push::base64url(off_curve), ok_auth, "", 422},
      {"https://push.example.net/x", "%%%not-base64", ok_auth, "", 422},
      {"https://push.example.net/x", ok_key, push::base64url("short"), "", 422},
      {"https://push.example.net/x", ok_key, ok_auth, "&data[policy]=friends", 422},
      {"https://push.example.net/x", ok_key, ok_auth, "&data[alerts][mention]=maybe", 422},
      {"https://push.example.net/x", ok_key, ok_auth, "&subscription[standard]=perhaps", 422},
  };
  for (const auto& c : cases) {
    auto r = api().post_form("/api/v1/push/subscription",
                             form({{"subscription[endpoint]", c.endpoint},
                                   {"subscription[keys][p256dh]", c.p256dh},
                                   {"subscription[keys][auth]", c.auth}}) +
                                 c.extra,
                             me.token);
    const std::string message = expect_error(r, c.status);
    EXPECT_FALSE(contains(message, "secret")) << message;
    EXPECT_FALSE(contains(message, "push.example.net")) << message;
  }
  EXPECT_EQ(api().get("/api/v1/push/subscription", me.token).status, 404)
      << "nothing is kept of a refused subscription";
  auto r = api().post_form("/api/v1/push/subscription", "subscription[endpoint]=%zz", me.token);
  EXPECT_EQ(r.status, 400) << r;
}

// A mention reaches the device through the push service, readable only with the
// device's key, in the encoding the subscription asked for.
TEST_F(PushIntegration, AMentionIsPushedEncryptedInBothEncodings) {
  PushReceiver service;
  const std::string server_key = vapid_key();
  auto server_public = push::from_base64url(server_key);
  ASSERT_TRUE(server_public.ok());
  for (const bool standard : {true, false}) {
    SCOPED_TRACE(standard ? "aes128gcm" : "aesgcm");
    const User me = new_user("push");
    const User friend_ = new_user("pal");
    Api::ok_json(api().send_form("PATCH", "/api/v1/accounts/update_credentials",
                                 form({{"display_name", "Pal Ünïcode"}}), friend_.token));
    const Device device;
    Api::ok_json(subscribe(me, service.url("/wpush/device-1"), device, standard));
    mention(friend_, me, "lunch at noon?");

    auto push = service.receive();
    ASSERT_TRUE(push) << "no push arrived";
    EXPECT_EQ(push->target, "/wpush/device-1");
    EXPECT_EQ(push->header("ttl"), "172800");
    EXPECT_EQ(push->header("urgency"), "normal");
    EXPECT_EQ(push->header("content-type"), "application/octet-stream");
    std::string jwt;
    std::optional<std::string> plaintext;
    if (standard) {
      EXPECT_EQ(push->header("content-encoding"), "aes128gcm");
      const std::string auth = push->header("authorization");
      ASSERT_TRUE(starts_with(auth, "vapid t=")) << auth;
      jwt = header_param(auth, "t");
      EXPECT_EQ(header_param(auth, " k"), server_key);
      auto opened = push::decrypt_aes128gcm(push->body, device.keys, device.auth);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      plaintext = *opened;
    } else {
      EXPECT_EQ(push->header("content-encoding"), "aesgcm");
      const std::string auth = push->header("authorization");
      ASSERT_TRUE(starts_with(auth, "WebPush ")) << auth;
      jwt = auth.substr(8);
      const std::string crypto_key = push->header("crypto-key");
      EXPECT_EQ(header_param(crypto_key, "p256ecdsa"), server_key);
      auto salt = push::from_base64url(header_param(push->header("encryption"), "salt"));
      auto dh = push::from_base64url(header_param(crypto_key, "dh"));
      ASSERT_TRUE(salt.ok() && dh.ok()) << crypto_key;
      auto opened = push::decrypt_aesgcm(push->body, device.keys, device.auth, *salt, *dh);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      plaintext = *opened;
    }
    // The VAPID token: signed by the instance's key, for the push service's origin, for
    // less than a day.
    EXPECT_TRUE(push::verify_vapid_jwt(jwt, *server_public)) << jwt;
    auto claims = payload_json(
        *push::from_base64url(jwt.substr(jwt.find('.') + 1, jwt.rfind('.') - jwt.find('.') - 1)));
    EXPECT_EQ(str(claims, "aud"), service.url(""));
    const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    EXPECT_GT(num(claims, "exp"), now_s);
    EXPECT_LE(num(claims, "exp"), now_s + 24 * 3600);
    EXPECT_TRUE(starts_with(str(claims, "sub"), "https://"));

    auto payload = payload_json(*plaintext);
    EXPECT_EQ(str(payload, "notification_type"), "mention");
    EXPECT_EQ(str(payload, "access_token"), me.token);
    EXPECT_EQ(str(payload, "title"), "You were mentioned by Pal Ünïcode");
    EXPECT_TRUE(contains(str(payload, "body"), "lunch at noon?")) << *plaintext;
    EXPECT_TRUE(contains(str(payload, "icon"), "/avatars/original/missing.png"));
    EXPECT_EQ(str(payload, "preferred_locale"), "en");
    auto notification = Api::ok_json(
        api().get("/api/v1/notifications/" + str(payload, "notification_id"), me.token));
    EXPECT_EQ(str(notification, "type"), "mention");
    EXPECT_EQ(push->body.find("lunch"), std::string::npos) << "the push service reads no content";
  }
}

TEST_F(PushIntegration, AlertsAndPolicyDecideAndAGoneEndpointIsForgotten) {
  PushReceiver service;
  const User me = new_user("push");
  const User stranger = new_user("str");
  const User followed = new_user("fol");
  api().follow(me, followed);
  const Device device;
  // Mentions from accounts `me` follows only; favourites not at all.
  Api::ok_json(
      subscribe(me, service.url("/only-followed"), device, true, "&data[policy]=followed"));
  const std::string mine = api().post_id(me, "a post to favourite");
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", followed.token));
  mention(stranger, me, "from a stranger");
  mention(followed, me, "from a friend");
  // The worker handles notifications in order: the first push is the friend's mention.
  auto push = service.receive(410);
  ASSERT_TRUE(push);
  auto payload = payload_json(*push::decrypt_aes128gcm(push->body, device.keys, device.auth));
  EXPECT_TRUE(contains(str(payload, "body"), "from a friend")) << json::serialize(payload);
  // 410 Gone: the subscription is forgotten.
  const auto deadline = Clock::now() + 20s;
  while (api().get("/api/v1/push/subscription", me.token).status != 404 && Clock::now() < deadline)
    ::poll(nullptr, 0, 20);
  EXPECT_EQ(api().get("/api/v1/push/subscription", me.token).status, 404);
}

TEST_F(PushIntegration, ARevokedTokenLosesItsSubscription) {
  PushReceiver service;
  const User me = new_user("push");
  const User pal = new_user("pal");
  auto app = api().create_app("read write follow push");
  const std::string first = api().password_token(app, me);
  const std::string second = api().password_token(app, me);
  const Device device;
  // Both subscribe; the first token's subscription would be pushed first.
  Api::ok_json(subscribe(User{me.id, me.username, me.password, first}, service.url("/revoked"),
                         device, true));
  Api::ok_json(
      subscribe(User{me.id, me.username, me.password, second}, service.url("/kept"), device, true));
  ASSERT_EQ(api()
                .post_form("/oauth/revoke", form({{"client_id", app.client_id},
                                                  {"client_secret", app.client_secret},
                                                  {"token", first}}))
                .status,
            200);
  mention(pal, me, "still there?");
  auto push = service.receive();
  ASSERT_TRUE(push);
  EXPECT_EQ(push->target, "/kept");
}

}  // namespace
}  // namespace publius::integration
