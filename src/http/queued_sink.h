// The server's StreamSink (http/stream.h): one open stream's bounded queue. What the
// application sends, from any thread, waits here for the connection's writer, which
// runs on the stream's strand and is woken by one handler posted there per burst of
// sends, not one per message. A connection may also let send() write a message itself
// when nothing waits and its writer is idle (set_direct_write): one event sent to
// thousands of sockets then goes out from the sending thread, as fast as the system
// calls go, without a turn on each stream's strand. Internal to the server (server.cc
// and the connections it keeps as streams).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/stream.h"

namespace publius::http {

class QueuedSink final : public StreamSink, public std::enable_shared_from_this<QueuedSink> {
 public:
  // `strand` runs the stream's writer; `max_bytes` bounds what may wait for it.
  QueuedSink(const boost::asio::any_io_executor& strand, size_t max_bytes)
      : strand_(strand), max_bytes_(max_bytes) {}

  using StreamSink::send;
  bool send(StreamMessage message) override;
  void close(int code, std::string reason) override;

  // What the writer is to do next, taken on the strand. From take() until writer_idle() the
  // writer counts as busy, and send() writes nothing itself.
  struct Work {
    std::string unwritten;  // the rest of a frame a direct write began: it goes first, always
    std::vector<StreamMessage> messages;
    bool closing = false;  // close after the messages
    bool ended = false;    // stop at once: the reader ended, or the client was dropped
    int close_code = 1000;
    std::string close_reason;
  };
  Work take();
  // The writer has nothing in flight (called on the strand).
  void writer_idle();

  // Writes `message` as a frame straight to the client without blocking, and returns the
  // bytes of the frame it could not write (empty when all went): they are then sent
  // before anything else.
  using DirectWrite = std::function<std::string(const StreamMessage& message)>;
  // Lets send() call `write` (under the sink's lock, from the sending thread) when nothing is
  // queued and the writer is idle; nullptr stops it. The connection clears it before it
  // closes its socket: a write under way finishes first, and none starts after.
  void set_direct_write(DirectWrite write);

  // The stream has ended (the client left, or a write failed): sends fail from now on, and
  // the writer, if waiting, is woken to stop.
  void end();
  // The same, once the stream's connection is gone: nothing is left to wake, and the sink
  // lets go of the strand, which must not outlive the io_context the application's copy of
  // the sink may outlive.
  void finish();

  // What wakes the writer when there is work (called on the strand); set, and cleared with
  // nullptr before it dangles, on the strand by whoever serves the stream.
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  // What cuts the connection when the client is dropped while a write to it waits; set and
  // cleared on the strand, like set_wake().
  void set_abort(std::function<void()> abort) { abort_ = std::move(abort); }

 private:
  // With mu_ held: posts the writer's wake-up to the strand unless one is posted already.
  void wake_writer();

  std::optional<boost::asio::any_io_executor> strand_;  // guarded by mu_; none once finished
  std::function<void()> wake_;                          // touched on the strand only
  std::function<void()> abort_;                         // touched on the strand only
  const size_t max_bytes_;
  std::mutex mu_;
  std::vector<StreamMessage> queue_;
  std::string unwritten_;
  size_t queued_bytes_ = 0;
  DirectWrite direct_write_;
  bool writer_busy_ = false;
  bool wake_posted_ = false;
  bool closing_ = false, ended_ = false, dropped_ = false;
  int close_code_ = 1000;
  std::string close_reason_;
};

// Ends the stream on the sink's side: sends fail from now on, and nothing may cut the
// connection any more. On the stream's strand.
void end_stream(QueuedSink& sink);

// Tells the application a stream ended, exactly once, however the stream's owner ends:
// also when a stopped server destroys it unfinished.
class EndsStream {
 public:
  EndsStream(StreamHandler& handler, std::shared_ptr<QueuedSink> sink)
      : handler_(handler), sink_(std::move(sink)) {}
  EndsStream(const EndsStream&) = delete;
  EndsStream& operator=(const EndsStream&) = delete;
  ~EndsStream();

 private:
  StreamHandler& handler_;
  std::shared_ptr<QueuedSink> sink_;
};

}  // namespace publius::http
