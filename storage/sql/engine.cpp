// QueryEngine: parse, bind, snapshot, execute. See engine.h.
#include "storage/sql/engine.h"

#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "storage/sql/binder.h"
#include "storage/sql/binder_internal.h"
#include "storage/sql/executor.h"
#include "storage/sql/expression.h"
#include "storage/sql/functions.h"
#include "storage/sql/parser.h"
#include "storage/sql/reader_cache.h"
#include "storage/sql/suggest.h"
#include "storage/sql/time_zone.h"
#include "storage/value_parse.h"

namespace tp::storage::sql {

std::string FormatValue(const Vector& v, size_t row, const TimeZone& zone,
                        std::string_view null_text) {
  if (v.IsNull(row)) return std::string(null_text);
  if (v.type().id == SqlTypeId::kTimestamp) {
    const int64_t us = v.data<int64_t>()[row];
    return FormatTimestamp(us, zone.OffsetAt(us));
  }
  return v.GetValue(row).ToString();
}

struct QueryEngine::Impl {
  EngineOptions options;
  std::unique_ptr<TimeZone> zone;
  int threads = 1;
  std::unique_ptr<ReaderCache> readers;
};

QueryEngine::QueryEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
QueryEngine::~QueryEngine() = default;
const TimeZone& QueryEngine::zone() const { return *impl_->zone; }
const EngineOptions& QueryEngine::options() const { return impl_->options; }

Result<std::unique_ptr<QueryEngine>> QueryEngine::Open(EngineOptions options) {
  if (options.catalog == nullptr) return Status::InvalidArgument("QueryEngine needs a catalog");
  auto zone = TimeZone::Make(options.timezone);
  if (!zone.ok()) return zone.status();
  auto impl = std::make_unique<Impl>();
  impl->zone = std::move(*zone);
  impl->threads = options.threads > 0
                      ? options.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  impl->options = std::move(options);
  // Cached readers hold a descriptor each: a quarter of the process's limit.
  struct rlimit lim {};
  size_t capacity = 1024;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    capacity = std::clamp<size_t>(lim.rlim_cur / 4, 0, 4096);
  }
  impl->readers = std::make_unique<ReaderCache>(capacity);
  return std::unique_ptr<QueryEngine>(new QueryEngine(std::move(impl)));
}

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

SqlType Ts() { return SqlType::Of(SqlTypeId::kTimestamp); }

Field F(std::string name, LogicalType type) { return Field{std::move(name), type, true}; }

// The system tables: tillpipe.tables, columns, partitions, files.
std::optional<TableInfo> SystemTable(const std::string& name, Catalog* catalog) {
  TableInfo info;
  info.name = "tillpipe." + name;
  info.system = true;
  const LogicalType s = LogicalType::Of(TypeId::kString), i64 = LogicalType::Of(TypeId::kInt64),
                    i32 = LogicalType::Of(TypeId::kInt32), d = LogicalType::Of(TypeId::kDate),
                    ts = LogicalType::Of(TypeId::kTimestamp), b = LogicalType::Of(TypeId::kBool);
  auto tables = catalog->Tables();
  if (!tables.ok()) return std::nullopt;
  auto day_value = [](const std::string& day) {
    auto r = ParseDate(day);
    return r.ok() ? Value::Date(*r) : Value::Null(SqlType::Of(SqlTypeId::kDate));
  };
  if (name == "tables") {
    info.schema.fields = {F("table_name", s), F("time_column", s), F("schema_version", i32),
                          F("columns", i32), F("rows", i64), F("files", i64), F("bytes", i64),
                          F("days", i64), F("min_time", ts), F("max_time", ts)};
    auto days = catalog->Days();
    for (const auto& t : *tables) {
      int64_t rows = 0, files = 0, bytes = 0, n = 0;
      int64_t lo = INT64_MAX, hi = INT64_MIN;
      if (days.ok()) {
        for (const auto& ds : *days) {
          if (ds.table != t.name) continue;
          rows += static_cast<int64_t>(ds.rows);
          files += static_cast<int64_t>(ds.files);
          bytes += static_cast<int64_t>(ds.bytes);
          ++n;
          lo = std::min(lo, ds.min_time_us);
          hi = std::max(hi, ds.max_time_us);
        }
      }
      info.rows.push_back({Value::String(t.name), Value::String(t.time_column),
                           Value::Int32(t.schema_version),
                           Value::Int32(static_cast<int32_t>(t.schema.fields.size())),
                           Value::Int64(rows), Value::Int64(files), Value::Int64(bytes),
                           Value::Int64(n), n ? Value::Timestamp(lo) : Value::Null(Ts()),
                           n ? Value::Timestamp(hi) : Value::Null(Ts())});
    }
  } else if (name == "columns") {
    info.schema.fields = {F("table_name", s), F("column_name", s), F("ordinal", i32),
                          F("type", s), F("nullable", b), F("is_time_column", b)};
    for (const auto& t : *tables) {
      for (size_t c = 0; c < t.schema.fields.size(); ++c) {
        const Field& f = t.schema.fields[c];
        info.rows.push_back({Value::String(t.name), Value::String(f.name),
                             Value::Int32(static_cast<int32_t>(c + 1)),
                             Value::String(SqlType::FromStorage(f.type).ToString()),
                             Value::Bool(f.nullable), Value::Bool(f.name == t.time_column)});
      }
    }
  } else if (name == "partitions") {
    info.schema.fields = {F("table_name", s), F("day", d),      F("rows", i64),
                          F("files", i64),    F("bytes", i64),  F("raw_bytes", i64),
                          F("min_time", ts),  F("max_time", ts)};
    auto days = catalog->Days();
    if (!days.ok()) return std::nullopt;
    for (const auto& ds : *days) {
      info.rows.push_back({Value::String(ds.table), day_value(ds.day),
                           Value::Int64(static_cast<int64_t>(ds.rows)),
                           Value::Int64(static_cast<int64_t>(ds.files)),
                           Value::Int64(static_cast<int64_t>(ds.bytes)),
                           Value::Int64(static_cast<int64_t>(ds.raw_bytes)),
                           Value::Timestamp(ds.min_time_us), Value::Timestamp(ds.max_time_us)});
    }
  } else if (name == "files") {
    info.schema.fields = {F("table_name", s), F("day", d),        F("path", s),
                          F("rows", i64),     F("bytes", i64),    F("raw_bytes", i64),
                          F("min_time", ts),  F("max_time", ts),  F("schema_version", i32),
                          F("created_at", ts)};
    auto files = catalog->Files();
    if (!files.ok()) return std::nullopt;
    for (const auto& f : *files) {
      info.rows.push_back({Value::String(f.table), day_value(f.day), Value::String(f.path),
                           Value::Int64(static_cast<int64_t>(f.rows)),
                           Value::Int64(static_cast<int64_t>(f.bytes)),
                           Value::Int64(static_cast<int64_t>(f.raw_bytes)),
                           Value::Timestamp(f.min_time_us), Value::Timestamp(f.max_time_us),
                           Value::Int32(f.schema_version), Value::Timestamp(f.created_us)});
    }
  } else {
    return std::nullopt;
  }
  return info;
}

const char* const kSystemTables[] = {"tables", "columns", "partitions", "files"};

// Copies the tail rows whose day is in [from_day, to_day] into `out`, as
// chunks of the scan's columns and types.
Status CopyTail(const std::vector<TailPart>& parts, const PlanNode& scan, int32_t from_day,
                int32_t to_day, const EvalContext& ctx, std::vector<Chunk>* out) {
  for (const TailPart& part : parts) {
    const size_t rows = part.row_day->size();
    std::vector<uint32_t> sel;
    for (size_t r = 0; r < rows; ++r) {
      const int32_t day = (*part.row_day)[r];
      if (day >= from_day && day <= to_day) sel.push_back(static_cast<uint32_t>(r));
    }
    if (sel.empty()) continue;
    Chunk chunk;
    chunk.size = sel.size();
    chunk.columns.resize(scan.types.size());
    for (size_t c = 0; c < scan.types.size(); ++c) {
      Vector& v = chunk.columns[c];
      const int field = part.schema->Find(scan.names[c]);
      if (field < 0) {
        v.Reset(scan.types[c], sel.size());
        v.SetAllNull();
        continue;
      }
      const Column& col = (*part.columns)[static_cast<size_t>(field)];
      const SqlType type = SqlType::FromStorage(col.type());
      Vector copy(type, sel.size());
      if (type.id == SqlTypeId::kString) {
        auto* views = copy.data<std::string_view>();
        for (size_t i = 0; i < sel.size(); ++i) views[i] = copy.AddString(col.GetString(sel[i]));
      } else {
        const size_t w = Column::FixedWidth(col.type().id);
        const char* src = col.data<char>();
        uint8_t* dst = copy.data<uint8_t>();
        for (size_t i = 0; i < sel.size(); ++i) std::memcpy(dst + i * w, src + sel[i] * w, w);
      }
      if (col.validity() != nullptr) {
        for (size_t i = 0; i < sel.size(); ++i) {
          if (col.IsNull(sel[i])) copy.SetNull(i);
        }
      }
      if (type == scan.types[c]) {
        v = std::move(copy);
        continue;
      }
      // Rows decoded under an older schema (a narrower type): cast as a
      // scan casts an older file's column.
      auto cast = BindCast(MakeColumn(0, type, scan.names[c]), scan.types[c], 0);
      if (!cast.ok()) {
        return Status::InvalidArgument("column " + scan.names[c] + " of table " + scan.table +
                                       " holds " + type.ToString() + " rows not yet written, " +
                                       "which cannot be read as " + scan.types[c].ToString());
      }
      Chunk one;
      one.size = sel.size();
      one.columns.push_back(std::move(copy));
      Status s = Evaluate(ctx, **cast, one, &v);
      if (!s.ok()) return s;
    }
    out->push_back(std::move(chunk));
  }
  return Status::OK();
}

// The byte offset of the " (position N)" (N: 1-based character) an
// evaluation error ends with, if any.
std::optional<size_t> PositionIn(std::string_view sql, const std::string& message) {
  const size_t p = message.rfind(" (position ");
  if (p == std::string::npos || message.back() != ')') return std::nullopt;
  size_t chars = 0;
  for (size_t i = p + 11; i + 1 < message.size(); ++i) {
    if (message[i] < '0' || message[i] > '9') return std::nullopt;
    chars = chars * 10 + static_cast<size_t>(message[i] - '0');
  }
  if (chars == 0) return std::nullopt;
  size_t seen = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80 && ++seen == chars) return i;
  }
  return std::nullopt;
}

// A rough row count of a plan's output, from the snapshot's file and tail
// rows: enough to tell a small input from a big one.
double EstimateRows(const PlanNode* n, const std::map<const PlanNode*, TableData>& data) {
  auto child = [&](size_t i) { return EstimateRows(n->children[i].get(), data); };
  switch (n->kind) {
    case PlanKind::kScan: {
      if (n->system_table) return static_cast<double>(n->values.size());
      auto it = data.find(n);
      if (it == data.end()) return 0;
      double rows = 0;
      for (const auto& f : it->second.files) rows += static_cast<double>(f.rows);
      for (const auto& c : it->second.tail) rows += static_cast<double>(c.size);
      return n->filters.empty() ? rows : rows / 2;
    }
    case PlanKind::kValues: return 1;
    case PlanKind::kFilter: return child(0) / 2;
    case PlanKind::kAggregate: return n->groups.empty() ? 1 : child(0) / 4;
    case PlanKind::kJoin:
      return n->join == JoinKind::kLeft ? child(0) : std::max(child(0), child(1));
    case PlanKind::kLimit:
      return n->limit ? std::min(child(0), static_cast<double>(*n->limit)) : child(0);
    case PlanKind::kUnion: {
      double sum = 0;
      for (size_t i = 0; i < n->children.size(); ++i) sum += child(i);
      return sum;
    }
    default: return child(0);
  }
}

// Inner equi-joins build their hash table on the smaller input.
void ChooseBuildSides(PlanNode* n, const std::map<const PlanNode*, TableData>& data) {
  for (auto& c : n->children) ChooseBuildSides(c.get(), data);
  if (n->kind == PlanKind::kJoin && n->join == JoinKind::kInner && !n->left_keys.empty()) {
    n->build_left = EstimateRows(n->children[0].get(), data) <
                    EstimateRows(n->children[1].get(), data);
  }
}

void CollectScans(PlanNode* node, std::vector<PlanNode*>* scans) {
  if (node->kind == PlanKind::kScan && !node->system_table) scans->push_back(node);
  for (auto& c : node->children) CollectScans(c.get(), scans);
}

// True when `n` always gives exactly one row: a global aggregate (no GROUP
// BY), possibly under projections.
bool AlwaysOneRow(const PlanNode& n) {
  if (n.kind == PlanKind::kAggregate) return n.groups.empty();
  if (n.kind == PlanKind::kProject) return AlwaysOneRow(*n.children[0]);
  return false;
}

// Replaces columns [base, base + row.size()) of `e` by the row's values and
// computes what then has no columns left (once, like the binder's folding).
void SubstituteRow(BoundExprPtr* e, size_t base, const std::vector<Value>& row,
                   const EvalContext& ctx) {
  BoundExpr& x = **e;
  if (x.kind == BoundKind::kColumn) {
    if (x.column >= base && x.column < base + row.size()) {
      *e = MakeConstant(row[x.column - base], x.position);
    }
    return;
  }
  bool constant = x.kind != BoundKind::kConstant;
  for (auto& c : x.children) {
    SubstituteRow(&c, base, row, ctx);
    constant = constant && c->kind == BoundKind::kConstant;
  }
  if (!constant) return;
  Chunk none;
  none.size = 1;
  Vector out;
  if (!Evaluate(ctx, x, none, &out).ok()) return;  // fails again at run time, with its position
  Value v = out.GetValue(0);
  if (v.type() != x.type) return;
  *e = MakeConstant(std::move(v), x.position);
}

// A join with one input that is always one row (`CROSS JOIN (SELECT max(t)
// ...)`): that input is computed first and becomes a constant row, so the
// conditions that compare the other input with it become `column op
// constant` filters of that input's scan, which prune days, files and row
// groups like literal bounds. The rows come from the query's one snapshot.
Status EvaluateOneRowInputs(PlanNode* node, QueryContext* ctx,
                            std::map<const PlanNode*, TableData>* data) {
  using namespace binder_internal;
  // A WHERE right above the join is seen first, so its conditions get the
  // row too.
  PlanNode* join = node->kind == PlanKind::kFilter ? node->children[0].get() : node;
  const bool candidate = join->kind == PlanKind::kJoin && join->join != JoinKind::kLeft;
  for (size_t side = 0; candidate && side < 2; ++side) {
    PlanPtr& input = join->children[side];
    if (input->kind == PlanKind::kScan || !AlwaysOneRow(*input)) continue;
    auto chunks = Execute(input.get(), ctx, data);
    if (!chunks.ok()) return chunks.status();
    std::vector<Value> row;
    for (const Chunk& c : *chunks) {
      if (c.size == 0) continue;
      for (const Vector& v : c.columns) row.push_back(v.GetValue(0));
      break;
    }
    if (row.size() != input->types.size()) return Status::OK();
    auto values = std::make_unique<PlanNode>(PlanKind::kScan);
    values->system_table = true;
    values->table = "(one row)";
    values->types = input->types;
    values->names = input->names;
    values->values.push_back(row);
    for (size_t c = 0; c < row.size(); ++c) values->scan_columns.push_back(c);
    std::vector<PlanNode*> gone;  // their snapshots are no longer needed
    CollectScans(input.get(), &gone);
    for (PlanNode* scan : gone) data->erase(scan);
    input = std::move(values);
    const size_t base = side == 0 ? 0 : join->children[0]->types.size();
    // Conditions of the join itself, then of a WHERE right above it.
    for (BoundExprPtr* where : {&join->predicate, node == join ? nullptr : &node->predicate}) {
      if (where == nullptr || !*where) continue;
      std::vector<BoundExprPtr> conjuncts, kept;
      SplitConjuncts(std::move(*where), &conjuncts);
      for (auto& c : conjuncts) {
        SubstituteRow(&c, base, row, ctx->eval());
        if (!PushDown(join, &c, 0)) kept.push_back(std::move(c));
      }
      *where = kept.empty() ? MakeConstant(Value::Bool(true)) : MakeAnd(std::move(kept));
    }
    break;
  }
  for (auto& c : node->children) {
    Status s = EvaluateOneRowInputs(c.get(), ctx, data);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Result<QueryResult> QueryEngine::Query(std::string_view sql, const QueryOptions& options,
                                       QueryError* error) {
  const auto started = std::chrono::steady_clock::now();
  const EngineOptions& eo = impl_->options;
  EvalContext eval;
  eval.zone = impl_->zone.get();
  eval.now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();

  ParseError perr;
  auto statement = Parse(sql, &perr);
  if (!statement.ok()) {
    if (error != nullptr) *error = QueryError{perr.message, perr.position};
    return statement.status();
  }

  auto tables = eo.catalog->Tables();
  if (!tables.ok()) return tables.status();
  TableLookup lookup;
  lookup.find = [&](const std::vector<std::string>& names) -> std::optional<TableInfo> {
    if (names.size() == 2 && EqualsIgnoreCase(names[0], "tillpipe")) {
      return SystemTable(names[1], eo.catalog);
    }
    if (names.size() != 1) return std::nullopt;
    for (const auto& t : *tables) {
      if (EqualsIgnoreCase(t.name, names[0])) {
        return TableInfo{t.name, t.schema, t.time_column, false, {}};
      }
    }
    return std::nullopt;
  };
  lookup.names = [&] {
    std::vector<std::string> names;
    for (const auto& t : *tables) names.push_back(t.name);
    for (const char* s : kSystemTables) names.push_back(std::string("tillpipe.") + s);
    return names;
  };
  auto plan = Bind(sql, **statement, lookup, eval, error);
  if (!plan.ok()) return plan.status();

  // The snapshot: per scan, the live files of its days plus the tail. The
  // scans of one table are listed together, under its tail's lock, so the
  // two sides of a self-join see the same rows even if a flush lands
  // between them.
  std::vector<PlanNode*> scans;
  CollectScans(plan->get(), &scans);
  std::map<std::string, std::vector<PlanNode*>> scans_of;
  for (PlanNode* scan : scans) scans_of[scan->table].push_back(scan);
  std::map<const PlanNode*, TableData> data;
  struct Days {
    std::string from, to;  // "" = unbounded
    int32_t from_day = INT32_MIN, to_day = INT32_MAX;
  };
  auto compute_days = [&](const PlanNode* scan) {
    Days d;
    const TimeRange& range = scan->time_range;
    const bool date_column = !scan->time_column.empty() &&
                             scan->table_schema.fields[static_cast<size_t>(
                                 scan->table_schema.Find(scan->time_column))].type.id == TypeId::kDate;
    auto local_day = [&](int64_t us) -> int32_t {
      if (date_column) return static_cast<int32_t>(FloorDiv(us, kMicrosPerDay));
      return static_cast<int32_t>(FloorDiv(impl_->zone->ToLocal(us), kMicrosPerDay));
    };
    if (range.min_us != INT64_MIN) d.from = FormatDate(d.from_day = local_day(range.min_us));
    if (range.max_us != INT64_MAX) d.to = FormatDate(d.to_day = local_day(range.max_us));
    return d;
  };
  std::map<const PlanNode*, Days> days_of;
  for (PlanNode* scan : scans) days_of[scan] = compute_days(scan);
  // Lists a scan's files and copies its tail rows (`tail` null: none).
  auto snapshot = [&](PlanNode* scan, const std::vector<TailPart>* tail) -> Status {
    TableData& td = data[scan];
    if (scan->time_range.empty()) return Status::OK();  // WHERE rules out every row
    const Days& d = days_of[scan];
    if (eo.snapshots != nullptr) {
      auto snap = eo.snapshots->Acquire(scan->table, d.from, d.to);
      if (!snap.ok()) return snap.status();
      td.files = snap->files();
      td.pin = std::move(*snap);
    } else {
      auto files = eo.catalog->Files(scan->table, d.from, d.to);
      if (!files.ok()) return files.status();
      td.files = std::move(*files);
    }
    if (tail == nullptr) return Status::OK();
    return CopyTail(*tail, *scan, d.from_day, d.to_day, eval, &td.tail);
  };
  for (const auto& table_scans : scans_of) {
    const std::string& table = table_scans.first;
    Status taken;
    auto snapshot_all = [&](const std::vector<TailPart>* tail) {
      for (PlanNode* scan : table_scans.second) {
        if (taken.ok()) taken = snapshot(scan, tail);
      }
    };
    if (eo.tail != nullptr) {
      Status s = eo.tail->ReadTail(table, [&](const std::vector<TailPart>& parts) { snapshot_all(&parts); });
      if (s.code() == Status::Code::kNotFound) {
        snapshot_all(nullptr);  // a table the materializer does not fill (any more)
      } else if (!s.ok()) {
        return s;
      }
    } else {
      snapshot_all(nullptr);
    }
    if (!taken.ok()) return taken;
  }
  for (PlanNode* scan : scans) {
    TableData& td = data[scan];
    if (scan->time_range.empty()) continue;
    const Days& d = days_of[scan];
    if (!d.from.empty() || !d.to.empty()) {  // files of the days the time range ruled out
      auto days = eo.catalog->Days(scan->table);
      if (days.ok()) {
        uint64_t all = 0;
        for (const auto& day : *days) all += day.files;
        td.files_pruned = all > td.files.size() ? all - td.files.size() : 0;
      }
    }
    td.readers = impl_->readers.get();
    impl_->readers->Retain(scan->table, d.from, d.to, td.files);
  }

  QueryLimits limits = options.limits ? *options.limits : eo.limits;
  QueryContext ctx(eval, limits, options.cancel, impl_->threads, eo.data_dir, eo.spill_dir);
  // A spilled query allocates and frees many small blocks while its parts
  // are written and read back; glibc keeps the freed pages in its arenas
  // (measured: 556 MB RSS left after bench query 09, 16 MB after a trim),
  // and the next such query grows RSS further. Hand them back when more
  // than a query's limit is free: below that the next query reuses them
  // (trimming after every spilled query made the next run of query 01
  // fault its 130 MB in again: 0.75 s became 1.2 s).
  struct TrimAfterSpill {
    const QueryContext& ctx;
    size_t keep;
    ~TrimAfterSpill() {
#ifdef __GLIBC__
      if (ctx.spilled_bytes.load() > 0 && mallinfo2().fordblks > keep) malloc_trim(0);
#endif
    }
  } trim_after_spill{ctx, limits.memory_bytes > 0 ? limits.memory_bytes : size_t{256} << 20};
  if (Status s = EvaluateOneRowInputs(plan->get(), &ctx, &data); !s.ok()) {
    if (error != nullptr) *error = QueryError{s.message(), PositionIn(sql, s.message())};
    return s;
  }
  binder_internal::ComputeTimeRanges(plan->get(), eval);
  ChooseBuildSides(plan->get(), data);
  auto chunks = Execute(plan->get(), &ctx, &data);
  if (!chunks.ok()) {
    if (error != nullptr) {
      *error = QueryError{chunks.status().message(), PositionIn(sql, chunks.status().message())};
    }
    return chunks.status();
  }
  QueryResult result;
  for (size_t c = 0; c < (*plan)->types.size(); ++c) {
    result.columns.push_back(ResultColumn{(*plan)->names[c], (*plan)->types[c]});
  }
  result.chunks = std::move(*chunks);
  for (const auto& c : result.chunks) result.rows += c.size;
  result.timezone = impl_->zone->name();
  QueryStats& st = result.stats;
  st.rows_scanned = ctx.rows_scanned;
  st.bytes_scanned = ctx.bytes_scanned;
  st.files_scanned = ctx.files_scanned;
  st.files_skipped = ctx.files_skipped;
  st.row_groups_scanned = ctx.row_groups_scanned;
  st.row_groups_skipped = ctx.row_groups_skipped;
  st.tail_rows = ctx.tail_rows;
  st.rows_returned = result.rows;
  st.peak_memory_bytes = ctx.peak_memory();
  st.spilled_bytes = ctx.spilled_bytes.load();
  st.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                            started)
                      .count();
  return result;
}

}  // namespace tp::storage::sql
