// Hash join: the right input is the build side, collected in memory into
// one chunk and indexed by the hash of its key columns (chains through
// `next_`); the left input streams through every thread, each probing the
// shared, read-only table. Rows whose key has a NULL never match. A LEFT
// join emits left rows without a match (after the residual predicate) with
// NULL right columns. Without keys (a cross join), every right row is a
// candidate.
#include <algorithm>
#include <utility>

#include "storage/sql/executor_internal.h"

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

Status PrepareJoin(PlanNode* node, Shared* shared) {
  if (shared->joins.count(node) > 0) return Status::OK();
  const size_t probe_side = node->build_left ? 1 : 0;
  PlanNode* build_node = node->children[1 - probe_side].get();
  Status s = Prepare(node->children[probe_side].get(), shared);
  if (!s.ok()) return s;
  auto built = Collect(build_node, shared, shared->ctx->threads());
  if (!built.ok()) return built.status();
  auto js = std::make_shared<JoinShared>();
  js->build = Concat(build_node->types, (*built)->chunks);
  if (js->build.columns.empty()) {
    js->build.columns.resize(build_node->types.size());
    for (size_t k = 0; k < js->build.columns.size(); ++k) {
      js->build.columns[k].Reset(build_node->types[k], 0);
    }
  }
  const size_t n = js->build.size;
  if (n >= UINT32_MAX) return Status::InvalidArgument("join build side has too many rows");
  std::vector<const Vector*> keys;
  const auto& build_keys = node->build_left ? node->left_keys : node->right_keys;
  js->build_keys.resize(build_keys.size());
  for (size_t k = 0; k < build_keys.size(); ++k) {
    s = Evaluate(shared->ctx->eval(), *build_keys[k], js->build, &js->build_keys[k]);
    if (!s.ok()) return s;
    keys.push_back(&js->build_keys[k]);
  }
  if (!keys.empty()) {
    size_t buckets = 16;
    while (buckets < n * 2) buckets *= 2;
    js->mask = buckets - 1;
    js->first.assign(buckets, 0);
    js->next.assign(n, 0);
    js->hashes.resize(n);
    HashRows(keys, n, js->hashes.data());
    js->reserved = buckets * 4 + n * 12;
    s = shared->ctx->Reserve(js->reserved);
    if (!s.ok()) return s;
    for (size_t b = n; b-- > 0;) {  // chains in build order
      if (AnyNull(keys, b)) continue;
      uint32_t& head = js->first[js->hashes[b] & js->mask];
      js->next[b] = head;
      head = static_cast<uint32_t>(b + 1);
    }
  }
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
