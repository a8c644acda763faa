// ORDER BY (full sort and top-N) and window functions. Both collect their
// input (in parallel), evaluate the sort keys once over all rows and sort a
// permutation of row numbers; the rows are then gathered in that order.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <utility>

#include "storage/sql/executor_internal.h"
#include "storage/sql/group_keys.h"

namespace tp::storage::sql::exec {
namespace {

struct KeyRef {
  const Vector* values;
  bool descending;
  bool nulls_first;
};

// -1, 0, 1 for rows a, b under `keys` (NULLs placed as each key says).
int CompareRows(const std::vector<KeyRef>& keys, uint32_t a, uint32_t b) {
  for (const KeyRef& k : keys) {
    const bool na = k.values->IsNull(a), nb = k.values->IsNull(b);
    if (na || nb) {
      if (na && nb) continue;
      return (na == k.nulls_first) ? -1 : 1;
    }
    int c = CompareValues(*k.values, a, b);
    if (c != 0) return k.descending ? -c : c;
  }
  return 0;
}

Status EvaluateAll(QueryContext* ctx, const std::vector<SortKey>& order, const Chunk& rows,
                   std::vector<Vector>* values, std::vector<KeyRef>* keys) {
  values->resize(values->size() + order.size());
  const size_t base = values->size() - order.size();
  for (size_t k = 0; k < order.size(); ++k) {
    Status s = Evaluate(ctx->eval(), *order[k].expr, rows, &(*values)[base + k]);
    if (!s.ok()) return s;
  }
  for (size_t k = 0; k < order.size(); ++k) {
    keys->push_back({&(*values)[base + k], order[k].descending, order[k].nulls_first});
  }
  return Status::OK();
}

// Gathers rows perm[from, to) of `rows` into chunks of kBatchSize.
void Emit(const std::vector<SqlType>& types, const Chunk& rows, const std::vector<uint32_t>& perm,
          size_t from, size_t to, Collection* out) {
  for (size_t start = from; start < to; start += kBatchSize) {
    const size_t n = std::min(kBatchSize, to - start);
    Chunk c;
    c.size = n;
    c.columns.resize(types.size());
    for (size_t k = 0; k < types.size(); ++k) c.columns[k].Gather(rows.columns[k], perm.data() + start, n);
    out->chunks.push_back(std::move(c));
  }
}

// Copies row `srow` of `src` into row `drow` of the owning vector `dst`.
void CopyCell(Vector* dst, size_t drow, const Vector& src, size_t srow) {
  if (src.IsNull(srow)) {
    dst->SetNull(drow);
    const size_t w = PhysicalWidth(dst->type().id);
    std::memset(dst->data<uint8_t>() + drow * w, 0, w);  // a NULL row holds a zero value
    return;
  }
  if (src.type().id == SqlTypeId::kString) {
    dst->data<std::string_view>()[drow] = dst->AddString(src.data<std::string_view>()[srow]);
    return;
  }
  const size_t w = PhysicalWidth(src.type().id);
  std::memcpy(dst->data<uint8_t>() + drow * w, src.data<uint8_t>() + srow * w, w);
}

Result<Chunk> CollectAll(PlanNode* child, Shared* shared) {
  auto c = Collect(child, shared, shared->ctx->threads());
  if (!c.ok()) return c.status();
  Chunk all = Concat(child->types, (*c)->chunks);
  if (all.columns.size() != child->types.size()) {
    all.columns.resize(child->types.size());
    for (size_t k = 0; k < all.columns.size(); ++k) all.columns[k].Reset(child->types[k], 0);
  }
  return all;
}

}  // namespace

Result<std::shared_ptr<Collection>> RunSort(PlanNode* node, Shared* shared) {
  auto rows = CollectAll(node->children[0].get(), shared);
  if (!rows.ok()) return rows.status();
  const size_t n = rows->size;
  std::vector<Vector> values;
  std::vector<KeyRef> keys;
  Status s = EvaluateAll(shared->ctx, node->order, *rows, &values, &keys);
  if (!s.ok()) return s;
  std::vector<uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  auto less = [&](uint32_t a, uint32_t b) {
    const int c = CompareRows(keys, a, b);
    return c != 0 ? c < 0 : a < b;  // ties keep input order: deterministic
  };
  size_t end = n;
  if (node->limit) end = static_cast<size_t>(std::min<uint64_t>(n, node->offset + *node->limit));
  if (end < n / 2) {
    std::partial_sort(perm.begin(), perm.begin() + static_cast<long>(end), perm.end(), less);
  } else {
    std::sort(perm.begin(), perm.end(), less);
  }
  auto out = std::make_shared<Collection>();
  out->types = node->types;
  const size_t from = static_cast<size_t>(std::min<uint64_t>(node->offset, end));
  Emit(node->types, *rows, perm, from, end, out.get());
  return out;
}

// Groups the n rows by the first `keys` vectors of `values` (the
// PARTITION BY values): *perm gets the row numbers partition by partition
// (each in row order), *bounds the partitions' starts and the end. Rows are
// hashed as key rows (group_keys.h), so no partition key is compared twice.
namespace {

Status PartitionRows(QueryContext* ctx, const std::vector<Vector>& values, size_t keys, size_t n,
                     std::vector<uint32_t>* perm, std::vector<size_t>* bounds) {
  perm->resize(n);
  if (keys == 0) {
    std::iota(perm->begin(), perm->end(), 0);
    *bounds = {0, n};
    return Status::OK();
  }
  std::vector<SqlType> types;
  for (size_t k = 0; k < keys; ++k) types.push_back(values[k].type());
  KeyEncoder encoder(types);
  KeyRowTable table(encoder.width());
  std::vector<uint32_t> ids(n);
  std::vector<uint8_t> rows;
  std::vector<Vector> slices(keys);
  std::vector<const Vector*> ptrs;
  for (size_t start = 0; start < n; start += kBatchSize) {
    const size_t m = std::min(kBatchSize, n - start);
    ptrs.clear();
    for (size_t k = 0; k < keys; ++k) {
      slices[k].Slice(values[k], start, m);
      ptrs.push_back(&slices[k]);
    }
    rows.resize(m * encoder.width());
    encoder.Encode(ptrs, m, rows.data());
    table.FindOrInsert(rows.data(), m, ids.data() + start);
  }
  const size_t held = table.bytes() + encoder.intern_bytes() + n * sizeof(uint32_t);
  Status s = ctx->Reserve(held);
  ctx->Release(held);  // freed on return
  if (!s.ok()) return s;
  // Counting sort by partition id (stable: row order within a partition).
  bounds->assign(table.size() + 1, 0);
  for (uint32_t id : ids) ++(*bounds)[id + 1];
  for (size_t p = 1; p < bounds->size(); ++p) (*bounds)[p] += (*bounds)[p - 1];
  std::vector<size_t> next(bounds->begin(), bounds->end() - 1);
  for (size_t r = 0; r < n; ++r) (*perm)[next[ids[r]]++] = static_cast<uint32_t>(r);
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<Collection>> RunWindow(PlanNode* node, Shared* shared) {
  PlanNode* child = node->children[0].get();
  auto rows = CollectAll(child, shared);
  if (!rows.ok()) return rows.status();
  const size_t n = rows->size;
  const size_t width = child->types.size();
  QueryContext* ctx = shared->ctx;
  std::vector<Vector> results(node->windows.size());
  for (size_t w = 0; w < node->windows.size(); ++w) {
    const BoundWindow& win = node->windows[w];
    std::vector<Vector> values;
    std::vector<KeyRef> order_keys;
    values.reserve(win.partition_by.size() + win.order_by.size());
    for (const auto& p : win.partition_by) {
      values.emplace_back();
      Status s = Evaluate(ctx->eval(), *p, *rows, &values.back());
      if (!s.ok()) return s;
    }
    Status s = EvaluateAll(ctx, win.order_by, *rows, &values, &order_keys);
    if (!s.ok()) return s;
    std::vector<uint32_t> perm;
    std::vector<size_t> bounds;  // partition p is perm[bounds[p] .. bounds[p + 1])
    s = PartitionRows(ctx, values, win.partition_by.size(), n, &perm, &bounds);
    if (!s.ok()) return s;
    for (size_t p = 0; p + 1 < bounds.size() && !order_keys.empty(); ++p) {
      std::sort(perm.begin() + static_cast<std::ptrdiff_t>(bounds[p]),
                perm.begin() + static_cast<std::ptrdiff_t>(bounds[p + 1]),
                [&](uint32_t a, uint32_t b) {
                  const int c = CompareRows(order_keys, a, b);
                  return c != 0 ? c < 0 : a < b;
                });
    }

    std::vector<Vector> args(win.aggregate.args.size());
    for (size_t k = 0; k < args.size(); ++k) {
      s = Evaluate(ctx->eval(), *win.aggregate.args[k], *rows, &args[k]);
      if (!s.ok()) return s;
    }
    Vector& out = results[w];
    out.Reset(win.type, n);
    const AggregateFunction* fn = win.kind == WindowKind::kAggregate ? win.aggregate.function.get() : nullptr;
    std::unique_ptr<uint8_t[]> state_buffer;
    uint8_t* state = nullptr;
    if (fn != nullptr) {
      state_buffer.reset(new uint8_t[fn->state_size + 16]);
      state = state_buffer.get() + (16 - reinterpret_cast<uintptr_t>(state_buffer.get()) % 16) % 16;
    }
    std::vector<Vector> peer_args(args.size());
    std::vector<const Vector*> arg_ptrs;
    std::vector<uint8_t*> states;
    Vector one;
    for (size_t p = 0; p + 1 < bounds.size(); ++p) {
      s = ctx->Check();
      if (!s.ok()) return s;
      const size_t start = bounds[p], end = bounds[p + 1];
      if (fn != nullptr) fn->init(state);
      int64_t rank = 0, dense = 0;
      size_t peer = start;
      while (peer < end) {
        size_t peer_end = peer + 1;
        if (win.order_by.empty()) {
          peer_end = end;  // no ORDER BY: the whole partition is one frame
        } else {
          while (peer_end < end && CompareRows(order_keys, perm[peer], perm[peer_end]) == 0) ++peer_end;
        }
        ++dense;
        rank = static_cast<int64_t>(peer - start) + 1;
        if ((dense & 255) == 0) {
          s = ctx->Check();
          if (!s.ok()) return s;
        }
        if (fn != nullptr) {
          const size_t m = peer_end - peer;
          arg_ptrs.clear();
          for (size_t k = 0; k < args.size(); ++k) {
            peer_args[k].Gather(args[k], perm.data() + peer, m);
            arg_ptrs.push_back(&peer_args[k]);
          }
          states.assign(m, state);
          s = fn->update(states.data(), arg_ptrs.data(), m);
          if (!s.ok()) return s;
          one.Reset(win.type, 1);
          s = fn->finalize(&state, 1, &one);
          if (!s.ok()) return s;
        }
        for (size_t i = peer; i < peer_end; ++i) {
          const uint32_t row = perm[i];
          switch (win.kind) {
            case WindowKind::kRowNumber:
              out.data<int64_t>()[row] = static_cast<int64_t>(i - start) + 1;
              break;
            case WindowKind::kRank: out.data<int64_t>()[row] = rank; break;
            case WindowKind::kDenseRank: out.data<int64_t>()[row] = dense; break;
            case WindowKind::kAggregate: CopyCell(&out, row, one, 0); break;
          }
        }
        peer = peer_end;
      }
      if (fn != nullptr && fn->destroy != nullptr) fn->destroy(state);
    }
  }
  // The input columns, then the window columns, in input order.
  auto out = std::make_shared<Collection>();
  out->types = node->types;
  for (size_t start = 0; start < n; start += kBatchSize) {
    const size_t m = std::min(kBatchSize, n - start);
    Chunk c;
    c.size = m;
    c.columns.resize(width + results.size());
    for (size_t k = 0; k < width; ++k) c.columns[k].Slice(rows->columns[k], start, m);
    for (size_t w = 0; w < results.size(); ++w) c.columns[width + w].Slice(results[w], start, m);
    out->chunks.push_back(std::move(c));
  }
  return out;
}

}  // namespace tp::storage::sql::exec
