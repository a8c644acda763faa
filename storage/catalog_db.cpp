#include "storage/catalog_db.h"

namespace tp::storage::catalog_internal {

// --- Stmt -------------------------------------------------------------------

Stmt::~Stmt() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view v) {
  sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Result<bool> Stmt::Step(std::string_view what) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, what);
}

Status Stmt::Run(std::string_view what) {
  for (;;) {
    auto r = Step(what);
    if (!r.ok()) return r.status();
    if (!*r) return Status::OK();
  }
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  if (p == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

// --- Db ---------------------------------------------------------------------

namespace {

// "file:" URI of a path (RFC 3986 escaping of what SQLite's URI parser
// treats specially), with `query` appended.
std::string FileUri(const std::filesystem::path& file, std::string_view query) {
  std::string uri = "file:";
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : file.string()) {
    if (c == '%' || c == '?' || c == '#' || c < 0x21 || c >= 0x7f) {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?" + std::string(query);
}

}  // namespace

Result<std::unique_ptr<Db>> Db::Open(const std::filesystem::path& file, int busy_timeout_ms,
                                     bool read_only) {
  sqlite3* handle = nullptr;
  int rc;
  if (read_only) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      return Status::NotFound("catalog " + file.string() + " does not exist");
    }
    // Without a -wal holding commits, every committed state is in the main
    // file: read it as immutable, so SQLite creates no -wal/-shm files.
    std::filesystem::path wal = file;
    wal += "-wal";
    auto wal_size = std::filesystem::file_size(wal, ec);
    bool immutable = ec || wal_size == 0;
    std::string uri = FileUri(file, immutable ? "mode=ro&immutable=1" : "mode=ro");
    rc = sqlite3_open_v2(uri.c_str(), &handle,
                         SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  } else {
    // NOMUTEX: the Catalog's own mutex serializes use of the connection.
    rc = sqlite3_open_v2(file.c_str(), &handle,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  }
  std::unique_ptr<Db> db(new Db(file, handle));
  if (rc != SQLITE_OK) {
    if (handle == nullptr) return Status::IOError("catalog " + file.string() + ": out of memory");
    return db->Error(rc, "cannot open");
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  // close_v2 checkpoints the WAL (and removes it) when this is the last
  // connection; an error here leaves a WAL that the next open replays.
  sqlite3_close_v2(db_);
}

Status Db::BackupInto(Db* dest, std::string_view what) {
  sqlite3_backup* backup = sqlite3_backup_init(dest->db_, "main", db_, "main");
  if (backup == nullptr) return dest->Error(sqlite3_errcode(dest->db_), what);
  int rc = SQLITE_OK;
  // BUSY/LOCKED: another connection holds a lock the step needs for a moment.
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(20);
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return Error(rc, what);
  if (finish != SQLITE_OK) return dest->Error(finish, what);
  return Status::OK();
}

std::string Db::Where(std::string_view what) const {
  return "catalog " + file_.string() + ": " + std::string(what);
}

Status Db::Error(int rc, std::string_view what) const {
  std::string msg = Where(what) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(msg + " (another connection holds the catalog's write lock; retry)");
    case SQLITE_FULL:
      return Status::NoSpace(msg);
    case SQLITE_NOTADB:
      return Status::Corruption(msg +
                                " (not a SQLite database, or its header is damaged; restore "
                                "the catalog from a backup)");
    case SQLITE_CORRUPT:
      return Status::Corruption(msg + " (restore the catalog from a backup)");
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return Status::InvalidArgument(msg);
    default:
      return Status::IOError(msg);
  }
}

Status Db::Exec(const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, what);
  return Status::OK();
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return Stmt(this, it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Error(rc, "preparing \"" + std::string(sql) + "\"");
    sqlite3_finalize(stmt);
    return s;
  }
  cache_.emplace(std::string(sql), stmt);
  return Stmt(this, stmt);
}

Result<int64_t> Db::QueryInt(const char* sql, std::string_view what) {
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = st->Step(what);
  if (!row.ok()) return row.status();
  if (!*row) return Status::IOError(Where(what) + ": no result");
  return st->Int64(0);
}

Result<std::string> Db::QueryText(const char* sql, std::string_view what) {
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = st->Step(what);
  if (!row.ok()) return row.status();
  if (!*row) return Status::IOError(Where(what) + ": no result");
  return st->Text(0);
}

// --- transactions -----------------------------------------------------------

Status WriteTxn::Begin() {
  Status s = db_->Exec("BEGIN IMMEDIATE", "starting a write transaction");
  open_ = s.ok();
  return s;
}

Status WriteTxn::Commit() {
  Status s = db_->Exec("COMMIT", "committing");
  if (s.ok()) open_ = false;
  return s;
}

WriteTxn::~WriteTxn() {
  // After some errors (SQLITE_FULL, SQLITE_IOERR) SQLite has already rolled
  // back; ROLLBACK then fails harmlessly.
  if (open_) (void)db_->Exec("ROLLBACK", "rolling back");
}

Status ReadTxn::Begin() {
  Status s = db_->Exec("BEGIN DEFERRED", "starting a read transaction");
  open_ = s.ok();
  return s;
}

ReadTxn::~ReadTxn() {
  if (open_) (void)db_->Exec("COMMIT", "ending a read transaction");
}

}  // namespace tp::storage::catalog_internal
