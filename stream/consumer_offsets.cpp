#include "stream/consumer_offsets.h"

#include <sys/stat.h>

#include <cstdint>
#include <system_error>

#include "stream/coding.h"
#include "stream/crc32c.h"
#include "stream/file_util.h"

namespace tp::stream {
namespace {
constexpr uint32_t kMagic = 0x4F435054;  // "TPCO"
constexpr uint32_t kVersion = 1;
constexpr size_t kSize = 24;
constexpr const char* kSuffix = ".offset";
}  // namespace

bool IsValidConsumerName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status ConsumerOffsets::Load(std::vector<std::string>* messages) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IOError("create " + dir_.string() + ": " + ec.message());
  std::map<std::string, uint64_t> loaded;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string file = entry.path().filename().string();
    const size_t suffix = std::char_traits<char>::length(kSuffix);
    if (file.size() <= suffix || file.compare(file.size() - suffix, suffix, kSuffix) != 0) {
      continue;
    }
    const std::string name = file.substr(0, file.size() - suffix);
    if (!IsValidConsumerName(name)) continue;
    std::string data;
    Status s = ReadSmallFile(entry.path(), &data);
    if (!s.ok()) return s;
    if (data.size() != kSize || DecodeFixed32(data.data()) != kMagic ||
        DecodeFixed32(data.data() + 4) != kVersion ||
        DecodeFixed32(data.data() + 16) != Crc32c(data.data(), 16)) {
      messages->push_back("consumers: " + entry.path().string() +
                          " is damaged; treating consumer \"" + name +
                          "\" as at offset 0 until it commits again");
      loaded[name] = 0;
      continue;
    }
    loaded[name] = DecodeFixed64(data.data() + 8);
  }
  if (ec) return Status::IOError("list " + dir_.string() + ": " + ec.message());
  std::lock_guard<std::mutex> l(mu_);
  offsets_ = std::move(loaded);
  return Status::OK();
}

Status ConsumerOffsets::Commit(const std::string& name, uint64_t next_offset) {
  if (!IsValidConsumerName(name)) {
    return Status::InvalidArgument("consumer name \"" + name +
                                   "\" is not valid: use 1 to 64 of A-Z a-z 0-9 _ . -");
  }
  std::string data;
  PutFixed32(&data, kMagic);
  PutFixed32(&data, kVersion);
  PutFixed64(&data, next_offset);
  PutFixed32(&data, Crc32c(data.data(), data.size()));
  PutFixed32(&data, 0);
  std::lock_guard<std::mutex> c(commit_mu_);
  Status s = WriteFileAtomic(dir_ / (name + kSuffix), data);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> l(mu_);
  offsets_[name] = next_offset;
  return Status::OK();
}

std::map<std::string, uint64_t> ConsumerOffsets::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return offsets_;
}

uint64_t ConsumerOffsets::MinOffset() const {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t m = UINT64_MAX;
  for (const auto& [name, off] : offsets_) m = std::min(m, off);
  return m;
}

}  // namespace tp::stream
