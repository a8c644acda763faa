// WriteBacklogFiles: the simulator's backlog as one NDJSON file per table
// (`tillpipe simulate --out DIR`).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "app/simulator.h"

namespace tp::app {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

class TableFile {
 public:
  TableFile() = default;
  TableFile(const TableFile&) = delete;
  TableFile& operator=(const TableFile&) = delete;
  ~TableFile() {
    if (file_ != nullptr) std::fclose(file_);
  }

  Status Open(const std::filesystem::path& path) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) return Error("cannot create");
    buffer_.reserve(kFlushBytes + (64 << 10));
    return Status::OK();
  }
  // Appends one line; flushes when the buffer is full. Errors are kept and
  // reported by Close (the simulator's sink cannot return one).
  void Append(std::string_view line) {
    buffer_.append(line);
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  Status Close() {
    Flush();
    if (file_ != nullptr) {
      if (std::fclose(file_) != 0 && status_.ok()) status_ = Error("cannot close");
      file_ = nullptr;
    }
    return status_;
  }

 private:
  void Flush() {
    if (!status_.ok() || buffer_.empty()) {
      buffer_.clear();
      return;
    }
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      status_ = Error("cannot write");
    }
    buffer_.clear();
  }
  Status Error(const char* what) const {
    const int err = errno;
    std::string msg = std::string(what) + " " + path_.string() + ": " + std::strerror(err);
    if (err == ENOSPC) return Status::NoSpace(msg + " (free some disk space or choose another --out)");
    return Status::IOError(msg);
  }

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  Status status_;
};

}  // namespace

Status WriteBacklogFiles(const SimulatorOptions& options, const std::filesystem::path& dir,
                         std::function<void(uint64_t records, int64_t sim_time_us)> progress) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create directory " + dir.string() + ": " + ec.message());

  std::array<TableFile, kSimulatorTables.size()> files;
  for (size_t i = 0; i < files.size(); ++i) {
    Status s = files[i].Open(dir / (std::string(kSimulatorTables[i]) + ".ndjson"));
    if (!s.ok()) return s;
  }

  Simulator sim(options);
  uint64_t records = 0;
  uint64_t next_report = 100000;
  // The sink receives the table name as one of kSimulatorTables' views;
  // compare by pointer first, which is what the simulator passes.
  sim.Advance(options.start_us, [&](std::string_view table, std::string_view json) {
    size_t i = 0;
    while (i + 1 < kSimulatorTables.size() && kSimulatorTables[i].data() != table.data() &&
           kSimulatorTables[i] != table) {
      ++i;
    }
    files[i].Append(json);
    if (++records >= next_report) {
      next_report += 100000;
      if (progress) progress(records, sim.now_us());
    }
  });
  for (auto& f : files) {
    Status s = f.Close();
    if (!s.ok()) return s;
  }
  if (progress) progress(records, sim.now_us());
  return Status::OK();
}

}  // namespace tp::app
