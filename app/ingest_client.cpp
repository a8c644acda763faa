#include "app/ingest_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

namespace tp::app {

namespace {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::read(fd, raw.data(), bytes) == static_cast<ssize_t>(bytes);
  if (fd >= 0) ::close(fd);
  if (!ok) {  // fall back to a time/pid-seeded generator; uniqueness is what matters
    std::mt19937_64 gen(static_cast<uint64_t>(::getpid()) ^
                        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
    for (auto& c : raw) c = static_cast<char>(gen());
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

// The body's line numbers map to records 1:1 (we never send blank lines).
std::string DescribeBadLines(const std::string& response_body, const std::vector<uint64_t>& lines,
                             const std::string& source) {
  auto j = nlohmann::json::parse(response_body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return response_body;
  std::string out = j.value("error", std::string("bad request"));
  if (j.contains("errors") && j["errors"].is_array()) {
    for (const auto& e : j["errors"]) {
      uint64_t body_line = e.value("line", uint64_t{0});
      uint64_t src = body_line >= 1 && body_line <= lines.size() ? lines[body_line - 1] : 0;
      out += "\n  " + (source.empty() ? std::string("record") : source) + ":" +
             std::to_string(src ? src : body_line) + ": " + e.value("reason", std::string("?"));
    }
  }
  return out;
}

}  // namespace

IngestClient::IngestClient(IngestClientOptions options)
    : options_(std::move(options)), http_(options_.url), key_prefix_(RandomHex(8)) {}

IngestClient::~IngestClient() = default;

Status IngestClient::Add(std::string_view table, std::string_view record, uint64_t source_line) {
  auto it = pending_.find(table);
  if (it == pending_.end()) it = pending_.emplace(std::string(table), Pending{}).first;
  Pending& p = it->second;
  if (p.records == 0) p.first_added = std::chrono::steady_clock::now();
  p.body.append(record);
  p.body += '\n';
  p.source_lines.push_back(source_line);
  ++p.records;
  if (p.records >= options_.batch_records || p.body.size() >= options_.batch_bytes) {
    return Send(it->first, p);
  }
  return Status::OK();
}

Status IngestClient::Flush() {
  for (auto& [table, p] : pending_) {
    if (p.records == 0) continue;
    if (Status s = Send(table, p); !s.ok()) return s;
  }
  return Status::OK();
}

Status IngestClient::FlushOlderThan(std::chrono::milliseconds age) {
  auto now = std::chrono::steady_clock::now();
  for (auto& [table, p] : pending_) {
    if (p.records == 0 || now - p.first_added < age) continue;
    if (Status s = Send(table, p); !s.ok()) return s;
  }
  return Status::OK();
}

Status IngestClient::Send(const std::string& table, Pending& batch) {
  std::string key = key_prefix_ + "-" + std::to_string(next_key_++);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/x-ndjson"}, {"Idempotency-Key", key}};
  if (!options_.token.empty()) headers.emplace_back("Authorization", "Bearer " + options_.token);
  const std::string path = "/api/v1/ingest/" + table;
  auto deadline = std::chrono::steady_clock::now() + options_.give_up_after;
  std::chrono::milliseconds backoff(100);
  for (;;) {
    auto res = http_.Post(path, batch.body, headers);
    std::string why;
    std::chrono::milliseconds wait = backoff;
    if (res.ok() && res->status == 200) {
      acked_records_ += batch.records;
      ++acked_batches_;
      if (options_.on_ack) options_.on_ack(table, batch.records, batch.body.size());
      batch.body.clear();
      batch.source_lines.clear();
      batch.records = 0;
      return Status::OK();
    }
    if (!res.ok()) {
      why = res.status().message();
    } else if (res->status == 503 || res->status == 507) {
      auto j = nlohmann::json::parse(res->body, nullptr, false);
      why = "server answered " + std::to_string(res->status) + ": " +
            (j.is_object() ? j.value("error", res->body) : res->body);
      int retry_after = std::atoi(res->Header("Retry-After").c_str());
      if (retry_after > 0) wait = std::chrono::seconds(std::min(retry_after, 30));
    } else if (res->status == 400) {
      return Status::InvalidArgument("table " + table + ": " +
                                     DescribeBadLines(res->body, batch.source_lines, options_.source_name));
    } else {
      auto j = nlohmann::json::parse(res->body, nullptr, false);
      std::string msg = j.is_object() ? j.value("error", res->body) : res->body;
      return Status::InvalidArgument("table " + table + ": server answered " +
                                     std::to_string(res->status) + ": " + msg);
    }
    if (options_.should_stop && options_.should_stop()) {
      return Status::Busy("stopped with a batch of " + std::to_string(batch.records) + " " +
                          table + " records unsent: " + why);
    }
    if (std::chrono::steady_clock::now() + wait > deadline) {
      return Status::IOError("gave up on a batch of " + std::to_string(batch.records) + " " + table +
                             " records after retrying for " +
                             std::to_string(options_.give_up_after.count()) + " s: " + why +
                             "; nothing of this batch is lost if it was stored: resending it "
                             "is safe");
    }
    if (options_.on_retry) {
      options_.on_retry(why + "; retrying in " + std::to_string(wait.count()) + " ms");
    }
    std::this_thread::sleep_for(wait);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(5));
  }
}

}  // namespace tp::app
