// Table scans: the files of a snapshot, a file per morsel, then the
// in-memory tail. Per row group: skip it when the statistics rule out a
// pushed-down filter or the time range; read the columns the filters need,
// select the rows that pass, and read the other columns only if any did.
#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "storage/parquet/parquet_reader.h"
#include "storage/sql/executor_internal.h"
#include "storage/sql/functions.h"

namespace tp::storage::sql::exec {

struct ScanShared {
  PlanNode* node = nullptr;
  TableData* data = nullptr;
  BoundExprPtr filter;  // AND of the node's filters, or null
  std::vector<bool> filter_columns;  // scan columns the filters read
  int time_column = -1;              // scan column of the table's time column, or -1
  std::atomic<size_t> next_file{0};
  std::atomic<size_t> next_tail{0};  // next tail slice (of kBatchSize rows)
  std::atomic<bool> system_done{false};
};

namespace {

// True when the statistics prove no row of the group passes `f`.
bool Excluded(const BoundExpr& f, const std::vector<const parquet::ColumnStats*>& stats,
              const std::vector<SqlType>& types) {
  if (f.kind == BoundKind::kAnd) {
    for (const auto& c : f.children) {
      if (Excluded(*c, stats, types)) return true;
    }
    return false;
  }
  if (f.kind != BoundKind::kFunction || f.children.size() != 2) return false;
  std::string op = f.name;
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") return false;
  const BoundExpr* col = f.children[0].get();
  const BoundExpr* cst = f.children[1].get();
  if (col->kind == BoundKind::kConstant) {
    std::swap(col, cst);
    op = op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
  }
  if (col->kind != BoundKind::kColumn || cst->kind != BoundKind::kConstant) return false;
  if (cst->value.is_null()) return true;  // a comparison with NULL is never TRUE
  const parquet::ColumnStats* s = stats[col->column];
  if (s == nullptr || !s->has_min_max || !(cst->value.type() == types[col->column])) return false;
  int lo_cmp, hi_cmp;  // sign of (value - min), (value - max)
  auto sign = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
  switch (types[col->column].id) {
    case SqlTypeId::kBool:
    case SqlTypeId::kInt32:
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kDate:
    case SqlTypeId::kTimestamp:
      lo_cmp = sign(cst->value.int_value(), s->min_i);
      hi_cmp = sign(cst->value.int_value(), s->max_i);
      break;
    case SqlTypeId::kFloat64:
      // NaN is above every number (DuckDB) but is not in min/max: only
      // bounds from below are safe.
      if (op != "<" && op != "<=") return false;
      lo_cmp = sign(cst->value.float_value(), s->min_d);
      hi_cmp = sign(cst->value.float_value(), s->max_d);
      break;
    case SqlTypeId::kString:
      lo_cmp = sign(cst->value.string_value(), s->min_s);
      hi_cmp = sign(cst->value.string_value(), s->max_s);
      break;
    default:
      return false;
  }
  if (op == "=") return lo_cmp < 0 || hi_cmp > 0;
  if (op == "<") return lo_cmp <= 0;   // every row >= min >= value
  if (op == "<=") return lo_cmp < 0;
  if (op == ">") return hi_cmp >= 0;   // every row <= max <= value
  return hi_cmp > 0;                   // ">="
}

class ScanStream : public Stream {
 public:
  ScanStream(ScanShared* shared, QueryContext* ctx) : s_(shared), ctx_(ctx) {
    const PlanNode& n = *s_->node;
    types_ = n.types;
  }

  Status Next(Chunk* out) override {
    while (true) {
      if (pos_ < rows_) return Emit(out);
      Status st = ctx_->Check();
      if (!st.ok()) return st;
      if (reader_ != nullptr && group_ + 1 < reader_->row_groups().size()) {
        ++group_;
        st = LoadGroup();
        if (!st.ok()) return st;
        continue;
      }
      reader_.reset();
      const size_t f = s_->next_file.fetch_add(1);
      if (f < s_->data->files.size()) {
        st = OpenFile(f);
        if (!st.ok()) return st;
        continue;
      }
      // Then the tail, a chunk at a time.
      const size_t t = s_->next_tail.fetch_add(1);
      if (t < s_->data->tail.size()) {
        st = LoadTail(s_->data->tail[t]);
        if (!st.ok()) return st;
        continue;
      }
      out->size = 0;
      out->columns.clear();
      return Status::OK();
    }
  }

 private:
  Status OpenFile(size_t f) {
    const FileEntry& entry = s_->data->files[f];
    const TimeRange& range = s_->node->time_range;
    if (entry.max_time_us < range.min_us || entry.min_time_us > range.max_us) {
      ctx_->files_skipped++;
      return Status::OK();
    }
    if (s_->data->readers != nullptr) {
      auto r = s_->data->readers->Get(ctx_->data_dir(), entry);
      if (!r.ok()) return r.status().Prefixed("reading table " + s_->node->table + ": ");
      reader_ = std::move(*r);
    } else {
      auto r = parquet::ParquetReader::Open(ctx_->data_dir() / entry.path);
      if (!r.ok()) return r.status().Prefixed("reading table " + s_->node->table + ": ");
      reader_ = std::move(*r);
    }
    ctx_->files_scanned++;
    // Map the scan's columns to the file's fields by name (an older file
    // may lack columns added later, or hold a narrower type).
    const Schema& fs = reader_->schema();
    fields_.assign(types_.size(), -1);
    casts_.clear();
    casts_.resize(types_.size());
    file_types_.assign(types_.size(), SqlType());
    for (size_t c = 0; c < types_.size(); ++c) {
      const std::string& name = s_->node->names[c];
      const int field = fs.Find(name);
      fields_[c] = field;
      if (field < 0) continue;
      file_types_[c] = SqlType::FromStorage(fs.fields[static_cast<size_t>(field)].type);
      if (!(file_types_[c] == types_[c])) {
        auto cast = BindCast(MakeColumn(0, file_types_[c], name), types_[c], 0);
        if (!cast.ok()) {
          return Status::InvalidArgument("file " + entry.path + " holds column " + name +
                                         " as " + file_types_[c].ToString() +
                                         ", which cannot be read as " + types_[c].ToString());
        }
        casts_[c] = std::move(*cast);
      }
    }
    group_ = 0;
    if (reader_->row_groups().empty()) return Status::OK();
    return LoadGroup();
  }

  Status ReadColumn(size_t c, Vector* out) {
    const size_t n = rows_in_group_;
    if (fields_[c] < 0) {
      out->Reset(types_[c], n);
      out->SetAllNull();
      return Status::OK();
    }
    LogicalType storage_type = reader_->schema().fields[static_cast<size_t>(fields_[c])].type;
    if (storage_type.id == TypeId::kString && !casts_[c]) {
      // A dictionary-encoded chunk becomes views into its dictionary: no
      // string is copied per row.
      auto dict = std::make_shared<Column>(storage_type);
      Status st = reader_->ReadDictionaryCodes(group_, static_cast<size_t>(fields_[c]),
                                               dict.get(), &codes_);
      if (st.ok()) {
        ctx_->bytes_scanned += reader_->ColumnChunkBytes(group_, static_cast<size_t>(fields_[c]));
        dict_views_.resize(dict->size());
        for (size_t i = 0; i < dict->size(); ++i) dict_views_[i] = dict->GetString(i);
        out->Reset(types_[c], n);
        auto* views = out->data<std::string_view>();
        uint8_t* validity = nullptr;
        for (size_t i = 0; i < n; ++i) {
          const uint32_t code = codes_[i];
          if (code < dict_views_.size()) {
            views[i] = dict_views_[code];
          } else {
            views[i] = std::string_view();
            if (validity == nullptr) validity = out->MutableValidity();
            validity[i] = 0;
          }
        }
        out->KeepAlive(std::move(dict));
        return Status::OK();
      }
      if (st.code() != Status::Code::kNotFound) return st;
    }
    auto col = std::make_shared<Column>(storage_type);
    Status st = reader_->ReadColumn(group_, static_cast<size_t>(fields_[c]), col.get());
    if (!st.ok()) return st;
    ctx_->bytes_scanned += reader_->ColumnChunkBytes(group_, static_cast<size_t>(fields_[c]));
    if (!casts_[c]) {
      ReferenceColumn(*col, types_[c], 0, n, col, out);
      return Status::OK();
    }
    Chunk one;
    one.columns.resize(1);
    ReferenceColumn(*col, file_types_[c], 0, n, col, &one.columns[0]);
    one.size = n;
    return Evaluate(ctx_->eval(), *casts_[c], one, out);
  }

  Status LoadGroup() {
    const auto& info = reader_->row_groups()[group_];
    rows_ = pos_ = 0;
    sel_.clear();
    has_sel_ = false;
    rows_in_group_ = info.rows;
    // Statistics: the filters and the time range.
    std::vector<const parquet::ColumnStats*> stats(types_.size(), nullptr);
    for (size_t c = 0; c < types_.size(); ++c) {
      if (fields_[c] >= 0 && !casts_[c]) stats[c] = &info.columns[static_cast<size_t>(fields_[c])];
    }
    bool skip = info.rows == 0;
    const TimeRange& range = s_->node->time_range;
    if (!skip && s_->time_column >= 0 && stats[s_->time_column] != nullptr &&
        stats[s_->time_column]->has_min_max) {
      const auto* ts = stats[s_->time_column];
      int64_t lo = ts->min_i, hi = ts->max_i;
      if (types_[s_->time_column].id == SqlTypeId::kDate) {
        lo *= int64_t{86400} * 1000000;
        hi = hi * int64_t{86400} * 1000000 + int64_t{86400} * 1000000 - 1;
      }
      skip = hi < range.min_us || lo > range.max_us;
    }
    if (!skip && s_->filter) skip = Excluded(*s_->filter, stats, types_);
    if (skip) {
      ctx_->row_groups_skipped++;
      return Status::OK();
    }
    ctx_->row_groups_scanned++;
    ctx_->rows_scanned += info.rows;
    group_chunk_.columns.clear();
    group_chunk_.columns.resize(types_.size());
    group_chunk_.size = rows_in_group_;
    if (s_->filter) {
      for (size_t c = 0; c < types_.size(); ++c) {
        if (!s_->filter_columns[c]) continue;
        Status st = ReadColumn(c, &group_chunk_.columns[c]);
        if (!st.ok()) return st;
      }
      sel_.resize(rows_in_group_);
      size_t n = 0;
      Status st = Select(ctx_->eval(), *s_->filter, group_chunk_, sel_.data(), &n);
      if (!st.ok()) return st;
      if (n == 0) return Status::OK();
      sel_.resize(n);
      has_sel_ = n < rows_in_group_;
    }
    for (size_t c = 0; c < types_.size(); ++c) {
      if (s_->filter && s_->filter_columns[c]) continue;
      Status st = ReadColumn(c, &group_chunk_.columns[c]);
      if (!st.ok()) return st;
    }
    rows_ = has_sel_ ? sel_.size() : rows_in_group_;
    return Status::OK();
  }

  Status LoadTail(const Chunk& tail) {
    const size_t n = tail.size;
    ctx_->rows_scanned += n;
    ctx_->tail_rows += n;
    rows_ = pos_ = 0;
    has_sel_ = false;
    rows_in_group_ = n;
    group_chunk_.columns.clear();
    group_chunk_.columns.resize(types_.size());
    group_chunk_.size = n;
    for (size_t c = 0; c < types_.size(); ++c) group_chunk_.columns[c].Reference(tail.columns[c]);
    if (s_->filter) {
      sel_.resize(n);
      size_t k = 0;
      Status st = Select(ctx_->eval(), *s_->filter, group_chunk_, sel_.data(), &k);
      if (!st.ok()) return st;
      sel_.resize(k);
      has_sel_ = k < n;
      rows_ = k;
    } else {
      rows_ = n;
    }
    return Status::OK();
  }

  Status Emit(Chunk* out) {
    const size_t n = std::min(kBatchSize, rows_ - pos_);
    out->columns.resize(types_.size());
    for (size_t c = 0; c < types_.size(); ++c) {
      if (has_sel_) {
        out->columns[c].Gather(group_chunk_.columns[c], sel_.data() + pos_, n);
      } else {
        out->columns[c].Slice(group_chunk_.columns[c], pos_, n);
      }
    }
    out->size = n;
    pos_ += n;
    return Status::OK();
  }

  ScanShared* s_;
  QueryContext* ctx_;
  std::vector<SqlType> types_;
  std::shared_ptr<const parquet::ParquetReader> reader_;
  std::vector<int> fields_;
  std::vector<SqlType> file_types_;
  std::vector<BoundExprPtr> casts_;
  size_t group_ = 0;
  size_t rows_in_group_ = 0;
  Chunk group_chunk_;
  std::vector<uint32_t> sel_;
  std::vector<uint32_t> codes_;                // scratch: dictionary codes of a chunk
  std::vector<std::string_view> dict_views_;  // scratch: its dictionary
  bool has_sel_ = false;
  size_t rows_ = 0, pos_ = 0;
};

// A system table: its rows were computed at bind time; one thread emits them.
class SystemScanStream : public Stream {
 public:
  SystemScanStream(ScanShared* shared, QueryContext* ctx) : s_(shared), ctx_(ctx) {}
  Status Next(Chunk* out) override {
    out->size = 0;
    if (s_->system_done.exchange(true)) {
      out->columns.clear();
      return Status::OK();
    }
    const PlanNode& n = *s_->node;
    Chunk all;
    all.columns.resize(n.types.size());
    for (size_t c = 0; c < n.types.size(); ++c) all.columns[c].Reset(n.types[c], 0);
    for (const auto& row : n.values) {
      for (size_t c = 0; c < n.types.size(); ++c) {
        all.columns[c].AppendValue(row[n.scan_columns[c]]);
      }
    }
    all.size = n.values.size();
    ctx_->rows_scanned += all.size;
    if (!s_->filter) {
      *out = std::move(all);
      return Status::OK();
    }
    std::vector<uint32_t> sel(all.size);
    size_t k = 0;
    Status st = Select(ctx_->eval(), *s_->filter, all, sel.data(), &k);
    if (!st.ok()) return st;
    out->columns.resize(n.types.size());
    for (size_t c = 0; c < n.types.size(); ++c) out->columns[c].Gather(all.columns[c], sel.data(), k);
    out->size = k;
    return Status::OK();
  }

 private:
  ScanShared* s_;
  QueryContext* ctx_;
};

}  // namespace

Status PrepareScan(PlanNode* node, Shared* shared) {
  if (shared->scans.count(node) > 0) return Status::OK();
  auto s = std::make_shared<ScanShared>();
  s->node = node;
  if (!node->system_table) {
    auto d = shared->data->find(node);
    if (d == shared->data->end()) {
      return Status::InvalidArgument("internal error: no snapshot for table " + node->table);
    }
    s->data = &d->second;
  }
  if (!node->filters.empty()) {
    std::vector<BoundExprPtr> copies;
    for (const auto& f : node->filters) copies.push_back(f->Copy());
    if (copies.size() == 1) {
      s->filter = std::move(copies[0]);
    } else {
      s->filter = std::make_unique<BoundExpr>();
      s->filter->kind = BoundKind::kAnd;
      s->filter->type = SqlType::Of(SqlTypeId::kBool);
      s->filter->children = std::move(copies);
    }
    std::set<size_t> cols;
    std::function<void(const BoundExpr&)> walk = [&](const BoundExpr& e) {
      if (e.kind == BoundKind::kColumn) cols.insert(e.column);
      for (const auto& c : e.children) walk(*c);
    };
    walk(*s->filter);
    s->filter_columns.assign(node->types.size(), false);
    for (size_t c : cols) s->filter_columns[c] = true;
  }
  if (!node->time_column.empty()) {
    for (size_t c = 0; c < node->names.size(); ++c) {
      if (node->names[c] == node->time_column) s->time_column = static_cast<int>(c);
    }
  }
  if (s->data != nullptr) shared->ctx->files_skipped += s->data->files_pruned;
  shared->scans[node] = std::move(s);
  return Status::OK();
}

Result<StreamPtr> MakeScanStream(PlanNode* node, Shared* shared) {
  ScanShared* s = shared->scans.at(node).get();
  if (node->system_table) return StreamPtr(std::make_unique<SystemScanStream>(s, shared->ctx));
  return StreamPtr(std::make_unique<ScanStream>(s, shared->ctx));
}

}  // namespace tp::storage::sql::exec
