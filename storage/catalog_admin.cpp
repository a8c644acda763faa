// The catalog's admin objects (format version 4): dashboards saved from the
// admin page and API tokens (their SHA-256 only). Each call is one
// statement, so SQLite's autocommit makes it atomic and (synchronous=FULL)
// durable on return.
#include "storage/catalog.h"
#include "storage/catalog_db.h"

namespace tp::storage {

using catalog_internal::NowMicros;

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

}  // namespace tp::storage
