// The catalog's admin objects: dashboards saved from the admin page and API
// tokens (their SHA-256 only), since format version 4; re-processed records
// of _rejected, since version 5. Each call is one
// statement, so SQLite's autocommit makes it atomic and (synchronous=FULL)
// durable on return.
#include "storage/catalog.h"
#include "storage/catalog_db.h"

#include <cstdint>
#include <map>

namespace tp::storage {

using catalog_internal::NowMicros;
using catalog_internal::WriteTxn;

Result<std::vector<std::pair<std::string, std::string>>> Catalog::Dashboards() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("SELECT name, spec_json FROM dashboards ORDER BY name");
  if (!st.ok()) return st.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    auto row = st->Step("reading the dashboards");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.emplace_back(st->Text(0), st->Text(1));
  }
}

Status Catalog::PutDashboard(const std::string& name, const std::string& spec_json) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "INSERT INTO dashboards (name, spec_json, updated_us) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json, updated_us = excluded.updated_us");
  if (!st.ok()) return st.status();
  st->Bind(1, name).Bind(2, spec_json).Bind(3, NowMicros());
  return st->Run("saving dashboard " + name);
}

Result<bool> Catalog::DeleteDashboard(const std::string& name) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("DELETE FROM dashboards WHERE name = ?1");
  if (!st.ok()) return st.status();
  st->Bind(1, name);
  if (Status s = st->Run("deleting dashboard " + name); !s.ok()) return s;
  return db_->Changes() > 0;
}

Result<std::vector<TokenEntry>> Catalog::Tokens() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "SELECT id, name, scope, sha256, created_us, revoked_us FROM api_tokens ORDER BY id DESC");
  if (!st.ok()) return st.status();
  std::vector<TokenEntry> out;
  for (;;) {
    auto row = st->Step("reading the API tokens");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    TokenEntry t;
    t.id = st->Int64(0);
    t.name = st->Text(1);
    t.scope = st->Text(2);
    t.sha256 = st->Text(3);
    t.created_us = st->Int64(4);
    if (!st->IsNull(5)) t.revoked_us = st->Int64(5);
    out.push_back(std::move(t));
  }
}

Result<int64_t> Catalog::AddToken(const std::string& name, const std::string& scope,
                                  const std::string& sha256_hex) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "INSERT INTO api_tokens (name, scope, sha256, created_us) VALUES (?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  st->Bind(1, name).Bind(2, scope).Bind(3, sha256_hex).Bind(4, NowMicros());
  if (Status s = st->Run("adding API token " + name); !s.ok()) return s;
  return db_->LastInsertRowid();
}

Result<bool> Catalog::RevokeToken(int64_t id) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare("UPDATE api_tokens SET revoked_us = ?2 WHERE id = ?1 AND revoked_us IS NULL");
  if (!st.ok()) return st.status();
  st->Bind(1, id).Bind(2, NowMicros());
  if (Status s = st->Run("revoking API token " + std::to_string(id)); !s.ok()) return s;
  return db_->Changes() > 0;
}

Result<std::vector<ReprocessedEntry>> Catalog::Reprocessed(
    const std::vector<uint64_t>& log_offsets) {
  std::lock_guard lock(mu_);
  std::vector<ReprocessedEntry> out;
  for (uint64_t offset : log_offsets) {
    if (offset > static_cast<uint64_t>(INT64_MAX)) continue;
    auto st = db_->Prepare(  // cached; each use starts reset
        "SELECT log_offset, table_name, reason_code, new_offset, reprocessed_us FROM reprocessed "
        "WHERE log_offset = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, static_cast<int64_t>(offset));
    auto row = st->Step("reading re-processed records");
    if (!row.ok()) return row.status();
    if (*row) {
      out.push_back({static_cast<uint64_t>(st->Int64(0)), st->Text(1), st->Text(2),
                     static_cast<uint64_t>(st->Int64(3)), st->Int64(4)});
    }
  }
  return out;
}

Result<std::map<std::pair<std::string, std::string>, uint64_t>> Catalog::ReprocessedCounts() {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(
      "SELECT table_name, reason_code, count(*) FROM reprocessed GROUP BY table_name, reason_code");
  if (!st.ok()) return st.status();
  std::map<std::pair<std::string, std::string>, uint64_t> out;
  for (;;) {
    auto row = st->Step("counting re-processed records");
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out[{st->Text(0), st->Text(1)}] = static_cast<uint64_t>(st->Int64(2));
  }
}

Status Catalog::AddReprocessed(const std::vector<ReprocessedEntry>& entries) {
  std::lock_guard lock(mu_);
  WriteTxn txn(db_.get());
  if (Status s = txn.Begin(); !s.ok()) return s;
  const int64_t now = NowMicros();
  for (const ReprocessedEntry& e : entries) {
    if (e.log_offset > static_cast<uint64_t>(INT64_MAX) ||
        e.new_offset > static_cast<uint64_t>(INT64_MAX)) {
      return Status::InvalidArgument("re-processed record: offset above 2^63");
    }
    auto st = db_->Prepare(
        "INSERT INTO reprocessed (log_offset, table_name, reason_code, new_offset, "
        "reprocessed_us) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st.ok()) return st.status();
    st->Bind(1, static_cast<int64_t>(e.log_offset))
        .Bind(2, e.table)
        .Bind(3, e.reason_code)
        .Bind(4, static_cast<int64_t>(e.new_offset))
        .Bind(5, now);
    if (Status s = st->Run("recording re-processed record " + std::to_string(e.log_offset));
        !s.ok()) {
      return s;
    }
  }
  return txn.Commit();
}

}  // namespace tp::storage
