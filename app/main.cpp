// tillpipe: one binary, one subcommand per job. See README.md for the CLI.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <optional>

#include "app/process_setup.h"
#include "app/backup.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/serve.h"

int main(int argc, char** argv) {
  using namespace tp::app;
  ConfigureProcess();
  CLI::App app{"tillpipe: a small shop's data pipeline in one process (events in, Parquet and SQL out)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tillpipe " TILLPIPE_VERSION);

  ServeOptions serve;
  std::string config_file, data_dir, listen;
  auto* serve_cmd = app.add_subcommand("serve", "Run the server: HTTP ingest into the durable stream");
  serve_cmd->add_option("-c,--config", config_file, "TOML config file (default: the embedded default config)");
  serve_cmd->add_option("--data-dir", data_dir, "Data directory (overrides data_dir)");
  serve_cmd->add_option("--listen", listen, "HOST:PORT to listen on (overrides http.listen)");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand(
      "validate", "Check a config file; exit 0, or 78 with every error as FILE:LINE:COL: message");
  bool print_default = false;
  auto* validate_file_opt = validate_cmd->add_option("-c,--config", validate_file, "TOML config file");
  validate_cmd->add_flag("--print-default", print_default,
                         "Print the embedded default config (commented; every key at its default)")
      ->excludes(validate_file_opt);

  IngestCommand ingest;
  auto* ingest_cmd = app.add_subcommand("ingest", "Send NDJSON records (one JSON object per line) to a table");
  ingest_cmd->add_option("table", ingest.table, "Table to ingest into")->required();
  ingest_cmd->add_option("file", ingest.file, "NDJSON file, or - for standard input")->capture_default_str();
  ingest_cmd->add_option("--url", ingest.url, "Server URL")->capture_default_str();
  ingest_cmd->add_option("--token", ingest.token, "Ingest token (default: $TILLPIPE_TOKEN)");
  ingest_cmd->add_option("--batch", ingest.batch, "Records per request")->capture_default_str()->check(CLI::Range(1, 1000000));
  ingest_cmd->add_option("--retry-for", ingest.retry_for, "Keep retrying when the server is down or busy this long, then fail")->capture_default_str();
  ingest_cmd->add_flag("-q,--quiet", ingest.quiet, "No progress on stderr");

  SimulateCommand sim;
  auto* sim_cmd = app.add_subcommand(
      "simulate",
      "Generate a realistic retail shop's events: a backlog with seasonality, then live events");
  sim_cmd->add_option("--seed", sim.seed, "Random seed (same seed, same --end: same records)")->capture_default_str();
  sim_cmd->add_option("--backlog", sim.backlog, "History to generate before now, e.g. 30d, 12h, 0")->capture_default_str();
  sim_cmd->add_option("--rate", sim.rate, "Average records per minute over all tables, e.g. 120/min, 5/s")->capture_default_str();
  auto* url_opt = sim_cmd->add_option("--url", sim.url, "Post to this server (http://HOST:PORT), then go on live");
  auto* out_opt = sim_cmd->add_option("--out", sim.out, "Write the backlog as one NDJSON file per table into DIR, then exit");
  url_opt->excludes(out_opt);
  sim_cmd->add_option("--duration", sim.duration, "With --url: how long to emit live events after the backlog (0 = until Ctrl-C)")->capture_default_str();
  sim_cmd->add_option("--end", sim.end, "When the backlog ends, as UTC ISO-8601 (default: now)");
  sim_cmd->add_option("--token", sim.token, "Ingest token (default: $TILLPIPE_TOKEN)");
  sim_cmd->add_flag("-q,--quiet", sim.quiet, "No progress on stderr");

  QueryCommand query;
  auto* query_cmd = app.add_subcommand(
      "query",
      "Run a SQL SELECT on the tables: of a running server (--url), or read-only on the data "
      "directory of a stopped one (--data-dir; default: the config's data_dir)");
  query_cmd->add_option("sql", query.sql, "The query; - or nothing: read it from standard input");
  query_cmd->add_option("-c,--config", query.config_file,
                        "TOML config file: time zone, data_dir and [query] limits (default: the "
                        "embedded default config)");
  auto* query_dir = query_cmd->add_option("--data-dir", query.data_dir,
                                          "Data directory of a stopped server (overrides data_dir)");
  auto* query_url = query_cmd->add_option("--url", query.url, "Query a running server, e.g. http://127.0.0.1:8080");
  query_dir->excludes(query_url);
  query_cmd->add_option("--token", query.token,
                        "With --url, when the server has an admin password: a read token made on "
                        "the admin page (default: $TILLPIPE_TOKEN)");
  query_cmd->add_option("--format", query.format,
                        "table, csv or json (default: table on a terminal, else csv)")
      ->check(CLI::IsMember({"table", "csv", "json"}));

  std::string check_dir, check_config;
  auto* check_cmd = app.add_subcommand("check", "Verify a data directory (stream segments, checksums, offsets); exit 0 or 1");
  check_cmd->add_option("-c,--config", check_config, "TOML config file naming data_dir (default: the embedded default config)");
  check_cmd->add_option("--data-dir", check_dir, "Data directory (overrides data_dir)");

  PasswdCommand passwd;
  auto* passwd_cmd = app.add_subcommand(
      "passwd",
      "Set the admin page's password (read twice from the terminal, or once from standard input)");
  passwd_cmd->add_option("-c,--config", passwd.config_file,
                         "TOML config file naming auth.admin_password_file and data_dir "
                         "(default: the embedded default config)");
  passwd_cmd->add_option("--data-dir", passwd.data_dir, "Data directory (overrides data_dir)");

  BackupOptions backup;
  std::string backup_dir, backup_config, backup_to;
  auto* backup_cmd = app.add_subcommand(
      "backup",
      "Write a consistent point in time of a data directory to one .tar.zst file, also while a "
      "server runs and ingests on it");
  backup_cmd->add_option("--to", backup_to, "The archive to create, e.g. tillpipe-2026-11-23.tar.zst")->required();
  backup_cmd->add_option("-c,--config", backup_config,
                         "TOML config file: its data_dir, and the file itself goes into the backup");
  backup_cmd->add_option("--data-dir", backup_dir, "Data directory (overrides data_dir)");
  backup_cmd->add_flag("-q,--quiet", backup.quiet, "No progress on stderr");

  RestoreOptions restore;
  std::string restore_from, restore_dir;
  auto* restore_cmd = app.add_subcommand(
      "restore",
      "Verify a backup's checksums (--verify-only), or restore it into a data directory and check it");
  restore_cmd->add_option("--from", restore_from, "The backup archive (.tar.zst)")->required();
  auto* restore_dir_opt = restore_cmd->add_option("--data-dir", restore_dir,
                                                  "Directory to restore into (new or empty; see --force)");
  auto* verify_opt = restore_cmd->add_flag("--verify-only", restore.verify_only,
                                           "Check every file's checksum; write nothing");
  verify_opt->excludes(restore_dir_opt);
  restore_cmd->add_flag("--force", restore.force,
                        "Replace what a non-empty --data-dir holds (only once the restored copy passed check)");
  restore_cmd->add_flag("-q,--quiet", restore.quiet, "No progress on stderr");

  auto* version_cmd = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a usage error (CLI11's codes are 100+)
    // exits 2, as the man page and README say.
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (*serve_cmd) {
    if (!config_file.empty()) serve.config_file = config_file;
    if (!data_dir.empty()) serve.data_dir = data_dir;
    if (!listen.empty()) serve.listen = listen;
    return RunServe(serve);
  }
  if (*validate_cmd) {
    if (print_default) {
      std::cout << DefaultConfigText();
      return 0;
    }
    if (validate_file.empty()) {
      std::cerr << "tillpipe validate: name the file with -c FILE (or --print-default to see the default)\n";
      return 2;
    }
    return RunValidate(validate_file);
  }
  if (*ingest_cmd) return RunIngest(ingest);
  if (*sim_cmd) {
    if (sim.url && sim.out) {
      std::cerr << "tillpipe simulate: use --url or --out, not both\n";
      return 2;
    }
    return RunSimulate(sim);
  }
  if (*query_cmd) return RunQuery(query);
  // --data-dir, else the -c file's data_dir, else the default config's;
  // nullopt after printing a bad config's errors.
  auto data_dir_of = [](const std::string& config, const std::string& dir) -> std::optional<std::filesystem::path> {
    ConfigLoad load = config.empty() ? LoadDefaultConfig() : LoadConfigFile(config);
    if (!load.config) {
      for (const auto& e : load.errors) std::cerr << e.ToString() << "\n";
      return std::nullopt;
    }
    return dir.empty() ? load.config->data_dir : std::filesystem::path(dir);
  };
  if (*check_cmd) {
    auto dir = data_dir_of(check_config, check_dir);
    return dir ? RunCheck(dir->string()) : 78;
  }
  if (*passwd_cmd) return RunPasswd(passwd);
  if (*backup_cmd) {
    backup.to = backup_to;
    auto dir = data_dir_of(backup_config, backup_dir);
    if (!dir) return 78;
    backup.data_dir = *dir;
    if (!backup_config.empty()) backup.config_file = backup_config;
    return RunBackup(backup);
  }
  if (*restore_cmd) {
    restore.from = restore_from;
    restore.data_dir = restore_dir;
    return RunRestore(restore);
  }
  if (*version_cmd) {
    std::cout << "tillpipe " TILLPIPE_VERSION "\n";
    return 0;
  }
  return 0;
}
