// Test helper: asks DuckDB (npm @duckdb/node-api, installed by
// packaging/install-deps.sh into tests/interop) to run SQL, typically over
// Parquet files tillpipe wrote, and returns its answer as JSON.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tp::testing {

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs the statements in one in-memory DuckDB and returns the last one's
// answer {"columns":[...],"rows":[[...]]}, or {"error":"..."} when DuckDB
// refused (the message is DuckDB's).
inline nlohmann::json DuckDb(const std::vector<std::string>& statements) {
  std::string cmd =
      "node " + ShellQuote(std::string(TILLPIPE_SOURCE_DIR) + "/tests/interop/duckdb_query.mjs");
  for (const auto& s : statements) cmd += " " + ShellQuote(s);
  cmd += " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {{"error", "cannot run node"}};
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return {{"error", out}};
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_discarded()) return {{"error", "DuckDB printed no JSON: " + out}};
  return j;
}

inline nlohmann::json DuckDb(const std::string& sql) { return DuckDb(std::vector<std::string>{sql}); }

}  // namespace tp::testing
