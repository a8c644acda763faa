// `tillpipe validate` and `tillpipe check`.
#include <unistd.h>

#include <iostream>

#include "app/commands.h"
#include "app/config.h"
#include "app/journal.h"
#include "app/table_schema.h"
#include "storage/catalog.h"
#include "storage/check_tables.h"
#include "stream/log.h"

namespace tp::app {

int RunValidate(const std::string& config_file) {
  ConfigLoad load = LoadConfigFile(config_file);
  std::vector<ConfigError> errors = load.errors;
  if (load.config) {
    // Environment checks (data_dir writable, time zone known) only make
    // sense once the file itself is right.
    std::string text;
    if (FILE* f = std::fopen(config_file.c_str(), "rb")) {
      char buf[65536];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    errors = CheckEnvironment(*load.config, text);
    // Then the tables against what the data directory already holds.
    if (errors.empty()) errors = CheckAgainstCatalog(*load.config, text);
  }
  // As the unit's ExecStartPre the lines go to the journal: errors at
  // priority err, so `journalctl -p err -u tillpipe` shows why it did not start.
  const std::string error_prefix = PriorityPrefix(Priority::kErr, STDOUT_FILENO);
  for (const auto& e : errors) std::cout << error_prefix << e.ToString() << "\n";
  if (!errors.empty()) {
    std::cerr << PriorityPrefix(Priority::kErr, STDERR_FILENO) << config_file << ": " << errors.size()
              << " error" << (errors.size() == 1 ? "" : "s") << "\n";
    return 78;  // EX_CONFIG
  }
  std::cerr << PriorityPrefix(Priority::kInfo, STDERR_FILENO) << config_file << ": OK ("
            << load.config->tables.size() << " tables, data in " << load.config->data_dir.string() << ")\n";
  return 0;
}

int RunCheck(const std::string& data_dir) {
  std::filesystem::path dir = std::filesystem::path(data_dir) / "stream";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::cerr << "tillpipe check: " << dir.string()
              << " does not exist; is --data-dir the server's data directory?\n";
    return 1;
  }
  auto report = stream::CheckLog(dir);
  if (!report.ok()) {
    std::cerr << "tillpipe check: " << report.status().ToString() << "\n";
    return 1;
  }
  std::vector<std::string> problems = report->problems;
  std::cout << "stream: " << report->segments << " segment(s), " << report->batches
            << " batches, " << report->records << " records\n";
  const auto catalog_file = std::filesystem::path(data_dir) / "catalog.sqlite";
  auto format = std::filesystem::exists(catalog_file, ec) ? storage::Catalog::FormatVersionOf(catalog_file)
                                                          : Result<int>(0);
  if (format.ok() && *format > 0 && *format < storage::Catalog::kFormatVersion) {
    // Opening it read-write would migrate it; check changes nothing.
    std::cout << "catalog: format " << *format << ", older than this tillpipe's "
              << storage::Catalog::kFormatVersion
              << "; its tables are checked after the server has migrated it (on its next start)\n";
  } else if (std::filesystem::exists(catalog_file, ec)) {
    auto catalog = storage::Catalog::Open(catalog_file);
    if (!catalog.ok()) {
      problems.push_back("catalog: " + catalog.status().message());
    } else {
      auto tables = storage::CheckTables(data_dir, **catalog);
      std::cout << "tables: " << tables.files << " part file(s), " << tables.rows << " rows, "
                << tables.bytes << " bytes";
      if (tables.awaiting_deletion > 0) {
        std::cout << "; " << tables.awaiting_deletion << " retired file(s) awaiting deletion";
      }
      std::cout << "\n";
      // Not problems: compaction and retention keep replaced files a while
      // for readers that listed them.
      constexpr size_t kMaxNotes = 20;
      for (size_t i = 0; i < tables.notes.size() && i < kMaxNotes; ++i) {
        std::cout << "note: " << tables.notes[i] << "\n";
      }
      if (tables.notes.size() > kMaxNotes) {
        std::cout << "note: ... and " << tables.notes.size() - kMaxNotes << " more\n";
      }
      problems.insert(problems.end(), tables.problems.begin(), tables.problems.end());
    }
  }
  for (const auto& p : problems) std::cout << "problem: " << p << "\n";
  if (!problems.empty()) {
    std::cout << problems.size() << " problem(s) found in " << data_dir << "\n";
    if (!report->problems.empty()) {
      std::cout << "A torn tail of the log is cut automatically on the next start. For damage "
                   "inside the log: restore the stream directory from a backup, or, to start "
                   "without the damaged part, move the named segment and every later one out of "
                << dir.string() << " (their records are then gone from the log).\n";
    }
    return 1;
  }
  std::cout << "OK\n";
  return 0;
}

}  // namespace tp::app
