// Hash join: the right input is the build side, collected in memory into
// one chunk and indexed by the hash of its key columns (chains through
// `next_`); the left input streams through every thread, each probing the
// shared, read-only table. Rows whose key has a NULL never match. A LEFT
// join emits left rows without a match (after the residual predicate) with
// NULL right columns. Without keys (a cross join), every right row is a
// candidate.
//
// Spilling (an equi-join whose build side is more than a third of the
// query's memory; needs a spill directory): once the query holds a third of
// its limit while the build side is collected, every build row goes to one
// of 128 spill parts by the hash of its keys, and so does every probe row
// (the probe side is then run to its end first). The join's output is
// produced a part at a time, each thread taking the next part: part p's
// build rows are loaded and indexed and part p's probe rows stream through
// them, so a part needs about 1/128 of the build side's memory. Equal keys
// hash alike, so every match is in one part; a probe row with a NULL key
// matches nothing in any part (LEFT keeps it).
#include <algorithm>
#include <utility>

#include "storage/sql/executor_internal.h"
#include "storage/sql/spill.h"

namespace tp::storage::sql::exec {

struct JoinShared {
  Chunk build;                    // all right rows
  std::vector<Vector> build_keys; // right key values, one vector per key
  std::vector<uint32_t> first;    // bucket -> first build row + 1 (0 = none)
  std::vector<uint32_t> next;     // build row -> next row in its bucket + 1
  std::vector<uint64_t> hashes;   // build row -> hash
  uint64_t mask = 0;
  size_t reserved = 0;
};

namespace {

bool AnyNull(const std::vector<const Vector*>& keys, size_t row) {
  for (const Vector* k : keys) {
    if (k->IsNull(row)) return true;
  }
  return false;
}

class JoinStream : public Stream {
 public:
  ~JoinStream() override { ctx_->Release(pending_bytes_); }
  JoinStream(PlanNode* node, StreamPtr left, JoinShared* js, QueryContext* ctx)
      : node_(node), left_(std::move(left)), js_(js), ctx_(ctx) {
    for (const auto& t : node->children[0]->types) left_types_.push_back(t);
    for (const auto& t : node->children[1]->types) right_types_.push_back(t);
    swapped_ = node->build_left;
  }

  Status Next(Chunk* out) override {
    while (true) {
      if (ready_ < pending_.size()) {
        *out = std::move(pending_[ready_++]);
        return Status::OK();
      }
      pending_.clear();
      ctx_->Release(pending_bytes_);
      pending_bytes_ = 0;
      ready_ = 0;
      Status s = left_->Next(&probe_);
      if (!s.ok()) return s;
      if (probe_.size == 0) {
        out->size = 0;
        out->columns.clear();
        return Status::OK();
      }
      s = Probe();
      if (!s.ok()) return s;
    }
  }

 private:
  // Joins the rows of probe_ into pending_ chunks.
  Status Probe() {
    const size_t n = probe_.size;
    std::vector<const Vector*> keys, build_keys;
    const auto& probe_keys = swapped_ ? node_->right_keys : node_->left_keys;
    key_vectors_.resize(probe_keys.size());
    for (size_t k = 0; k < probe_keys.size(); ++k) {
      Status s = Evaluate(ctx_->eval(), *probe_keys[k], probe_, &key_vectors_[k]);
      if (!s.ok()) return s;
      keys.push_back(&key_vectors_[k]);
      build_keys.push_back(&js_->build_keys[k]);
    }
    const bool cross = keys.empty();
    hashes_.resize(n);
    if (!cross) HashRows(keys, n, hashes_.data());
    matched_.assign(n, 0);
    probe_sel_.clear();
    build_sel_.clear();
    const size_t build_rows = js_->build.size;
    for (size_t i = 0; i < n; ++i) {
      if (cross) {
        for (size_t b = 0; b < build_rows; ++b) {
          Status s = AddPair(i, b);
          if (!s.ok()) return s;
        }
        continue;
      }
      if (AnyNull(keys, i)) continue;
      uint32_t b1 = js_->first[hashes_[i] & js_->mask];
      while (b1 != 0) {
        const size_t b = b1 - 1;
        if (js_->hashes[b] == hashes_[i] && RowsEqual(keys, i, build_keys, b)) {
          Status s = AddPair(i, b);
          if (!s.ok()) return s;
        }
        b1 = js_->next[b];
      }
    }
    Status s = FlushPairs();
    if (!s.ok()) return s;
    if (node_->join == JoinKind::kLeft) {  // never swapped
      std::vector<uint32_t> unmatched;
      for (size_t i = 0; i < n; ++i) {
        if (!matched_[i]) unmatched.push_back(static_cast<uint32_t>(i));
      }
      if (!unmatched.empty()) {
        Chunk c;
        c.size = unmatched.size();
        c.columns.resize(left_types_.size() + right_types_.size());
        for (size_t k = 0; k < left_types_.size(); ++k) {
          c.columns[k].Gather(probe_.columns[k], unmatched.data(), unmatched.size());
        }
        for (size_t k = 0; k < right_types_.size(); ++k) {
          Vector& v = c.columns[left_types_.size() + k];
          v.Reset(right_types_[k], unmatched.size());
          v.SetAllNull();
        }
        pending_.push_back(std::move(c));
      }
    }
    return Status::OK();
  }

  Status AddPair(size_t probe_row, size_t build_row) {
    probe_sel_.push_back(static_cast<uint32_t>(probe_row));
    build_sel_.push_back(static_cast<uint32_t>(build_row));
    if (probe_sel_.size() == kBatchSize) return FlushPairs();
    return Status::OK();
  }

  // Gathers the pairs found so far into a chunk and applies the residual.
  Status FlushPairs() {
    const size_t m = probe_sel_.size();
    if (m == 0) return Status::OK();
    Status s = ctx_->Check();
    if (!s.ok()) return s;
    Chunk c;
    c.size = m;
    c.columns.resize(left_types_.size() + right_types_.size());
    // Output columns are the left input's, then the right's, whichever side
    // was built.
    const Chunk& left = swapped_ ? js_->build : probe_;
    const Chunk& right = swapped_ ? probe_ : js_->build;
    const uint32_t* left_sel = swapped_ ? build_sel_.data() : probe_sel_.data();
    const uint32_t* right_sel = swapped_ ? probe_sel_.data() : build_sel_.data();
    for (size_t k = 0; k < left_types_.size(); ++k) c.columns[k].Gather(left.columns[k], left_sel, m);
    for (size_t k = 0; k < right_types_.size(); ++k) {
      c.columns[left_types_.size() + k].Gather(right.columns[k], right_sel, m);
    }
    if (node_->predicate) {
      sel_.resize(m);
      size_t kept = 0;
      s = Select(ctx_->eval(), *node_->predicate, c, sel_.data(), &kept);
      if (!s.ok()) return s;
      for (size_t i = 0; i < kept; ++i) matched_[probe_sel_[sel_[i]]] = 1;
      if (kept < m) {
        for (auto& col : c.columns) col.Gather(col, sel_.data(), kept);
        c.size = kept;
      }
    } else {
      for (size_t i = 0; i < m; ++i) matched_[probe_sel_[i]] = 1;
    }
    if (c.size > 0) {
      // A probe chunk's matches are buffered until handed out: count them,
      // so a cross join of big inputs hits the memory limit, not the OOM killer.
      const size_t bytes = ChunkBytes(c);
      pending_bytes_ += bytes;
      pending_.push_back(std::move(c));
      s = ctx_->Reserve(bytes);
      if (!s.ok()) return s;
    }
    probe_sel_.clear();
    build_sel_.clear();
    return Status::OK();
  }

  PlanNode* node_;
  StreamPtr left_;
  JoinShared* js_;
  QueryContext* ctx_;
  std::vector<SqlType> left_types_, right_types_;
  bool swapped_ = false;  // the left input is the build side
  Chunk probe_;
  std::vector<Chunk> pending_;
  size_t pending_bytes_ = 0;
  size_t ready_ = 0;
  std::vector<Vector> key_vectors_;
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> matched_;
  std::vector<uint32_t> probe_sel_, build_sel_, sel_;
};

}  // namespace

namespace {

// Indexes `build` (the build side's rows, columns of `types`) by its keys.
Status BuildTable(PlanNode* node, QueryContext* ctx, const std::vector<SqlType>& types,
                  Chunk build, JoinShared* js) {
  js->build = std::move(build);
  if (js->build.columns.empty()) {
    js->build.columns.resize(types.size());
    for (size_t k = 0; k < js->build.columns.size(); ++k) js->build.columns[k].Reset(types[k], 0);
  }
  const size_t n = js->build.size;
  if (n >= UINT32_MAX) return Status::InvalidArgument("join build side has too many rows");
  std::vector<const Vector*> keys;
  const auto& build_keys = node->build_left ? node->left_keys : node->right_keys;
  js->build_keys.resize(build_keys.size());
  for (size_t k = 0; k < build_keys.size(); ++k) {
    Status s = Evaluate(ctx->eval(), *build_keys[k], js->build, &js->build_keys[k]);
    if (!s.ok()) return s;
    keys.push_back(&js->build_keys[k]);
  }
  if (keys.empty()) return Status::OK();
  size_t buckets = 16;
  while (buckets < n * 2) buckets *= 2;
  js->mask = buckets - 1;
  js->first.assign(buckets, 0);
  js->next.assign(n, 0);
  js->hashes.resize(n);
  HashRows(keys, n, js->hashes.data());
  js->reserved = buckets * 4 + n * 12;
  Status s = ctx->Reserve(js->reserved);
  if (!s.ok()) return s;
  for (size_t b = n; b-- > 0;) {  // chains in build order
    if (AnyNull(keys, b)) continue;
    uint32_t& head = js->first[js->hashes[b] & js->mask];
    js->next[b] = head;
    head = static_cast<uint32_t>(b + 1);
  }
  return Status::OK();
}

// One thread's rows of one side of a spilled join, by part.
struct SideSpill {
  std::unique_ptr<SpillPartitions> files;
  std::vector<Vector> keys;
  std::vector<const Vector*> key_ptrs, cols;
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> rows;
};

// Writes `chunk` (one side's rows) to the part files by the hash of `keys`;
// with `drop_null_keys`, rows with a NULL key (which match nothing) are
// left out rather than all piled into one part.
Status SpillSide(const Chunk& chunk, const std::vector<BoundExprPtr>& keys, bool drop_null_keys,
                 SideSpill* side, QueryContext* ctx) {
  if (chunk.size == 0) return Status::OK();
  if (!side->files) {
    side->files = std::make_unique<SpillPartitions>(ctx->spill_dir(), &ctx->spilled_bytes);
  }
  side->keys.resize(keys.size());
  side->key_ptrs.clear();
  for (size_t k = 0; k < keys.size(); ++k) {
    Status s = Evaluate(ctx->eval(), *keys[k], chunk, &side->keys[k]);
    if (!s.ok()) return s;
    side->key_ptrs.push_back(&side->keys[k]);
  }
  side->hashes.resize(chunk.size);
  HashRows(side->key_ptrs, chunk.size, side->hashes.data());
  side->cols.clear();
  for (const Vector& v : chunk.columns) side->cols.push_back(&v);
  if (!drop_null_keys) {
    return side->files->Write(side->cols, chunk.size, side->hashes.data(), nullptr, 0);
  }
  side->rows.clear();
  for (size_t i = 0; i < chunk.size; ++i) {
    if (!AnyNull(side->key_ptrs, i)) side->rows.push_back(static_cast<uint32_t>(i));
  }
  return side->files->Write(side->cols, chunk.size, side->hashes.data(), side->rows.data(),
                            side->rows.size());
}

// Reads part p of every thread's spill of one side, in turn.
class PartStream : public Stream {
 public:
  PartStream(std::vector<SideSpill>* sides, size_t part, std::vector<SqlType> types,
             QueryContext* ctx)
      : sides_(sides), part_(part), types_(std::move(types)), ctx_(ctx) {}
  Status Next(Chunk* out) override {
    while (t_ < sides_->size()) {
      SpillPartitions* files = (*sides_)[t_].files.get();
      SpillFile* f = files != nullptr ? files->part(part_) : nullptr;
      if (f != nullptr) {
        Status s = ctx_->Check();
        if (s.ok()) s = f->Read(types_, out);
        if (!s.ok()) return s;
        if (out->size > 0) return Status::OK();
        files->Drop(part_);
      }
      ++t_;
    }
    out->size = 0;
    out->columns.clear();
    return Status::OK();
  }

 private:
  std::vector<SideSpill>* sides_;
  size_t part_;
  std::vector<SqlType> types_;
  QueryContext* ctx_;
  size_t t_ = 0;
};

// Copies the strings of `c` into its own vectors' heaps. A spilled join's
// output would otherwise share (and keep alive) the heap of its part's
// whole build side, so a consumer holding a few rows (another join's build
// side) would pin every part's strings.
void OwnStrings(Chunk* c) {
  for (Vector& v : c->columns) {
    if (v.type().id != SqlTypeId::kString) continue;
    Vector copy(v.type(), c->size);
    CopyStrings(v, c->size, &copy, 0);
    v = std::move(copy);
  }
}

// The output of a join that spilled: each thread's stream takes the next
// part not yet taken, indexes its build rows and streams its probe rows
// through them, until no part is left.
class SpilledJoin : public ChunkSource {
 public:
  SpilledJoin(PlanNode* node, QueryContext* ctx, std::vector<SideSpill> build,
              std::vector<SideSpill> probe)
      : node_(node), ctx_(ctx), build_(std::move(build)), probe_(std::move(probe)) {
    const size_t probe_side = node->build_left ? 1 : 0;
    build_types_ = node->children[1 - probe_side]->types;
    probe_types_ = node->children[probe_side]->types;
  }

  StreamPtr Open() override { return std::make_unique<PartsStream>(this); }

 private:
  class PartsStream : public Stream {
   public:
    explicit PartsStream(SpilledJoin* j) : j_(j) {}
    ~PartsStream() override { ReleasePart(); }
    Status Next(Chunk* out) override {
      while (true) {
        if (!stream_) {
          const size_t p = j_->next_part_.fetch_add(1);
          if (p >= SpillPartitions::kParts) {
            out->size = 0;
            out->columns.clear();
            return Status::OK();
          }
          Status s = OpenPart(p);
          if (!s.ok()) return s;
        }
        Status s = stream_->Next(out);
        if (!s.ok()) return s;
        if (out->size > 0) {
          OwnStrings(out);
          return Status::OK();
        }
        stream_.reset();
        ReleasePart();
      }
    }

   private:
    Status OpenPart(size_t p) {
      QueryContext* ctx = j_->ctx_;
      PartStream build(&j_->build_, p, j_->build_types_, ctx);
      std::vector<Chunk> chunks;
      Chunk c;
      while (true) {
        Status s = build.Next(&c);
        if (!s.ok()) return s;
        if (c.size == 0) break;
        // Its vectors, and the spill payload its strings view.
        const size_t bytes = ChunkBytes(c) + HeldBytes(c);
        held_ += bytes;
        s = ctx->Reserve(bytes);
        if (!s.ok()) return s;
        chunks.push_back(std::move(c));
        c = Chunk();
      }
      js_ = std::make_unique<JoinShared>();
      Status s = BuildTable(j_->node_, ctx, j_->build_types_,
                            chunks.empty() ? Chunk() : Concat(j_->build_types_, chunks), js_.get());
      if (!s.ok()) return s;
      auto probe = std::make_unique<PartStream>(&j_->probe_, p, j_->probe_types_, ctx);
      stream_ = std::make_unique<JoinStream>(j_->node_, std::move(probe), js_.get(), ctx);
      return Status::OK();
    }

    void ReleasePart() {
      if (js_) j_->ctx_->Release(js_->reserved);
      j_->ctx_->Release(held_);
      held_ = 0;
      js_.reset();
    }

    SpilledJoin* j_;
    std::unique_ptr<JoinShared> js_;  // the current part's table
    StreamPtr stream_;                // the current part's probe rows, joined
    size_t held_ = 0;                 // reserved for the current part's build rows
  };

  PlanNode* node_;
  QueryContext* ctx_;
  std::vector<SideSpill> build_, probe_;  // per writing thread; part p read by one stream
  std::vector<SqlType> build_types_, probe_types_;
  std::atomic<size_t> next_part_{0};
};

// Collects the build side; past a third of the memory limit (keyed joins only)
// writes it to part files instead: *spilled says which happened.
Status CollectBuild(PlanNode* node, PlanNode* build_node, Shared* shared, Chunk* build,
                    std::vector<SideSpill>* spills, bool* spilled) {
  QueryContext* ctx = shared->ctx;
  const int threads = ctx->threads();
  const auto& keys = node->build_left ? node->left_keys : node->right_keys;
  const bool may_spill = !keys.empty();
  std::vector<std::vector<Chunk>> held(static_cast<size_t>(threads));
  std::vector<size_t> held_bytes(static_cast<size_t>(threads), 0);
  spills->resize(static_cast<size_t>(threads));
  std::atomic<bool> spilling{false};
  // Moves a thread's held rows to its part files.
  auto flush = [&](size_t t) {
    for (const Chunk& c : held[t]) {
      Status s = SpillSide(c, keys, /*drop_null_keys=*/true, &(*spills)[t], ctx);
      if (!s.ok()) return s;
    }
    held[t].clear();
    ctx->Release(held_bytes[t]);
    held_bytes[t] = 0;
    return Status::OK();
  };
  Status s = RunParallel(build_node, shared, threads, [&](int ti, Chunk& chunk) {
    const size_t t = static_cast<size_t>(ti);
    if (may_spill && !spilling.load(std::memory_order_relaxed) && ctx->ShouldSpill()) {
      spilling.store(true);
    }
    if (spilling.load(std::memory_order_relaxed)) {
      Status st = flush(t);
      if (!st.ok()) return st;
      return SpillSide(chunk, keys, /*drop_null_keys=*/true, &(*spills)[t], ctx);
    }
    Chunk owned;
    owned.size = chunk.size;
    owned.columns.resize(chunk.columns.size());
    for (size_t c = 0; c < chunk.columns.size(); ++c) owned.columns[c].Reference(chunk.columns[c]);
    const size_t bytes = HeldBytes(owned);
    held_bytes[t] += bytes;
    held[t].push_back(std::move(owned));
    return ctx->Reserve(bytes);
  });
  if (!s.ok()) return s;
  *spilled = spilling.load();
  if (*spilled) {
    for (size_t t = 0; t < held.size(); ++t) {
      s = flush(t);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }
  std::vector<Chunk> all;
  for (auto& h : held) {
    for (auto& c : h) all.push_back(std::move(c));
  }
  if (!all.empty()) *build = Concat(build_node->types, all);
  return Status::OK();
}

}  // namespace

Status PrepareJoin(PlanNode* node, Shared* shared) {
  if (shared->joins.count(node) > 0 || shared->sources.count(node) > 0) return Status::OK();
  const size_t probe_side = node->build_left ? 1 : 0;
  PlanNode* build_node = node->children[1 - probe_side].get();
  PlanNode* probe_node = node->children[probe_side].get();
  Status s = Prepare(probe_node, shared);
  if (!s.ok()) return s;
  Chunk build;
  std::vector<SideSpill> build_spills;
  bool spilled = false;
  s = CollectBuild(node, build_node, shared, &build, &build_spills, &spilled);
  if (!s.ok()) return s;
  if (spilled) {
    // The probe side runs to its end, into part files too.
    QueryContext* ctx = shared->ctx;
    const auto& probe_keys = node->build_left ? node->right_keys : node->left_keys;
    std::vector<SideSpill> probe_spills(static_cast<size_t>(ctx->threads()));
    s = RunParallel(probe_node, shared, ctx->threads(), [&](int t, Chunk& chunk) {
      // A LEFT join keeps probe rows with a NULL key (unmatched).
      return SpillSide(chunk, probe_keys, node->join != JoinKind::kLeft,
                       &probe_spills[static_cast<size_t>(t)], ctx);
    });
    if (!s.ok()) return s;
    for (auto* sides : {&build_spills, &probe_spills}) {
      for (auto& side : *sides) {
        if (!side.files) continue;
        s = side.files->Finish();
        if (!s.ok()) return s;
      }
    }
    shared->sources[node] = std::make_shared<SpilledJoin>(node, ctx, std::move(build_spills),
                                                          std::move(probe_spills));
    return Status::OK();
  }
  auto js = std::make_shared<JoinShared>();
  s = BuildTable(node, shared->ctx, build_node->types, std::move(build), js.get());
  if (!s.ok()) return s;
  shared->joins[node] = std::move(js);
  return Status::OK();
}

Result<StreamPtr> MakeJoinStream(PlanNode* node, Shared* shared) {
  auto left = MakeStream(node->children[node->build_left ? 1 : 0].get(), shared);
  if (!left.ok()) return left.status();
  return StreamPtr(std::make_unique<JoinStream>(node, std::move(*left),
                                                shared->joins.at(node).get(), shared->ctx));
}

}  // namespace tp::storage::sql::exec
