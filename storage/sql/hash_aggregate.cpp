// Hash aggregation. Every thread folds its rows into its own GroupTable
// (keys as fixed-width rows, group_keys.h, each followed by its aggregate
// states; open addressing on the key rows' hashes); the tables are then
// merged into one, whose groups are the output.
#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/sql/executor_internal.h"
#include "storage/sql/group_keys.h"

namespace tp::storage::sql::exec {
namespace {

class GroupTable {
 public:
  GroupTable(std::vector<SqlType> key_types, const std::vector<BoundAggregate>* aggs,
             QueryContext* ctx)
      : encoder_(std::move(key_types)), width_(encoder_.width()), aggs_(aggs), ctx_(ctx) {
    size_t stride = 0, align = 8;
    for (const auto& a : *aggs_) {
      const size_t al = std::max<size_t>(a.function->state_align, 1);
      align = std::max(align, al);
      stride = (stride + al - 1) / al * al;
      offsets_.push_back(stride);
      stride += a.function->state_size;
    }
    table_ = std::make_unique<KeyRowTable>(width_, std::max<size_t>(stride, 1), align);
  }
  ~GroupTable() {
    for (size_t g = 0; g < groups_; ++g) {
      for (size_t a = 0; a < aggs_->size(); ++a) {
        auto destroy = (*aggs_)[a].function->destroy;
        if (destroy != nullptr) destroy(State(static_cast<uint32_t>(g)) + offsets_[a]);
      }
    }
    ctx_->Release(reserved_);
  }
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  size_t groups() const { return groups_; }
  uint8_t* State(uint32_t g) { return table_->Payload(g); }

  // ids[i] = the group of key row i of `rows` (new groups are added).
  Status FindOrInsert(const uint8_t* rows, size_t n, uint32_t* ids) {
    table_->FindOrInsert(rows, n, ids);
    for (; groups_ < table_->size(); ++groups_) {
      uint8_t* state = State(static_cast<uint32_t>(groups_));
      for (size_t a = 0; a < aggs_->size(); ++a) (*aggs_)[a].function->init(state + offsets_[a]);
    }
    // The key rows with their states, their hash table and the strings
    // count against the query's memory.
    const size_t now = table_->bytes() + encoder_.intern_bytes();
    if (now <= reserved_) return Status::OK();
    const size_t more = now - reserved_;
    reserved_ = now;
    return ctx_->Reserve(more);
  }

  // Folds a chunk's rows in.
  Status Update(const std::vector<BoundExprPtr>& group_exprs, const Chunk& in) {
    const size_t n = in.size;
    key_vectors_.resize(group_exprs.size());
    std::vector<const Vector*> keys;
    for (size_t k = 0; k < group_exprs.size(); ++k) {
      Status s = Evaluate(ctx_->eval(), *group_exprs[k], in, &key_vectors_[k]);
      if (!s.ok()) return s;
      keys.push_back(&key_vectors_[k]);
    }
    rows_.resize(n * width_);
    encoder_.Encode(keys, n, rows_.data());
    ids_.resize(n);
    Status s = FindOrInsert(rows_.data(), n, ids_.data());
    if (!s.ok()) return s;
    states_.resize(n);
    for (size_t a = 0; a < aggs_->size(); ++a) {
      const BoundAggregate& agg = (*aggs_)[a];
      arg_vectors_.resize(std::max(arg_vectors_.size(), agg.args.size()));
      std::vector<const Vector*> args;
      for (size_t k = 0; k < agg.args.size(); ++k) {
        s = Evaluate(ctx_->eval(), *agg.args[k], in, &arg_vectors_[k]);
        if (!s.ok()) return s;
        args.push_back(&arg_vectors_[k]);
      }
      for (size_t i = 0; i < n; ++i) states_[i] = State(ids_[i]) + offsets_[a];
      s = agg.function->update(states_.data(), args.data(), n);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  // Moves every group of `other` into this table.
  Status Merge(GroupTable& other) {
    std::vector<uint32_t> ids(kBatchSize);
    for (size_t start = 0; start < other.groups_; start += kBatchSize) {
      const size_t n = std::min(kBatchSize, other.groups_ - start);
      rows_.resize(n * width_);
      for (size_t i = 0; i < n; ++i) {
        encoder_.Translate(other.encoder_, other.table_->Row(static_cast<uint32_t>(start + i)),
                           rows_.data() + i * width_);
      }
      Status s = FindOrInsert(rows_.data(), n, ids.data());
      if (!s.ok()) return s;
      for (size_t i = 0; i < n; ++i) {
        uint8_t* src = other.State(static_cast<uint32_t>(start + i));
        uint8_t* dst = State(ids[i]);
        for (size_t a = 0; a < aggs_->size(); ++a) {
          s = (*aggs_)[a].function->combine(src + offsets_[a], dst + offsets_[a]);
          if (!s.ok()) return s;
        }
      }
    }
    return Status::OK();
  }

  // A global aggregate (no groups) has one row even over no input.
  Status EnsureGlobalGroup() {
    if (!encoder_.types().empty() || groups_ > 0) return Status::OK();
    uint32_t id;
    return FindOrInsert(nullptr, 1, &id);
  }

  Status Output(Collection* out) {
    std::vector<uint8_t*> states;
    std::vector<Vector> keys;
    const size_t key_count = encoder_.types().size();
    for (size_t start = 0; start < groups_; start += kBatchSize) {
      const size_t n = std::min(kBatchSize, groups_ - start);
      Chunk chunk;
      chunk.size = n;
      chunk.columns.resize(key_count + aggs_->size());
      encoder_.Decode(table_->Row(static_cast<uint32_t>(start)), n, &keys, table_->stride());
      for (size_t k = 0; k < key_count; ++k) chunk.columns[k] = std::move(keys[k]);
      states.resize(n);
      for (size_t a = 0; a < aggs_->size(); ++a) {
        for (size_t i = 0; i < n; ++i) states[i] = State(static_cast<uint32_t>(start + i)) + offsets_[a];
        Vector& v = chunk.columns[key_count + a];
        v.Reset((*aggs_)[a].function->result_type, n);
        Status s = (*aggs_)[a].function->finalize(states.data(), n, &v);
        if (!s.ok()) return s;
      }
      out->chunks.push_back(std::move(chunk));
    }
    return Status::OK();
  }

 private:
  KeyEncoder encoder_;
  const size_t width_;
  std::unique_ptr<KeyRowTable> table_;  // group g is key row g; its states are its payload
  const std::vector<BoundAggregate>* aggs_;
  QueryContext* ctx_;
  std::vector<size_t> offsets_;  // of each aggregate's state in the payload
  size_t groups_ = 0;
  size_t reserved_ = 0;
  // scratch
  std::vector<uint8_t> rows_;
  std::vector<uint32_t> ids_;
  std::vector<uint8_t*> states_;
  std::vector<Vector> key_vectors_, arg_vectors_;
};

}  // namespace

Result<std::shared_ptr<Collection>> RunAggregate(PlanNode* node, Shared* shared) {
  const int threads = shared->ctx->threads();
  std::vector<SqlType> key_types;
  for (const auto& g : node->groups) key_types.push_back(g->type);
  std::vector<std::unique_ptr<GroupTable>> tables;
  for (int t = 0; t < threads; ++t) {
    tables.push_back(std::make_unique<GroupTable>(key_types, &node->aggregates, shared->ctx));
  }
  Status s = RunParallel(node->children[0].get(), shared, threads, [&](int t, Chunk& chunk) {
    return tables[static_cast<size_t>(t)]->Update(node->groups, chunk);
  });
  if (!s.ok()) return s;
  for (size_t t = 1; t < tables.size(); ++t) {
    s = tables[0]->Merge(*tables[t]);
    if (!s.ok()) return s;
    tables[t].reset();
  }
  s = tables[0]->EnsureGlobalGroup();
  if (!s.ok()) return s;
  auto out = std::make_shared<Collection>();
  out->types = node->types;
  s = tables[0]->Output(out.get());
  if (!s.ok()) return s;
  return out;
}

}  // namespace tp::storage::sql::exec
