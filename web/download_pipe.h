// The hand-over between a backend writing a download on a pool thread and
// the session sending it on its io thread (web::Download). A bounded queue
// of chunks: the writer blocks while kMaxQueued bytes wait to be sent, so a
// slow client slows the backup down instead of filling the server's memory.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "web/backend.h"

namespace tp::web {

class DownloadPipe : public Download {
 public:
  static constexpr size_t kChunk = 256 * 1024;       // bytes per HTTP chunk
  static constexpr size_t kMaxQueued = 4 * kChunk;  // written but not yet sent

  // `wake` runs on the writer's thread whenever there is something new to
  // Take(); it must hand over to the session's thread, not send itself.
  // `cancel` set (the server stops) makes Write() give up.
  DownloadPipe(std::function<void()> wake, std::shared_ptr<const std::atomic<bool>> cancel);

  // The writer's side (web::Download), then Close() with the backend's answer.
  void Begin(std::vector<std::pair<std::string, std::string>> headers) override;
  bool Write(std::string_view bytes) override;
  void Close(ApiAnswer answer);

  // The session's side.
  struct Item {
    enum class Kind { kNothing, kHead, kChunk, kEnd };
    Kind kind = Kind::kNothing;
    std::vector<std::pair<std::string, std::string>> headers;  // kHead
    std::string bytes;                                         // kChunk
    ApiAnswer answer;                                          // kEnd
    bool began = false;  // kEnd: the head went out before
  };
  // The next thing to send, in order: the head, the chunks, the end.
  Item Take();
  // `n` bytes of a taken chunk were sent: room for the writer.
  void Sent(size_t n);
  // The client is gone: Write() returns false from now on.
  void Abandon();

 private:
  bool GivingUpLocked() const { return abandoned_ || cancel_->load(); }
  void PushLocked(std::unique_lock<std::mutex>& lock, bool wait_for_room);

  std::function<void()> wake_;
  std::shared_ptr<const std::atomic<bool>> cancel_;
  mutable std::mutex mu_;
  std::condition_variable room_;
  std::vector<std::pair<std::string, std::string>> headers_;  // GUARDED_BY(mu_)
  bool began_ = false, head_taken_ = false;                   // GUARDED_BY(mu_)
  std::string filling_;                                       // GUARDED_BY(mu_) not yet a chunk
  std::deque<std::string> chunks_;                            // GUARDED_BY(mu_)
  size_t queued_ = 0;      // GUARDED_BY(mu_) bytes in chunks_ or being sent
  bool closed_ = false, end_taken_ = false, abandoned_ = false;  // GUARDED_BY(mu_)
  ApiAnswer answer_;       // GUARDED_BY(mu_)
};

}  // namespace tp::web
