// One open WebSocket, kept by the server (server.cc) once a handler answered a request
// with Response::websocket and the handshake checked out. Internal to the server.
//
// Memory is what bounds how many readers one server keeps live, so a connection is a
// plain object driven by completion handlers on its own strand, not coroutines: while
// idle it holds its socket, a timer and a wait for the client's next bytes, no read
// buffer (bytes are read into a buffer of the thread that reads them) and no write
// buffer (the messages it sends are the application's shared buffers, written
// with their frame headers in one gathered write). Once the handshake is out, a
// message sent while nothing waits is written by the sending thread itself
// (QueuedSink::set_direct_write).
//
// It sends the handshake's answer, then every message its QueuedSink takes as a text
// frame; hands each text message the client sends to the StreamHandler; answers pings;
// pings a client silent for half the idle timeout and cuts one silent for all of it;
// answers a client's close, and closes with the sink's code when the application or
// the stopping server closes (cut after `close_grace` if the client does not answer).
// A client breaking the protocol gets the close code RFC 6455 gives it.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/queued_sink.h"
#include "http/websocket_frames.h"

namespace publius::http {

struct WebSocketSettings {
  size_t max_message_bytes = 4096;
  std::chrono::milliseconds idle_timeout{60'000};
  // How long a close the server sent waits for the client's answer.
  std::chrono::milliseconds close_grace{10'000};
};

// `Socket`: an asio stream socket. `Lease`: whatever the server counts for as long as
// the connection lives (released when it is destroyed).
template <typename Socket, typename Lease>
class WebSocketConnection
    : public std::enable_shared_from_this<WebSocketConnection<Socket, Lease>> {
 public:
  using Strand = boost::asio::strand<typename Socket::executor_type>;

  // Takes the socket of an accepted upgrade whose answer (the 101 response's bytes) is
  // `handshake`; `sink` was opened on `strand` and handed to `handler` already.
  WebSocketConnection(Socket socket, Strand strand, std::shared_ptr<QueuedSink> sink,
                      std::shared_ptr<StreamHandler> handler, const WebSocketSettings& settings,
                      std::string handshake, Lease lease)
      : socket_(std::move(socket)),
        strand_(std::move(strand)),
        timer_(strand_),
        sink_(std::move(sink)),
        handler_(std::move(handler)),
        ends_(*handler_, sink_),
        settings_(settings),
        reader_(settings.max_message_bytes),
        control_out_(std::move(handshake)),
        lease_(std::move(lease)) {}

  // Starts serving; the connection keeps itself alive until the socket closes.
  void start() {
    boost::asio::dispatch(strand_, [self = this->shared_from_this()] { self->begin(); });
  }

 private:
  using error_code = boost::system::error_code;

  void begin() {
    sink_->set_wake([this] { write_more(); });
    sink_->set_abort([this] { cut(); });
    error_code ec;
    socket_.non_blocking(true, ec);
    if (ec) return cut();
    write_more();
    wait_readable();
    arm_idle_timer();
  }

  // Reading: a wait for readiness holds no buffer; the bytes are read into this thread's.
  void wait_readable() {
    if (cut_) return;
    socket_.async_wait(
        Socket::wait_read,
        boost::asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                const error_code& ec) { self->on_readable(ec); }));
  }

  void on_readable(const error_code& wait_failed) {
    if (wait_failed || cut_) return client_gone();
    // Enough to take what most clients send at once; a client sending faster waits its turn.
    constexpr size_t kReadsPerTurn = 4;
    thread_local std::array<char, 16 * 1024> buffer;
    std::vector<WebSocketEvent> events;
    for (size_t turn = 0; turn < kReadsPerTurn && !reader_.ended(); ++turn) {
      error_code ec;
      const size_t n = socket_.read_some(boost::asio::buffer(buffer), ec);
      if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) break;
      if (ec) return client_gone();
      heard_from_client_ = true;
      reader_.feed(std::string_view(buffer.data(), n), events);
      for (auto& event : events) handle(event);
      events.clear();
      if (cut_) return;
    }
    // After a close or a broken frame nothing more is read: the close goes out, then the cut.
    if (!reader_.ended()) wait_readable();
  }

  void handle(WebSocketEvent& event) {
    using Kind = WebSocketEvent::Kind;
    switch (event.kind) {
      case Kind::kText:
        if (!close_sent_) handler_->on_message(event.payload);
        return;
      case Kind::kBinary:
      case Kind::kPong:
        return;
      case Kind::kPing:
        // Only the latest ping waiting for its pong is answered (RFC 6455 5.5.3): a client
        // pinging without reading cannot make the server hold a pong for each.
        if (!close_sent_) pong_payload_ = std::move(event.payload);
        return write_more();
      case Kind::kClose:
        end_stream(*sink_);
        // The answer to the server's own close: nothing is left to send.
        if (close_sent_) return cut();
        control_out_ += close_frame(event.code == 1005 ? 1000 : event.code, {});
        close_sent_ = cut_after_write_ = true;
        return write_more();
      case Kind::kFailed:
        end_stream(*sink_);
        if (!close_sent_) control_out_ += close_frame(event.code, {});
        close_sent_ = cut_after_write_ = true;
        return write_more();
    }
  }

  // The client left or its connection failed: whatever is queued for it will not go.
  void client_gone() {
    end_stream(*sink_);
    cut();
  }

  // Writing: everything waiting goes out in one gathered write, on the strand.
  void write_more() {
    if (writing_ || cut_) return;
    auto work = sink_->take();
    // The rest of a frame a direct write began goes before anything else, a close included.
    control_out_.insert(0, work.unwritten);
    if (pong_payload_) {
      control_out_ += control_frame(WebSocketOpcode::kPong, *pong_payload_);
      pong_payload_.reset();
    }
    if (!close_sent_) {
      // Dropped as too slow to read: nothing more goes to this client.
      if (work.ended) return cut();
      frame_messages(std::move(work.messages));
      if (work.closing) {
        control_after_messages_ = close_frame(work.close_code, work.close_reason);
        close_sent_ = true;
        end_stream(*sink_);
        timer_.expires_after(settings_.close_grace);
        wait_timer();
      }
    }
    if (control_out_.empty() && writing_messages_.empty() && control_after_messages_.empty()) {
      sink_->writer_idle();
      return;
    }
    writing_control_ = std::exchange(control_out_, std::string());
    buffers_.reserve(1 + 2 * writing_messages_.size() + 1);
    if (!writing_control_.empty()) buffers_.push_back(boost::asio::buffer(writing_control_));
    for (size_t i = 0; i < writing_messages_.size(); ++i) {
      buffers_.push_back(boost::asio::buffer(headers_[i].data(), header_sizes_[i]));
      buffers_.push_back(boost::asio::buffer(*writing_messages_[i]));
    }
    if (!control_after_messages_.empty())
      buffers_.push_back(boost::asio::buffer(control_after_messages_));
    // Most writes fit the socket's buffer at once: written here, they need no completion
    // handler and no second turn on the strand.
    error_code ec;
    const size_t written = socket_.write_some(buffers_, ec);
    if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again)
      return on_written(ec);
    if (drop_written(written)) return on_written({});
    writing_ = true;
    boost::asio::async_write(socket_, buffers_,
                             boost::asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                                     const error_code& ec, size_t) {
                               self->on_written(ec);
                             }));
  }

  // Takes the first `bytes` written off buffers_; true when nothing is left to write.
  bool drop_written(size_t bytes) {
    auto first = buffers_.begin();
    while (first != buffers_.end() && bytes >= first->size()) bytes -= (first++)->size();
    buffers_.erase(buffers_.begin(), first);
    if (!buffers_.empty()) buffers_.front() += bytes;
    return buffers_.empty();
  }

  void frame_messages(std::vector<StreamMessage> messages) {
    headers_.resize(messages.size());
    header_sizes_.resize(messages.size());
    for (size_t i = 0; i < messages.size(); ++i)
      header_sizes_[i] =
          write_frame_header(WebSocketOpcode::kText, messages[i]->size(), headers_[i]);
    writing_messages_ = std::move(messages);
  }

  void on_written(const error_code& ec) {
    writing_ = false;
    // Released, not kept for the next write: an idle connection holds no buffer.
    writing_control_ = std::string();
    control_after_messages_ = std::string();
    writing_messages_ = {};
    headers_ = {};
    header_sizes_ = {};
    buffers_ = {};
    if (ec) return client_gone();
    if (cut_after_write_) return cut();
    if (!writes_directly_ && !close_sent_) {
      // The handshake's answer is out: from now on a sending thread may write itself.
      writes_directly_ = true;
      sink_->set_direct_write([fd = socket_.native_handle()](const StreamMessage& message) {
        return write_frame_now(fd, *message);
      });
    }
    write_more();
  }

  // Writes a text frame of `payload` to `fd` as far as it goes without blocking; the bytes of
  // the frame not written. A failure writes nothing: the connection's own writer meets it.
  static std::string write_frame_now(int fd, const std::string& payload) {
    FrameHeader header;
    const size_t header_bytes = write_frame_header(WebSocketOpcode::kText, payload.size(), header);
    iovec parts[2] = {{header.data(), header_bytes},
                      {const_cast<char*>(payload.data()), payload.size()}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    const ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    const size_t written = sent > 0 ? static_cast<size_t>(sent) : 0;
    std::string rest;
    if (written < header_bytes) rest.assign(header.data() + written, header_bytes - written);
    rest.append(payload, written > header_bytes ? written - header_bytes : 0);
    return rest;
  }

  // Keep-alive: a client silent for half the idle timeout is pinged, and cut when it stays
  // silent for the other half too.
  void arm_idle_timer() {
    timer_.expires_after(settings_.idle_timeout / 2);
    wait_timer();
  }

  void wait_timer() {
    if (cut_) return;  // nothing would cancel the wait, which would keep the connection
    timer_.async_wait(boost::asio::bind_executor(
        strand_, [self = this->shared_from_this()](const error_code& ec) {
          if (ec != boost::asio::error::operation_aborted) self->on_timer();
        }));
  }

  void on_timer() {
    if (cut_) return;
    // A close the client never answered.
    if (close_sent_) return client_gone();
    if (std::exchange(heard_from_client_, false)) {
      ping_sent_ = false;
    } else if (ping_sent_) {
      return client_gone();
    } else {
      control_out_ += control_frame(WebSocketOpcode::kPing, {});
      ping_sent_ = true;
      write_more();
    }
    arm_idle_timer();
  }

  // Closes the socket: every wait under way ends, and with the last of them the connection.
  void cut() {
    if (std::exchange(cut_, true)) return;
    sink_->set_abort(nullptr);
    // Waits for a direct write under way; none starts after, so none meets a closed socket.
    sink_->set_direct_write(nullptr);
    error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

  Socket socket_;
  Strand strand_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<QueuedSink> sink_;
  std::shared_ptr<StreamHandler> handler_;
  EndsStream ends_;  // after sink_ and handler_: tells the handler first thing on destruction
  const WebSocketSettings settings_;
  WebSocketReader reader_;
  std::string control_out_;  // the handshake's answer, pings and pongs waiting to go
  std::optional<std::string> pong_payload_;  // the latest ping not answered yet
  // The write under way: control frames, then messages with their headers, then a close.
  std::string writing_control_;
  std::vector<StreamMessage> writing_messages_;
  std::vector<FrameHeader> headers_;  // one per message
  std::vector<size_t> header_sizes_;
  std::string control_after_messages_;
  std::vector<boost::asio::const_buffer> buffers_;
  bool writing_ = false;
  bool writes_directly_ = false;
  bool heard_from_client_ = false, ping_sent_ = false;
  bool close_sent_ = false, cut_after_write_ = false, cut_ = false;
  Lease lease_;
};

}  // namespace publius::http
