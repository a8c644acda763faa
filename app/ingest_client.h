// The client side of ingest, shared by `tillpipe ingest` and
// `tillpipe simulate --url`: buffers NDJSON records per table, posts them in
// batches, and retries transient failures with the same Idempotency-Key, so
// a batch is stored exactly once however often it is resent.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream/status.h"
#include "web/http_client.h"

namespace tp::app {

struct IngestClientOptions {
  web::Url url;
  std::string token;                 // bearer token, if the server wants one
  size_t batch_records = 5000;       // send when a table's batch has this many
  size_t batch_bytes = 4u << 20;     // ... or this many bytes
  std::chrono::seconds give_up_after{600};  // keep retrying transient errors this long
  std::string source_name;           // for error messages, e.g. the file name
  // Called after every acknowledged batch.
  std::function<void(std::string_view table, uint64_t records, uint64_t bytes)> on_ack;
  // Says what is going on while retrying ("server busy, retrying in 1 s").
  std::function<void(std::string_view)> on_retry;
  // When it returns true (e.g. after Ctrl-C), a failed send is not retried:
  // Add/Flush return Status::Busy at once.
  std::function<bool()> should_stop;
};

class IngestClient {
 public:
  explicit IngestClient(IngestClientOptions options);
  ~IngestClient();

  // Buffers one record (one JSON object, no newline). `source_line` is where
  // it came from, so server-side line errors map back to the input (0 = n/a).
  // Sends the table's batch when full. A non-OK Status is permanent (bad
  // records, unknown table, bad token): the caller should stop.
  Status Add(std::string_view table, std::string_view record, uint64_t source_line = 0);
  Status Flush();  // sends every buffered batch
  // Sends batches whose oldest record waited longer than `age`.
  Status FlushOlderThan(std::chrono::milliseconds age);

  uint64_t acknowledged_records() const { return acked_records_; }
  uint64_t acknowledged_batches() const { return acked_batches_; }

 private:
  struct Pending {
    std::string body;
    std::vector<uint64_t> source_lines;
    size_t records = 0;
    std::chrono::steady_clock::time_point first_added;
  };
  Status Send(const std::string& table, Pending& batch);

  IngestClientOptions options_;
  web::HttpClient http_;
  std::string key_prefix_;
  uint64_t next_key_ = 0;
  std::map<std::string, Pending, std::less<>> pending_;
  uint64_t acked_records_ = 0;
  uint64_t acked_batches_ = 0;
};

}  // namespace tp::app
