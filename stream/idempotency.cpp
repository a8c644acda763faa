#include "stream/idempotency.h"

#include <cassert>

#include "stream/coding.h"
#include "stream/crc32c.h"
#include "stream/file_util.h"

namespace tp::stream {
namespace {
constexpr uint32_t kMagic = 0x53495054;  // "TPIS"
constexpr uint32_t kVersion = 1;
}  // namespace

const IdempotencyEntry* IdempotencyTable::Find(std::string_view key) const {
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second;
}

void IdempotencyTable::Insert(const std::string& key, IdempotencyEntry e) {
  auto [it, inserted] = map_.emplace(key, std::move(e));
  assert(inserted);
  (void)it;
  if (inserted) order_.push_back(key);
}

void IdempotencyTable::RemoveNewest(const std::string& key) {
  assert(!order_.empty() && order_.back() == key);
  if (order_.empty() || order_.back() != key) return;
  order_.pop_back();
  map_.erase(key);
}

size_t IdempotencyTable::Expire(int64_t cutoff_us, size_t max_keys) {
  size_t removed = 0;
  while (!order_.empty()) {
    auto it = map_.find(order_.front());
    if (it != map_.end() && it->second.append_time_us >= cutoff_us && map_.size() <= max_keys) {
      break;
    }
    if (it != map_.end()) map_.erase(it);
    order_.pop_front();
    ++removed;
  }
  return removed;
}

std::string IdempotencyTable::EncodeSnapshot(const Checkpoint& pos) const {
  std::string out;
  PutFixed32(&out, kMagic);
  PutFixed32(&out, kVersion);
  PutFixed64(&out, pos.segment_base);
  PutFixed64(&out, pos.position);
  PutFixed64(&out, pos.next_offset);
  const size_t count_at = out.size();
  PutFixed64(&out, 0);
  uint64_t n = 0;
  for (const std::string& key : order_) {
    const IdempotencyEntry& e = map_.at(key);
    if (e.first + e.count > pos.next_offset) break;  // not durable yet; later keys neither
    out.push_back(static_cast<char>(key.size()));
    out.append(key);
    out.push_back(static_cast<char>(e.table.size()));
    out.append(e.table);
    PutFixed64(&out, e.body_hash);
    PutFixed64(&out, e.first);
    PutFixed32(&out, e.count);
    PutFixed64(&out, static_cast<uint64_t>(e.append_time_us));
    ++n;
  }
  EncodeFixed64(out.data() + count_at, n);
  PutFixed32(&out, Crc32c(out.data(), out.size()));
  return out;
}

Status IdempotencyTable::LoadSnapshot(const std::filesystem::path& file, Checkpoint* pos) {
  std::string data;
  Status s = ReadSmallFile(file, &data);
  if (!s.ok()) return s;
  auto damaged = [&](const char* why) {
    return Status::Corruption(file.string() + " is damaged: " + why);
  };
  if (data.size() < 44) return damaged("too short");
  const size_t body = data.size() - 4;
  if (DecodeFixed32(data.data() + body) != Crc32c(data.data(), body))
    return damaged("bad checksum");
  if (DecodeFixed32(data.data()) != kMagic || DecodeFixed32(data.data() + 4) != kVersion) {
    return damaged("bad magic or version");
  }
  pos->segment_base = DecodeFixed64(data.data() + 8);
  pos->position = DecodeFixed64(data.data() + 16);
  pos->next_offset = DecodeFixed64(data.data() + 24);
  const uint64_t n = DecodeFixed64(data.data() + 32);
  size_t p = 40;
  map_.clear();
  order_.clear();
  for (uint64_t i = 0; i < n; ++i) {
    if (p + 1 > body) return damaged("truncated entry");
    size_t klen = static_cast<uint8_t>(data[p++]);
    if (p + klen + 1 > body) return damaged("truncated entry");
    std::string key = data.substr(p, klen);
    p += klen;
    size_t tlen = static_cast<uint8_t>(data[p++]);
    if (p + tlen + 28 > body) return damaged("truncated entry");
    IdempotencyEntry e;
    e.table = data.substr(p, tlen);
    p += tlen;
    e.body_hash = DecodeFixed64(data.data() + p);
    e.first = DecodeFixed64(data.data() + p + 8);
    e.count = DecodeFixed32(data.data() + p + 16);
    e.append_time_us = static_cast<int64_t>(DecodeFixed64(data.data() + p + 20));
    p += 28;
    if (map_.count(key) != 0) return damaged("duplicate key");
    Insert(key, std::move(e));
  }
  if (p != body) return damaged("trailing bytes");
  return Status::OK();
}

}  // namespace tp::stream
