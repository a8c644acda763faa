// The writer thread: group commit. Append() queues; the writer takes
// everything queued, assigns offsets, builds the small batch headers, writes
// the group with pwritev, syncs once (FsyncMode::kGroup) and then answers
// every request in order. Payloads were encoded and checksummed by the
// callers (BatchBuilder), so there is no per-record work here.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "stream/batch_format.h"
#include "stream/log_impl.h"

namespace tp::stream {

void Log::Impl::Append(AppendRequest req, std::function<void(AppendResult)> done) {
  Status rej;
  if (req.table.empty() || req.table.size() > 255) {
    rej = Status::InvalidArgument("table name must be 1 to 255 bytes, got " +
                                  std::to_string(req.table.size()));
  } else if (req.idempotency_key.size() > 255) {
    rej = Status::InvalidArgument("idempotency key must be at most 255 bytes, got " +
                                  std::to_string(req.idempotency_key.size()));
  } else if (req.record_count == 0 ||
             req.payload.size() < uint64_t{req.record_count} * kRecordPrefixSize) {
    rej = Status::InvalidArgument("a batch needs at least one record and the payload of " +
                                  std::to_string(req.record_count) + " records (use BatchBuilder)");
  }
  const uint64_t bytes =
      req.payload.size() + BatchHeaderSize(req.table.size(), req.idempotency_key.size());
  if (rej.ok() && bytes > UINT32_MAX) {
    rej = Status::InvalidArgument("batch of " + FormatBytes(bytes) + " is above the 4 GiB limit");
  }
  if (rej.ok()) {
    std::lock_guard<std::mutex> l(mu);
    if (closing) {
      rej = Status::IOError("log is closed");
    } else if (!sticky_error.ok()) {
      rej = sticky_error;
    } else if (disk_low.load(std::memory_order_relaxed)) {
      rej = Status::NoSpace(DiskLowMessage());
    } else if (pending_bytes + bytes > opt.max_pending_bytes) {
      rej = Status::Busy("append backlog is " + FormatBytes(pending_bytes) + " plus " +
                         FormatBytes(bytes) + ", above stream.max_pending_bytes = " +
                         FormatBytes(opt.max_pending_bytes) + "; retry later");
    } else {
      const bool wake = queue.empty();
      queue.push_back(Pending{std::move(req), std::move(done), bytes});
      pending_bytes += bytes;
      if (wake) writer_cv.notify_one();
      return;
    }
  }
  AppendResult r;
  r.status = std::move(rej);
  done(std::move(r));
}

void Log::Impl::WriterLoop() {
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu);
      for (;;) {
        if (!queue.empty() || closing) break;
        if (opt.fsync == FsyncMode::kInterval && dirty) {
          const auto deadline = last_sync + opt.fsync_interval;
          if (std::chrono::steady_clock::now() >= deadline) break;
          writer_cv.wait_until(l, deadline);
        } else {
          writer_cv.wait(l);
        }
      }
      if (queue.empty() && closing) break;
      group.swap(queue);
    }
    if (!group.empty()) ProcessGroup(&group);
    group.clear();
    if (opt.fsync == FsyncMode::kInterval && dirty &&
        std::chrono::steady_clock::now() >= last_sync + opt.fsync_interval) {
      Status s = SyncActive();
      if (!s.ok()) Info("stream: periodic fdatasync failed: " + s.ToString());
    }
  }
  if (dirty) {
    Status s = SyncActive();
    if (!s.ok()) Info("stream: fdatasync at close failed: " + s.ToString());
  }
}

void Log::Impl::ProcessGroup(std::vector<Pending>* group_ptr) {
  std::vector<Pending>& group = *group_ptr;
  const size_t n = group.size();
  items.assign(n, Item{});
  new_items.clear();
  Status pre;
  {
    std::lock_guard<std::mutex> l(mu);
    pre = sticky_error;
  }
  const int64_t now_us = NowMicros();
  const uint64_t group_first = next_offset;
  size_t header_total = 0;
  if (pre.ok()) {
    std::lock_guard<std::mutex> l(idem_mu);
    for (size_t i = 0; i < n; ++i) {
      const AppendRequest& req = group[i].req;
      Item& it = items[i];
      if (!req.idempotency_key.empty()) {
        if (const IdempotencyEntry* e = idem.Find(req.idempotency_key)) {
          if (e->table != req.table || e->body_hash != req.body_hash) {
            it.kind = Item::kFailed;
            it.result.status = Status::Conflict(
                "idempotency key \"" + req.idempotency_key + "\" was already used for " +
                std::to_string(e->count) + " records in table \"" + e->table + "\" (offsets " +
                std::to_string(e->first) + ".." + std::to_string(e->last()) + ") with " +
                (e->table != req.table ? "a different table" : "a different body") +
                "; use a new key for a new request");
            continue;
          }
          if (e->first >= group_first) {  // the original is in this group
            it.kind = Item::kDupInGroup;
            auto pos = std::lower_bound(
                new_items.begin(), new_items.end(), e->first,
                [this](size_t idx, uint64_t off) { return items[idx].result.first_offset < off; });
            it.ref = *pos;
            continue;
          }
          it.kind = Item::kDupDone;
          it.result.first_offset = e->first;
          it.result.last_offset = e->last();
          it.result.accepted = e->count;
          it.result.duplicate = true;
          continue;
        }
        idem.Insert(req.idempotency_key, IdempotencyEntry{req.table, req.body_hash, next_offset,
                                                          req.record_count, now_us});
        ++idem_changes;
      }
      it.kind = Item::kNew;
      it.result.first_offset = next_offset;
      it.result.last_offset = next_offset + req.record_count - 1;
      it.result.accepted = req.record_count;
      next_offset += req.record_count;
      header_total += BatchHeaderSize(req.table.size(), req.idempotency_key.size());
      new_items.push_back(i);
    }
  } else {
    for (Item& it : items) {
      it.kind = Item::kFailed;
      it.result.status = pre;
    }
  }

  // Headers for every new batch, in one buffer.
  header_arena.resize(header_total);
  size_t cursor = 0;
  for (size_t idx : new_items) {
    Item& it = items[idx];
    const AppendRequest& req = group[idx].req;
    it.header_at = cursor;
    it.header_len = EncodeBatchHeader(header_arena.data() + cursor, it.result.first_offset,
                                      req.record_count, now_us, req.payload_crc, req.payload.size(),
                                      req.table, req.idempotency_key, req.body_hash);
    cursor += it.header_len;
  }

  // Write in runs, one per segment: roll before a batch that would push a
  // non-empty segment past the limit.
  Status failure;
  size_t failed_from = new_items.size();
  size_t k = 0;
  while (k < new_items.size()) {
    uint64_t size = written_size;
    size_t e = k;
    while (e < new_items.size()) {
      const Item& it = items[new_items[e]];
      const uint64_t b = it.header_len + group[new_items[e]].req.payload.size();
      if (size > 0 && size + b > segment_limit) break;
      size += b;
      ++e;
    }
    Status s =
        e == k ? Roll(items[new_items[k]].result.first_offset) : WriteRun(&group, k, e, now_us);
    if (!s.ok()) {
      failure = s;
      failed_from = k;
      break;
    }
    k = e;
  }
  if (failed_from < new_items.size()) {
    // Undo offsets and keys of everything not written.
    std::lock_guard<std::mutex> l(idem_mu);
    for (size_t j = new_items.size(); j-- > failed_from;) {
      Item& it = items[new_items[j]];
      const std::string& key = group[new_items[j]].req.idempotency_key;
      if (!key.empty()) idem.RemoveNewest(key);
      it.kind = Item::kFailed;
      it.result = AppendResult{};
      it.result.status = failure;
    }
    next_offset = written_offset;
  }

  uint64_t bytes = 0;
  for (const Pending& p : group) bytes += p.bytes;
  {
    std::lock_guard<std::mutex> l(mu);
    pending_bytes -= bytes;
  }
  for (size_t i = 0; i < n; ++i) {
    AppendResult r;
    if (items[i].kind == Item::kDupInGroup) {
      r = items[items[i].ref].result;
      if (r.status.ok()) r.duplicate = true;
    } else {
      r = std::move(items[i].result);
    }
    group[i].done(std::move(r));
  }
}

Status Log::Impl::WriteRun(std::vector<Pending>* group, size_t k, size_t e, int64_t now_us) {
  iov.clear();
  uint64_t pos = written_size;
  uint64_t records = 0;
  for (size_t j = k; j < e; ++j) {
    Item& it = items[new_items[j]];
    const std::string& payload = (*group)[new_items[j]].req.payload;
    it.position = pos;
    iov.push_back({header_arena.data() + it.header_at, it.header_len});
    iov.push_back({const_cast<char*>(payload.data()), payload.size()});
    pos += it.header_len + payload.size();
    records += it.result.accepted;
  }
  Status s =
      PWriteVFull(seg_fd.get(), seg_path, written_size, iov.data(), static_cast<int>(iov.size()));
  if (s.ok() && opt.fsync == FsyncMode::kGroup) s = SyncSegment();
  if (!s.ok()) {
    // Never leave part of a failed group in the log.
    if (::ftruncate(seg_fd.get(), static_cast<off_t>(written_size)) != 0) {
      std::lock_guard<std::mutex> l(mu);
      sticky_error = Status::IOError("could not cut a failed write from " + seg_path.string() +
                                     " (" + std::strerror(errno) +
                                     "); restart tillpipe so recovery can repair the log");
    }
    if (s.code() == Status::Code::kNoSpace) disk_low.store(true);
    Info("stream: write of " + std::to_string(e - k) + " batches to " + seg_path.string() +
         " failed and was rolled back: " + s.ToString());
    return s;
  }

  // Sparse index: plain write, not synced (recovery rebuilds it if needed).
  const size_t first_new_entry = active_index.size();
  for (size_t j = k; j < e; ++j) {
    const Item& it = items[new_items[j]];
    if (NeedsIndexEntry(active_index, it.position)) {
      active_index.push_back({static_cast<uint32_t>(it.result.first_offset - active_base),
                              static_cast<uint32_t>(it.position)});
    }
  }
  if (active_index.size() > first_new_entry) {
    index_scratch.clear();
    EncodeIndexEntries(active_index.data() + first_new_entry, active_index.size() - first_new_entry,
                       &index_scratch);
    Status is = WriteAll(idx_fd.get(), seg_path, index_scratch.data(), index_scratch.size());
    if (!is.ok()) Info("stream: index write failed (rebuilt on next open): " + is.ToString());
  }

  written_size = pos;
  written_offset = items[new_items[e - 1]].result.last_offset + 1;
  active_last_append_us = now_us;
  dirty = opt.fsync != FsyncMode::kGroup;
  if (!dirty) NoteDurable();
  appended_batches.fetch_add(e - k, std::memory_order_relaxed);
  appended_records.fetch_add(records, std::memory_order_relaxed);

  // Publish to readers: durable per the fsync mode.
  std::lock_guard<std::mutex> l(shared->mu);
  SegmentInfo& seg = shared->segments.back();
  seg.size = written_size;
  seg.end_offset = written_offset;
  seg.last_append_us = now_us;
  seg.index.insert(seg.index.end(), active_index.begin() + first_new_entry, active_index.end());
  shared->end_offset = written_offset;
  return Status::OK();
}

Status Log::Impl::Roll(uint64_t new_base) {
  if (opt.fsync != FsyncMode::kOff && dirty) {
    Status s = SyncActive();
    if (!s.ok()) return s;
  }
  const auto path = opt.dir / SegmentFileName(new_base);
  const auto ipath = opt.dir / IndexFileName(new_base);
  FileHandle f, x;
  Status s = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL, &f);
  if (!s.ok()) return s;
  s = OpenFile(ipath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, &x);
  if (s.ok() && opt.fsync != FsyncMode::kOff) s = SyncDir(opt.dir);
  if (!s.ok()) {
    ::unlink(path.c_str());
    ::unlink(ipath.c_str());
    if (s.code() == Status::Code::kNoSpace) disk_low.store(true);
    return s;
  }
  {
    std::lock_guard<std::mutex> l(shared->mu);
    SegmentInfo seg;
    seg.base = seg.end_offset = new_base;
    shared->segments.push_back(std::move(seg));
  }
  seg_fd = std::move(f);
  idx_fd = std::move(x);
  seg_path = path;
  active_base = new_base;
  written_size = 0;
  written_offset = new_base;
  active_index.clear();
  active_last_append_us = 0;
  dirty = false;
  Info("stream: rolled to segment " + SegmentFileName(new_base));
  if (opt.fsync != FsyncMode::kOff) {
    NoteDurable();
    WriteCheckpointIfChanged();
  }
  return Status::OK();
}

Status Log::Impl::SyncSegment() {
  const auto start = std::chrono::steady_clock::now();
  if (::fdatasync(seg_fd.get()) != 0) return PosixError("fdatasync", seg_path, errno);
  last_sync = std::chrono::steady_clock::now();
  fsync_seconds.Observe(last_sync - start);
  syncs.fetch_add(1, std::memory_order_relaxed);
  return Status::OK();
}

Status Log::Impl::SyncActive() {
  if (Status s = SyncSegment(); !s.ok()) return s;
  dirty = false;
  NoteDurable();
  return Status::OK();
}

void Log::Impl::NoteDurable() {
  std::lock_guard<std::mutex> l(durable_mu);
  durable = Checkpoint{active_base, written_size, written_offset};
  ++durable_seq;
}

void Log::Impl::WriteCheckpointIfChanged() {
  std::lock_guard<std::mutex> f(files_mu);
  Checkpoint cp;
  uint64_t seq;
  {
    std::lock_guard<std::mutex> l(durable_mu);
    cp = durable;
    seq = durable_seq;
  }
  if (seq == checkpoint_seq_written) return;
  Status s = WriteCheckpoint(opt.dir, cp);
  if (s.ok()) {
    checkpoint_seq_written = seq;
  } else {
    Info("stream: could not write checkpoint: " + s.ToString());
  }
}

void Log::Impl::WriteSnapshotIfChanged(bool at_close) {
  std::lock_guard<std::mutex> f(files_mu);
  Checkpoint pos;
  {
    std::lock_guard<std::mutex> l(durable_mu);
    pos = durable;
  }
  std::string data;
  uint64_t changes;
  {
    std::lock_guard<std::mutex> l(idem_mu);
    changes = idem_changes;
    const bool same_pos = pos.segment_base == snapshot_pos_written.segment_base &&
                          pos.position == snapshot_pos_written.position;
    if (changes == snapshot_changes_written && (same_pos || !at_close)) return;
    data = idem.EncodeSnapshot(pos);
  }
  Status s = WriteFileAtomic(opt.dir / kIdempotencySnapshotFile, data);
  if (s.ok()) {
    snapshot_changes_written = changes;
    snapshot_pos_written = pos;
  } else {
    Info("stream: could not write idempotency snapshot: " + s.ToString());
  }
}

}  // namespace tp::stream
