// The catalog's schema, as the steps that build it: step i takes a catalog
// from format version (PRAGMA user_version) i to i+1. storage/CATALOG.md
// documents each version.
#include <iterator>

#include "storage/catalog.h"
#include "storage/catalog_db.h"

namespace tp::storage::catalog_internal {

namespace {

// Migration i takes a catalog from user_version i to i+1. A shipped step is
// never edited; a schema change is a new step appended here (and
// Catalog::kFormatVersion raised), documented in storage/CATALOG.md.
const char* const kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE tables (
  name        TEXT PRIMARY KEY,
  created_us  INTEGER NOT NULL
) STRICT;

CREATE TABLE schema_versions (
  table_name   TEXT NOT NULL REFERENCES tables(name),
  version      INTEGER NOT NULL CHECK (version >= 1),
  time_column  TEXT NOT NULL,
  schema_json  TEXT NOT NULL,
  created_us   INTEGER NOT NULL,
  PRIMARY KEY (table_name, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE files (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  table_name      TEXT NOT NULL,
  day             TEXT NOT NULL
                  CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  path            TEXT NOT NULL UNIQUE,
  rows            INTEGER NOT NULL CHECK (rows >= 0),
  bytes           INTEGER NOT NULL CHECK (bytes >= 0),
  min_time_us     INTEGER NOT NULL,
  max_time_us     INTEGER NOT NULL,
  checksum        INTEGER NOT NULL,
  schema_version  INTEGER NOT NULL,
  created_us      INTEGER NOT NULL,
  FOREIGN KEY (table_name, schema_version) REFERENCES schema_versions(table_name, version)
) STRICT;

CREATE INDEX files_by_table_day ON files(table_name, day);

CREATE TABLE consumers (
  name         TEXT PRIMARY KEY,
  next_offset  INTEGER NOT NULL CHECK (next_offset >= 0),
  updated_us   INTEGER NOT NULL
) STRICT;
)sql",
    // 1 -> 2: files that stopped being live (compaction replaced them, retention
    // dropped their day) are kept here until they are deleted from disk, so a
    // crash never leaves them behind unaccounted for.
    R"sql(
CREATE TABLE retired_files (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  file_id      INTEGER NOT NULL,
  table_name   TEXT NOT NULL,
  day          TEXT NOT NULL,
  path         TEXT NOT NULL UNIQUE,
  rows         INTEGER NOT NULL,
  bytes        INTEGER NOT NULL,
  reason       TEXT NOT NULL CHECK (reason IN ('replaced', 'dropped')),
  retired_us   INTEGER NOT NULL
) STRICT;
)sql",
    // 2 -> 3: the NDJSON bytes of the records in each file, for compression
    // ratios (0 = not known: files written before this version).
    R"sql(
ALTER TABLE files ADD COLUMN raw_bytes INTEGER NOT NULL DEFAULT 0 CHECK (raw_bytes >= 0);
)sql",
    // 3 -> 4: what the admin page saves: dashboards edited on the page, and
    // API tokens (only their SHA-256 is stored).
    R"sql(
CREATE TABLE dashboards (
  name        TEXT PRIMARY KEY,
  spec_json   TEXT NOT NULL,
  updated_us  INTEGER NOT NULL
) STRICT;
CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL,
  scope       TEXT NOT NULL CHECK (scope IN ('ingest', 'read')),
  sha256      TEXT NOT NULL UNIQUE,
  created_us  INTEGER NOT NULL,
  revoked_us  INTEGER
) STRICT;
)sql",
    // 4 -> 5: records of _rejected re-processed from the admin page: each
    // is appended to the log again at most once.
    R"sql(
CREATE TABLE reprocessed (
  log_offset     INTEGER PRIMARY KEY CHECK (log_offset >= 0),
  table_name     TEXT NOT NULL,
  reason_code    TEXT NOT NULL,
  new_offset     INTEGER NOT NULL CHECK (new_offset >= 0),
  reprocessed_us INTEGER NOT NULL
) STRICT;
)sql",
};

}  // namespace

static_assert(std::size(kMigrations) == Catalog::kFormatVersion);

const char* MigrationStep(int from) { return kMigrations[from]; }

}  // namespace tp::storage::catalog_internal
