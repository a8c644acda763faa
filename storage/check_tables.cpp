#include "storage/check_tables.h"

#include <xxhash.h>

#include <fstream>
#include <map>
#include <set>

#include "storage/parquet/parquet_reader.h"

namespace tp::storage {

Result<uint64_t> FileChecksum(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + file.string());
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    XXH3_64bits_update(state, buf.data(), static_cast<size_t>(in.gcount()));
  }
  uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

TablesCheckReport CheckTables(const std::filesystem::path& data_dir, Catalog& catalog) {
  TablesCheckReport r;
  auto integrity = catalog.IntegrityCheck();
  if (!integrity.ok()) {
    r.problems.push_back("catalog: " + integrity.status().message());
  } else {
    for (const auto& p : *integrity) r.problems.push_back("catalog: " + p);
  }
  auto files = catalog.Files();
  if (!files.ok()) {
    r.problems.push_back("catalog: cannot list files: " + files.status().message());
    return r;
  }
  std::set<std::string> known;
  for (const FileEntry& f : *files) {
    known.insert(f.path);
    ++r.files;
    r.rows += f.rows;
    r.bytes += f.bytes;
    const auto path = data_dir / f.path;
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) {
      r.problems.push_back(f.path + ": missing (" + std::to_string(f.rows) + " rows of " + f.table +
                           " on " + f.day + "); restore it from a backup");
      continue;
    }
    if (size != f.bytes) {
      r.problems.push_back(f.path + ": " + std::to_string(size) + " bytes, the catalog says " +
                           std::to_string(f.bytes) + "; the file was changed or truncated");
      continue;
    }
    auto sum = FileChecksum(path);
    if (!sum.ok()) {
      r.problems.push_back(f.path + ": " + sum.status().message());
    } else if (*sum != f.checksum) {
      r.problems.push_back(f.path +
                           ": checksum mismatch; the file's bytes changed since it was "
                           "written (disk damage?); restore it from a backup");
      continue;
    }
    // The footer must be readable and agree with the catalog.
    auto reader = parquet::ParquetReader::Open(path);
    if (!reader.ok()) {
      r.problems.push_back(f.path + ": unreadable Parquet footer: " + reader.status().message());
    } else if ((*reader)->num_rows() != f.rows) {
      r.problems.push_back(f.path + ": holds " + std::to_string((*reader)->num_rows()) +
                           " rows, the catalog says " + std::to_string(f.rows));
    }
  }
  std::map<std::string, RetiredFile> retired;
  auto listed = catalog.RetiredFiles();
  if (!listed.ok()) {
    r.problems.push_back("catalog: cannot list retired files: " + listed.status().message());
  } else {
    for (RetiredFile& f : *listed) retired.emplace(f.path, std::move(f));
  }
  std::error_code ec;
  const auto tables = data_dir / "tables";
  if (std::filesystem::exists(tables, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(tables, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || it->path().extension() != ".parquet") continue;
      std::string rel = std::filesystem::relative(it->path(), data_dir).string();
      if (known.count(rel)) continue;
      if (auto it2 = retired.find(rel); it2 != retired.end()) {
        const RetiredFile& f = it2->second;
        ++r.awaiting_deletion;
        r.notes.push_back(
            rel + ": awaiting deletion (" +
            (f.reason == "dropped" ? "dropped by retention" : "replaced by compaction") +
            "; kept while readers may use it, the running server or the next start "
            "deletes it)");
      } else if (it->path().filename().string().rfind("compact-", 0) == 0) {
        r.problems.push_back(rel +
                             ": not in the catalog (left by an interrupted compaction; its "
                             "rows are still in the files it was merging; the next start "
                             "removes it)");
      } else {
        r.problems.push_back(rel +
                             ": not in the catalog (left by an interrupted flush; the next "
                             "start removes it and rewrites its rows from the log)");
      }
    }
  }
  return r;
}

}  // namespace tp::storage
