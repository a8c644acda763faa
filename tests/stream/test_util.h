// Helpers shared by the stream tests: a fresh temp directory per test, request
// builders and file byte helpers.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "stream/log.h"
#include "tests/common/temp_dir.h"

namespace tp::stream::testing {

using tp::testing::TempDir;

inline AppendRequest MakeRequest(const std::string& table, const std::vector<std::string>& records,
                                 const std::string& key = "", uint64_t body_hash = 0) {
  BatchBuilder b;
  for (const auto& r : records) b.Add(r);
  AppendRequest req;
  req.table = table;
  req.idempotency_key = key;
  req.body_hash = body_hash;
  req.record_count = b.count();
  req.payload = b.Finish(&req.payload_crc);
  return req;
}

inline std::vector<std::string> Records(const std::string& prefix, int n, size_t pad = 0) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string r = prefix + "-" + std::to_string(i);
    if (r.size() < pad) r.append(pad - r.size(), 'x');
    out.push_back(r);
  }
  return out;
}

inline LogOptions TestOptions(const std::filesystem::path& dir) {
  LogOptions o;
  o.dir = dir;
  o.min_free = 0;
  o.free_space_probe = [](const std::filesystem::path&) { return uint64_t{1} << 40; };
  o.housekeeping_interval = std::chrono::milliseconds(20);
  return o;
}

inline std::unique_ptr<Log> OpenOrDie(const LogOptions& o) {
  auto r = Log::Open(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

struct ReadRecord {
  uint64_t offset;
  std::string table;
  std::string data;
};

// Reads every durable record from `from` on, skipping offsets below it.
inline std::vector<ReadRecord> ReadAll(const Log& log, uint64_t from = 0) {
  std::vector<ReadRecord> out;
  auto rr = log.NewReader(from);
  EXPECT_TRUE(rr.ok());
  if (!rr.ok()) return out;
  auto reader = std::move(rr).value();
  Batch b;
  for (;;) {
    auto more = reader->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !more.value()) break;
    for (size_t i = 0; i < b.records.size(); ++i) {
      const uint64_t off = b.base_offset + i;
      if (off < from) continue;
      out.push_back({off, b.table, std::string(b.records[i])});
    }
  }
  return out;
}

inline std::string ReadFileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFileBytes(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline void AppendFileBytes(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::app);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::vector<std::filesystem::path> SegmentFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".log") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tp::stream::testing
