#include "web/download_pipe.h"

#include <chrono>

namespace tp::web {

DownloadPipe::DownloadPipe(std::function<void()> wake, std::shared_ptr<const std::atomic<bool>> cancel)
    : wake_(std::move(wake)), cancel_(std::move(cancel)) {}

void DownloadPipe::Begin(std::vector<std::pair<std::string, std::string>> headers) {
  {
    std::lock_guard lock(mu_);
    if (began_) return;
    began_ = true;
    headers_ = std::move(headers);
  }
  wake_();
}

// Moves `filling_` to the queue, first waiting for room when asked. The
// cancel flag is set without notifying us, so the wait looks at it now and
// then.
void DownloadPipe::PushLocked(std::unique_lock<std::mutex>& lock, bool wait_for_room) {
  if (wait_for_room) {
    while (!GivingUpLocked() && queued_ + filling_.size() > kMaxQueued) {
      room_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }
  if (GivingUpLocked() || filling_.empty()) return;
  queued_ += filling_.size();
  chunks_.push_back(std::move(filling_));
  filling_.clear();
}

bool DownloadPipe::Write(std::string_view bytes) {
  std::unique_lock lock(mu_);
  if (!began_ || GivingUpLocked()) return false;
  while (!bytes.empty()) {
    size_t take = std::min(bytes.size(), kChunk - filling_.size());
    if (filling_.capacity() < kChunk) filling_.reserve(kChunk);
    filling_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (filling_.size() == kChunk) {
      PushLocked(lock, /*wait_for_room=*/true);
      if (GivingUpLocked()) return false;
      lock.unlock();
      wake_();
      lock.lock();
    }
  }
  return !GivingUpLocked();
}

void DownloadPipe::Close(ApiAnswer answer) {
  {
    std::unique_lock lock(mu_);
    PushLocked(lock, /*wait_for_room=*/false);  // the last, short chunk
    answer_ = std::move(answer);
    closed_ = true;
  }
  wake_();
}

DownloadPipe::Item DownloadPipe::Take() {
  std::lock_guard lock(mu_);
  Item item;
  if (began_ && !head_taken_) {
    head_taken_ = true;
    item.kind = Item::Kind::kHead;
    item.headers = std::move(headers_);
  } else if (!chunks_.empty()) {
    item.kind = Item::Kind::kChunk;
    item.bytes = std::move(chunks_.front());
    chunks_.pop_front();
  } else if (closed_ && !end_taken_) {
    end_taken_ = true;
    item.kind = Item::Kind::kEnd;
    item.answer = std::move(answer_);
    item.began = began_;
  }
  return item;
}

void DownloadPipe::Sent(size_t n) {
  {
    std::lock_guard lock(mu_);
    queued_ -= std::min(queued_, n);
  }
  room_.notify_all();
}

void DownloadPipe::Abandon() {
  {
    std::lock_guard lock(mu_);
    abandoned_ = true;
    chunks_.clear();
    queued_ = 0;
  }
  room_.notify_all();
}

}  // namespace tp::web
