// StreamBackend's admin objects: dashboards (the config's, and copies saved
// from the page into the catalog, which win) and API tokens (random 256-bit
// secrets shown once; the catalog keeps their SHA-256, and a copy of the
// live ones is kept here so checking a token costs no catalog read).
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "app/dashboards.h"
#include "app/stream_backend.h"
#include "stream/sha256.h"
#include "web/admin_api.h"
#include "web/admin_auth.h"

namespace tp::app {

using json = nlohmann::json;

namespace {

using web::ErrorAnswer;
using web::JsonAnswer;

web::ApiAnswer CatalogError(const Status& s) {
  return ErrorAnswer(s.code() == Status::Code::kBusy ? 503 : 500, s.ToString());
}

}  // namespace

web::ApiAnswer StreamBackend::NotReadyAnswer() {
  web::ApiAnswer a = ErrorAnswer(503, "not ready: the tables are still being opened; retry shortly");
  a.retry_after_s = 1;
  return a;
}

// --- dashboards ---------------------------------------------------------------

web::ApiAnswer StreamBackend::Dashboards() {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  auto saved = catalog->Dashboards();
  if (!saved.ok()) return CatalogError(saved.status());
  std::map<std::string, DashboardSpec> page;
  json list = json::array();
  for (const auto& [name, spec] : *saved) {
    auto d = DashboardFromJson(name, spec);
    if (d.ok()) page.emplace(name, std::move(*d));
  }
  const auto cfg = config();
  for (const DashboardSpec& d : cfg->dashboards) {
    auto it = page.find(d.name);
    json j = DashboardToJson(it == page.end() ? d : it->second);
    j["source"] = it == page.end() ? "config" : "config, edited on the page";
    list.push_back(std::move(j));
    if (it != page.end()) page.erase(it);
  }
  for (const auto& [name, d] : page) {
    json j = DashboardToJson(d);
    j["source"] = "page";
    list.push_back(std::move(j));
  }
  return JsonAnswer(200, json{{"dashboards", std::move(list)}});
}

web::ApiAnswer StreamBackend::SaveDashboard(std::string_view name, std::string_view body) {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  if (!IsValidDashboardName(name)) {
    return ErrorAnswer(400, "a dashboard name is 1 to 64 of a-z, 0-9, _ and -, like \"retail\"");
  }
  auto d = DashboardFromJson(std::string(name), body);
  if (!d.ok()) return ErrorAnswer(400, d.status().message());
  json j = DashboardToJson(*d);
  if (Status s = catalog->PutDashboard(d->name, j.dump()); !s.ok()) return CatalogError(s);
  return JsonAnswer(200, j);
}

web::ApiAnswer StreamBackend::DeleteDashboard(std::string_view name) {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  auto deleted = catalog->DeleteDashboard(std::string(name));
  if (!deleted.ok()) return CatalogError(deleted.status());
  const auto cfg = config();
  const bool in_config = std::any_of(cfg->dashboards.begin(), cfg->dashboards.end(),
                                     [&](const DashboardSpec& d) { return d.name == name; });
  if (!*deleted) {
    return ErrorAnswer(404, in_config ? "dashboard " + std::string(name) +
                                      " is defined in the config and was not edited on the page; "
                                      "remove it from the config file"
                                : "no dashboard " + std::string(name));
  }
  return JsonAnswer(200, json{{"deleted", name}, {"reverted_to_config", in_config}});
}

// --- API tokens ---------------------------------------------------------------

Status StreamBackend::LoadTokens(storage::Catalog* catalog) {
  auto tokens = catalog->Tokens();
  if (!tokens.ok()) return tokens.status();
  std::map<std::string, std::string, std::less<>> live;
  bool ingest = false;
  for (const auto& t : *tokens) {
    if (!t.revoked_us) live.emplace(t.sha256, t.scope);
    ingest |= t.scope == "ingest";
  }
  std::lock_guard lock(tokens_mu_);
  live_tokens_ = std::move(live);
  ingest_tokens_made_ = ingest;
  return Status::OK();
}

bool StreamBackend::CheckToken(std::string_view token, std::string_view scope) const {
  if (token.empty()) return false;
  const std::string hash = Sha256::HexHash(token);  // equal hashes only: no timing leak of secrets
  std::lock_guard lock(tokens_mu_);
  auto it = live_tokens_.find(hash);
  return it != live_tokens_.end() && it->second == scope;
}

bool StreamBackend::IngestNeedsToken() const {
  std::lock_guard lock(tokens_mu_);
  return ingest_tokens_made_;
}

web::ApiAnswer StreamBackend::Tokens() {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  auto tokens = catalog->Tokens();
  if (!tokens.ok()) return CatalogError(tokens.status());
  json list = json::array();
  for (const auto& t : *tokens) {
    list.push_back({{"id", t.id},
                    {"name", t.name},
                    {"scope", t.scope},
                    {"created_us", t.created_us},
                    {"revoked_us", t.revoked_us ? json(*t.revoked_us) : json(nullptr)}});
  }
  return JsonAnswer(200, json{{"tokens", std::move(list)}});
}

web::ApiAnswer StreamBackend::CreateToken(std::string_view body) {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const char* shape = "send {\"name\": \"shop backend\", \"scope\": \"ingest\" or \"read\"}";
  if (j.is_discarded() || !j.is_object() || !j.contains("name") || !j["name"].is_string() ||
      !j.contains("scope") || !j["scope"].is_string()) {
    return ErrorAnswer(400, shape);
  }
  const std::string name = j["name"], scope = j["scope"];
  if (name.empty() || name.size() > 64) return ErrorAnswer(400, "name: 1 to 64 characters; " + std::string(shape));
  if (scope != "ingest" && scope != "read") {
    return ErrorAnswer(400, "scope: \"" + scope + "\" is not \"ingest\" (POST /api/v1/ingest) or \"read\" "
                      "(status, tables, query, metrics)");
  }
  const std::string secret = "tp_" + web::RandomHex(32);
  auto id = catalog->AddToken(name, scope, Sha256::HexHash(secret));
  if (!id.ok()) return CatalogError(id.status());
  if (Status s = LoadTokens(catalog); !s.ok()) return CatalogError(s);
  web::ApiAnswer a = JsonAnswer(201, json{{"id", *id}, {"name", name}, {"scope", scope}, {"token", secret}});
  a.headers.emplace_back("Cache-Control", "no-store");
  return a;
}

web::ApiAnswer StreamBackend::RevokeToken(std::string_view id_text) {
  storage::Catalog* catalog = catalog_.load();
  if (catalog == nullptr) return NotReadyAnswer();
  int64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size()) {
    return ErrorAnswer(400, "a token is revoked by its id: DELETE /api/v1/tokens/ID");
  }
  auto revoked = catalog->RevokeToken(id);
  if (!revoked.ok()) return CatalogError(revoked.status());
  if (!*revoked) return ErrorAnswer(404, "no live token with id " + std::string(id_text));
  if (Status s = LoadTokens(catalog); !s.ok()) return CatalogError(s);
  return JsonAnswer(200, json{{"revoked", id}});
}

}  // namespace tp::app
