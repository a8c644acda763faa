// StreamBackend's view of _rejected for the admin page: counts by table and
// reason code, pages of rejected records (newest first), and re-processing
// selected records once the config was fixed.
//
// Re-processing appends each selected record to the log again, under its
// table, as a batch of its own whose idempotency key names the rejected
// offset ("tillpipe-reprocess-<offset>"); then the catalog's `reprocessed`
// table records old -> new offset. A record is re-processed at most once:
// the catalog refuses a second time, and a retry after a crash between the
// append and the catalog write is answered from the log's idempotency memory
// (stream.idempotency_window) instead of being appended twice. The
// materializer then decodes it under the current config like any record; if
// it still does not fit, it lands in _rejected again under its new offset.
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <variant>
#include <xxhash.h>

#include "app/query_service.h"
#include "app/stream_backend.h"
#include "web/admin_api.h"

namespace tp::app {

using json = nlohmann::json;
using web::ErrorAnswer;
using web::JsonAnswer;

namespace {

constexpr size_t kDefaultPage = 50;
constexpr size_t kMaxPage = 500;
constexpr size_t kMaxReprocess = 1000;
constexpr size_t kListedRecordBytes = 4096;  // longer records are cut in lists

std::string SqlText(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Runs `sql` and returns its rows, or the answer to send when it failed.
std::variant<json, web::ApiAnswer> Rows(QueryService* queries, const std::string& sql) {
  std::atomic<bool> cancel{false};
  web::QueryAnswer a = queries->Answer(sql, false, &cancel);
  if (a.status != 200) return a;
  json j = json::parse(a.body, nullptr, false);
  if (j.is_discarded() || !j.contains("rows")) return ErrorAnswer(500, "bad answer to " + sql);
  return std::move(j["rows"]);
}

bool IsWord(std::string_view s) {  // a table name or reason code
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::optional<uint64_t> Number(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > uint64_t{INT64_MAX}) return std::nullopt;
  return v;
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

web::ApiAnswer StreamBackend::Rejected(std::string_view query) {
  QueryService* queries = queries_.load();
  storage::Catalog* catalog = catalog_.load();
  if (queries == nullptr || catalog == nullptr) return NotReadyAnswer();
  std::vector<std::string> where;
  size_t limit = kDefaultPage;
  bool one = false;  // ?offset=N: that record, uncut
  for (const auto& [key, value] : web::QueryParams(query)) {
    if (key == "table") {
      if (!IsWord(value)) return ErrorAnswer(400, "table: \"" + value + "\" is not a table name");
      where.push_back("table_name = " + SqlText(value));
    } else if (key == "reason") {
      if (value == "unknown") {
        where.push_back("reason_code IS NULL");  // rejected before reason codes existed
      } else if (IsWord(value)) {
        where.push_back("reason_code = " + SqlText(value));
      } else {
        return ErrorAnswer(400, "reason: \"" + value + "\" is not a reason code");
      }
    } else if (key == "before" || key == "offset") {
      auto n = Number(value);
      if (!n) return ErrorAnswer(400, key + ": \"" + value + "\" is not a log offset");
      where.push_back((key == "before" ? "log_offset < " : "log_offset = ") + std::to_string(*n));
      one = one || key == "offset";
    } else if (key == "limit") {
      auto n = Number(value);
      if (!n || *n > kMaxPage) {
        return ErrorAnswer(400, "limit: \"" + value + "\" must be 0 to " + std::to_string(kMaxPage));
      }
      limit = *n;
    } else {
      return ErrorAnswer(400, "unknown parameter \"" + key +
                                  "\"; use table, reason, before, offset and limit");
    }
  }
  std::string filter;
  for (const std::string& w : where) filter += (filter.empty() ? " WHERE " : " AND ") + w;

  json answer;
  {  // counts by table and reason, over all of _rejected
    auto rows = Rows(queries,
                     "SELECT table_name, reason_code, count(*), sum(CASE WHEN ingested_at >= now() - "
                     "INTERVAL '24 hours' THEN 1 ELSE 0 END), max(ingested_at) FROM _rejected "
                     "GROUP BY table_name, reason_code ORDER BY 3 DESC, 1, 2");
    if (auto* a = std::get_if<web::ApiAnswer>(&rows)) return *a;
    auto reprocessed = catalog->ReprocessedCounts();
    if (!reprocessed.ok()) return ErrorAnswer(500, reprocessed.status().ToString());
    json summary = json::array();
    uint64_t total = 0, last_24h = 0;
    for (const json& r : std::get<json>(rows)) {
      std::string code = r[1].is_string() ? r[1].get<std::string>() : "";
      auto it = reprocessed->find({r[0].get<std::string>(), code});
      summary.push_back({{"table", r[0]},
                         {"reason_code", code.empty() ? "unknown" : code},
                         {"records", r[2]},
                         {"last_24h", r[3]},
                         {"last_at", r[4]},
                         {"reprocessed", it == reprocessed->end() ? 0 : it->second}});
      total += r[2].get<uint64_t>();
      last_24h += r[3].get<uint64_t>();
    }
    answer["summary"] = std::move(summary);
    answer["total"] = total;
    answer["last_24h"] = last_24h;
  }
  json list = json::array();
  answer["next_before"] = nullptr;
  if (limit > 0) {
    auto rows = Rows(queries,
                     "SELECT log_offset, table_name, field, reason, reason_code, ingested_at, record "
                     "FROM _rejected" +
                         filter + " ORDER BY log_offset DESC LIMIT " + std::to_string(limit + 1));
    if (auto* a = std::get_if<web::ApiAnswer>(&rows)) return *a;
    json& found = std::get<json>(rows);
    if (found.size() > limit) {
      found.erase(found.begin() + static_cast<std::ptrdiff_t>(limit), found.end());
      answer["next_before"] = found.back()[0];
    }
    std::vector<uint64_t> offsets;
    for (const json& r : found) offsets.push_back(r[0].get<uint64_t>());
    auto done = catalog->Reprocessed(offsets);
    if (!done.ok()) return ErrorAnswer(500, done.status().ToString());
    std::map<uint64_t, const storage::ReprocessedEntry*> by_offset;
    for (const auto& e : *done) by_offset[e.log_offset] = &e;
    for (const json& r : found) {
      const std::string record = r[6].get<std::string>();
      std::string_view shown = one ? std::string_view(record) : Cut(record, kListedRecordBytes);
      json row{{"log_offset", r[0]},     {"table", r[1]},
               {"field", r[2]},          {"reason", r[3]},
               {"reason_code", r[4].is_string() ? r[4] : json("unknown")},
               {"ingested_at", r[5]},    {"record", shown},
               {"record_bytes", record.size()}, {"reprocessed", nullptr}};
      if (auto it = by_offset.find(r[0].get<uint64_t>()); it != by_offset.end()) {
        row["reprocessed"] = {{"new_offset", it->second->new_offset},
                              {"at_us", it->second->at_us}};
      }
      list.push_back(std::move(row));
    }
  }
  answer["rows"] = std::move(list);
  return JsonAnswer(200, answer);
}

web::ApiAnswer StreamBackend::Reprocess(std::string_view body) {
  QueryService* queries = queries_.load();
  storage::Catalog* catalog = catalog_.load();
  if (queries == nullptr || catalog == nullptr || log_.load() == nullptr) return NotReadyAnswer();
  json j = json::parse(body, nullptr, false);
  std::set<uint64_t> wanted;
  if (j.is_object() && j.contains("offsets") && j["offsets"].is_array()) {
    for (const json& o : j["offsets"]) {
      if (!o.is_number_unsigned()) {
        wanted.clear();
        break;
      }
      wanted.insert(o.get<uint64_t>());
    }
  }
  if (wanted.empty() || wanted.size() > kMaxReprocess) {
    return ErrorAnswer(400, "send {\"offsets\": [log_offset, ...]} with 1 to " +
                                std::to_string(kMaxReprocess) + " log offsets of _rejected records");
  }
  // One re-process at a time: two clicks on the same records must not both
  // get past the catalog check below.
  std::lock_guard lock(reprocess_mu_);
  std::string in;
  for (uint64_t o : wanted) in += (in.empty() ? "" : ", ") + std::to_string(o);
  auto rows = Rows(queries, "SELECT log_offset, table_name, reason_code, record FROM _rejected "
                            "WHERE log_offset IN (" + in + ") ORDER BY log_offset");
  if (auto* a = std::get_if<web::ApiAnswer>(&rows)) return *a;
  auto before = catalog->Reprocessed({wanted.begin(), wanted.end()});
  if (!before.ok()) return ErrorAnswer(500, before.status().ToString());
  json skipped = json::array();
  for (const auto& e : *before) {
    skipped.push_back({{"log_offset", e.log_offset}, {"new_offset", e.new_offset}, {"at_us", e.at_us}});
    wanted.erase(e.log_offset);
  }
  struct Todo {
    uint64_t offset;
    std::string table, code, record;
  };
  std::vector<Todo> todo;
  for (const json& r : std::get<json>(rows)) {
    const uint64_t offset = r[0].get<uint64_t>();
    if (wanted.erase(offset) == 0) continue;  // re-processed before
    todo.push_back({offset, r[1].get<std::string>(), r[2].is_string() ? r[2].get<std::string>() : "",
                    r[3].get<std::string>()});
  }
  if (!wanted.empty()) {
    std::string missing;
    for (uint64_t o : wanted) missing += (missing.empty() ? "" : ", ") + std::to_string(o);
    return ErrorAnswer(404, "not in _rejected: log offset(s) " + missing + "; nothing was re-processed");
  }
  std::set<std::string> unknown;
  for (const Todo& t : todo) {
    if (!HasTable(t.table)) unknown.insert(t.table);
  }
  if (!unknown.empty()) {
    std::string names;
    for (const auto& n : unknown) names += (names.empty() ? "" : ", ") + n;
    return ErrorAnswer(409, "table(s) " + names + " are still not in the config: add [tables.<name>] "
                            "to the config and restart, then re-process; nothing was re-processed");
  }
  // All appends are queued at once, so they share the writer's fsyncs; the
  // log assigns offsets in queue order.
  std::vector<std::promise<web::IngestAnswer>> answers(todo.size());
  for (size_t i = 0; i < todo.size(); ++i) {
    const Todo& t = todo[i];
    const std::string key = "tillpipe-reprocess-" + std::to_string(t.offset);
    std::vector<std::string_view> records{t.record};
    web::IngestCall call;
    call.table = t.table;
    call.idempotency_key = key;
    call.body_hash = XXH3_64bits(t.record.data(), t.record.size());
    call.records = &records;
    Ingest(call, [answer = &answers[i]](web::IngestAnswer a) { answer->set_value(std::move(a)); });
  }
  std::vector<storage::ReprocessedEntry> done;
  std::string failure;
  for (size_t i = 0; i < todo.size(); ++i) {
    web::IngestAnswer a = answers[i].get_future().get();
    if (a.kind != web::IngestAnswer::Kind::kOk) {
      if (failure.empty()) {
        failure = "appending log offset " + std::to_string(todo[i].offset) + " failed: " +
                  (a.message.empty() ? std::string("the log refused it") : a.message);
      }
      continue;
    }
    done.push_back({todo[i].offset, todo[i].table, todo[i].code, a.first_offset, 0});
  }
  if (Status s = done.empty() ? Status::OK() : catalog->AddReprocessed(done); !s.ok()) {
    // Appended but not recorded: a retry is answered from the idempotency memory.
    return ErrorAnswer(500, "the records were appended, but recording that failed (" + s.ToString() +
                                "); re-process them again to record it, nothing is appended twice");
  }
  json list = json::array();
  for (const auto& e : done) {
    list.push_back({{"log_offset", e.log_offset}, {"table", e.table}, {"new_offset", e.new_offset}});
  }
  json answer{{"reprocessed", list}, {"skipped", skipped}};
  if (!failure.empty()) {
    answer["error"] = failure + "; the records listed in reprocessed were re-processed";
    return JsonAnswer(503, answer);
  }
  return JsonAnswer(200, answer);
}

}  // namespace tp::app
