// `tillpipe query [--data-dir DIR | --url URL] [--format table|csv|json] SQL`:
// runs one SELECT on a running server (POST /api/v1/query) or, read-only,
// on the data directory of a stopped one.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/config.h"
#include "app/data_dir_lock.h"
#include "app/query_format.h"
#include "app/query_service.h"
#include "storage/catalog.h"
#include "storage/sql/engine.h"
#include "web/http_client.h"

namespace tp::app {

namespace sql = storage::sql;
using json = nlohmann::json;

namespace {

std::atomic<bool> g_interrupted{false};
void OnInterrupt(int) { g_interrupted.store(true); }

void Out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Prints the error and, with a position, the SQL line and a caret under it.
int ReportQueryError(std::string_view sql_text, std::string_view message,
                     std::optional<size_t> position) {
  std::string text = "tillpipe query: " + std::string(message) + "\n";
  if (position) text += CaretLines(sql_text, *position);
  std::fwrite(text.data(), 1, text.size(), stderr);
  return 1;
}

std::string ReadAll(FILE* in) {
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) > 0) text.append(buf, n);
  return text;
}

// "http://127.0.0.1:8080": where the config's server listens.
std::string ServerUrl(const Config& config) {
  std::string host = config.http.listen_host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(config.http.listen_port);
}

int QueryUrl(const QueryCommand& cmd, const std::string& sql_text, const std::string& format) {
  auto url = web::ParseUrl(*cmd.url);
  if (!url.ok()) {
    std::cerr << "tillpipe query: --url: " << url.status().message() << "\n";
    return 2;
  }
  // The server stops a query at its [query] timeout; wait somewhat longer.
  web::HttpClient client(*url, std::chrono::minutes(30));
  std::string body = json{{"sql", sql_text}}.dump(-1, ' ', false, json::error_handler_t::replace);
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"Accept", format == "csv" ? "text/csv" : "application/json"}};
  std::string token = cmd.token;
  if (token.empty()) {
    if (const char* env = std::getenv("TILLPIPE_TOKEN")) token = env;
  }
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  auto res = client.Post("/api/v1/query", body, headers);
  if (!res.ok()) {
    std::cerr << "tillpipe query: " << res.status().message()
              << "; is a tillpipe server running at " << *cmd.url << "?\n";
    return 1;
  }
  if (res->status != 200) {
    json err = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    if (!err.is_object() || !err.contains("error") || !err["error"].is_string()) {
      std::cerr << "tillpipe query: the server answered HTTP " << res->status << ": " << res->body
                << "\n";
      return 1;
    }
    if (res->status == 401) {
      std::cerr << "tillpipe query: " << err["error"].get<std::string>()
                << " (the server has an admin password: pass a read token, made on the admin "
                   "page, with --token or $TILLPIPE_TOKEN)\n";
      return 1;
    }
    std::optional<size_t> position;
    if (err.contains("position") && err["position"].is_number_unsigned()) {
      position = err["position"].get<size_t>();
    }
    return ReportQueryError(sql_text, err["error"].get<std::string>(), position);
  }
  if (format == "table") {
    auto table = TableOfJson(res->body);
    if (!table.ok()) {
      std::cerr << "tillpipe query: " << table.status().message() << "\n";
      return 1;
    }
    Out(RenderTable(*table));
  } else {
    Out(res->body);
  }
  return 0;
}

int QueryDataDir(const QueryCommand& cmd, const std::string& sql_text, const std::string& format) {
  ConfigLoad load = cmd.config_file ? LoadConfigFile(*cmd.config_file) : LoadDefaultConfig();
  if (!load.config) {
    for (const auto& e : load.errors) std::cerr << e.ToString() << "\n";
    std::cerr << "tillpipe query: the config has " << load.errors.size() << " error(s)\n";
    return 78;
  }
  Config config = std::move(*load.config);
  if (cmd.data_dir) config.data_dir = *cmd.data_dir;
  const std::filesystem::path dir = config.data_dir;
  const std::filesystem::path catalog_file = dir / "catalog.sqlite";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(catalog_file, ec)) {
    std::cerr << "tillpipe query: " << dir.string()
              << " has no catalog.sqlite; is it a tillpipe data directory? (give it with "
                 "--data-dir, or query a running server with --url)\n";
    return 1;
  }
  // A running server's compaction may delete files this process would read
  // (its pins live in the server), so only a stopped server's directory is
  // read here; the shared lock keeps a server from starting meanwhile.
  auto lock = DataDirLock::AcquireShared(dir);
  if (!lock.ok()) {
    std::cerr << "tillpipe query: " << lock.status().message()
              << ". Its files change while it runs (compaction deletes the files it replaces), "
                 "so query the server instead: tillpipe query --url "
              << ServerUrl(config) << " ...\n";
    return 1;
  }
  storage::CatalogOptions catalog_options;
  catalog_options.read_only = true;
  auto catalog = storage::Catalog::Open(catalog_file, catalog_options);
  if (!catalog.ok()) {
    std::cerr << "tillpipe query: " << catalog.status().message() << "\n";
    return 1;
  }
  sql::EngineOptions options;
  options.data_dir = dir;
  options.timezone = config.timezone;
  options.catalog = catalog->get();
  options.limits = QueryLimitsOf(config);
  // The data directory is read-only here: spill to $TMPDIR (or /tmp).
  std::error_code tmp_error;
  options.spill_dir = std::filesystem::temp_directory_path(tmp_error);
  auto engine = sql::QueryEngine::Open(std::move(options));
  if (!engine.ok()) {
    std::cerr << "tillpipe query: " << engine.status().message() << "\n";
    return 1;
  }
  // Ctrl-C stops the query.
  struct sigaction sa{};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sql::QueryOptions query_options;
  query_options.cancel = &g_interrupted;
  sql::QueryError error;
  auto result = (*engine)->Query(sql_text, query_options, &error);
  if (!result.ok()) {
    if (g_interrupted.load()) {
      std::cerr << "tillpipe query: interrupted\n";
      return 130;
    }
    std::string message = error.message.empty() ? result.status().message() : error.message;
    std::optional<size_t> position;
    if (error.position) position = sql::CharacterPosition(sql_text, *error.position);
    return ReportQueryError(sql_text, message, position);
  }
  const sql::TimeZone& zone = (*engine)->zone();
  if (format == "json") {
    Out(QueryResultJson(*result, zone));
  } else if (format == "csv") {
    Out(QueryResultCsv(*result, zone));
  } else {
    Out(RenderTable(TableOf(*result, zone)));
  }
  return 0;
}

}  // namespace

int RunQuery(const QueryCommand& cmd) {
  std::string sql_text = cmd.sql;
  if (sql_text.empty() || sql_text == "-") {
    if (isatty(STDIN_FILENO)) std::cerr << "tillpipe query: reading the SQL from standard input (end it with Ctrl-D)\n";
    sql_text = ReadAll(stdin);
  }
  if (sql_text.find_first_not_of(" \t\r\n;") == std::string::npos) {
    std::cerr << "tillpipe query: no SQL given; pass it as an argument (tillpipe query \"SELECT "
                 "count(*) FROM orders\") or on standard input\n";
    return 2;
  }
  std::string format = cmd.format.value_or(isatty(STDOUT_FILENO) ? "table" : "csv");
  if (cmd.url) return QueryUrl(cmd, sql_text, format);
  return QueryDataDir(cmd, sql_text, format);
}

}  // namespace tp::app
