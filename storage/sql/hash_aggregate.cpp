// Hash aggregation. Every thread folds its rows into its own GroupTable
// (keys as fixed-width rows, group_keys.h, each followed by its aggregate
// states; open addressing on the key rows' hashes). A few groups are then
// merged into one table, whose groups are the output. Many groups are
// merged and output a part at a time, in parallel: each thread's table
// notes the part (of kParts, by the hash of the keys) of every group it
// adds, and each output stream takes the next part, merges that part's
// groups from every table into a small fresh table and outputs them. (The
// serial merge of 600K groups took longer than the parallel one plus the
// output.)
//
// Spilling (a GROUP BY with more groups than a third of the query's
// memory holds; needs a spill directory): once the query holds more than a
// third of its limit, the threads stop adding groups. A row whose group a
// thread already holds still updates it in place; the others are written,
// as evaluated keys and arguments, to the spill file of their part. The
// output is then produced a part at a time as above, part p's spilled rows
// folded into its fresh table too, so a part needs about 1/kParts of the
// groups' memory. Each key is in exactly one part, so no group is output
// twice.
#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/sql/executor_internal.h"
#include "storage/sql/group_keys.h"
#include "storage/sql/spill.h"

namespace tp::storage::sql::exec {
namespace {

constexpr size_t kParts = SpillPartitions::kParts;
// Fewer groups (all threads' tables together) are merged into one table.
constexpr size_t kMergeByPartsFrom = size_t{1} << 16;

// The HashRows hashes of some rows of key vectors (gathered first: cheaper
// than hashing every row when few are wanted).
class SelectedHasher {
 public:
  // hashes()[j] = the hash of row rows[j] of `keys`, for j < count.
  const uint64_t* Hash(const std::vector<const Vector*>& keys, const uint32_t* rows, size_t count) {
    gathered_.resize(keys.size());
    ptrs_.clear();
    for (size_t k = 0; k < keys.size(); ++k) {
      gathered_[k].Gather(*keys[k], rows, count);
      ptrs_.push_back(&gathered_[k]);
    }
    hashes_.resize(count);
    HashRows(ptrs_, count, hashes_.data());
    return hashes_.data();
  }

 private:
  std::vector<Vector> gathered_;
  std::vector<const Vector*> ptrs_;
  std::vector<uint64_t> hashes_;
};

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
    sink_.reset(new (std::align_val_t(64)) uint8_t[std::max<size_t>(stride, 1)]);  // align <= 64
    for (const auto& a : *aggs_) has_destroy_ |= a.function->destroy != nullptr;
    InitStates(sink_.get());
  }
  ~GroupTable() {
    for (size_t g = 0; g < groups_; ++g) DestroyStates(State(static_cast<uint32_t>(g)));
    DestroyStates(sink_.get());
    ctx_->Release(reserved_);
  }
  GroupTable(const GroupTable&) = delete;
  GroupTable& operator=(const GroupTable&) = delete;

  size_t groups() const { return groups_; }
  uint8_t* State(uint32_t g) { return table_->Payload(g); }
  void Reserve(size_t groups) { table_->Reserve(groups); }

  // From now on, notes the part of each group added by Fold (the part its
  // keys' HashRows hash falls in, as spilled rows are partitioned).
  void TrackParts() { track_parts_ = true; }
  const std::vector<uint8_t>& parts() const { return parts_; }

  // ids[i] = the group of key row i of `rows` (new groups are added).
  Status FindOrInsert(const uint8_t* rows, size_t n, uint32_t* ids) {
    table_->FindOrInsert(rows, n, ids);
    for (; groups_ < table_->size(); ++groups_) InitStates(State(static_cast<uint32_t>(groups_)));
    // The key rows with their states, their hash table and the strings
    // count against the query's memory.
    const size_t now = table_->bytes() + encoder_.intern_bytes() + parts_.capacity();
    if (now <= reserved_) return Status::OK();
    const size_t more = now - reserved_;
    reserved_ = now;
    return ctx_->Reserve(more);
  }

  // A chunk's keys and each aggregate's arguments (in aggregate order), as
  // evaluated from a chunk or read back from a spill file.
  struct Inputs {
    std::vector<const Vector*> keys, args;
    size_t n = 0;
  };

  // Evaluates the group keys and arguments over `in` (into this table's
  // scratch vectors, valid until the next call).
  Status Evaluate(const std::vector<BoundExprPtr>& group_exprs, const Chunk& in, Inputs* out) {
    out->n = in.size;
    out->keys.clear();
    out->args.clear();
    key_vectors_.resize(group_exprs.size());
    for (size_t k = 0; k < group_exprs.size(); ++k) {
      Status s = sql::Evaluate(ctx_->eval(), *group_exprs[k], in, &key_vectors_[k]);
      if (!s.ok()) return s;
      out->keys.push_back(&key_vectors_[k]);
    }
    size_t total = 0;
    for (const auto& agg : *aggs_) total += agg.args.size();
    arg_vectors_.resize(total);
    size_t i = 0;
    for (const auto& agg : *aggs_) {
      for (const auto& arg : agg.args) {
        Status s = sql::Evaluate(ctx_->eval(), *arg, in, &arg_vectors_[i]);
        if (!s.ok()) return s;
        out->args.push_back(&arg_vectors_[i++]);
      }
    }
    return Status::OK();
  }

  // Inputs over the columns of a spilled chunk (keys, then arguments).
  static Inputs InputsOf(const Chunk& c, size_t keys) {
    Inputs in;
    in.n = c.size;
    for (size_t k = 0; k < c.columns.size(); ++k) {
      (k < keys ? in.keys : in.args).push_back(&c.columns[k]);
    }
    return in;
  }

  // Folds the rows in, adding groups.
  Status Fold(const Inputs& in) {
    rows_.resize(in.n * width_);
    encoder_.Encode(in.keys, in.n, rows_.data());
    ids_.resize(in.n);
    const size_t before = groups_;
    Status s = FindOrInsert(rows_.data(), in.n, ids_.data());
    if (!s.ok()) return s;
    if (track_parts_ && groups_ > before) NoteParts(in, before);
    return UpdateStates(in, nullptr, in.n);
  }

  // Folds in the rows whose group this table holds; the others' row
  // numbers go to *missing.
  Status FoldExisting(const Inputs& in, std::vector<uint32_t>* missing) {
    const size_t n = in.n;
    rows_.resize(n * width_);
    unknown_.assign(n, 0);
    encoder_.Encode(in.keys, n, rows_.data(), unknown_.data());
    ids_.resize(n);
    table_->Find(rows_.data(), n, ids_.data());
    found_.clear();
    missing->clear();
    for (size_t i = 0; i < n; ++i) {
      if (ids_[i] == KeyRowTable::kMissing || unknown_[i] != 0) {
        missing->push_back(static_cast<uint32_t>(i));
      } else {
        found_.push_back(static_cast<uint32_t>(i));
      }
    }
    if (found_.empty()) return Status::OK();
    if (found_.size() == n) return UpdateStates(in, nullptr, n);
    if (missing->size() * 2 > n) return UpdateStates(in, found_.data(), found_.size());
    // Few rows miss: update every row, the missing ones into the sink
    // (cheaper than gathering the arguments of the others).
    for (uint32_t r : *missing) ids_[r] = KeyRowTable::kMissing;
    Status s = UpdateStates(in, nullptr, n);
    if (has_destroy_) {
      DestroyStates(sink_.get());
      InitStates(sink_.get());
    }
    return s;
  }

  // Updates the states of ids_[r] with row r of `in`, for the rows r of
  // `sel` (all n rows when null). Rows with id kMissing update the sink.
  Status UpdateStates(const Inputs& in, const uint32_t* sel, size_t n) {
    states_.resize(n);
    std::vector<const Vector*> args;
    size_t next_arg = 0;
    for (size_t a = 0; a < aggs_->size(); ++a) {
      const BoundAggregate& agg = (*aggs_)[a];
      args.clear();
      for (size_t k = 0; k < agg.args.size(); ++k) {
        const Vector* v = in.args[next_arg++];
        if (sel != nullptr) {
          selected_.resize(std::max(selected_.size(), k + 1));
          selected_[k].Gather(*v, sel, n);
          v = &selected_[k];
        }
        args.push_back(v);
      }
      for (size_t i = 0; i < n; ++i) {
        const uint32_t id = ids_[sel != nullptr ? sel[i] : i];
        states_[i] = (id == KeyRowTable::kMissing ? sink_.get() : State(id)) + offsets_[a];
      }
      Status s = agg.function->update(states_.data(), args.data(), n);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  // Moves every group of `other` into this table.
  Status Merge(GroupTable& other) { return MergeGroups(other, nullptr, other.groups_); }

  // Moves groups groups[0..count) of `other` (all its groups when null)
  // into this table.
  Status MergeGroups(GroupTable& other, const uint32_t* groups, size_t count) {
    std::vector<uint32_t> ids(kBatchSize);
    for (size_t start = 0; start < count; start += kBatchSize) {
      const size_t n = std::min(kBatchSize, count - start);
      auto group = [&](size_t i) {
        return groups != nullptr ? groups[start + i] : static_cast<uint32_t>(start + i);
      };
      if (groups != nullptr) {  // scattered over `other`: overlap the cache misses
        for (size_t i = 0; i < n; ++i) {
          __builtin_prefetch(other.table_->Row(group(i)));
          __builtin_prefetch(other.State(group(i)));
        }
      }
      rows_.resize(n * width_);
      for (size_t i = 0; i < n; ++i) {
        encoder_.Translate(other.encoder_, other.table_->Row(group(i)), rows_.data() + i * width_);
      }
      Status s = FindOrInsert(rows_.data(), n, ids.data());
      if (!s.ok()) return s;
      for (size_t i = 0; i < n; ++i) {
        uint8_t* src = other.State(group(i));
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
  void InitStates(uint8_t* states) {
    for (size_t a = 0; a < aggs_->size(); ++a) (*aggs_)[a].function->init(states + offsets_[a]);
  }
  void DestroyStates(uint8_t* states) {
    for (size_t a = 0; a < aggs_->size(); ++a) {
      auto destroy = (*aggs_)[a].function->destroy;
      if (destroy != nullptr) destroy(states + offsets_[a]);
    }
  }

  // Notes the parts of the groups from `first` on, which Fold just added
  // from rows of `in` (the first row of each new group, in id order).
  void NoteParts(const Inputs& in, size_t first) {
    new_rows_.clear();
    uint32_t next = static_cast<uint32_t>(first);
    for (size_t i = 0; i < in.n && next < groups_; ++i) {
      if (ids_[i] == next) {
        new_rows_.push_back(static_cast<uint32_t>(i));
        ++next;
      }
    }
    const uint64_t* h = hasher_.Hash(in.keys, new_rows_.data(), new_rows_.size());
    for (size_t j = 0; j < new_rows_.size(); ++j) {
      parts_.push_back(static_cast<uint8_t>(SpillPartitions::PartOf(h[j])));
    }
  }

  KeyEncoder encoder_;
  const size_t width_;
  std::unique_ptr<KeyRowTable> table_;  // group g is key row g; its states are its payload
  const std::vector<BoundAggregate>* aggs_;
  QueryContext* ctx_;
  std::vector<size_t> offsets_;  // of each aggregate's state in the payload
  size_t groups_ = 0;
  size_t reserved_ = 0;
  bool track_parts_ = false;
  std::vector<uint8_t> parts_;  // of each group, when tracked
  struct AlignedDelete {
    void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<uint8_t[], AlignedDelete> sink_;  // states updated and thrown away
  bool has_destroy_ = false;
  // scratch
  SelectedHasher hasher_;
  std::vector<uint32_t> new_rows_;
  std::vector<uint8_t> rows_;
  std::vector<uint32_t> ids_, found_;
  std::vector<uint8_t> unknown_;
  std::vector<uint8_t*> states_;
  std::vector<Vector> key_vectors_, arg_vectors_, selected_;
};

}  // namespace

namespace {

// One thread's spill files, one per part.
struct SpillParts {
  std::unique_ptr<SpillPartitions> files;  // null until the thread spills
  std::vector<uint32_t> missing;
  std::vector<uint64_t> hashes;
  std::vector<const Vector*> cols;
  SelectedHasher hasher;
};

// Writes rows `parts->missing` of `in` to the part files by key hash.
Status SpillRows(const GroupTable::Inputs& in, SpillParts* parts, QueryContext* ctx) {
  if (parts->missing.empty()) return Status::OK();
  if (!parts->files) {
    parts->files = std::make_unique<SpillPartitions>(ctx->spill_dir(), &ctx->spilled_bytes);
  }
  // Hashes by row number: of every row when many miss, else of the missing.
  const std::vector<uint32_t>& missing = parts->missing;
  parts->hashes.resize(in.n);
  if (missing.size() * 4 > in.n) {
    HashRows(in.keys, in.n, parts->hashes.data());
  } else {
    const uint64_t* h = parts->hasher.Hash(in.keys, missing.data(), missing.size());
    for (size_t j = 0; j < missing.size(); ++j) parts->hashes[missing[j]] = h[j];
  }
  parts->cols = in.keys;
  parts->cols.insert(parts->cols.end(), in.args.begin(), in.args.end());
  return parts->files->Write(parts->cols, in.n, parts->hashes.data(), parts->missing.data(),
                             parts->missing.size());
}

// The output of a GROUP BY by parts (many groups, or spilled): each
// thread's stream takes the next part not yet taken and outputs its
// groups, until no part is left. Parts hold disjoint groups, so streams
// merge from the threads' tables at once without locks.
class PartsOutput : public ChunkSource {
 public:
  PartsOutput(PlanNode* node, QueryContext* ctx, std::vector<std::unique_ptr<GroupTable>> tables,
              std::vector<SpillParts> spills)
      : node_(node), ctx_(ctx), tables_(std::move(tables)), spills_(std::move(spills)) {
    for (const auto& g : node->groups) key_types_.push_back(g->type);
    spill_types_ = key_types_;
    for (const auto& agg : node->aggregates) {
      for (const auto& arg : agg.args) spill_types_.push_back(arg->type);
    }
  }

  Status Prepare() {
    // Each table's groups listed by part, so a part finds its groups
    // without scanning every group.
    for (auto& t : tables_) {
      const std::vector<uint8_t>& parts = t->parts();
      auto& by_part = groups_by_part_.emplace_back(kParts);
      for (size_t g = 0; g < parts.size(); ++g) by_part[parts[g]].push_back(static_cast<uint32_t>(g));
    }
    for (auto& sp : spills_) {
      if (!sp.files) continue;
      Status s = sp.files->Finish();
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  StreamPtr Open() override { return std::make_unique<PartsStream>(this); }

 private:
  class PartsStream : public Stream {
   public:
    explicit PartsStream(PartsOutput* a) : a_(a) {}
    ~PartsStream() override { a_->ctx_->Release(pending_bytes_); }
    Status Next(Chunk* out) override {
      while (ready_ >= pending_.size()) {
        const size_t p = a_->next_part_.fetch_add(1);
        if (p >= kParts) {
          out->size = 0;
          out->columns.clear();
          return Status::OK();
        }
        Status s = BuildPart(p);
        if (!s.ok()) return s;
      }
      *out = std::move(pending_[ready_++]);
      return Status::OK();
    }

   private:
    // Part p's groups: from every thread's table, then from its spilled rows.
    Status BuildPart(size_t p) {
      QueryContext* ctx = a_->ctx_;
      pending_.clear();
      ready_ = 0;
      ctx->Release(pending_bytes_);
      pending_bytes_ = 0;
      GroupTable table(a_->key_types_, &a_->node_->aggregates, ctx);
      size_t groups = 0;
      for (const auto& by_part : a_->groups_by_part_) groups += by_part[p].size();
      table.Reserve(groups);
      for (size_t t = 0; t < a_->tables_.size(); ++t) {
        std::vector<uint32_t>& groups = a_->groups_by_part_[t][p];  // this stream's part only
        Status s = table.MergeGroups(*a_->tables_[t], groups.data(), groups.size());
        if (!s.ok()) return s;
        std::vector<uint32_t>().swap(groups);
      }
      Chunk chunk;
      for (auto& sp : a_->spills_) {
        SpillFile* file = sp.files ? sp.files->part(p) : nullptr;
        if (file == nullptr) continue;
        while (true) {
          Status s = ctx->Check();
          if (s.ok()) s = file->Read(a_->spill_types_, &chunk);
          if (!s.ok()) return s;
          if (chunk.size == 0) break;
          s = table.Fold(GroupTable::InputsOf(chunk, a_->key_types_.size()));
          if (!s.ok()) return s;
        }
        sp.files->Drop(p);  // its disk space goes now
      }
      Collection c;
      Status s = table.Output(&c);
      if (!s.ok()) return s;
      pending_ = std::move(c.chunks);
      for (const Chunk& ch : pending_) pending_bytes_ += ChunkBytes(ch);
      return ctx->Reserve(pending_bytes_);
    }

    PartsOutput* a_;
    std::vector<Chunk> pending_;  // the current part's output
    size_t ready_ = 0;
    size_t pending_bytes_ = 0;
  };

  PlanNode* node_;
  QueryContext* ctx_;
  std::vector<SqlType> key_types_, spill_types_;
  std::vector<std::unique_ptr<GroupTable>> tables_;  // what each thread held
  std::vector<std::vector<std::vector<uint32_t>>> groups_by_part_;  // per table, per part
  std::vector<SpillParts> spills_;                   // per thread
  std::atomic<size_t> next_part_{0};
};

}  // namespace

Status RunAggregate(PlanNode* node, Shared* shared) {
  QueryContext* ctx = shared->ctx;
  const int threads = ctx->threads();
  std::vector<SqlType> key_types;
  for (const auto& g : node->groups) key_types.push_back(g->type);
  std::vector<std::unique_ptr<GroupTable>> tables;
  const bool may_spill = !node->groups.empty();  // and be merged by parts
  for (int t = 0; t < threads; ++t) {
    tables.push_back(std::make_unique<GroupTable>(key_types, &node->aggregates, ctx));
    if (may_spill) tables.back()->TrackParts();
  }
  std::vector<SpillParts> spills(static_cast<size_t>(threads));
  std::atomic<bool> spilling{false};
  Status s = RunParallel(node->children[0].get(), shared, threads, [&](int t, Chunk& chunk) {
    GroupTable& table = *tables[static_cast<size_t>(t)];
    GroupTable::Inputs in;
    Status st = table.Evaluate(node->groups, chunk, &in);
    if (!st.ok()) return st;
    if (may_spill && !spilling.load(std::memory_order_relaxed) && ctx->ShouldSpill()) {
      spilling.store(true);
    }
    if (!spilling.load(std::memory_order_relaxed)) return table.Fold(in);
    SpillParts& parts = spills[static_cast<size_t>(t)];
    st = table.FoldExisting(in, &parts.missing);
    if (!st.ok()) return st;
    return SpillRows(in, &parts, ctx);
  });
  if (!s.ok()) return s;
  size_t groups = 0;
  for (const auto& t : tables) groups += t->groups();
  if (spilling.load() || (may_spill && tables.size() > 1 && groups >= kMergeByPartsFrom)) {
    auto source = std::make_shared<PartsOutput>(node, ctx, std::move(tables), std::move(spills));
    s = source->Prepare();
    if (!s.ok()) return s;
    shared->sources[node] = std::move(source);
    return Status::OK();
  }
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
  shared->materialized[node] = std::move(out);
  return Status::OK();
}

}  // namespace tp::storage::sql::exec
