// Test helpers for code that works on a table's part files (compaction,
// retention, snapshots): a real catalog in a temp data dir, part files
// written with the real Parquet writer and registered like the materializer
// does, and reading a file's column back as text.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "storage/catalog.h"
#include "storage/column.h"
#include "storage/parquet/parquet_reader.h"
#include "storage/parquet/parquet_writer.h"
#include "storage/value_parse.h"
#include "tests/common/temp_dir.h"

namespace tp::storage::testutil {

// The value of a Result that must be OK (reported at the caller otherwise).
template <typename T>
T Get(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return T{};
  return std::move(r).value();
}

// 00:00 UTC of "YYYY-MM-DD", µs.
inline int64_t DayStartMicros(const std::string& day) {
  auto d = ParseDate(day);
  EXPECT_TRUE(d.ok()) << day;
  return int64_t{d.ok() ? *d : 0} * 86400 * 1000000;
}

// Columns of one schema, to fill and write as one part.
struct Rows {
  Schema schema;
  std::vector<Column> cols;
  explicit Rows(const Schema& s) : schema(s) {
    for (const Field& f : s.fields) cols.emplace_back(f.type);
  }
  Column& operator[](const std::string& name) { return cols[schema.Find(name)]; }
  size_t size() const { return cols.empty() ? 0 : cols[0].size(); }
};

class TableDir {
 public:
  TableDir() {
    auto c = Catalog::Open(dir_.path() / "catalog.sqlite");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(c).value();
  }
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  Catalog& catalog() { return *catalog_; }

  // Writes `rows` to tables/<table>/date=<day>/<name>.parquet with the
  // table's schema version `version` (registered before) and commits it as a
  // live file. Returns the entry with its id.
  FileEntry AddPart(const std::string& table, const std::string& day, int version,
                    const std::string& time_column, const Rows& rows, const std::string& name) {
    FileEntry e;
    e.table = table;
    e.day = day;
    e.path = "tables/" + table + "/date=" + day + "/" + name + ".parquet";
    e.schema_version = version;
    std::filesystem::create_directories((data_dir() / e.path).parent_path());
    parquet::WriterOptions w;
    w.row_group_rows = row_group_rows;
    w.key_value_metadata = {{"tillpipe.table", table},
                            {"tillpipe.schema_version", std::to_string(version)}};
    std::vector<const Column*> ptrs;
    for (const Column& c : rows.cols) ptrs.push_back(&c);
    auto info = parquet::WriteParquetFile(data_dir() / e.path, rows.schema, ptrs, w);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    if (!info.ok()) return e;
    e.rows = info->rows;
    e.bytes = info->bytes;
    e.checksum = info->checksum;
    e.raw_bytes = e.rows * 100;  // as if each record's JSON had 100 bytes
    const Column& t = rows.cols[rows.schema.Find(time_column)];
    e.min_time_us = std::numeric_limits<int64_t>::max();
    e.max_time_us = std::numeric_limits<int64_t>::min();
    for (size_t r = 0; r < t.size(); ++r) {
      int64_t v = t.type().id == TypeId::kDate ? int64_t{t.Get<int32_t>(r)} * 86400000000
                                               : t.Get<int64_t>(r);
      e.min_time_us = std::min(e.min_time_us, v);
      e.max_time_us = std::max(e.max_time_us, v);
    }
    if (t.size() == 0) e.min_time_us = e.max_time_us = 0;
    auto ids = catalog_->Commit({e}, {}, "", std::nullopt);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    if (ids.ok()) e.id = ids->at(0);
    return e;
  }

  // Parquet files under tables/, relative to the data dir, sorted.
  std::vector<std::string> FilesOnDisk() const {
    std::vector<std::string> out;
    std::error_code ec;
    if (!std::filesystem::exists(data_dir() / "tables", ec)) return out;
    for (auto it = std::filesystem::recursive_directory_iterator(data_dir() / "tables");
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (it->is_regular_file()) {
        out.push_back(std::filesystem::relative(it->path(), data_dir()).string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  size_t row_group_rows = 128 * 1024;

 private:
  tp::testing::TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

// One value as text: NULL, integers (unscaled for decimals), %.17g for doubles.
inline std::string ValueText(const Column& c, size_t r) {
  if (c.IsNull(r)) return "NULL";
  switch (c.type().id) {
    case TypeId::kBool:
      return c.Get<uint8_t>(r) ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.Get<int32_t>(r));
    case TypeId::kFloat64: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", c.Get<double>(r));
      return buf;
    }
    case TypeId::kString:
      return std::string(c.GetString(r));
    default:
      return std::to_string(c.Get<int64_t>(r));
  }
}

// Every value of column `name` in the file, in order, as text; the file's
// schema must have the column.
inline std::vector<std::string> ReadColumnText(const std::filesystem::path& file,
                                               const std::string& name,
                                               LogicalType* type = nullptr) {
  std::vector<std::string> out;
  auto r = parquet::ParquetReader::Open(file);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return out;
  int field = (*r)->schema().Find(name);
  EXPECT_GE(field, 0) << file << " has no column " << name;
  if (field < 0) return out;
  if (type) *type = (*r)->schema().fields[field].type;
  Column c((*r)->schema().fields[field].type);
  for (size_t g = 0; g < (*r)->row_groups().size(); ++g) {
    Status s = (*r)->ReadColumn(g, static_cast<size_t>(field), &c);
    EXPECT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < c.size(); ++i) out.push_back(ValueText(c, i));
  }
  return out;
}

}  // namespace tp::storage::testutil
