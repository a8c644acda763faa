#include "storage/catalog.h"

#include <chrono>
#include <iterator>
#include <limits>
#include <set>

#include "storage/catalog_db.h"
#include "storage/schema_json.h"

namespace tp::storage {

using catalog_internal::Db;
using catalog_internal::NowMicros;
using catalog_internal::ReadTxn;
using catalog_internal::WriteTxn;

namespace {

constexpr uint64_t kMaxInt64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsValidTableName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  if (!IsAsciiAlpha(name[0]) && name[0] != '_') return false;
  for (char c : name) {
    if (!IsAsciiAlpha(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

// The same rule as the log's consumer names: [A-Za-z0-9_.-]{1,64}, not "." or "..".
bool IsValidConsumerName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "." || name == "..") return false;
  for (char c : name) {
    if (!IsAsciiAlpha(c) && !IsDigit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// "YYYY-MM-DD", a real calendar day.
bool IsValidDay(const std::string& day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(day[i])) return false;
  }
  int y = std::stoi(day.substr(0, 4)), m = std::stoi(day.substr(5, 2)),
      d = std::stoi(day.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

Status CheckDay(const std::string& day, const char* what) {
  if (IsValidDay(day)) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " \"" + day +
                                 "\" is not a day written YYYY-MM-DD");
}

// Relative, non-empty, without "." or ".." components: callers delete files
// by these paths under data_dir.
bool IsSafeRelativePath(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

Status ValidateEntry(const FileEntry& f) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("file \"" + f.path + "\" of table \"" + f.table + "\": " + why);
  };
  if (!IsSafeRelativePath(f.path))
    return bad("the path must be relative to data_dir, without \".\" or \"..\" parts");
  if (!IsValidTableName(f.table)) return bad("bad table name");
  if (!IsValidDay(f.day)) return bad("day \"" + f.day + "\" is not a day written YYYY-MM-DD");
  if (f.rows > kMaxInt64 || f.bytes > kMaxInt64) return bad("rows or bytes above 2^63-1");
  if (f.min_time_us > f.max_time_us) return bad("min_time_us is after max_time_us");
  if (f.schema_version < 1) return bad("schema_version must be at least 1");
  return Status::OK();
}

Status ValidateSchema(const std::string& table, const std::string& time_column,
                      const Schema& schema) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("schema of table \"" + table + "\": " + why);
  };
  if (!IsValidTableName(table))
    return Status::InvalidArgument("table name \"" + table +
                                   "\" must be 1-64 of [A-Za-z0-9_], not starting with a digit");
  std::set<std::string_view> names;
  for (const Field& f : schema.fields) {
    if (f.name.empty()) return bad("a field has an empty name");
    if (!names.insert(f.name).second) return bad("field \"" + f.name + "\" appears twice");
    if (f.type.id == TypeId::kDecimal &&
        (f.type.precision < 1 || f.type.precision > 18 || f.type.scale > f.type.precision))
      return bad("field \"" + f.name +
                 "\": decimal precision must be 1..18 and scale 0..precision");
  }
  int t = schema.Find(time_column);
  if (t < 0) return bad("time column \"" + time_column + "\" is not one of its fields");
  TypeId id = schema.fields[t].type.id;
  if (id != TypeId::kTimestamp && id != TypeId::kDate)
    return bad("time column \"" + time_column + "\" must be a timestamp or date, not " +
               schema.fields[t].type.ToString());
  return Status::OK();
}

// Copies a live file's row into retired_files; ?2 is the reason, ?3 the time.
constexpr const char* kRetireSelect =
    "INSERT INTO retired_files (file_id, table_name, day, path, rows, bytes, reason, retired_us) "
    "SELECT id, table_name, day, path, rows, bytes, ?2, ?3 FROM files";

constexpr const char* kFileColumns =
    "id, table_name, day, path, rows, bytes, min_time_us, max_time_us, checksum, "
    "schema_version, created_us, raw_bytes";

FileEntry ReadFileEntry(const catalog_internal::Stmt& st) {
  FileEntry f;
  f.id = st.Int64(0);
  f.table = st.Text(1);
  f.day = st.Text(2);
  f.path = st.Text(3);
  f.rows = static_cast<uint64_t>(st.Int64(4));
  f.bytes = static_cast<uint64_t>(st.Int64(5));
  f.min_time_us = st.Int64(6);
  f.max_time_us = st.Int64(7);
  f.checksum = static_cast<uint64_t>(st.Int64(8));  // stored as the same 64 bits, signed
  f.schema_version = static_cast<int>(st.Int64(9));
  f.created_us = st.Int64(10);
  f.raw_bytes = static_cast<uint64_t>(st.Int64(11));
  return f;
}

Result<std::vector<FileEntry>> ReadFiles(catalog_internal::Stmt& st, std::string_view what) {
  std::vector<FileEntry> out;
  for (;;) {
    auto row = st.Step(what);
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(ReadFileEntry(st));
  }
}

}  // namespace

// --- open and migrate ---------------------------------------------------------

Catalog::Catalog(std::filesystem::path file, std::unique_ptr<Db> db)
    : file_(std::move(file)), db_(std::move(db)) {}

Catalog::~Catalog() = default;

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::filesystem::path& file,
                                               const CatalogOptions& options) {
  auto db = Db::Open(file, options.busy_timeout_ms, options.read_only);
  if (!db.ok()) return db.status();
  std::unique_ptr<Catalog> catalog(new Catalog(file, std::move(db).value()));
  Status s = options.read_only ? catalog->CheckReadOnly() : catalog->Migrate();
  if (!s.ok()) return s;
  return catalog;
}

namespace {

// Reads the header of an open catalog into *version and refuses a database
// that is not a catalog (unless `allow_empty` and it is a new, empty file)
// or one of a newer format.
Status ReadHeader(Db& db, bool allow_empty, int64_t* version) {
  // The first read of the header: a file that is not SQLite fails here.
  auto app_id = db.QueryInt("PRAGMA application_id", "reading the database header");
  if (!app_id.ok()) return app_id.status();
  auto v = db.QueryInt("PRAGMA user_version", "reading the schema version");
  if (!v.ok()) return v.status();
  *version = *v;
  if (*app_id != Catalog::kApplicationId) {
    bool empty = false;
    if (allow_empty && *app_id == 0 && *v == 0) {
      auto objects = db.QueryInt("SELECT count(*) FROM sqlite_schema", "reading the schema");
      if (!objects.ok()) return objects.status();
      empty = *objects == 0;
    }
    if (!empty) {
      return Status::InvalidArgument(
          db.Where("is a SQLite database but not a tillpipe catalog (application_id " +
                   std::to_string(*app_id) +
                   "); point data_dir (or --data-dir) at a tillpipe data directory"));
    }
  }
  if (*v > Catalog::kFormatVersion) {
    return Status::InvalidArgument(db.Where(
        "has catalog schema version " + std::to_string(*v) + ", but this tillpipe knows " +
        "versions up to " + std::to_string(Catalog::kFormatVersion) +
        ": it was written by a newer tillpipe; run that version (or restore a backup made by "
        "this one)"));
  }
  return Status::OK();
}

}  // namespace

Result<int> Catalog::FormatVersionOf(const std::filesystem::path& file) {
  auto db = Db::Open(file, /*busy_timeout_ms=*/5000, /*read_only=*/true);
  if (!db.ok()) return db.status();
  int64_t version = 0;
  if (Status s = ReadHeader(**db, /*allow_empty=*/false, &version); !s.ok()) return s;
  return static_cast<int>(version);
}

Status Catalog::CheckReadOnly() {
  std::lock_guard lock(mu_);
  int64_t version = 0;
  if (Status s = ReadHeader(*db_, /*allow_empty=*/false, &version); !s.ok()) return s;
  if (version < kFormatVersion) {
    return Status::InvalidArgument(db_->Where(
        "has catalog schema version " + std::to_string(version) + ", older than this tillpipe's " +
        std::to_string(kFormatVersion) +
        " and it cannot be migrated read-only; start the server (tillpipe serve) on this data "
        "directory once to migrate it, then query again"));
  }
  return Status::OK();
}

Status Catalog::Migrate() {
  std::lock_guard lock(mu_);
  Db& db = *db_;
  int64_t header_version = 0;
  if (Status s = ReadHeader(db, /*allow_empty=*/true, &header_version); !s.ok()) return s;
  auto mode = db.QueryText("PRAGMA journal_mode=WAL", "switching to WAL mode");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return Status::IOError(db.Where("cannot switch to WAL mode (journal_mode is " + *mode +
                                    "); is the file on a network file system?"));
  }
  if (Status s = db.Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
                         "setting synchronous=FULL and foreign_keys=ON");
      !s.ok())
    return s;
  if (header_version == kFormatVersion) return Status::OK();

  WriteTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  // Another process may have migrated between the check above and the lock.
  auto version = db.QueryInt("PRAGMA user_version", "reading the schema version");
  if (!version.ok()) return version.status();
  for (int v = static_cast<int>(*version); v < kFormatVersion; ++v) {
    if (Status s = db.Exec(catalog_internal::MigrationStep(v),
                           "migrating the catalog from version " + std::to_string(v) + " to " +
                               std::to_string(v + 1));
        !s.ok())
      return s;
  }
  // PRAGMAs take no parameters; these are numbers of our own.
  std::string set = "PRAGMA user_version=" + std::to_string(kFormatVersion) +
                    "; PRAGMA application_id=" + std::to_string(kApplicationId);
  if (Status s = db.Exec(set.c_str(), "recording the schema version"); !s.ok()) return s;
  return txn.Commit();
}

// --- tables and schema versions ---------------------------------------------------

Result<int> Catalog::EnsureSchema(const std::string& table, const std::string& time_column,
                                  const Schema& schema) {
  if (Status s = ValidateSchema(table, time_column, schema); !s.ok()) return s;
  const std::string json = SchemaToJson(schema);
  std::lock_guard lock(mu_);
  Db& db = *db_;
  WriteTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  int latest = 0;
  {
    auto st = db.Prepare(
        "SELECT version, time_column, schema_json FROM schema_versions WHERE table_name = ?1 "
        "ORDER BY version DESC LIMIT 1");
    if (!st.ok()) return st.status();
    st->Bind(1, table);
    auto row = st->Step("reading the schema of table " + table);
    if (!row.ok()) return row.status();
    if (*row) {
      latest = static_cast<int>(st->Int64(0));
      auto old = SchemaFromJson(st->Text(2));
      if (!old.ok()) {
        return Status::Corruption(db.Where("schema version " + std::to_string(latest) +
                                           " of table " + table + ": " + old.status().message()));
      }
      if (*old == schema && st->Text(1) == time_column) return latest;
    }
  }
  const int64_t now = NowMicros();
  if (latest == 0) {
    auto st = db.Prepare("INSERT INTO tables (name, created_us) VALUES (?1, ?2)");
    if (!st.ok()) return st.status();
    st->Bind(1, table).Bind(2, now);
    if (Status s = st->Run("adding table " + table); !s.ok()) return s;
  }
  {
    auto st = db.Prepare(
        "INSERT INTO schema_versions (table_name, version, time_column, schema_json, created_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st.ok()) return st.status();
    st->Bind(1, table).Bind(2, latest + 1).Bind(3, time_column).Bind(4, json).Bind(5, now);
    if (Status s = st->Run("adding a schema version of table " + table); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return latest + 1;
}

namespace {

Result<TableEntry> ReadTableEntry(const Db& db, const catalog_internal::Stmt& st) {
  TableEntry t;
  t.name = st.Text(0);
  t.schema_version = static_cast<int>(st.Int64(1));
  t.time_column = st.Text(2);
  auto schema = SchemaFromJson(st.Text(3));
  if (!schema.ok()) {
    return Status::Corruption(db.Where("schema version " + std::to_string(t.schema_version) +
                                       " of table " + t.name + ": " + schema.status().message()));
  }
  t.schema = std::move(schema).value();
  return t;
}

constexpr const char* kLatestSchemas =
    "SELECT s.table_name, s.version, s.time_column, s.schema_json FROM schema_versions s "
    "WHERE s.version = (SELECT max(version) FROM schema_versions WHERE table_name = s.table_name)";

}  // namespace

Result<std::vector<TableEntry>> Catalog::Tables() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(std::string(kLatestSchemas) + " ORDER BY s.table_name");
  if (!st.ok()) return st.status();
  std::vector<TableEntry> out;
  for (;;) {
    auto row = st->Step("listing tables");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    auto t = ReadTableEntry(*db_, *st);
    if (!t.ok()) return t.status();
    out.push_back(std::move(t).value());
  }
}

Result<TableEntry> Catalog::Table(const std::string& table) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(std::string(kLatestSchemas) + " AND s.table_name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, table);
  auto row = st->Step("reading table " + table);
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(db_->Where("no table named \"" + table + "\""));
  return ReadTableEntry(*db_, *st);
}

Result<Schema> Catalog::SchemaVersion(const std::string& table, int version, int64_t* created_us) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "SELECT schema_json, created_us FROM schema_versions WHERE table_name = ?1 AND version = ?2");
  if (!st.ok()) return st.status();
  st->Bind(1, table).Bind(2, version);
  auto row = st->Step("reading a schema version of table " + table);
  if (!row.ok()) return row.status();
  if (!*row) {
    return Status::NotFound(
        db_->Where("table \"" + table + "\" has no schema version " + std::to_string(version)));
  }
  auto schema = SchemaFromJson(st->Text(0));
  if (!schema.ok()) {
    return Status::Corruption(db_->Where("schema version " + std::to_string(version) +
                                         " of table " + table + ": " + schema.status().message()));
  }
  if (created_us != nullptr) *created_us = st->Int64(1);
  return schema;
}

// --- files and offsets --------------------------------------------------------------

Result<std::vector<int64_t>> Catalog::Commit(const std::vector<FileEntry>& added,
                                             const std::vector<int64_t>& removed,
                                             const std::string& consumer,
                                             std::optional<uint64_t> next_offset) {
  for (const FileEntry& f : added) {
    if (Status s = ValidateEntry(f); !s.ok()) return s;
  }
  if (next_offset.has_value()) {
    if (!IsValidConsumerName(consumer))
      return Status::InvalidArgument("consumer name \"" + consumer +
                                     "\" must be 1-64 of [A-Za-z0-9_.-]");
    if (*next_offset > kMaxInt64)
      return Status::InvalidArgument("offset " + std::to_string(*next_offset) + " of consumer " +
                                     consumer + " is above 2^63-1");
  }
  const int64_t now = NowMicros();
  std::lock_guard lock(mu_);
  Db& db = *db_;
  WriteTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;

  for (int64_t id : removed) {
    // A removed file is retired, not forgotten: it stays on disk for readers
    // that listed it until the reaper deletes it (RetiredFiles/ForgetRetired).
    {
      auto st = db.Prepare(std::string(kRetireSelect) + " WHERE id = ?1");
      if (!st.ok()) return st.status();
      st->Bind(1, id).Bind(2, "replaced").Bind(3, now);
      if (Status s = st->Run("retiring file id " + std::to_string(id)); !s.ok()) return s;
    }
    if (db.Changes() != 1) {
      return Status::Conflict(db.Where("file id " + std::to_string(id) +
                                       " is not live (another commit removed it, e.g. "
                                       "retention); nothing of this commit was applied"));
    }
    auto st = db.Prepare("DELETE FROM files WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, id);
    if (Status s = st->Run("removing file id " + std::to_string(id)); !s.ok()) return s;
  }

  std::vector<int64_t> ids;
  ids.reserve(added.size());
  for (const FileEntry& f : added) {
    {
      // The reaper deletes retired paths; a live file must never have one.
      auto st = db.Prepare("SELECT 1 FROM retired_files WHERE path = ?1");
      if (!st.ok()) return st.status();
      st->Bind(1, f.path);
      auto row = st->Step("checking the retired files for " + f.path);
      if (!row.ok()) return row.status();
      if (*row) {
        return Status::InvalidArgument(
            db.Where("file \"" + f.path +
                     "\": a retired file with this path awaits deletion; "
                     "give the new file another name"));
      }
    }
    {
      auto st = db.Prepare("SELECT 1 FROM schema_versions WHERE table_name = ?1 AND version = ?2");
      if (!st.ok()) return st.status();
      st->Bind(1, f.table).Bind(2, f.schema_version);
      auto row = st->Step("checking the schema version of file " + f.path);
      if (!row.ok()) return row.status();
      if (!*row) {
        return Status::InvalidArgument(
            db.Where("file \"" + f.path + "\": table \"" + f.table + "\" has no schema version " +
                     std::to_string(f.schema_version) + " (register it with EnsureSchema first)"));
      }
    }
    auto st = db.Prepare(
        "INSERT INTO files (table_name, day, path, rows, bytes, min_time_us, max_time_us, "
        "checksum, schema_version, created_us, raw_bytes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!st.ok()) return st.status();
    st->Bind(1, f.table)
        .Bind(2, f.day)
        .Bind(3, f.path)
        .Bind(4, static_cast<int64_t>(f.rows))
        .Bind(5, static_cast<int64_t>(f.bytes))
        .Bind(6, f.min_time_us)
        .Bind(7, f.max_time_us)
        .Bind(8, static_cast<int64_t>(f.checksum))
        .Bind(9, f.schema_version)
        .Bind(10, f.created_us != 0 ? f.created_us : now)
        .Bind(11, static_cast<int64_t>(f.raw_bytes));
    if (Status s = st->Run("adding file " + f.path); !s.ok()) return s;
    ids.push_back(db.LastInsertRowid());
  }

  if (next_offset.has_value()) {
    const auto offset = static_cast<int64_t>(*next_offset);
    {
      auto st = db.Prepare("SELECT next_offset FROM consumers WHERE name = ?1");
      if (!st.ok()) return st.status();
      st->Bind(1, consumer);
      auto row = st->Step("reading the offset of consumer " + consumer);
      if (!row.ok()) return row.status();
      if (*row && st->Int64(0) > offset) {
        return Status::InvalidArgument(
            db.Where("consumer " + consumer + " is at offset " + std::to_string(st->Int64(0)) +
                     "; refusing to move it back to " + std::to_string(offset) +
                     " (offsets never go backwards); nothing of this commit was applied"));
      }
    }
    auto st = db.Prepare(
        "INSERT INTO consumers (name, next_offset, updated_us) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (name) DO UPDATE SET next_offset = excluded.next_offset, "
        "updated_us = excluded.updated_us");
    if (!st.ok()) return st.status();
    st->Bind(1, consumer).Bind(2, offset).Bind(3, now);
    if (Status s = st->Run("storing the offset of consumer " + consumer); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return ids;
}

Result<std::optional<uint64_t>> Catalog::ConsumerOffset(const std::string& consumer) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("SELECT next_offset FROM consumers WHERE name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, consumer);
  auto row = st->Step("reading the offset of consumer " + consumer);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<uint64_t>();
  return std::optional<uint64_t>(static_cast<uint64_t>(st->Int64(0)));
}

namespace {

// The day bounds of Files()/ListFiles(), checked; every valid day sorts
// between the defaults.
Status DayBounds(const std::string& from_day, const std::string& to_day, std::string* from,
                 std::string* to) {
  if (!from_day.empty()) {
    if (Status s = CheckDay(from_day, "from_day"); !s.ok()) return s;
  }
  if (!to_day.empty()) {
    if (Status s = CheckDay(to_day, "to_day"); !s.ok()) return s;
  }
  *from = from_day.empty() ? "0000-00-00" : from_day;
  *to = to_day.empty() ? "9999-99-99" : to_day;
  return Status::OK();
}

Result<std::vector<FileEntry>> SelectFiles(Db& db, const std::string& table,
                                           const std::string& from, const std::string& to) {
  std::string sql = std::string("SELECT ") + kFileColumns + " FROM files WHERE ";
  sql += table.empty() ? "day >= ?1 AND day <= ?2 ORDER BY table_name, day, id"
                       : "table_name = ?3 AND day >= ?1 AND day <= ?2 ORDER BY day, id";
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  st->Bind(1, from).Bind(2, to);
  if (!table.empty()) st->Bind(3, table);
  return ReadFiles(*st, "listing files");
}

}  // namespace

Result<std::vector<FileEntry>> Catalog::Files(const std::string& table, const std::string& from_day,
                                              const std::string& to_day) {
  std::string from, to;
  if (Status s = DayBounds(from_day, to_day, &from, &to); !s.ok()) return s;
  std::lock_guard lock(mu_);
  return SelectFiles(*db_, table, from, to);
}

Result<FileListing> Catalog::ListFiles(const std::string& table, const std::string& from_day,
                                       const std::string& to_day) {
  std::string from, to;
  if (Status s = DayBounds(from_day, to_day, &from, &to); !s.ok()) return s;
  std::lock_guard lock(mu_);
  Db& db = *db_;
  // One read transaction: the mark belongs to exactly the state the files
  // were listed from.
  ReadTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  auto mark = db.QueryInt("SELECT coalesce(max(seq), 0) FROM retired_files",
                          "reading the latest retirement");
  if (!mark.ok()) return mark.status();
  auto files = SelectFiles(db, table, from, to);
  if (!files.ok()) return files.status();
  FileListing out;
  out.files = std::move(files).value();
  out.retire_mark = *mark;
  return out;
}

Result<std::vector<DayStats>> Catalog::Days(const std::string& table) {
  std::lock_guard lock(mu_);
  std::string sql =
      "SELECT table_name, day, sum(rows), count(*), sum(bytes), min(min_time_us), "
      "max(max_time_us), sum(raw_bytes), min(raw_bytes) FROM files ";
  if (!table.empty()) sql += "WHERE table_name = ?1 ";
  sql += "GROUP BY table_name, day ORDER BY table_name, day";
  auto st = db_->Prepare(sql);
  if (!st.ok()) return st.status();
  if (!table.empty()) st->Bind(1, table);
  std::vector<DayStats> out;
  for (;;) {
    auto row = st->Step("summing files per day");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    DayStats d;
    d.table = st->Text(0);
    d.day = st->Text(1);
    d.rows = static_cast<uint64_t>(st->Int64(2));
    d.files = static_cast<uint64_t>(st->Int64(3));
    d.bytes = static_cast<uint64_t>(st->Int64(4));
    d.min_time_us = st->Int64(5);
    d.max_time_us = st->Int64(6);
    // Known only when every file of the day knows it.
    d.raw_bytes = st->Int64(8) > 0 ? static_cast<uint64_t>(st->Int64(7)) : 0;
    out.push_back(std::move(d));
  }
}

Result<std::vector<FileEntry>> Catalog::DropDaysBefore(const std::string& table,
                                                       const std::string& day) {
  if (Status s = CheckDay(day, "retention day"); !s.ok()) return s;
  std::lock_guard lock(mu_);
  Db& db = *db_;
  WriteTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  std::vector<FileEntry> dropped;
  {
    auto st = db.Prepare(std::string("SELECT ") + kFileColumns +
                         " FROM files WHERE table_name = ?1 AND day < ?2 ORDER BY day, id");
    if (!st.ok()) return st.status();
    st->Bind(1, table).Bind(2, day);
    auto files = ReadFiles(*st, "listing files to drop");
    if (!files.ok()) return files.status();
    dropped = std::move(files).value();
  }
  if (dropped.empty()) return dropped;
  {
    auto st = db.Prepare(std::string(kRetireSelect) + " WHERE table_name = ?1 AND day < ?4");
    if (!st.ok()) return st.status();
    st->Bind(1, table).Bind(2, "dropped").Bind(3, NowMicros()).Bind(4, day);
    if (Status s = st->Run("retiring days of table " + table + " before " + day); !s.ok()) return s;
  }
  auto st = db.Prepare("DELETE FROM files WHERE table_name = ?1 AND day < ?2");
  if (!st.ok()) return st.status();
  st->Bind(1, table).Bind(2, day);
  if (Status s = st->Run("dropping days of table " + table + " before " + day); !s.ok()) return s;
  if (Status s = txn.Commit(); !s.ok()) return s;
  return dropped;
}

Result<std::vector<RetiredFile>> Catalog::RetiredFiles() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "SELECT seq, file_id, table_name, day, path, rows, bytes, reason, retired_us "
      "FROM retired_files ORDER BY seq");
  if (!st.ok()) return st.status();
  std::vector<RetiredFile> out;
  for (;;) {
    auto row = st->Step("listing retired files");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    RetiredFile r;
    r.seq = st->Int64(0);
    r.file_id = st->Int64(1);
    r.table = st->Text(2);
    r.day = st->Text(3);
    r.path = st->Text(4);
    r.rows = static_cast<uint64_t>(st->Int64(5));
    r.bytes = static_cast<uint64_t>(st->Int64(6));
    r.reason = st->Text(7);
    r.retired_us = st->Int64(8);
    out.push_back(std::move(r));
  }
}

Status Catalog::ForgetRetired(const std::vector<int64_t>& seqs) {
  if (seqs.empty()) return Status::OK();
  std::lock_guard lock(mu_);
  Db& db = *db_;
  WriteTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  for (int64_t seq : seqs) {
    auto st = db.Prepare("DELETE FROM retired_files WHERE seq = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, seq);
    if (Status s = st->Run("forgetting retired file " + std::to_string(seq)); !s.ok()) return s;
  }
  return txn.Commit();
}

Status Catalog::SnapshotTo(const std::filesystem::path& dest) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec) || ec) {
    return Status::InvalidArgument(
        db_->Where("cannot snapshot to " + dest.string() + ": it exists already"));
  }
  auto copy = Db::Open(dest, /*busy_timeout_ms=*/5000, /*read_only=*/false);
  if (!copy.ok()) return copy.status();
  {
    std::lock_guard lock(mu_);
    if (Status s = db_->BackupInto(copy->get(), "writing a snapshot to " + dest.string()); !s.ok()) return s;
  }
  // The copy takes the source's WAL mode from its header; a snapshot is one
  // self-contained file, opened read-only by whoever restores it.
  return (*copy)->Exec("PRAGMA journal_mode=DELETE", "making the snapshot one file");
}

Result<std::vector<std::string>> Catalog::IntegrityCheck() {
  std::lock_guard lock(mu_);
  Db& db = *db_;
  ReadTxn txn(&db);
  if (Status s = txn.Begin(); !s.ok()) return s;
  std::vector<std::string> problems;
  {
    auto st = db.Prepare("PRAGMA integrity_check");
    if (!st.ok()) return st.status();
    for (;;) {
      auto row = st->Step("checking integrity");
      if (!row.ok()) return row.status();
      if (!*row) break;
      std::string line = st->Text(0);
      if (line != "ok") problems.push_back(db.Where(line));
    }
  }
  auto st = db.Prepare("PRAGMA foreign_key_check");
  if (!st.ok()) return st.status();
  for (;;) {
    auto row = st->Step("checking foreign keys");
    if (!row.ok()) return row.status();
    if (!*row) break;
    problems.push_back(db.Where("row " + std::to_string(st->Int64(1)) + " of table " + st->Text(0) +
                                " refers to a missing row of " + st->Text(2)));
  }
  return problems;
}

}  // namespace tp::storage
