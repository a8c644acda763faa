// The subcommands of the `tillpipe` binary. Each returns the process exit
// code; each prints its own errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tp::app {

int RunValidate(const std::string& config_file);

struct IngestCommand {
  std::string table;
  std::string file = "-";  // "-" = standard input
  std::string url = "http://127.0.0.1:8080";
  std::string token;       // or $TILLPIPE_TOKEN
  size_t batch = 5000;
  std::string retry_for = "10m";  // keep retrying transient failures this long
  bool quiet = false;
};
int RunIngest(const IngestCommand& cmd);

struct SimulateCommand {
  uint64_t seed = 1;
  std::string backlog = "30d";
  std::string rate = "120/min";
  std::optional<std::string> url;
  std::optional<std::string> out;
  std::string duration = "0";  // live phase length with --url; 0 = until interrupted
  std::optional<std::string> end;  // backlog end (ISO-8601 UTC); default now
  std::string token;
  bool quiet = false;
};
int RunSimulate(const SimulateCommand& cmd);

int RunCheck(const std::string& data_dir);

struct PasswdCommand {
  std::optional<std::string> config_file;  // where auth.admin_password_file and data_dir come from
  std::optional<std::string> data_dir;
};
// Sets the admin password (see app/cmd_passwd.cpp); exit 0, 1 or 78 (bad config).
int RunPasswd(const PasswdCommand& cmd);

struct QueryCommand {
  std::string sql;                         // "" or "-" = read from standard input
  std::optional<std::string> config_file;  // timezone, data_dir, [query] limits
  std::optional<std::string> data_dir;     // a stopped server's data directory
  std::optional<std::string> url;          // a running server
  std::string token;                       // --url: a read token (or $TILLPIPE_TOKEN)
  std::optional<std::string> format;       // table | csv | json; default: table on a terminal, else csv
};
// Exit 0 with the rows on stdout; 1 with the error (and the SQL line with a
// caret under its position) on stderr.
int RunQuery(const QueryCommand& cmd);

// Parses "120/min", "2/s", "7200/h" into records per minute.
std::optional<double> ParseRate(std::string_view text);
// Parses "2026-11-22T10:00:00Z" (UTC, optional fraction) into micros.
std::optional<int64_t> ParseUtcTimestamp(std::string_view text);

}  // namespace tp::app
