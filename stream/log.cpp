// Log: opening (recovery, idempotency reload), the public API, housekeeping
// (disk guard, retention, checkpoints, snapshots) and Close. The writer
// thread is in log_writer.cpp, readers in log_reader.cpp.
#include "stream/log.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <future>

#include "stream/log_impl.h"
#include "stream/recovery.h"

namespace tp::stream {

namespace {
constexpr auto kRetentionEvery = std::chrono::seconds(60);
constexpr auto kFilesEvery = std::chrono::seconds(30);

uint64_t StatvfsFree(const std::filesystem::path& dir) {
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) != 0) return UINT64_MAX;  // unknown: do not block appends
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

int64_t ToMicros(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
}  // namespace

Log::Log(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Log::~Log() { Close(); }

Result<std::unique_ptr<Log>> Log::Open(LogOptions options) {
  if (options.dir.empty()) return Status::InvalidArgument("stream: no log directory given");
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return Status::IOError("create " + options.dir.string() + ": " + ec.message());
  auto impl = std::make_unique<Impl>(std::move(options));
  Impl& m = *impl;
  m.segment_limit = std::clamp<uint64_t>(m.opt.segment_size, 1, kMaxSegmentSize);

  RecoveredLog rec;
  Status s = RecoverLog(m.opt.dir, &rec);
  if (!s.ok()) return s;
  m.report = std::move(rec.report);
  s = m.consumers.Load(&m.report.messages);
  if (!s.ok()) return s;

  // Writer state continues from the recovered end.
  const SegmentInfo& active = rec.segments.back();
  m.active_base = active.base;
  m.written_size = active.size;
  m.written_offset = m.next_offset = rec.next_offset;
  m.active_index = active.index;
  m.active_last_append_us = active.last_append_us;
  m.seg_path = m.opt.dir / SegmentFileName(active.base);
  s = OpenFile(m.seg_path, O_WRONLY, &m.seg_fd);
  if (!s.ok()) return s;
  s = OpenFile(m.opt.dir / IndexFileName(active.base), O_WRONLY | O_CREAT | O_APPEND, &m.idx_fd);
  if (!s.ok()) return s;
  m.last_sync = std::chrono::steady_clock::now();
  m.NoteDurable();
  m.WriteCheckpointIfChanged();
  {
    std::lock_guard<std::mutex> l(m.shared->mu);
    m.shared->dir = m.opt.dir;
    m.shared->segments = std::move(rec.segments);
    m.shared->end_offset = rec.next_offset;
  }
  s = m.LoadIdempotency();
  if (!s.ok()) return s;
  for (const std::string& msg : m.report.messages) m.Info(msg);
  m.ProbeDisk();
  m.Start();
  return std::unique_ptr<Log>(new Log(std::move(impl)));
}

void Log::Impl::Start() {
  writer = std::thread([this] { WriterLoop(); });
  housekeeper = std::thread([this] { HousekeepingLoop(); });
}

Status Log::Impl::LoadIdempotency() {
  const int64_t cutoff =
      NowMicros() -
      std::chrono::duration_cast<std::chrono::microseconds>(opt.idempotency_window).count();
  std::vector<SegmentInfo> segs;
  {
    std::lock_guard<std::mutex> l(shared->mu);
    segs = shared->segments;
  }
  uint64_t scanned = 0;
  // Reads the keys of every batch from (segment i, byte pos, offset expected)
  // to the end of the log. *clean is false if pos is not a batch start.
  auto scan_from = [&](size_t seg_i, uint64_t pos, uint64_t expected, bool* clean) -> Status {
    *clean = true;
    for (size_t i = seg_i; i < segs.size(); ++i) {
      if (i != seg_i) {
        pos = 0;
        expected = segs[i].base;
      }
      const auto path = opt.dir / SegmentFileName(segs[i].base);
      FileHandle fh;
      Status s = OpenFile(path, O_RDONLY, &fh);
      if (!s.ok()) return s;
      BufferedFile file(fh.get(), path, segs[i].size, 16 << 10);
      ScanResult r;
      s = ScanBatches(
          &file, pos, expected, false, nullptr, segs[i].base,
          [&](const BatchHeader& h, uint64_t) {
            ++scanned;
            if (h.key.empty() || h.append_time_us < cutoff) return;
            std::string key(h.key);
            if (idem.Find(key) != nullptr) return;
            idem.Insert(key, IdempotencyEntry{std::string(h.table), h.body_hash, h.base_offset,
                                              h.record_count, h.append_time_us});
          },
          &r);
      if (!s.ok()) return s;
      if (!r.clean) {
        if (i == seg_i) {
          *clean = false;
          return Status::OK();
        }
        return Status::Corruption("idempotency: " + path.string() + " at byte " +
                                  std::to_string(r.end_pos) + ": " + r.problem);
      }
    }
    return Status::OK();
  };
  auto first_in_window = [&] {
    size_t i = 0;
    while (i + 1 < segs.size() && segs[i].last_append_us < cutoff) ++i;
    return i;
  };

  Checkpoint snap;
  Status s = idem.LoadSnapshot(opt.dir / kIdempotencySnapshotFile, &snap);
  bool use_snapshot = s.ok();
  if (!s.ok() && s.code() != Status::Code::kNotFound) {
    report.messages.push_back("idempotency: ignoring snapshot (" + s.message() +
                              "); rebuilding keys from the log");
  }
  bool done = false;
  if (use_snapshot) {
    auto it = std::find_if(segs.begin(), segs.end(),
                           [&](const SegmentInfo& g) { return g.base == snap.segment_base; });
    bool clean = false;
    if (snap.next_offset <= segs.back().end_offset) {
      if (it != segs.end() && snap.position <= it->size) {
        s = scan_from(static_cast<size_t>(it - segs.begin()), snap.position, snap.next_offset,
                      &clean);
        if (!s.ok()) return s;
      } else if (it == segs.end() && snap.segment_base < segs.front().base) {
        // Its segment was removed by retention: everything left is newer.
        s = scan_from(0, 0, segs.front().base, &clean);
        if (!s.ok()) return s;
      }
    }
    done = clean;
    if (!clean) {
      use_snapshot = false;
      idem = IdempotencyTable();
      report.messages.push_back("idempotency: snapshot does not match the log; rebuilding keys");
    }
  }
  if (!done) {
    const size_t i = first_in_window();
    bool clean = false;
    s = scan_from(i, 0, segs[i].base, &clean);
    if (!s.ok()) return s;
    if (!clean)
      return Status::Corruption("idempotency: cannot read " + SegmentFileName(segs[i].base));
  }
  idem.Expire(cutoff, kMaxIdempotencyKeys);
  {
    std::lock_guard<std::mutex> l(idem_mu);
    ++idem_changes;
  }
  report.messages.push_back("idempotency: " + std::to_string(idem.size()) + " keys remembered (" +
                            (use_snapshot ? "snapshot + " : "") + std::to_string(scanned) +
                            " batches scanned)");
  return Status::OK();
}

void Log::Impl::ProbeDisk() {
  const uint64_t free = opt.free_space_probe ? opt.free_space_probe(opt.dir) : StatvfsFree(opt.dir);
  free_bytes.store(free);
  const bool low = free < opt.min_free;
  const bool was = disk_low.exchange(low);
  if (low && !was) Info("stream: " + DiskLowMessage());
  if (!low && was)
    Info("stream: disk space recovered (" + FormatBytes(free) + " free); accepting appends");
}

std::string Log::Impl::DiskLowMessage() const {
  const uint64_t free = free_bytes.load();
  if (free >= opt.min_free) {
    return "the disk holding " + opt.dir.string() +
           " ran out of space during a write; waiting for the next free-space check";
  }
  return "only " + FormatBytes(free) + " free on " + opt.dir.string() +
         ", below stream.min_free = " + FormatBytes(opt.min_free) +
         "; free space or lower min_free";
}

void Log::Impl::HousekeepingLoop() {
  auto last_retention = std::chrono::steady_clock::now();
  auto last_files = last_retention;
  std::unique_lock<std::mutex> l(hk_mu);
  while (!hk_stop) {
    hk_cv.wait_for(l, opt.housekeeping_interval);
    if (hk_stop) break;
    l.unlock();
    ProbeDisk();
    const int64_t cutoff =
        NowMicros() -
        std::chrono::duration_cast<std::chrono::microseconds>(opt.idempotency_window).count();
    {
      std::lock_guard<std::mutex> g(idem_mu);
      if (idem.Expire(cutoff, kMaxIdempotencyKeys) > 0) ++idem_changes;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_retention >= kRetentionEvery) {
      last_retention = now;
      auto r = EnforceRetention(std::chrono::system_clock::now());
      if (!r.ok()) Info("stream: retention failed: " + r.status().ToString());
    }
    if (now - last_files >= kFilesEvery) {
      last_files = now;
      WriteCheckpointIfChanged();
      WriteSnapshotIfChanged(false);
    }
    l.lock();
  }
}

Result<int> Log::Impl::EnforceRetention(std::chrono::system_clock::time_point now) {
  if (opt.retention.count() <= 0) return 0;
  std::lock_guard<std::mutex> r(retention_mu);
  const int64_t cutoff =
      ToMicros(now) - std::chrono::duration_cast<std::chrono::microseconds>(opt.retention).count();
  const uint64_t min_consumer = consumers.MinOffset();
  int deleted = 0;
  for (;;) {
    SegmentInfo victim;
    {
      std::lock_guard<std::mutex> l(shared->mu);
      if (shared->segments.size() < 2) break;  // never the active segment
      const SegmentInfo& seg = shared->segments[0];
      const uint64_t seg_end = shared->segments[1].base;
      if (seg.last_append_us >= cutoff || min_consumer < seg_end) break;
      victim.base = seg.base;
      victim.end_offset = seg_end;
      victim.size = seg.size;
      shared->segments.erase(shared->segments.begin());
    }
    const auto log_path = opt.dir / SegmentFileName(victim.base);
    if (::unlink(log_path.c_str()) != 0 && errno != ENOENT) {
      return PosixError("remove", log_path, errno);
    }
    ::unlink((opt.dir / IndexFileName(victim.base)).c_str());
    ++deleted;
    Info("stream: retention deleted segment " + SegmentFileName(victim.base) + " (offsets " +
         std::to_string(victim.base) + ".." + std::to_string(victim.end_offset - 1) + ", " +
         FormatBytes(victim.size) + "): older than " + std::to_string(opt.retention.count()) +
         " s and read by every consumer");
  }
  return deleted;
}

void Log::Impl::Close() {
  std::lock_guard<std::mutex> c(close_mu);
  if (closed) return;
  closed = true;
  {
    std::lock_guard<std::mutex> l(mu);
    closing = true;
  }
  writer_cv.notify_all();
  if (writer.joinable()) writer.join();
  {
    std::lock_guard<std::mutex> l(hk_mu);
    hk_stop = true;
  }
  hk_cv.notify_all();
  if (housekeeper.joinable()) housekeeper.join();
  WriteCheckpointIfChanged();
  WriteSnapshotIfChanged(true);
  seg_fd.Reset();
  idx_fd.Reset();
}

// ---- public API --------------------------------------------------------------

void Log::Append(AppendRequest request, std::function<void(AppendResult)> done) {
  impl_->Append(std::move(request), std::move(done));
}

AppendResult Log::AppendSync(AppendRequest request) {
  std::promise<AppendResult> p;
  auto f = p.get_future();
  impl_->Append(std::move(request), [&p](AppendResult r) { p.set_value(std::move(r)); });
  return f.get();
}

Result<std::unique_ptr<LogReader>> Log::NewReader(uint64_t from_offset) const {
  return NewLogReader(impl_->shared, from_offset);
}

Status Log::CommitConsumer(const std::string& name, uint64_t next_offset) {
  uint64_t end;
  {
    std::lock_guard<std::mutex> l(impl_->shared->mu);
    end = impl_->shared->end_offset;
  }
  if (next_offset > end) {
    return Status::InvalidArgument("consumer \"" + name + "\" cannot commit offset " +
                                   std::to_string(next_offset) + ": the log ends at " +
                                   std::to_string(end));
  }
  return impl_->consumers.Commit(name, next_offset);
}

std::vector<ConsumerInfo> Log::Consumers() const {
  uint64_t end;
  {
    std::lock_guard<std::mutex> l(impl_->shared->mu);
    end = impl_->shared->end_offset;
  }
  std::vector<ConsumerInfo> out;
  for (const auto& [name, off] : impl_->consumers.Snapshot()) {
    out.push_back(ConsumerInfo{name, off, end > off ? end - off : 0});
  }
  return out;
}

LogStats Log::Stats() const {
  const Impl& m = *impl_;
  LogStats st;
  {
    std::lock_guard<std::mutex> l(m.shared->mu);
    st.start_offset = m.shared->segments.front().base;
    st.end_offset = m.shared->end_offset;
    st.segments = m.shared->segments.size();
    for (const SegmentInfo& seg : m.shared->segments) st.bytes += seg.size;
  }
  st.appended_records = m.appended_records.load();
  st.appended_batches = m.appended_batches.load();
  st.syncs = m.syncs.load();
  {
    std::lock_guard<std::mutex> l(m.mu);
    st.pending_bytes = m.pending_bytes;
  }
  st.free_bytes = m.free_bytes.load();
  st.disk_low = m.disk_low.load();
  {
    std::lock_guard<std::mutex> l(m.idem_mu);
    st.idempotency_keys = m.idem.size();
  }
  return st;
}

std::vector<SegmentSummary> Log::Segments() const {
  std::lock_guard<std::mutex> l(impl_->shared->mu);
  std::vector<SegmentSummary> out;
  for (const SegmentInfo& seg : impl_->shared->segments) {
    out.push_back({seg.base, seg.end_offset, seg.size, seg.last_append_us, false});
  }
  out.back().active = true;  // segments is never empty
  return out;
}

const RecoveryReport& Log::recovery_report() const { return impl_->report; }

const LatencyHistogram& Log::fsync_seconds() const { return impl_->fsync_seconds; }

Result<int> Log::EnforceRetention(std::chrono::system_clock::time_point now) {
  return impl_->EnforceRetention(now);
}

void Log::Close() {
  if (impl_) impl_->Close();
}

}  // namespace tp::stream
