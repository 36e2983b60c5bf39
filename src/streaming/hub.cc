#include "streaming/hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <optional>
#include <utility>

#include "domain/text_format.h"
#include "http/errors.h"
#include "oauth/scopes.h"
#include "util/ids.h"
#include "util/json_writer.h"
#include "util/name_table.h"

namespace publius::streaming {

namespace json = boost::json;
using domain::Post;

namespace {

constexpr NameTable<Channel, 9> kChannels{{
    {Channel::kUser, "user"},
    {Channel::kUserNotification, "user:notification"},
    {Channel::kPublic, "public"},
    {Channel::kPublicLocal, "public:local"},
    {Channel::kPublicRemote, "public:remote"},
    {Channel::kHashtag, "hashtag"},
    {Channel::kHashtagLocal, "hashtag:local"},
    {Channel::kList, "list"},
    {Channel::kDirect, "direct"},
}};

// The scopes that admit a channel, any one of them (as Mastodon's streaming server).
std::string_view scopes_for(Channel channel) {
  switch (channel) {
    case Channel::kUserNotification:
      return "read:notifications";
    case Channel::kList:
      return "read:lists";
    default:
      return "read:statuses";
  }
}

bool needs_account(Channel channel) {
  return channel == Channel::kUser || channel == Channel::kUserNotification ||
         channel == Channel::kList || channel == Channel::kDirect;
}

bool is_hashtag(Channel channel) {
  return channel == Channel::kHashtag || channel == Channel::kHashtagLocal;
}

// Mastodon's "stream" array of an event: ["user"], ["hashtag", "tag"], ["list", "123"].
void write_stream_name(JsonWriter& w, const Subscription& sub) {
  w.begin_array().string(channel_name(sub.channel));
  if (is_hashtag(sub.channel)) w.string(sub.tag);
  if (sub.channel == Channel::kList) w.string(std::to_string(sub.list_id));
  w.end_array();
}

// The object of a one-element JSON array, as the renderer writes lists.
std::string only_element(std::string array) {
  if (array.size() >= 2 && array.front() == '[' && array.back() == ']')
    return array.substr(1, array.size() - 2);
  return array;
}

// The text of `event` of `sub` with `payload` (a JSON text, an id or a signal; none for
// filters_changed): on a WebSocket Mastodon's {"stream":[...],"event":...,"payload":"..."},
// on an event stream "event: ...\ndata: ...\n\n".
std::string event_message(bool websocket, const Subscription& sub, std::string_view event,
                          std::optional<std::string_view> payload) {
  std::string message;
  if (websocket) {
    JsonWriter w(message);
    w.begin_object().key("stream");
    write_stream_name(w, sub);
    w.field("event", event);
    if (payload) w.field("payload", *payload);
    w.end_object();
  } else {
    message.append("event: ").append(event).append("\ndata: ");
    if (payload) message.append(*payload);
    message.append("\n\n");
  }
  return message;
}

// Whether a post listed this way shows on the public and hashtag channels: where the public
// and hashtag timelines list it (store::PostListing, decided by domain::listing_of).
bool in_public_channels(const Post& post) { return domain::listing_of(post).in_public_timelines; }

}  // namespace

std::optional<Channel> parse_channel(std::string_view name) {
  return find_by_name(kChannels, name);
}

std::string_view channel_name(Channel channel) { return name_of(kChannels, channel); }

// One open client stream. Its subscriptions and its key are guarded by its own mutex; the
// hub's list of streams by the hub's.
class Hub::Stream final : public http::StreamHandler,
                          public std::enable_shared_from_this<Hub::Stream> {
 public:
  Stream(Hub& hub, StreamReader reader, domain::ReaderKey key, bool websocket)
      : reader(std::move(reader)), hub_(hub), key_(std::move(key)), websocket_(websocket) {}

  void on_open(std::shared_ptr<http::StreamSink> sink) override {
    {
      std::lock_guard lock(mu_);
      sink_ = std::move(sink);
    }
    hub_.attach(shared_from_this());
  }

  void on_message(std::string_view text) override {
    if (!websocket_) return;
    if (auto s = apply(text); !s.ok()) send_error(s.error());
  }

  void on_close() override {
    {
      std::lock_guard lock(mu_);
      sink_.reset();
    }
    hub_.detach(this);
  }

  void subscribe(Subscription sub) {
    std::lock_guard lock(mu_);
    if (std::find(subs_.begin(), subs_.end(), sub) == subs_.end()) subs_.push_back(std::move(sub));
  }

  std::vector<Subscription> subscriptions() const {
    std::lock_guard lock(mu_);
    return subs_;
  }

  // Sends `event` to the client as the event of `sub` (event_message()).
  void send(const Subscription& sub, std::string_view event,
            std::optional<std::string_view> payload) {
    send(std::make_shared<const std::string>(event_message(websocket_, sub, event, payload)));
  }
  // Sends a message already made for this kind of stream (websocket()).
  void send(http::StreamMessage message) {
    std::shared_ptr<http::StreamSink> sink;
    {
      std::lock_guard lock(mu_);
      sink = sink_;
    }
    if (sink) sink->send(std::move(message));
  }
  bool websocket() const { return websocket_; }

  // Whether the reader has filters (their statuses' JSON is then their own), remembered
  // until the hub hears that they changed. A filter that expires meanwhile costs no more
  // than a rendering of the reader's own.
  enum class Filters : uint8_t { kUnknown, kNone, kSome };
  std::atomic<Filters> filters{Filters::kUnknown};

  void close(int code, std::string reason) {
    std::shared_ptr<http::StreamSink> sink;
    {
      std::lock_guard lock(mu_);
      sink = sink_;
    }
    if (sink) sink->close(code, std::move(reason));
  }

  // Renders with this stream's key (sealed posts open only for their readers).
  template <typename Render>
  auto with_key(Render render) {
    std::lock_guard lock(mu_);
    return render(key_);
  }

  const StreamReader reader;
  // Where the stream is in Hub::streams_ while attached; guarded by Hub::mu_.
  std::optional<size_t> hub_position;

 private:
  // A client message: {"type": "subscribe" | "unsubscribe", "stream": ..., "tag": ...,
  // "list": ...}.
  Status apply(std::string_view text) {
    json::error_code ec;
    const json::value parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) return bad_request("Could not parse the message as JSON");
    const auto& message = parsed.as_object();
    auto text_field = [&](std::string_view name) -> std::optional<std::string> {
      const auto* v = message.if_contains(name);
      if (v && v->is_string()) return std::string(v->as_string());
      return std::nullopt;
    };
    const auto type = text_field("type");
    if (!type || (*type != "subscribe" && *type != "unsubscribe"))
      return bad_request("Unknown message type: type must be subscribe or unsubscribe");
    const auto name = text_field("stream");
    const auto channel = name ? parse_channel(*name) : std::nullopt;
    if (!channel) return bad_request("Unknown stream type");
    Subscription sub{.channel = *channel};
    if (is_hashtag(sub.channel)) sub.tag = text_field("tag").value_or("");
    if (sub.channel == Channel::kList) {
      const auto* list = message.if_contains("list");
      std::optional<int64_t> id;
      if (list && list->is_string()) id = parse_id(list->as_string());
      if (list && list->is_int64() && list->as_int64() > 0) id = list->as_int64();
      if (!id) return bad_request("Missing list name parameter");
      sub.list_id = *id;
    }
    PUBLIUS_TRY(hub_.check(reader, sub));
    if (*type == "subscribe") {
      subscribe(std::move(sub));
    } else {
      std::lock_guard lock(mu_);
      std::erase(subs_, sub);
    }
    return ok_status();
  }

  // Mastodon's error message on a WebSocket: {"error": ..., "status": ...}.
  void send_error(const Error& e) {
    std::string message;
    JsonWriter w(message);
    w.begin_object().field("error", e.message);
    w.field("status", http::status_for(e.code)).end_object();
    std::shared_ptr<http::StreamSink> sink;
    {
      std::lock_guard lock(mu_);
      sink = sink_;
    }
    if (sink) sink->send(std::move(message));
  }

  Hub& hub_;
  mutable std::mutex mu_;
  domain::ReaderKey key_;
  std::vector<Subscription> subs_;
  std::shared_ptr<http::StreamSink> sink_;
  const bool websocket_;
};

Hub::Hub(domain::Microblog& microblog, api::Renderer& renderer, HubOptions options)
    : microblog_(microblog),
      renderer_(renderer),
      options_(options),
      senders_(std::max<size_t>(options.sending_threads, 1) - 1) {}

Hub::~Hub() = default;

Status Hub::check(const StreamReader& reader, Subscription& sub) {
  if (needs_account(sub.channel) && !reader.viewer) return unauthorized("Missing access token");
  if (reader.token_id && !oauth::covers_any(reader.scopes, scopes_for(sub.channel)))
    return forbidden("Access token does not have the required scopes");
  if (is_hashtag(sub.channel)) {
    if (sub.tag.empty()) return bad_request("Missing tag name parameter");
    if (!domain::is_valid_tag(sub.tag)) return bad_request("Invalid tag name parameter");
    sub.tag = domain::normalize_tag(sub.tag);
  }
  if (sub.channel == Channel::kList) {
    auto list = microblog_.lists().own_list(*reader.viewer, sub.list_id);
    if (!list.ok()) return not_found("List not found");
  }
  return ok_status();
}

Result<std::shared_ptr<http::StreamHandler>> Hub::open(StreamReader reader, domain::ReaderKey key,
                                                       bool websocket,
                                                       std::optional<Subscription> fixed) {
  {
    std::lock_guard lock(mu_);
    if (reserved_ >= options_.max_streams)
      return too_many_requests("Too many streams are open on this server", 5);
    if (reader.token_id && per_token_[*reader.token_id] >= options_.max_streams_per_token)
      return too_many_requests("Too many streams are open with this access token", 5);
    ++reserved_;
    if (reader.token_id) ++per_token_[*reader.token_id];
  }
  auto stream = std::make_shared<Stream>(*this, std::move(reader), std::move(key), websocket);
  if (fixed) stream->subscribe(std::move(*fixed));
  // Read now rather than while an event is going out to every stream.
  if (stream->reader.viewer) has_filters(*stream);
  return std::shared_ptr<http::StreamHandler>(stream);
}

size_t Hub::stream_count() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

void Hub::attach(const std::shared_ptr<Stream>& stream) {
  std::lock_guard lock(mu_);
  stream->hub_position = streams_.size();
  streams_.push_back(stream);
}

void Hub::detach(Stream* stream) {
  std::lock_guard lock(mu_);
  // The last stream takes its place: when thousands of readers leave at once, each leaving
  // costs the same whatever the number still open.
  if (const auto position = std::exchange(stream->hub_position, std::nullopt)) {
    streams_[*position] = std::move(streams_.back());
    streams_[*position]->hub_position = *position;
    streams_.pop_back();
  }
  --reserved_;
  if (const auto token = stream->reader.token_id) {
    if (--per_token_[*token] == 0) per_token_.erase(*token);
  }
}

std::vector<std::shared_ptr<Hub::Stream>> Hub::snapshot() const {
  std::lock_guard lock(mu_);
  return streams_;
}

void Hub::post_event(PostEvent event, const Post& post, const std::vector<int64_t>& homes) {
  const auto streams = snapshot();
  if (streams.empty()) return;
  // A silenced server's posts stay off the public and hashtag channels, as off their
  // timelines (domain::DomainBlocks::drop_silenced).
  const auto silenced = microblog_.domain_blocks().silences_post(post);
  const bool in_public = in_public_channels(post) && silenced.ok() && !*silenced;
  const auto tags = domain::listed_tag_keys(post);
  const std::string_view name = event == PostEvent::kUpdate         ? "update"
                                : event == PostEvent::kStatusUpdate ? "status.update"
                                                                    : "delete";
  // The streams the event concerns, with the subscriptions it comes on.
  struct Addressee {
    std::shared_ptr<Stream> stream;
    std::vector<Subscription> subs;
    bool shares = false;  // gets the JSON every reader without filters gets
  };
  std::vector<Addressee> addressees;
  std::vector<int64_t> viewers;
  bool anonymous = false;
  for (const auto& stream : streams) {
    const domain::Viewer viewer = stream->reader.viewer;
    Addressee addressee{.stream = stream};
    for (const auto& sub : stream->subscriptions()) {
      bool gets = false;
      switch (sub.channel) {
        case Channel::kUser:
          gets = viewer && std::binary_search(homes.begin(), homes.end(), *viewer);
          break;
        case Channel::kPublic:
          gets = in_public;
          break;
        case Channel::kPublicLocal:
          gets = in_public && !post.remote();
          break;
        case Channel::kPublicRemote:
          gets = in_public && post.remote();
          break;
        case Channel::kHashtag:
        case Channel::kHashtagLocal:
          gets = in_public && (sub.channel == Channel::kHashtag || !post.remote()) &&
                 std::find(tags.begin(), tags.end(), sub.tag) != tags.end();
          break;
        case Channel::kList: {
          auto shows = microblog_.timelines().list_shows(*viewer, sub.list_id, post);
          gets = shows.ok() && *shows;
          break;
        }
        case Channel::kUserNotification:
        case Channel::kDirect:
          break;
      }
      if (gets) addressee.subs.push_back(sub);
    }
    if (addressee.subs.empty()) continue;
    if (viewer) {
      viewers.push_back(*viewer);
    } else {
      anonymous = true;
    }
    addressees.push_back(std::move(addressee));
  }
  if (addressees.empty()) return;
  // A message shared by every stream it goes to on the same subscription: one buffer for all.
  // An event comes on a few distinct subscriptions at most, so they are looked up in a list,
  // without building anything per reader. All are made before the sending starts, so the
  // threads that send only read the list.
  struct SharedMessage {
    bool websocket;
    Subscription sub;
    http::StreamMessage message;
  };
  std::vector<SharedMessage> shared_messages;
  auto shared_message = [&](const Stream& stream, const Subscription& sub) {
    for (const auto& shared : shared_messages)
      if (shared.websocket == stream.websocket() && shared.sub == sub) return shared.message;
    return http::StreamMessage();
  };
  auto make_shared_messages = [&](const Addressee& addressee, std::string_view payload) {
    for (const auto& sub : addressee.subs) {
      if (shared_message(*addressee.stream, sub)) continue;
      shared_messages.push_back({addressee.stream->websocket(), sub,
                                 std::make_shared<const std::string>(event_message(
                                     addressee.stream->websocket(), sub, name, payload))});
    }
  };
  auto send_shared = [&](const Addressee& addressee) {
    for (const auto& sub : addressee.subs)
      addressee.stream->send(shared_message(*addressee.stream, sub));
  };
  if (event == PostEvent::kDelete) {
    const std::string id = std::to_string(post.id);
    for (const auto& addressee : addressees) make_shared_messages(addressee, id);
    senders_.run(addressees.size(), [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) send_shared(addressees[i]);
    });
    return;
  }
  // The one visibility rule (blocks and mutes hide too, as in timelines), its facts read once
  // for all the signed-in readers.
  std::sort(viewers.begin(), viewers.end());
  viewers.erase(std::unique(viewers.begin(), viewers.end()), viewers.end());
  auto readers = microblog_.visibility().filter_readers(post, viewers);
  if (!readers.ok()) {
    spdlog::warn("streaming: who sees a status could not be read: {}", readers.error().message);
    return;
  }
  bool anonymous_sees = false;
  if (anonymous) {
    auto visible = microblog_.visibility().filter(std::nullopt, {post});
    anonymous_sees = visible.ok() && !visible->empty();
  }
  std::erase_if(addressees, [&](const Addressee& addressee) {
    const domain::Viewer viewer = addressee.stream->reader.viewer;
    return viewer ? !std::binary_search(readers->begin(), readers->end(), *viewer)
                  : !anonymous_sees;
  });
  // One rendering for every reader who would get the same JSON: a new post that is no boost,
  // not sealed and in no thread (which a reader may have muted), for readers without filters:
  // no reader can have acted on it yet. An anonymous reader's JSON has no flags at all, and a
  // filtering reader's has its own `filtered`.
  const bool shareable = event == PostEvent::kUpdate && !post.reblog_of_id && post.sealed.empty() &&
                         !post.in_reply_to_id;
  std::optional<std::string> shared_json;
  for (auto& addressee : addressees) {
    Stream& stream = *addressee.stream;
    addressee.shares = shareable && stream.reader.viewer && !has_filters(stream);
    if (!addressee.shares) continue;
    if (!shared_json) {
      auto rendered = stream.with_key([&](domain::ReaderKey& key) {
        return renderer_.status(stream.reader.viewer, post, key);
      });
      if (!rendered.ok()) {
        spdlog::warn("streaming: a status could not be rendered: {}", rendered.error().message);
        return;
      }
      shared_json = std::move(rendered).value();
    }
    make_shared_messages(addressee, *shared_json);
  }
  // The sending, on every core: each write to a socket is a system call.
  senders_.run(addressees.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const Addressee& addressee = addressees[i];
      if (addressee.shares) {
        send_shared(addressee);
        continue;
      }
      Stream& stream = *addressee.stream;
      auto rendered = stream.with_key([&](domain::ReaderKey& key) {
        return renderer_.status(stream.reader.viewer, post, key);
      });
      if (!rendered.ok()) {
        spdlog::warn("streaming: a status could not be rendered: {}", rendered.error().message);
        continue;
      }
      for (const auto& sub : addressee.subs) stream.send(sub, name, *rendered);
    }
  });
}

void Hub::published(const Post& written, const std::vector<int64_t>& homes) {
  // The author's copy of a sealed post is open: each stream opens its own with its key.
  const Post post = written.sealed.empty() ? written : domain::without_sealed_content(written);
  post_event(PostEvent::kUpdate, post, homes);
  if (post.visibility != domain::Visibility::kDirect || post.reblog_of_id) return;
  // The direct channel: each participant's conversation, with this post its newest.
  for (const auto& stream : snapshot()) {
    const domain::Viewer viewer = stream->reader.viewer;
    if (!viewer || (*viewer != post.account_id && !domain::mentions(post, *viewer))) continue;
    const auto subs = stream->subscriptions();
    const auto direct = std::find_if(subs.begin(), subs.end(), [](const Subscription& s) {
      return s.channel == Channel::kDirect;
    });
    if (direct == subs.end()) continue;
    auto newest = microblog_.conversations().conversations(*viewer, domain::Page{.limit = 1});
    if (!newest.ok() || newest->empty() || newest->front().last_status.id != post.id) continue;
    auto json = stream->with_key([&](domain::ReaderKey& key) {
      return renderer_.conversation(*viewer, newest->front(), key);
    });
    if (json.ok()) stream->send(*direct, "conversation", *json);
  }
}

void Hub::edited(const Post& post, const std::vector<int64_t>& homes) {
  post_event(PostEvent::kStatusUpdate, post, homes);
}

void Hub::deleted(const Post& post, const std::vector<int64_t>& homes) {
  post_event(PostEvent::kDelete, post, homes);
}

void Hub::notified(const std::vector<domain::Notification>& notifications) {
  const auto streams = snapshot();
  for (const auto& n : notifications) {
    for (const auto& stream : streams) {
      if (stream->reader.viewer != n.account_id) continue;
      std::vector<Subscription> matched;
      for (const auto& sub : stream->subscriptions())
        if (sub.channel == Channel::kUser || sub.channel == Channel::kUserNotification)
          matched.push_back(sub);
      if (matched.empty()) continue;
      // As GET /api/v1/notifications/:id would show it, or not at all.
      auto entries = microblog_.notifications().entries(n.account_id, {n});
      if (!entries.ok() || entries->empty()) continue;
      auto json = stream->with_key([&](domain::ReaderKey& key) {
        return renderer_.notifications(n.account_id, *entries, key);
      });
      if (!json.ok()) continue;
      const std::string payload = only_element(std::move(json).value());
      for (const auto& sub : matched) stream->send(sub, "notification", payload);
    }
  }
}

bool Hub::has_filters(Stream& stream) {
  using Filters = Stream::Filters;
  const Filters known = stream.filters.load();
  if (known != Filters::kUnknown) return known == Filters::kSome;
  auto has = renderer_.has_filters(*stream.reader.viewer);
  if (!has.ok()) return true;  // a rendering of its own is right in every case
  // Not over a change heard meanwhile (filters_changed() made it unknown again).
  Filters expected = Filters::kUnknown;
  stream.filters.compare_exchange_strong(expected, *has ? Filters::kSome : Filters::kNone);
  return *has;
}

void Hub::filters_changed(int64_t account_id) {
  for (const auto& stream : snapshot()) {
    if (stream->reader.viewer != account_id) continue;
    stream->filters = Stream::Filters::kUnknown;
    for (const auto& sub : stream->subscriptions())
      if (sub.channel == Channel::kUser) stream->send(sub, "filters_changed", std::nullopt);
  }
}

void Hub::notifications_merged(int64_t account_id) {
  for (const auto& stream : snapshot()) {
    if (stream->reader.viewer != account_id) continue;
    // Mastodon's payload: the string "1", a signal to read the notifications again.
    for (const auto& sub : stream->subscriptions())
      if (sub.channel == Channel::kUser || sub.channel == Channel::kUserNotification)
        stream->send(sub, "notifications_merged", "1");
  }
}

void Hub::token_revoked(int64_t token_id) {
  for (const auto& stream : snapshot())
    if (stream->reader.token_id == token_id) stream->close(1008, "access token revoked");
}

void Hub::tokens_of_account_revoked(int64_t account_id) {
  for (const auto& stream : snapshot())
    if (stream->reader.viewer == account_id) stream->close(1008, "access token revoked");
}

}  // namespace publius::streaming
