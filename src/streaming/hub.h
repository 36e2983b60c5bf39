// Hub: the streaming API's live side (what Mastodon runs as its Node streaming
// server), in process. It holds every open client stream (a WebSocket carrying
// many subscriptions, or a server-sent event stream carrying one) and, told by
// the domain what happened (domain::LiveObserver), sends each stream the events
// of its subscriptions:
//   user               update (home feed), delete, status.update, notification,
//                      filters_changed, conversation, notifications_merged
//   user:notification  notification, notifications_merged
//   public, public:local   update, delete, status.update of posts in the public
//                      timelines; public:remote is empty until federation
//   hashtag, hashtag:local  the same, for posts carrying the hashtag
//   list               update, delete, status.update of posts the list shows
//   direct             conversation
// Each payload is the entity exactly as that reader gets it from the REST API:
// every post passes the domain's VisibilityRule (filter(): blocks and mutes too)
// for the reader, lists ask Timelines::list_shows, notifications come through
// Notifications::entries, statuses carry the reader's `filtered`, and sealed
// direct posts are opened with the stream's own key, which lives in memory only as
// long as the stream. A post is rendered once for all readers who would get the
// same JSON (an original post for readers without filters), else once per reader.
//
// Streams end when their client leaves, when their token is revoked or its
// account's tokens end, or when the server stops. Limits: at most
// max_streams open in all and max_streams_per_token per token (open() refuses
// beyond them with 429). An event for thousands of streams is sent by
// sending_threads threads at once (util/parallel_loop.h).
//
// Thread-safe: events arrive on the threads that made the changes; streams send
// through their http::StreamSink, which never blocks.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/render.h"
#include "domain/live_observer.h"
#include "domain/microblog.h"
#include "http/stream.h"
#include "util/parallel_loop.h"

namespace publius::streaming {

enum class Channel {
  kUser,
  kUserNotification,
  kPublic,
  kPublicLocal,
  kPublicRemote,
  kHashtag,
  kHashtagLocal,
  kList,
  kDirect,
};
// Mastodon's stream names ("user:notification", "hashtag:local", ...).
std::optional<Channel> parse_channel(std::string_view name);
std::string_view channel_name(Channel channel);

// One subscription of a stream.
struct Subscription {
  Channel channel = Channel::kUser;
  std::string tag;      // the hashtag channels: the hashtag, normalized
  int64_t list_id = 0;  // the list channel
  bool operator==(const Subscription&) const = default;
};

// Who reads a stream: the account (none: anonymous), the token it presented and its scopes.
struct StreamReader {
  domain::Viewer viewer;
  std::optional<int64_t> token_id;
  std::string scopes;
};

struct HubOptions {
  size_t max_streams = 10'000;
  size_t max_streams_per_token = 32;
  // Threads that send one event to its streams at once, the one the event came on included
  // (each socket write is a system call, the loopback receiver's included): one per core.
  size_t sending_threads = 1;
};

class Hub final : public domain::LiveObserver {
 public:
  // `microblog` and `renderer` are not owned and must outlive this.
  Hub(domain::Microblog& microblog, api::Renderer& renderer, HubOptions options = {});
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Whether `reader` may subscribe to `subscription`: kUnauthorized for a channel
  // that needs an account, kForbidden when the token's scopes do not cover it,
  // kNotFound for a list not the reader's, kBadRequest for a hashtag that is none.
  // Fills in the normalized hashtag.
  Status check(const StreamReader& reader, Subscription& subscription);
  // A new stream for `reader`, opening sealed posts with `key`: a WebSocket that
  // subscribes by message when `websocket`, else an event stream of `fixed`, which
  // check() has admitted. kUnavailable (429: too many streams) beyond the limits.
  Result<std::shared_ptr<http::StreamHandler>> open(StreamReader reader, domain::ReaderKey key,
                                                    bool websocket,
                                                    std::optional<Subscription> fixed);
  // Open streams, for tests and the operator.
  size_t stream_count() const;

  // domain::LiveObserver
  bool listening() const override { return stream_count() > 0; }
  void published(const domain::Post& post, const std::vector<int64_t>& homes) override;
  void edited(const domain::Post& post, const std::vector<int64_t>& homes) override;
  void deleted(const domain::Post& post, const std::vector<int64_t>& homes) override;
  void notified(const std::vector<domain::Notification>& notifications) override;
  void filters_changed(int64_t account_id) override;
  void notifications_merged(int64_t account_id) override;
  void token_revoked(int64_t token_id) override;
  void tokens_of_account_revoked(int64_t account_id) override;

 private:
  class Stream;
  friend class Stream;
  // A post event: which streams get it, then each its payload.
  enum class PostEvent { kUpdate, kStatusUpdate, kDelete };
  void post_event(PostEvent event, const domain::Post& post, const std::vector<int64_t>& homes);
  std::vector<std::shared_ptr<Stream>> snapshot() const;
  // Whether the signed-in reader of `stream` has filters, read once and kept on the stream.
  bool has_filters(Stream& stream);
  void attach(const std::shared_ptr<Stream>& stream);
  void detach(Stream* stream);

  domain::Microblog& microblog_;
  api::Renderer& renderer_;
  const HubOptions options_;
  ParallelLoop senders_;  // the sending of one event
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Stream>> streams_;  // open ones
  size_t reserved_ = 0;                           // opened or about to open
  std::map<int64_t, size_t> per_token_;           // token id -> streams reserved
};

}  // namespace publius::streaming
