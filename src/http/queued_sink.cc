#include "http/queued_sink.h"

#include <boost/asio/post.hpp>

namespace publius::http {

bool QueuedSink::send(StreamMessage message) {
  std::lock_guard lock(mu_);
  if (ended_ || closing_) return false;
  if (direct_write_ && !writer_busy_ && queue_.empty() && unwritten_.empty()) {
    unwritten_ = direct_write_(message);
    if (unwritten_.empty()) return true;
    // The client's buffers are full: the rest waits for the writer, counted like a message.
    queued_bytes_ += unwritten_.size();
    wake_writer();
    return true;
  }
  bool queued = false;
  if (queued_bytes_ + message->size() > max_bytes_) {
    // Too slow to keep up: dropped now, even if a write to it is under way.
    ended_ = dropped_ = true;
  } else {
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    queued = true;
  }
  wake_writer();
  return queued;
}

void QueuedSink::close(int code, std::string reason) {
  std::lock_guard lock(mu_);
  if (ended_ || closing_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = std::move(reason);
  wake_writer();
}

QueuedSink::Work QueuedSink::take() {
  std::lock_guard lock(mu_);
  Work work;
  work.ended = ended_;
  // Even once ended: a frame begun must be finished before the close frame that may follow.
  work.unwritten.swap(unwritten_);
  if (!ended_) work.messages.swap(queue_);
  queued_bytes_ = 0;
  writer_busy_ = true;
  work.closing = closing_;
  work.close_code = close_code_;
  work.close_reason = close_reason_;
  return work;
}

void QueuedSink::writer_idle() {
  std::lock_guard lock(mu_);
  writer_busy_ = false;
}

void QueuedSink::set_direct_write(DirectWrite write) {
  std::lock_guard lock(mu_);
  direct_write_ = std::move(write);
}

void QueuedSink::end() {
  std::lock_guard lock(mu_);
  if (ended_) return;
  ended_ = true;
  wake_writer();
}

void QueuedSink::finish() {
  std::lock_guard lock(mu_);
  ended_ = true;
  strand_.reset();
  direct_write_ = nullptr;
}

void QueuedSink::wake_writer() {
  // No strand: the connection is gone. Posted already: that wake-up takes this work too.
  if (!strand_ || wake_posted_) return;
  wake_posted_ = true;
  boost::asio::post(*strand_, [self = shared_from_this()] {
    bool dropped;
    {
      std::lock_guard lock(self->mu_);
      self->wake_posted_ = false;
      dropped = self->dropped_;
    }
    if (self->wake_) self->wake_();
    if (dropped && self->abort_) std::exchange(self->abort_, nullptr)();
  });
}

void end_stream(QueuedSink& sink) {
  sink.set_abort(nullptr);
  sink.end();
}

EndsStream::~EndsStream() {
  sink_->set_abort(nullptr);
  sink_->set_wake(nullptr);
  sink_->finish();
  handler_.on_close();
}

}  // namespace publius::http
