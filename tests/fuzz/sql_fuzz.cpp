// libFuzzer target for the SQL front end (storage/sql): the lexer, the parser
// (Parse and ParseExpression), the canonical printer (ToSql) and the binder
// (Bind: name resolution, typing, constant folding of column-free
// expressions through the function kernels, pushdown and time ranges).
//
// Each input is taken as SQL text and handed to Parse; a statement that
// parses is bound against an in-memory catalog of the default retail tables
// (DESIGN.md "Default retail tables", app/config_default.cpp) plus two
// system tables that carry rows (tillpipe.tables, tillpipe.columns), in the
// store time zone Europe/Berlin. The same text is also parsed as a lone
// expression. Errors are expected and ignored; what must never happen is a
// crash, a sanitizer report (ASan, UBSan, libstdc++ assertions), a leak or a
// run that takes super-linear time in the input length.
//
// Each input runs on a worker thread with a 64 MiB stack: ASan's redzones
// make frames about ten times larger than in the release build, where the
// parser's limits (200 levels of nesting, 2000 operators, 1000 joins) keep
// the deepest query under ~1.1 MB of stack. On the default 8 MiB main thread
// such queries would be reported as stack overflows that a release build
// never has; recursion that no limit bounds still overflows 64 MiB.
//
// Built by `cmake --preset fuzz && cmake --build --preset fuzz`; run by
// tests/fuzz/smoke.sh (see tests/fuzz/README.md).
#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql/ast.h"
#include "storage/sql/binder.h"
#include "storage/sql/parser.h"
#include "storage/sql/suggest.h"
#include "storage/sql/time_zone.h"
#include "storage/sql/value.h"
#include "storage/types.h"

namespace tp::storage::sql {
namespace {

LogicalType S() { return LogicalType::Of(TypeId::kString); }
LogicalType I32() { return LogicalType::Of(TypeId::kInt32); }
LogicalType I64() { return LogicalType::Of(TypeId::kInt64); }
LogicalType Ts() { return LogicalType::Of(TypeId::kTimestamp); }
LogicalType Money() { return LogicalType::Decimal(12, 2); }

Field C(std::string name, LogicalType type, bool nullable = false) {
  return Field{std::move(name), type, nullable};
}

TableInfo Table(std::string name, std::string time_column, std::vector<Field> fields) {
  TableInfo t;
  t.name = std::move(name);
  t.time_column = std::move(time_column);
  t.schema.fields = std::move(fields);
  return t;
}

// The default retail tables, as app/config_default.cpp declares them.
std::vector<TableInfo> RetailTables() {
  return {
      Table("sellers", "onboarded_at",
            {C("seller_id", S()), C("brand", S()), C("city", S()), C("state", S()),
             C("onboarded_at", Ts())}),
      Table("products", "created_at",
            {C("product_id", S()), C("seller_id", S()), C("brand", S()), C("category", S()),
             C("name", S()), C("price", Money()), C("created_at", Ts())}),
      Table("customers", "signup_at",
            {C("customer_id", S()), C("name", S()), C("city", S()), C("state", S()),
             C("signup_at", Ts())}),
      Table("orders", "purchased_at",
            {C("order_id", S()), C("customer_id", S()), C("status", S()), C("city", S()),
             C("state", S()), C("delivery", S()), C("payment_type", S()), C("items", I32()),
             C("total", Money()), C("purchased_at", Ts()), C("delivered_at", Ts(), true)}),
      Table("order_items", "purchased_at",
            {C("order_id", S()), C("item_seq", I32()), C("product_id", S()),
             C("seller_id", S()), C("brand", S()), C("category", S()), C("quantity", I32()),
             C("unit_price", Money()), C("amount", Money()), C("city", S()),
             C("purchased_at", Ts())}),
      Table("payments", "paid_at",
            {C("order_id", S()), C("payment_seq", I32()), C("payment_type", S()),
             C("installments", I32()), C("value", Money()), C("paid_at", Ts())}),
      Table("reviews", "created_at",
            {C("review_id", S()), C("order_id", S()), C("score", I32()),
             C("comment", S(), true), C("created_at", Ts())}),
      Table("page_views", "viewed_at",
            {C("session_id", S()), C("customer_id", S(), true), C("path", S()),
             C("product_id", S(), true), C("referrer", S()), C("device", S()),
             C("viewed_at", Ts())}),
      // Not a retail table: the remaining storage types (bool, int64, double,
      // a DATE time column, a wide decimal) so their binding is fuzzed too.
      Table("kitchen_sink", "day",
            {C("b", LogicalType::Of(TypeId::kBool), true), C("i", I32(), true),
             C("l", I64(), true), C("d", LogicalType::Of(TypeId::kFloat64), true),
             C("m", LogicalType::Decimal(18, 4), true), C("s", S(), true),
             C("day", LogicalType::Of(TypeId::kDate)), C("t", Ts(), true)}),
  };
}

// System tables come with their rows, like engine.cpp's tillpipe.* tables.
std::optional<TableInfo> SystemTable(const std::string& name,
                                     const std::vector<TableInfo>& tables) {
  TableInfo info;
  info.name = "tillpipe." + name;
  info.system = true;
  const SqlType ts = SqlType::Of(SqlTypeId::kTimestamp);
  if (name == "tables") {
    info.schema.fields = {C("table_name", S(), true), C("time_column", S(), true),
                          C("schema_version", I32(), true), C("columns", I32(), true),
                          C("rows", I64(), true), C("min_time", Ts(), true),
                          C("max_time", Ts(), true)};
    int64_t t = int64_t{1761955200} * 1000000;  // 2025-11-01
    for (const TableInfo& table : tables) {
      const bool empty = table.name == "kitchen_sink";
      info.rows.push_back({Value::String(table.name), Value::String(table.time_column),
                           Value::Int32(1),
                           Value::Int32(static_cast<int32_t>(table.schema.fields.size())),
                           Value::Int64(empty ? 0 : 1000),
                           empty ? Value::Null(ts) : Value::Timestamp(t),
                           empty ? Value::Null(ts) : Value::Timestamp(t + 86400000000)});
      t += 3600000000;
    }
  } else if (name == "columns") {
    info.schema.fields = {C("table_name", S(), true), C("column_name", S(), true),
                          C("ordinal", I32(), true), C("type", S(), true),
                          C("nullable", LogicalType::Of(TypeId::kBool), true),
                          C("is_time_column", LogicalType::Of(TypeId::kBool), true)};
    for (const TableInfo& table : tables) {
      for (size_t c = 0; c < table.schema.fields.size(); ++c) {
        const Field& f = table.schema.fields[c];
        info.rows.push_back({Value::String(table.name), Value::String(f.name),
                             Value::Int32(static_cast<int32_t>(c + 1)),
                             Value::String(SqlType::FromStorage(f.type).ToString()),
                             Value::Bool(f.nullable), Value::Bool(f.name == table.time_column)});
      }
    }
  } else {
    return std::nullopt;
  }
  return info;
}

struct Catalog {
  std::vector<TableInfo> tables = RetailTables();
  std::unique_ptr<TimeZone> zone;
  TableLookup lookup;

  Catalog() {
    auto z = TimeZone::Make("Europe/Berlin");
    zone = z.ok() ? std::move(*z) : nullptr;  // a box without tzdata: UTC below
    lookup.find = [this](const std::vector<std::string>& names) -> std::optional<TableInfo> {
      if (names.size() == 2 && EqualsIgnoreCase(names[0], "tillpipe")) {
        return SystemTable(names[1], tables);
      }
      if (names.size() != 1) return std::nullopt;
      for (const TableInfo& t : tables) {
        if (EqualsIgnoreCase(t.name, names[0])) return t;
      }
      return std::nullopt;
    };
    lookup.names = [this] {
      std::vector<std::string> names;
      for (const TableInfo& t : tables) names.push_back(t.name);
      names.push_back("tillpipe.tables");
      names.push_back("tillpipe.columns");
      return names;
    };
  }
};

// Runs jobs one at a time on a long-lived thread with a big stack.
class BigStackThread {
 public:
  static constexpr size_t kStackBytes = size_t{64} << 20;

  BigStackThread() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kStackBytes);
    pthread_t thread;
    if (pthread_create(&thread, &attr, &BigStackThread::Main, this) != 0) {
      std::fprintf(stderr, "sql_fuzz: cannot start the worker thread\n");
      std::abort();
    }
    pthread_attr_destroy(&attr);
    pthread_detach(thread);
  }

  // Runs `job` there and waits for it to finish.
  void Run(const std::function<void()>& job) {
    std::unique_lock lock(mu_);
    job_ = &job;
    cv_.notify_all();
    cv_.wait(lock, [this] { return job_ == nullptr; });
  }

 private:
  static void* Main(void* self) {
    static_cast<BigStackThread*>(self)->Loop();
    return nullptr;
  }
  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return job_ != nullptr; });
      (*job_)();
      job_ = nullptr;
      cv_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  const std::function<void()>* job_ = nullptr;
};

void FuzzOne(const Catalog& catalog, std::string_view sql) {
  ParseError perr;
  auto statement = Parse(sql, &perr);
  if (statement.ok()) {
    (void)ToSql(**statement);
    EvalContext ctx;
    ctx.zone = catalog.zone ? catalog.zone.get() : &TimeZone::Utc();
    ctx.now_us = int64_t{1763856000} * 1000000;  // 2025-11-23 00:00:00 UTC, fixed
    QueryError qerr;
    // (PlanNode::ToString is for tests and debugging only, not called here.)
    (void)Bind(sql, **statement, catalog.lookup, ctx, &qerr);
  }

  auto expr = ParseExpression(sql, &perr);
  if (expr.ok()) (void)ToSql(**expr);
}

}  // namespace
}  // namespace tp::storage::sql

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tp::storage::sql;
  // Made once and never freed (reachable, so not a leak).
  static const Catalog* catalog = new Catalog();
  static BigStackThread* worker = new BigStackThread();
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  worker->Run([&] { FuzzOne(*catalog, sql); });
  return 0;
}
