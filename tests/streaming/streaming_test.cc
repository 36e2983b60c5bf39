// The streaming API against the running server: server-sent events and a
// WebSocket carry each reader's events as the REST API would show them (the
// visibility rule, blocks, sealed direct messages opened with the stream's own
// key), refuse bad requests before any upgrade, keep a socket's other
// subscriptions alive after a malformed message, tell of merged notification
// requests, and close when the token is revoked.
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "integration/server_harness.h"

namespace publius::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// One server-sent event stream.
class EventStream {
 public:
  // Opens `target` with `token`; the status of the answer (200 once streaming).
  int open(int port, const std::string& target, const std::string& token = "") {
    if (!c_.open(port)) return 0;
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
    request += "\r\n";
    if (!c_.send(request, deadline())) return 0;
    const std::string head = c_.read_until("\r\n\r\n", deadline());
    if (head.size() < 12) return 0;
    return std::atoi(head.substr(9, 3).c_str());
  }
  // The data of the next event named `name` (others are skipped); nullopt if none comes.
  std::optional<std::string> next(const std::string& name) {
    for (;;) {
      const std::string marker = "event: " + name + "\ndata: ";
      std::string skipped = c_.read_until(marker, deadline());
      if (skipped.empty()) return std::nullopt;
      std::string data = c_.read_until("\n", deadline());
      if (data.empty()) return std::nullopt;
      data.pop_back();
      return data;
    }
  }
  // The name of the next event, skipping heartbeats; empty if none comes.
  std::string next_any() {
    if (c_.read_until("event: ", deadline()).empty()) return "";
    std::string name = c_.read_until("\n", deadline());
    if (!name.empty()) name.pop_back();
    return name;
  }
  // Whether the server ends the stream.
  bool ends() { return c_.wait_closed(deadline()); }

 private:
  static Clock::time_point deadline() { return Clock::now() + 10s; }
  Connection c_;
};

// One WebSocket to /api/v1/streaming.
class Socket {
 public:
  beast::error_code open(int port, const std::string& target, const std::string& subprotocol = "") {
    beast::error_code ec;
    ws_.next_layer().connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (ec) return ec;
    if (!subprotocol.empty())
      ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::request_type& r) {
        r.set(beast::http::field::sec_websocket_protocol, subprotocol);
      }));
    ws_.handshake(response, "127.0.0.1", target, ec);
    return ec;
  }
  void send(const std::string& text) { ws_.write(asio::buffer(text)); }
  // The next message; empty when the socket ends or nothing comes in `wait` (then the socket is
  // closed, so that a missing event fails the test rather than hanging it: a blocking read
  // would wait again after a socket receive timeout).
  json::value next(std::chrono::milliseconds wait = 10s) {
    beast::flat_buffer buffer;
    std::optional<beast::error_code> result;
    ws_.async_read(buffer, [&](beast::error_code ec, size_t) { result = ec; });
    ioc_.restart();
    ioc_.run_for(wait);
    if (!result) {
      beast::error_code ignored;
      ws_.next_layer().close(ignored);
      ioc_.restart();
      ioc_.run();
      ended = asio::error::timed_out;
      return nullptr;
    }
    if (*result) {
      ended = *result;
      return nullptr;
    }
    return parse_json(beast::buffers_to_string(buffer.data()));
  }
  // The next event named `event`, skipping others; with "", the next error message.
  json::value next_event(const std::string& event) {
    for (;;) {
      auto m = next();
      if (!m.is_object()) return m;
      const auto& o = m.as_object();
      if (event.empty() ? o.contains("error") : o.contains("event") && str(m, "event") == event)
        return m;
    }
  }
  websocket::response_type response;
  beast::error_code ended;
  int close_code() const { return ws_.reason().code; }

 private:
  asio::io_context ioc_;
  websocket::stream<asio::ip::tcp::socket> ws_{ioc_};
};

class StreamingApiIntegration : public ApiIntegrationTest {};

TEST_F(StreamingApiIntegration, HealthAnswersOk) {
  auto r = api().get("/api/v1/streaming/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK");
}

TEST_F(StreamingApiIntegration, TheUserStreamCarriesHomePostsDeletesAndNotifications) {
  auto reader = new_user("reader");
  auto author = new_user("author");
  api().follow(reader, author);
  EventStream home;
  ASSERT_EQ(home.open(port(), "/api/v1/streaming/user", reader.token), 200);
  const std::string id = api().post_id(author, "live from the author");
  auto update = home.next("update");
  ASSERT_TRUE(update);
  auto status = parse_json(*update);
  EXPECT_EQ(str(status, "id"), id);
  EXPECT_TRUE(contains(str(status, "content"), "live from the author"));
  EXPECT_FALSE(boolean(status, "favourited")) << "a signed-in reader's status carries its flags";
  // A notification: the author favourites the reader's post.
  const std::string mine = api().post_id(reader, "mine");
  Api::ok_json(api().post("/api/v1/statuses/" + mine + "/favourite", author.token));
  auto notification = home.next("notification");
  ASSERT_TRUE(notification);
  EXPECT_EQ(str(parse_json(*notification), "type"), "favourite");
  Api::ok_json(api().del("/api/v1/statuses/" + id, author.token));
  EXPECT_EQ(home.next("delete"), id);
}

TEST_F(StreamingApiIntegration, EveryPostPassesTheVisibilityRuleForItsReader) {
  auto reader = new_user("reader");
  auto blocker = new_user("blocker");
  auto stranger = new_user("stranger");
  Api::ok_json(api().post("/api/v1/accounts/" + reader.id + "/block", blocker.token));
  EventStream local;
  ASSERT_EQ(local.open(port(), "/api/v1/streaming/public/local", reader.token), 200);
  api().post_id(blocker, "the reader is blocked from this");
  api().post_id(stranger, "followers only", {{"visibility", "private"}});
  api().post_id(stranger, "unlisted", {{"visibility", "unlisted"}});
  const std::string seen = api().post_id(stranger, "for everyone");
  auto update = local.next("update");
  ASSERT_TRUE(update);
  EXPECT_EQ(str(parse_json(*update), "id"), seen) << "the first update is the public post";
}

// An event for more streams than one thread sends alone (util/parallel_loop.h) still reaches
// each stream exactly once and in order: readers sharing one rendering on the user stream, and
// anonymous readers each rendered on their own on the public one.
TEST_F(StreamingApiIntegration, AnEventForHundredsOfStreamsReachesEachOnceInOrder) {
  auto author = new_user("author");
  // 300 streams in all: more than the hub sends from one thread, fewer than --max-connections.
  constexpr int kReaders = 6, kSocketsEach = 25, kAnonymous = 150;
  std::vector<std::unique_ptr<Socket>> homes;
  for (int r = 0; r < kReaders; ++r) {
    auto reader = new_user("reader");
    api().follow(reader, author);
    for (int i = 0; i < kSocketsEach; ++i) {
      homes.push_back(std::make_unique<Socket>());
      ASSERT_FALSE(homes.back()->open(port(), "/api/v1/streaming?stream=user", reader.token));
    }
  }
  std::vector<std::unique_ptr<EventStream>> publics;
  for (int i = 0; i < kAnonymous; ++i) {
    publics.push_back(std::make_unique<EventStream>());
    ASSERT_EQ(publics.back()->open(port(), "/api/v1/streaming/public"), 200);
  }
  const std::string id = api().post_id(author, "to every reader at once");
  Api::ok_json(api().del("/api/v1/statuses/" + id, author.token));
  for (auto& home : homes) {
    auto update = home->next();
    ASSERT_TRUE(update.is_object()) << home->ended.message();
    EXPECT_EQ(str(update, "event"), "update");
    EXPECT_EQ(str(parse_json(str(update, "payload")), "id"), id);
    // Next comes the delete, not a second copy of the update.
    auto deleted = home->next();
    ASSERT_TRUE(deleted.is_object()) << home->ended.message();
    EXPECT_EQ(str(deleted, "event"), "delete");
    EXPECT_EQ(str(deleted, "payload"), id);
  }
  for (auto& reader : publics) {
    auto update = reader->next("update");
    ASSERT_TRUE(update);
    EXPECT_EQ(str(parse_json(*update), "id"), id);
    EXPECT_FALSE(parse_json(*update).as_object().contains("favourited"))
        << "an anonymous reader's status has no flags";
    EXPECT_EQ(reader->next_any(), "delete");
  }
}

// Readers without filters share one rendering of a new post; a reader who adds a filter while
// connected must get its own, with `filtered`, from the next post on.
TEST_F(StreamingApiIntegration, AFilterAddedWhileConnectedMarksTheNextPosts) {
  auto author = new_user("author");
  auto plain = new_user("plain");
  auto careful = new_user("careful");
  api().follow(plain, author);
  api().follow(careful, author);
  EventStream plain_home, careful_home;
  ASSERT_EQ(plain_home.open(port(), "/api/v1/streaming/user", plain.token), 200);
  ASSERT_EQ(careful_home.open(port(), "/api/v1/streaming/user", careful.token), 200);
  api().post_id(author, "before the finale");
  for (auto* home : {&plain_home, &careful_home}) {
    auto update = home->next("update");
    ASSERT_TRUE(update);
    EXPECT_TRUE(arr(parse_json(*update), "filtered").empty()) << *update;
  }
  Api::ok_json(api().post_json("/api/v2/filters", json::parse(R"({"title":"Spoilers",
      "context":["home"],"filter_action":"warn","keywords_attributes":[{"keyword":"finale"}]})"),
                               careful.token));
  EXPECT_TRUE(careful_home.next("filters_changed"));
  api().post_id(author, "the finale, spoiled");
  auto plain_update = plain_home.next("update");
  ASSERT_TRUE(plain_update);
  EXPECT_TRUE(arr(parse_json(*plain_update), "filtered").empty()) << *plain_update;
  auto careful_update = careful_home.next("update");
  ASSERT_TRUE(careful_update);
  EXPECT_EQ(arr(parse_json(*careful_update), "filtered").size(), 1u) << *careful_update;
}

TEST_F(StreamingApiIntegration, ASealedDirectMessageOpensWithTheStreamsOwnKey) {
  auto reader = new_user("reader");
  auto writer = new_user("writer");
  EventStream home;
  ASSERT_EQ(home.open(port(), "/api/v1/streaming/user", reader.token), 200);
  api().post_id(writer, "@" + reader.username + " for your eyes only", {{"visibility", "direct"}});
  auto update = home.next("update");
  ASSERT_TRUE(update);
  EXPECT_TRUE(contains(str(parse_json(*update), "content"), "for your eyes only")) << *update;
}

TEST_F(StreamingApiIntegration, AWebSocketMultiplexesSubscriptionsAndSurvivesBadMessages) {
  auto reader = new_user("reader");
  auto author = new_user("author");
  Socket socket;
  // The token as the subprotocol, as browsers send it: echoed back.
  ASSERT_FALSE(socket.open(port(), "/api/v1/streaming", reader.token));
  EXPECT_EQ(socket.response[beast::http::field::sec_websocket_protocol], reader.token);
  socket.send(R"({"type":"subscribe","stream":"hashtag","tag":"LiveTag"})");
  socket.send("not json at all");
  auto error = socket.next();
  ASSERT_TRUE(error.is_object()) << socket.ended.message();
  EXPECT_TRUE(error.as_object().contains("error"));
  socket.send(R"({"type":"subscribe","stream":"no such stream"})");
  EXPECT_TRUE(socket.next().as_object().contains("error"));
  const std::string id = api().post_id(author, "about #livetag");
  auto event = socket.next_event("update");
  ASSERT_TRUE(event.is_object()) << socket.ended.message();
  EXPECT_EQ(json::serialize(event.at("stream")), R"(["hashtag","livetag"])");
  EXPECT_EQ(str(parse_json(str(event, "payload")), "id"), id);
  socket.send(R"({"type":"unsubscribe","stream":"hashtag","tag":"livetag"})");
  socket.send(R"({"type":"subscribe","stream":"public"})");
  // Messages are handled in order: the answer to a bad one means the others took effect.
  socket.send("sync");
  EXPECT_TRUE(socket.next_event("").is_object());
  const std::string second = api().post_id(author, "again #livetag");
  event = socket.next_event("update");
  EXPECT_EQ(json::serialize(event.at("stream")), R"(["public"])");
  EXPECT_EQ(str(parse_json(str(event, "payload")), "id"), second);
}

// The test's own WebSocket reader gives up on an event that never comes, so a missing event
// fails a test instead of hanging the suite.
TEST_F(StreamingApiIntegration, AWaitForAnEventThatNeverComesEnds) {
  auto reader = new_user("reader");
  Socket socket;
  ASSERT_FALSE(socket.open(port(), "/api/v1/streaming?stream=user&access_token=" + reader.token));
  EXPECT_TRUE(socket.next(200ms).is_null());
  EXPECT_EQ(socket.ended, asio::error::timed_out);
}

TEST_F(StreamingApiIntegration, BadRequestsAreRefusedBeforeAnyUpgrade) {
  auto reader = new_user("reader");
  expect_error(api().get("/api/v1/streaming/hashtag", reader.token), 400);
  expect_error(api().get("/api/v1/streaming/list?list=123", reader.token), 404);
  expect_error(api().get("/api/v1/streaming/user"), 401);
  expect_error(api().get("/api/v1/streaming/user", app_token_), 422);
  expect_error(api().get("/api/v1/streaming?stream=bogus&access_token=" + reader.token), 400);
  expect_error(api().get("/api/v1/streaming/user?access_token=not-a-token"), 401);
  // A token without the scope of the stream.
  const std::string push_only =
      api().password_token(app_, User{reader.id, reader.username, reader.password, ""}, "push");
  expect_error(api().get("/api/v1/streaming/user/notification", push_only), 403);
  Socket socket;
  EXPECT_TRUE(socket.open(port(), "/api/v1/streaming?stream=user&access_token=" + push_only));
}

// Accepting notification requests (one, or in bulk) tells the account's user and
// user:notification streams to read its notifications again, as Mastodon's
// notifications_merged; dismissing one tells nothing, and nobody else hears of it.
TEST_F(StreamingApiIntegration, AcceptedNotificationRequestsAreMergedOnTheAccountsStreams) {
  auto reader = new_user("reader");
  auto bystander = new_user("bystander");
  auto strangers =
      std::vector<User>{new_user("stranger"), new_user("stranger"), new_user("stranger")};
  // Private mentions from strangers wait as requests (the default policy).
  for (const auto& s : strangers)
    api().post_id(s, "@" + reader.username + " hello", {{"visibility", "direct"}});
  auto request_of = [&](const User& sender) {
    auto list = Api::ok_json(api().get("/api/v1/notifications/requests", reader.token));
    for (const auto& r : arr(list))
      if (str(r, "account.id") == sender.id) return str(r, "id");
    return std::string();
  };
  const std::string dismissed = request_of(strangers[0]), accepted = request_of(strangers[1]),
                    bulk = request_of(strangers[2]);
  ASSERT_FALSE(dismissed.empty() || accepted.empty() || bulk.empty());

  Socket socket, other;
  ASSERT_FALSE(socket.open(port(), "/api/v1/streaming?stream=user&access_token=" + reader.token));
  socket.send(R"({"type":"subscribe","stream":"user:notification"})");
  socket.send("sync");  // its error answer means the subscription took effect
  ASSERT_TRUE(socket.next_event("").is_object());
  ASSERT_FALSE(other.open(port(), "/api/v1/streaming?stream=user&access_token=" + bystander.token));
  EventStream notifications;
  ASSERT_EQ(notifications.open(port(), "/api/v1/streaming/user/notification", reader.token), 200);
  // The notifications_merged events on `s` (each as its stream and payload) before the
  // filters_changed that a new filter of `owner`'s causes: a read with nothing to come would
  // wait for ever.
  const json::value keyword_filter =
      json::parse(R"({"title":"f","context":["home"],"keywords_attributes":[{"keyword":"zzz"}]})");
  auto merges_before_filter_change = [&](Socket& s, const User& owner) {
    Api::ok_json(api().post_json("/api/v2/filters", keyword_filter, owner.token));
    std::vector<std::string> merges;
    for (;;) {
      auto m = s.next();
      if (!m.is_object()) {
        ADD_FAILURE() << "the socket ended: " << s.ended.message();
        break;
      }
      const std::string event = m.as_object().contains("event") ? str(m, "event") : "";
      if (event == "filters_changed") break;
      if (event == "notifications_merged")
        merges.push_back(json::serialize(m.at("stream")) + " " + str(m, "payload"));
    }
    std::sort(merges.begin(), merges.end());
    return merges;
  };
  // On both subscriptions, with the payload "1" (a string), as Mastodon.
  const std::vector<std::string> both = {R"(["user"] 1)", R"(["user:notification"] 1)"};

  Api::ok_json(
      api().post("/api/v1/notifications/requests/" + dismissed + "/dismiss", reader.token));
  EXPECT_TRUE(merges_before_filter_change(socket, reader).empty()) << "nothing for a dismissal";

  Api::ok_json(api().post("/api/v1/notifications/requests/" + accepted + "/accept", reader.token));
  EXPECT_EQ(merges_before_filter_change(socket, reader), both);
  EXPECT_EQ(notifications.next("notifications_merged"), "1");
  Api::ok_json(api().post_form("/api/v1/notifications/requests/accept", form({{"id[]", bulk}}),
                               reader.token));
  EXPECT_EQ(merges_before_filter_change(socket, reader), both);
  EXPECT_EQ(notifications.next("notifications_merged"), "1");
  EXPECT_TRUE(merges_before_filter_change(other, bystander).empty()) << "only the account's";
}

TEST_F(StreamingApiIntegration, RevokingTheTokenClosesItsStreams) {
  auto reader = new_user("reader");
  Socket socket;
  ASSERT_FALSE(socket.open(port(), "/api/v1/streaming?stream=user&access_token=" + reader.token));
  EventStream events;
  ASSERT_EQ(events.open(port(), "/api/v1/streaming/user", reader.token), 200);
  auto r = api().post_form("/oauth/revoke", form({{"client_id", app_.client_id},
                                                  {"client_secret", app_.client_secret},
                                                  {"token", reader.token}}));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_TRUE(socket.next().is_null());
  EXPECT_EQ(socket.ended, websocket::error::closed) << socket.ended.message();
  EXPECT_EQ(socket.close_code(), 1008);
  EXPECT_TRUE(events.ends());
}

}  // namespace
}  // namespace publius::integration
