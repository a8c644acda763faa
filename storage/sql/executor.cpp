// Executor: query context, pipelines, the streaming operators and the row
// helpers the breakers share. See executor.h.
#include "storage/sql/executor.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <system_error>
#include <thread>
#include <utility>

#include "storage/sql/executor_internal.h"

namespace tp::storage::sql {

QueryContext::QueryContext(EvalContext eval, QueryLimits limits, const std::atomic<bool>* cancel,
                           int threads, std::filesystem::path data_dir,
                           std::filesystem::path spill_dir)
    : eval_(eval),
      limits_(limits),
      cancel_(cancel),
      threads_(threads),
      data_dir_(std::move(data_dir)),
      spill_dir_(std::move(spill_dir)),
      deadline_(limits.timeout.count() > 0
                    ? std::chrono::steady_clock::now() + limits.timeout
                    : std::chrono::steady_clock::time_point::max()) {}

Status QueryContext::Check() const {
  if (failed_.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }
  if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed)) {
    return Status::Busy("query cancelled");
  }
  if (std::chrono::steady_clock::now() > deadline_) {
    return Status::InvalidArgument(
        "query stopped after " + std::to_string(limits_.timeout.count() / 1000.0).substr(0, 5) +
        " s, its time limit ([query] timeout in the config); narrow it with WHERE on the time "
        "column or raise the limit");
  }
  return Status::OK();
}

Status QueryContext::Reserve(size_t bytes) {
  const size_t now = memory_.fetch_add(bytes) + bytes;
  size_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  if (limits_.memory_bytes > 0 && now > limits_.memory_bytes) {
    const size_t limit = limits_.memory_bytes;
    return Status::InvalidArgument(
        "query needs more than " +
        (limit >= (size_t{1} << 20) ? std::to_string(limit >> 20) + " MB"
                                    : std::to_string(limit >> 10) + " KB") +
        " of memory, its limit ([query] memory_limit in the config); aggregate or filter "
        "more, add a LIMIT, or raise the limit");
  }
  return Status::OK();
}

void QueryContext::Release(size_t bytes) { memory_.fetch_sub(bytes); }

void QueryContext::Fail(const Status& s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!failed_.load()) {
    error_ = s;
    failed_.store(true);
  }
}

namespace exec {
namespace {

class FilterStream : public Stream {
 public:
  FilterStream(StreamPtr child, const BoundExpr* predicate, QueryContext* ctx)
      : child_(std::move(child)), predicate_(predicate), ctx_(ctx) {}
  Status Next(Chunk* out) override {
    while (true) {
      Status s = child_->Next(&in_);
      if (!s.ok()) return s;
      if (in_.size == 0) {
        out->size = 0;
        out->columns.clear();
        return Status::OK();
      }
      sel_.resize(in_.size);
      size_t n = 0;
      s = Select(ctx_->eval(), *predicate_, in_, sel_.data(), &n);
      if (!s.ok()) return s;
      if (n == 0) continue;
      out->columns.resize(in_.columns.size());
      if (n == in_.size) {
        for (size_t c = 0; c < in_.columns.size(); ++c) out->columns[c].Reference(in_.columns[c]);
      } else {
        for (size_t c = 0; c < in_.columns.size(); ++c) {
          out->columns[c].Gather(in_.columns[c], sel_.data(), n);
        }
      }
      out->size = n;
      return Status::OK();
    }
  }

 private:
  StreamPtr child_;
  const BoundExpr* predicate_;
  QueryContext* ctx_;
  Chunk in_;
  std::vector<uint32_t> sel_;
};

class ProjectStream : public Stream {
 public:
  ProjectStream(StreamPtr child, const std::vector<BoundExprPtr>* exprs, QueryContext* ctx)
      : child_(std::move(child)), exprs_(exprs), ctx_(ctx) {}
  Status Next(Chunk* out) override {
    Status s = child_->Next(&in_);
    if (!s.ok()) return s;
    out->columns.resize(exprs_->size());
    out->size = in_.size;
    if (in_.size == 0) return Status::OK();
    for (size_t i = 0; i < exprs_->size(); ++i) {
      s = Evaluate(ctx_->eval(), *(*exprs_)[i], in_, &out->columns[i]);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  StreamPtr child_;
  const std::vector<BoundExprPtr>* exprs_;
  QueryContext* ctx_;
  Chunk in_;
};

// LIMIT/OFFSET without ORDER BY: threads claim row ranges from a shared
// counter, so exactly `limit` rows pass in all.
class LimitStream : public Stream {
 public:
  LimitStream(StreamPtr child, std::shared_ptr<std::atomic<uint64_t>> seen,
              std::optional<uint64_t> limit, uint64_t offset)
      : child_(std::move(child)), seen_(std::move(seen)), limit_(limit), offset_(offset) {}
  Status Next(Chunk* out) override {
    const uint64_t end = limit_ ? offset_ + *limit_ : UINT64_MAX;
    while (true) {
      if (seen_->load() >= end) return End(out);
      Status s = child_->Next(&in_);
      if (!s.ok()) return s;
      if (in_.size == 0) return End(out);
      const uint64_t first = seen_->fetch_add(in_.size);
      const uint64_t last = first + in_.size;  // exclusive
      const uint64_t from = std::max(first, offset_), to = std::min(last, end);
      if (from >= to) continue;
      out->columns.resize(in_.columns.size());
      for (size_t c = 0; c < in_.columns.size(); ++c) {
        out->columns[c].Slice(in_.columns[c], from - first, to - from);
      }
      out->size = to - from;
      return Status::OK();
    }
  }

 private:
  static Status End(Chunk* out) {
    out->size = 0;
    out->columns.clear();
    return Status::OK();
  }
  StreamPtr child_;
  std::shared_ptr<std::atomic<uint64_t>> seen_;
  std::optional<uint64_t> limit_;
  uint64_t offset_;
  Chunk in_;
};

class UnionStream : public Stream {
 public:
  explicit UnionStream(std::vector<StreamPtr> children) : children_(std::move(children)) {}
  Status Next(Chunk* out) override {
    while (i_ < children_.size()) {
      Status s = children_[i_]->Next(out);
      if (!s.ok()) return s;
      if (out->size > 0) return Status::OK();
      ++i_;
    }
    out->size = 0;
    return Status::OK();
  }

 private:
  std::vector<StreamPtr> children_;
  size_t i_ = 0;
};

// One row of no columns, produced by one thread only.
class ValuesStream : public Stream {
 public:
  explicit ValuesStream(std::shared_ptr<std::atomic<bool>> done) : done_(std::move(done)) {}
  Status Next(Chunk* out) override {
    out->columns.clear();
    out->size = done_->exchange(true) ? 0 : 1;
    return Status::OK();
  }

 private:
  std::shared_ptr<std::atomic<bool>> done_;
};

class CollectionStream : public Stream {
 public:
  explicit CollectionStream(std::shared_ptr<Collection> c) : c_(std::move(c)) {}
  Status Next(Chunk* out) override {
    const size_t i = c_->next.fetch_add(1);
    out->columns.resize(c_->types.size());
    if (i >= c_->chunks.size()) {
      out->size = 0;
      return Status::OK();
    }
    const Chunk& src = c_->chunks[i];
    for (size_t k = 0; k < src.columns.size(); ++k) out->columns[k].Reference(src.columns[k]);
    out->size = src.size;
    return Status::OK();
  }

 private:
  std::shared_ptr<Collection> c_;
};

uint64_t Mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

template <typename T>
void HashFixed(const Vector& v, size_t count, uint64_t* hashes, bool first) {
  const T* d = v.data<T>();
  const uint8_t* valid = v.validity();
  for (size_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    if constexpr (std::is_same_v<T, double>) {
      double x = d[i];
      if (x == 0) x = 0;          // -0.0 hashes as 0.0
      if (std::isnan(x)) x = NAN;  // one NaN
      std::memcpy(&bits, &x, sizeof bits);
    } else {
      bits = static_cast<uint64_t>(static_cast<int64_t>(d[i]));
    }
    uint64_t h = (valid != nullptr && valid[i] == 0) ? 0x9e3779b97f4a7c15ULL : Mix(bits);
    hashes[i] = first ? h : Mix(hashes[i] ^ (h + 0x9e3779b97f4a7c15ULL + (hashes[i] << 6)));
  }
}

}  // namespace

StreamPtr ReadCollection(std::shared_ptr<Collection> c) {
  return std::make_unique<CollectionStream>(std::move(c));
}

void HashRows(const std::vector<const Vector*>& keys, size_t count, uint64_t* hashes) {
  if (keys.empty()) {
    std::fill(hashes, hashes + count, 0);
    return;
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const Vector& v = *keys[k];
    const bool first = k == 0;
    switch (v.type().id) {
      case SqlTypeId::kNull:
      case SqlTypeId::kBool: HashFixed<uint8_t>(v, count, hashes, first); break;
      case SqlTypeId::kInt32:
      case SqlTypeId::kDate: HashFixed<int32_t>(v, count, hashes, first); break;
      case SqlTypeId::kInt64:
      case SqlTypeId::kDecimal:
      case SqlTypeId::kTimestamp: HashFixed<int64_t>(v, count, hashes, first); break;
      case SqlTypeId::kFloat64: HashFixed<double>(v, count, hashes, first); break;
      case SqlTypeId::kString: {
        const auto* d = v.data<std::string_view>();
        const uint8_t* valid = v.validity();
        for (size_t i = 0; i < count; ++i) {
          uint64_t h = (valid != nullptr && valid[i] == 0) ? 0x9e3779b97f4a7c15ULL
                                                           : XXH3_64bits(d[i].data(), d[i].size());
          hashes[i] = first ? h : Mix(hashes[i] ^ (h + 0x9e3779b97f4a7c15ULL + (hashes[i] << 6)));
        }
        break;
      }
      case SqlTypeId::kInterval: {
        const auto* d = v.data<Interval>();
        for (size_t i = 0; i < count; ++i) {
          uint64_t h = v.IsNull(i) ? 0x9e3779b97f4a7c15ULL
                                   : XXH3_64bits(&d[i], sizeof(Interval));
          hashes[i] = first ? h : Mix(hashes[i] ^ (h + 0x9e3779b97f4a7c15ULL + (hashes[i] << 6)));
        }
        break;
      }
    }
  }
}

namespace {

template <typename T>
bool FixedEqual(const Vector& x, size_t a, const Vector& y, size_t b) {
  const T va = x.data<T>()[a], vb = y.data<T>()[b];
  if constexpr (std::is_same_v<T, double>) {
    if (std::isnan(va) && std::isnan(vb)) return true;
  }
  return va == vb;
}

template <typename T>
int FixedCompare(const Vector& v, size_t a, size_t b) {
  const T x = v.data<T>()[a], y = v.data<T>()[b];
  if constexpr (std::is_same_v<T, double>) {
    // NaN sorts after every number, as in DuckDB.
    const bool nx = std::isnan(x), ny = std::isnan(y);
    if (nx || ny) return nx == ny ? 0 : (nx ? 1 : -1);
  }
  return x < y ? -1 : (y < x ? 1 : 0);
}

}  // namespace

bool RowsEqual(const std::vector<const Vector*>& x, size_t a, const std::vector<const Vector*>& y,
               size_t b) {
  for (size_t k = 0; k < x.size(); ++k) {
    const Vector& vx = *x[k];
    const Vector& vy = *y[k];
    const bool nx = vx.IsNull(a), ny = vy.IsNull(b);
    if (nx || ny) {
      if (nx != ny) return false;
      continue;
    }
    bool eq = true;
    switch (vx.type().id) {
      case SqlTypeId::kNull: break;
      case SqlTypeId::kBool: eq = FixedEqual<uint8_t>(vx, a, vy, b); break;
      case SqlTypeId::kInt32:
      case SqlTypeId::kDate: eq = FixedEqual<int32_t>(vx, a, vy, b); break;
      case SqlTypeId::kInt64:
      case SqlTypeId::kDecimal:
      case SqlTypeId::kTimestamp: eq = FixedEqual<int64_t>(vx, a, vy, b); break;
      case SqlTypeId::kFloat64: eq = FixedEqual<double>(vx, a, vy, b); break;
      case SqlTypeId::kString:
        eq = vx.data<std::string_view>()[a] == vy.data<std::string_view>()[b];
        break;
      case SqlTypeId::kInterval:
        eq = vx.data<Interval>()[a] == vy.data<Interval>()[b];
        break;
    }
    if (!eq) return false;
  }
  return true;
}

int CompareValues(const Vector& v, size_t a, size_t b) {
  switch (v.type().id) {
    case SqlTypeId::kNull: return 0;
    case SqlTypeId::kBool: return FixedCompare<uint8_t>(v, a, b);
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate: return FixedCompare<int32_t>(v, a, b);
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp: return FixedCompare<int64_t>(v, a, b);
    case SqlTypeId::kFloat64: return FixedCompare<double>(v, a, b);
    case SqlTypeId::kString: {
      const int c = v.data<std::string_view>()[a].compare(v.data<std::string_view>()[b]);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case SqlTypeId::kInterval: {
      // Compare as DuckDB normalizes: months of 30 days, days of 24 hours.
      auto norm = [](const Interval& iv) {
        return (static_cast<__int128>(iv.months) * 30 + iv.days) * 86400000000LL + iv.micros;
      };
      const __int128 x = norm(v.data<Interval>()[a]), y = norm(v.data<Interval>()[b]);
      return x < y ? -1 : (y < x ? 1 : 0);
    }
  }
  return 0;
}

void CopyStrings(const Vector& src, size_t n, Vector* dst, size_t at) {
  auto* d = dst->data<std::string_view>() + at;
  const auto* s = src.data<std::string_view>();
  for (size_t i = 0; i < n; ++i) {
    if (src.IsNull(i)) {
      d[i] = {};
      dst->SetNull(at + i);
    } else {
      d[i] = dst->AddString(s[i]);
    }
  }
}

Chunk Concat(const std::vector<SqlType>& types, std::vector<Chunk>& chunks) {
  Chunk out;
  if (chunks.size() == 1) {
    out = std::move(chunks[0]);
    return out;
  }
  size_t rows = 0;
  for (const auto& c : chunks) rows += c.size;
  out.columns.resize(types.size());
  for (size_t k = 0; k < types.size(); ++k) {
    Vector& v = out.columns[k];
    if (types[k].id == SqlTypeId::kString && chunks.size() > 4) {
      // Copy the strings into one heap: appending would make the result pin
      // (and every later gather from it carry) one buffer per input chunk.
      v.Reset(types[k], rows);
      size_t r = 0;
      for (const auto& c : chunks) {
        CopyStrings(c.columns[k], c.size, &v, r);
        r += c.size;
      }
      continue;
    }
    if (types[k].id == SqlTypeId::kString) {
      v.Reset(types[k], 0);
      for (const auto& c : chunks) {
        if (c.size > 0) v.Append(c.columns[k], 0, c.size);
      }
      continue;
    }
    // Sized once: appending regrew the buffer (each time a copy, and fresh
    // pages to fault in: 9% of bench query 01's window).
    v.Reset(types[k], rows);
    const size_t w = PhysicalWidth(types[k].id);
    size_t r = 0;
    for (const auto& c : chunks) {
      const Vector& src = c.columns[k];
      if (c.size > 0) std::memcpy(v.data<uint8_t>() + r * w, src.data<uint8_t>(), c.size * w);
      if (const uint8_t* valid = src.validity(); valid != nullptr) {
        for (size_t i = 0; i < c.size; ++i) {
          if (valid[i] == 0) v.SetNull(r + i);
        }
      }
      r += c.size;
    }
  }
  out.size = rows;
  return out;
}

size_t ChunkBytes(const Chunk& c) { return c.MemoryUsage(); }

size_t HeldBytes(const Chunk& c) {
  size_t bytes = 0;
  for (const Vector& v : c.columns) {
    bytes += v.size() * (PhysicalWidth(v.type().id) + (v.validity() != nullptr ? 1 : 0));
    if (v.type().id == SqlTypeId::kString) {
      const auto* d = v.data<std::string_view>();
      for (size_t i = 0; i < v.size(); ++i) bytes += d[i].size();
    }
  }
  return bytes;
}

Status Prepare(PlanNode* node, Shared* shared) {
  if (shared->materialized.count(node) > 0 || shared->sources.count(node) > 0) {
    return Status::OK();
  }
  switch (node->kind) {
    case PlanKind::kScan:
      return PrepareScan(node, shared);
    case PlanKind::kValues:
      shared->once[node] = std::make_shared<std::atomic<bool>>(false);
      return Status::OK();
    case PlanKind::kJoin:
      return PrepareJoin(node, shared);
    case PlanKind::kAggregate:
      return RunAggregate(node, shared);
    case PlanKind::kSort:
    case PlanKind::kWindow: {
      auto r = node->kind == PlanKind::kSort ? RunSort(node, shared) : RunWindow(node, shared);
      if (!r.ok()) return r.status();
      shared->materialized[node] = std::move(*r);
      return Status::OK();
    }
    case PlanKind::kLimit:
      shared->limits[node] = std::make_shared<std::atomic<uint64_t>>(0);
      [[fallthrough]];
    default:
      for (auto& c : node->children) {
        Status s = Prepare(c.get(), shared);
        if (!s.ok()) return s;
      }
      return Status::OK();
  }
}

Result<StreamPtr> MakeStream(PlanNode* node, Shared* shared) {
  auto m = shared->materialized.find(node);
  if (m != shared->materialized.end()) return ReadCollection(m->second);
  if (auto src = shared->sources.find(node); src != shared->sources.end()) {
    return src->second->Open();
  }
  auto child = [&](size_t i) { return MakeStream(node->children[i].get(), shared); };
  switch (node->kind) {
    case PlanKind::kScan:
      return MakeScanStream(node, shared);
    case PlanKind::kValues:
      return StreamPtr(std::make_unique<ValuesStream>(shared->once[node]));
    case PlanKind::kFilter: {
      auto c = child(0);
      if (!c.ok()) return c.status();
      return StreamPtr(std::make_unique<FilterStream>(std::move(*c), node->predicate.get(),
                                                      shared->ctx));
    }
    case PlanKind::kProject: {
      auto c = child(0);
      if (!c.ok()) return c.status();
      return StreamPtr(std::make_unique<ProjectStream>(std::move(*c), &node->exprs, shared->ctx));
    }
    case PlanKind::kLimit: {
      auto c = child(0);
      if (!c.ok()) return c.status();
      return StreamPtr(std::make_unique<LimitStream>(std::move(*c), shared->limits[node],
                                                     node->limit, node->offset));
    }
    case PlanKind::kUnion: {
      std::vector<StreamPtr> parts;
      for (size_t i = 0; i < node->children.size(); ++i) {
        auto c = child(i);
        if (!c.ok()) return c.status();
        parts.push_back(std::move(*c));
      }
      return StreamPtr(std::make_unique<UnionStream>(std::move(parts)));
    }
    case PlanKind::kJoin:
      return MakeJoinStream(node, shared);
    default:
      return Status::InvalidArgument("internal error: plan node was not prepared");
  }
}

Status RunParallel(PlanNode* node, Shared* shared, int threads,
                   const std::function<Status(int, Chunk&)>& sink) {
  Status s = Prepare(node, shared);
  if (!s.ok()) return s;
  QueryContext* ctx = shared->ctx;
  auto work = [&](int t) {
    auto stream = MakeStream(node, shared);
    if (!stream.ok()) return ctx->Fail(stream.status());
    Chunk chunk;
    while (true) {
      Status st = ctx->Check();
      if (st.ok()) st = (*stream)->Next(&chunk);
      if (st.ok() && chunk.size == 0) return;
      if (st.ok()) st = sink(t, chunk);
      if (!st.ok()) return ctx->Fail(st);
    }
  };
  auto guarded = [&](int t) {
    try {
      work(t);
    } catch (const std::bad_alloc&) {
      ctx->Fail(Status::InvalidArgument("query ran out of memory; add filters or a LIMIT"));
    } catch (const std::exception& e) {
      ctx->Fail(Status::InvalidArgument(std::string("query failed: ") + e.what()));
    }
  };
  if (threads <= 1) {
    guarded(0);
  } else {
    std::vector<std::thread> pool;
    try {
      for (int t = 0; t < threads; ++t) pool.emplace_back(guarded, t);
    } catch (const std::system_error& e) {
      ctx->Fail(Status::IOError(std::string("cannot start query threads: ") + e.what()));
    }
    for (auto& th : pool) th.join();
  }
  return ctx->Check();
}

Result<std::shared_ptr<Collection>> Collect(PlanNode* node, Shared* shared, int threads) {
  std::vector<std::vector<Chunk>> parts(static_cast<size_t>(std::max(threads, 1)));
  Status s = RunParallel(node, shared, threads, [&](int t, Chunk& chunk) {
    Chunk owned;
    owned.size = chunk.size;
    owned.columns.resize(chunk.columns.size());
    for (size_t c = 0; c < chunk.columns.size(); ++c) owned.columns[c].Reference(chunk.columns[c]);
    Status r = shared->ctx->Reserve(HeldBytes(owned));
    parts[static_cast<size_t>(t)].push_back(std::move(owned));
    return r;
  });
  if (!s.ok()) return s;
  auto c = std::make_shared<Collection>();
  c->types = node->types;
  for (auto& p : parts) {
    for (auto& chunk : p) c->chunks.push_back(std::move(chunk));
  }
  return c;
}

// True when the rows of `node` come in a meaningful order (an ORDER BY
// below only streaming, order-keeping operators).
bool Ordered(const PlanNode* node) {
  switch (node->kind) {
    case PlanKind::kSort: return true;
    case PlanKind::kProject:
    case PlanKind::kFilter:
    case PlanKind::kLimit: return Ordered(node->children[0].get());
    default: return false;
  }
}

}  // namespace exec

Result<std::vector<Chunk>> Execute(PlanNode* plan, QueryContext* ctx,
                                   std::map<const PlanNode*, TableData>* data) {
  exec::Shared shared;
  shared.ctx = ctx;
  shared.data = data;
  const int threads = exec::Ordered(plan) ? 1 : ctx->threads();
  auto c = exec::Collect(plan, &shared, threads);
  if (!c.ok()) return c.status();
  return std::move((*c)->chunks);
}

}  // namespace tp::storage::sql
