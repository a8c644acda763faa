// tillpipe backup and restore, end to end with the real binary: a backup
// taken while a server ingests restores to a directory whose tables answer
// every query as the source did at the backup's point in time; a damaged
// archive is refused naming the file; restore refuses what it must.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "app/backup.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

namespace fs = std::filesystem;

// orders with a sequence number: offsets follow seq (one ingest thread, one
// table), so "the source at the backup's point in time" is `seq < E`.
std::string SeqConfig() {
  return R"toml(timezone = "UTC"
[storage]
flush_interval = "300ms"
compact_interval = "1s"
compact_min_files = 2
[tables.orders]
time = "purchased_at"
[tables.orders.columns]
seq = "int64"
city = "string"
total = "decimal(12,2)"
purchased_at = "timestamp"
)toml";
}

std::string Orders(int64_t from, int n) {
  static const char* kCities[] = {"Lyon", "Porto", "Graz", "Turku", "Gent"};
  std::string body;
  for (int64_t i = from; i < from + n; ++i) {
    body += "{\"seq\":" + std::to_string(i) + ",\"city\":\"" + kCities[i % 5] + "\",\"total\":\"" +
            std::to_string(i % 997) + "." + std::to_string(10 + i % 90) +
            "\",\"purchased_at\":\"2026-11-" + std::to_string(10 + i % 5) + "T" +
            std::to_string(10 + i % 12) + ":00:00Z\"}\n";
  }
  return body;
}

CmdRun Tillpipe(std::vector<std::string> args) {
  args.insert(args.begin(), TILLPIPE_BINARY);
  return RunSplit(args);
}

// CSV answers of a stopped server's tables.
std::string Query(const fs::path& data_dir, const fs::path& config, const std::string& sql) {
  CmdRun r = Tillpipe({"query", "-c", config.string(), "--data-dir", data_dir.string(), "--format", "csv", sql});
  EXPECT_EQ(r.code, 0) << sql << "\n" << r.err;
  return r.out;
}

// "log records B..E" from backup's summary line.
uint64_t StreamEnd(const std::string& err) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(err, m, std::regex("log records ([0-9]+)\\.\\.([0-9]+)"))) << err;
  return m.size() == 3 ? std::stoull(m[2]) : 0;
}

// How a round trip takes its backup of a running server: writes the archive
// to `archive`, returns the stream end E it holds (records < E are in it).
using TakeBackup = std::function<uint64_t(ServerProcess& source, const fs::path& archive)>;

uint64_t BackupWithTheCli(ServerProcess& source, const fs::path& archive) {
  CmdRun b = Tillpipe({"backup", "-c", source.config_path().string(), "--data-dir",
                       source.data_dir().string(), "--to", archive.string()});
  EXPECT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.err.find("taken while the server ran"), std::string::npos) << b.err;
  return StreamEnd(b.err);
}

// The admin page's "Backup now": GET /api/v1/backup, sent as it is made.
uint64_t BackupFromTheAdminPage(ServerProcess& source, const fs::path& archive) {
  web::HttpClient client(source.Url());
  auto r = client.Get("/api/v1/backup");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return 0;
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->Header("Content-Type"), "application/zstd");
  EXPECT_TRUE(std::regex_match(r->Header("Content-Disposition"),
                               std::regex("attachment; filename=\"tillpipe-backup-[0-9]{8}T[0-9]{6}Z\\.tar\\.zst\"")))
      << r->Header("Content-Disposition");
  EXPECT_EQ(r->Header("Transfer-Encoding"), "chunked") << "sent as it is made, not from a file";
  WriteFile(archive, r->body);
  // The server's log says what went in: "backup: sent NAME (... log records B..E)".
  std::string log = source.log();
  return StreamEnd(log.substr(log.rfind("backup: sent ")));
}

void RoundTripUnderConcurrentIngest(const TakeBackup& take) {
  TempDir tmp;
  ServerProcess source(tmp.path() / "source", SeqConfig());
  ASSERT_TRUE(source.Start()) << source.log();

  std::atomic<bool> stop{false};
  std::atomic<int64_t> sent{0};
  std::thread ingest([&] {
    web::HttpClient client(source.Url());
    while (!stop) {
      auto r = client.Post("/api/v1/ingest/orders", Orders(sent, 250));
      if (!r.ok() || r->status != 200) {
        ADD_FAILURE() << (r.ok() ? r->body : r.status().ToString());
        return;
      }
      sent += 250;
    }
  });
  while (sent < 20000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  fs::path archive = tmp.path() / "backup.tar.zst";
  const uint64_t end = take(source, archive);
  int64_t sent_at_backup_end = sent;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  ingest.join();
  ASSERT_GE(end, 20000u);
  ASSERT_LE(end, static_cast<uint64_t>(sent_at_backup_end));
  ASSERT_LT(end, static_cast<uint64_t>(sent.load())) << "ingest went on after the backup";
  ASSERT_EQ(source.Stop(), 0) << source.log();

  // Verify, restore into a fresh directory, let a server replay the log.
  CmdRun v = Tillpipe({"restore", "--verify-only", "--from", archive.string()});
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("every checksum matches"), std::string::npos) << v.out;
  ServerProcess restored(tmp.path() / "restored", SeqConfig());
  const mode_t umask_before = ::umask(022);
  CmdRun r = Tillpipe({"restore", "--from", archive.string(), "--data-dir", restored.data_dir().string()});
  ::umask(umask_before);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::exists(restored.data_dir() / "config-from-backup.toml"));
  // Directories 750 and files 640 whatever the umask (022 here, root's).
  for (const auto& entry : fs::recursive_directory_iterator(restored.data_dir())) {
    const auto perms = entry.status().permissions() & fs::perms::all;
    EXPECT_EQ(perms, entry.is_directory() ? fs::perms(0750) : fs::perms(0640)) << entry.path();
  }
  ASSERT_TRUE(restored.Start()) << restored.log();
  // Offsets go on where the backup ends: nothing new is hidden behind the
  // materializer's offset.
  web::HttpClient client(restored.Url());
  auto more = client.Post("/api/v1/ingest/orders", Orders(1000000, 3));
  ASSERT_TRUE(more.ok() && more->status == 200);
  EXPECT_NE(more->body.find("\"first_offset\":" + std::to_string(end)), std::string::npos) << more->body;
  ASSERT_EQ(restored.Stop(), 0) << restored.log();

  const std::string cut = " WHERE seq < " + std::to_string(end);
  for (std::string sql : {"SELECT count(*), min(seq), max(seq), sum(total) FROM orders",
                          "SELECT city, count(*), sum(total), min(purchased_at), max(purchased_at) FROM orders"
                          "{W} GROUP BY city ORDER BY city",
                          "SELECT seq, city, total, purchased_at FROM orders{W} ORDER BY total DESC, seq LIMIT 20"}) {
    std::string at_source = sql, at_restored = sql;
    size_t w = sql.find("{W}");
    if (w == std::string::npos) {
      at_source += cut;
      at_restored += " WHERE seq < 1000000";
    } else {
      at_source.replace(w, 3, cut);
      at_restored.replace(w, 3, " WHERE seq < 1000000");
    }
    std::string want = Query(source.data_dir(), source.config_path(), at_source);
    EXPECT_EQ(Query(restored.data_dir(), restored.config_path(), at_restored), want) << sql;
  }
  EXPECT_EQ(Query(restored.data_dir(), restored.config_path(), "SELECT count(*) FROM orders WHERE seq < 1000000"),
            "count(*)\n" + std::to_string(end) + "\n");
  EXPECT_EQ(Tillpipe({"check", "--data-dir", restored.data_dir().string()}).code, 0);
}

TEST(Backup, RoundTripUnderConcurrentIngestAnswersAsTheSourceDid) {
  RoundTripUnderConcurrentIngest(BackupWithTheCli);
}

// The archive on another file system (tmpfs here): the part files cannot be
// hard-linked into the stage beside it, so they are read in place, and one
// compaction deletes meanwhile makes the backup start over.
TEST(Backup, ABackupToAnotherFileSystemRoundTripsUnderConcurrentIngest) {
  TempDir probe;
  struct stat shm {}, here {};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(probe.path().c_str(), &here) != 0 || shm.st_dev == here.st_dev) {
    GTEST_SKIP() << "no /dev/shm on a file system other than the temporary directory's";
  }
  RoundTripUnderConcurrentIngest([](ServerProcess& source, const fs::path& archive) {
    const fs::path elsewhere = fs::path("/dev/shm") / ("tillpipe-backup-test-" + std::to_string(::getpid()) + ".tar.zst");
    fs::remove(elsewhere);
    const uint64_t end = BackupWithTheCli(source, elsewhere);
    fs::copy_file(elsewhere, archive);
    fs::remove(elsewhere);
    return end;
  });
}

TEST(Backup, TheAdminPageDownloadRoundTripsUnderConcurrentIngest) {
  RoundTripUnderConcurrentIngest(BackupFromTheAdminPage);
}

TEST(Backup, ADownloadClientThatStallsOrLeavesCostsTheServerNothing) {
  TempDir tmp;
  ServerProcess server(tmp.path() / "d", R"toml(timezone = "UTC"
[storage]
flush_interval = "300ms"
[tables.notes]
time = "at"
[tables.notes.columns]
id = "int64"
note = "string"
at = "timestamp"
)toml");
  ASSERT_TRUE(server.Start()) << server.log();
  // About 40 MiB of records that hardly compress: the archive is far larger
  // than what socket buffers and the server's queue hold.
  std::mt19937_64 random(7);
  web::HttpClient client(server.Url());
  for (int b = 0; b < 50; ++b) {
    std::string body;
    for (int i = 0; i < 4000; ++i) {
      char hex[161];
      for (int k = 0; k < 160; k += 16) std::snprintf(hex + k, 17, "%016llx", static_cast<unsigned long long>(random()));
      body += "{\"id\":" + std::to_string(b * 4000 + i) + ",\"note\":\"" + hex +
              "\",\"at\":\"2026-11-20T10:00:00Z\"}\n";
    }
    auto r = client.Post("/api/v1/ingest/notes", body);
    ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
  }

  // A client that asks for a backup and then reads nothing, through a tiny
  // receive window.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int window = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &window, sizeof window);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string request = "GET /api/v1/backup HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  ASSERT_TRUE(server.WaitForLog("backup: sending")) << server.log();

  // Meanwhile: a second backup is refused, everything else is served.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto second = client.Get("/api/v1/backup");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->status, 409) << "the stalled download should still be running";
  EXPECT_NE(second->body.find("being written already"), std::string::npos) << second->body;
  auto ingest = client.Post("/api/v1/ingest/notes", "{\"id\":-1,\"note\":\"x\",\"at\":\"2026-11-20T10:00:00Z\"}\n");
  ASSERT_TRUE(ingest.ok());
  EXPECT_EQ(ingest->status, 200);
  auto query = client.Post("/api/v1/query", R"({"sql":"SELECT count(*) FROM notes WHERE id < 1000"})");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->status, 200) << query->body;
  EXPECT_EQ(server.log().find("backup: sent"), std::string::npos) << "the stalled download finished";

  // The client leaves: the backup stops, its staging directory goes.
  ::close(fd);
  ASSERT_TRUE(server.WaitForLog("the download stopped: the client went away")) << server.log();
  for (const auto& entry : fs::directory_iterator(server.data_dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".tillpipe-backup-"), std::string::npos) << entry.path();
  }
  // And the next download is whole.
  fs::path archive = tmp.path() / "after.tar.zst";
  auto whole = client.Get("/api/v1/backup");
  ASSERT_TRUE(whole.ok() && whole->status == 200);
  WriteFile(archive, whole->body);
  CmdRun v = Tillpipe({"restore", "--verify-only", "--from", archive.string()});
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_GT(whole->body.size(), 8u << 20);
  ASSERT_EQ(server.Stop(), 0) << server.log();
}

// A stopped server's data directory with a few hundred orders.
void MakeDataDir(const fs::path& dir, int batches = 4) {
  ServerProcess server(dir, SeqConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  for (int i = 0; i < batches; ++i) {
    auto r = client.Post("/api/v1/ingest/orders", Orders(i * 100, 100));
    ASSERT_TRUE(r.ok() && r->status == 200);
  }
  ASSERT_EQ(server.Stop(), 0);
}

TEST(Backup, AFlippedByteFailsVerifyAndRestoreNamingTheFile) {
  TempDir tmp;
  // Enough records that the archive holds many zstd blocks: a damaged block
  // is found while reading the entry it holds (one of 128 KiB at most).
  MakeDataDir(tmp.path() / "src", 300);
  fs::path archive = tmp.path() / "b.tar.zst";
  ASSERT_EQ(Tillpipe({"backup", "-q", "--data-dir", (tmp.path() / "src" / "data").string(), "--to", archive.string()}).code, 0);
  std::string bytes = ReadFile(archive);
  ASSERT_GT(bytes.size(), 100000u);
  for (size_t at : {size_t{100}, bytes.size() / 3, bytes.size() / 2, bytes.size() * 3 / 4, bytes.size() - 300}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x20);
    fs::path bad = tmp.path() / ("bad-" + std::to_string(at) + ".tar.zst");
    WriteFile(bad, damaged);
    CmdRun v = Tillpipe({"restore", "--verify-only", "--from", bad.string()});
    EXPECT_EQ(v.code, 1) << "byte " << at;
    EXPECT_TRUE(std::regex_search(v.err, std::regex("(catalog\\.sqlite|tables/orders/|stream/|MANIFEST\\.json)")))
        << "byte " << at << ": " << v.err;
    fs::path target = tmp.path() / ("restored-" + std::to_string(at));
    CmdRun r = Tillpipe({"restore", "--from", bad.string(), "--data-dir", target.string()});
    EXPECT_EQ(r.code, 1) << "byte " << at;
    EXPECT_EQ(r.err.find("writing the files"), std::string::npos) << "restore wrote before verifying: " << r.err;
    EXPECT_FALSE(fs::exists(target));
  }
  // The archive cut short (a copy interrupted) is refused too.
  WriteFile(tmp.path() / "short.tar.zst", bytes.substr(0, bytes.size() - 100));
  CmdRun s = Tillpipe({"restore", "--verify-only", "--from", (tmp.path() / "short.tar.zst").string()});
  EXPECT_EQ(s.code, 1) << s.err;
}

TEST(Backup, RestoreRefusesAUsedDirectoryARunningServerAndANewerFormat) {
  TempDir tmp;
  MakeDataDir(tmp.path() / "src");
  fs::path archive = tmp.path() / "b.tar.zst";
  ASSERT_EQ(Tillpipe({"backup", "-q", "--data-dir", (tmp.path() / "src" / "data").string(), "--to", archive.string()}).code, 0);
  // A second backup to the same name is refused, the first one kept.
  CmdRun again = Tillpipe({"backup", "-q", "--data-dir", (tmp.path() / "src" / "data").string(), "--to", archive.string()});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("exists already"), std::string::npos) << again.err;

  // Non-empty without --force: refused, nothing touched.
  fs::path used = tmp.path() / "used";
  fs::create_directories(used);
  WriteFile(used / "keep.txt", "mine");
  CmdRun r = Tillpipe({"restore", "--from", archive.string(), "--data-dir", used.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(used / "keep.txt"), "mine");
  // With --force it is replaced.
  r = Tillpipe({"restore", "--force", "--from", archive.string(), "--data-dir", used.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(used / "keep.txt"));
  EXPECT_EQ(Query(used, tmp.path() / "src" / "tillpipe.toml", "SELECT count(*) FROM orders"), "count(*)\n400\n");

  // A server running on the target: refused even with --force.
  ServerProcess running(tmp.path() / "running", SeqConfig());
  ASSERT_TRUE(running.Start());
  r = Tillpipe({"restore", "--force", "--from", archive.string(), "--data-dir", running.data_dir().string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("stop the server"), std::string::npos) << r.err;
  EXPECT_EQ(running.Stop(), 0);

  // An archive from a newer tillpipe.
  {
    auto w = app::ArchiveWriter::Create(tmp.path() / "newer.tar.zst", 3);
    ASSERT_TRUE(w.ok());
    app::Manifest m;
    m.backup_format = app::kBackupFormat + 1;
    m.catalog_format = 99;
    m.tillpipe_version = "9.0.0";
    m.mode = "snapshot";
    ASSERT_TRUE((*w)->AddBytes(app::kManifestName, m.ToJson()).ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }
  r = Tillpipe({"restore", "--from", (tmp.path() / "newer.tar.zst").string(), "--data-dir", (tmp.path() / "n").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("made by tillpipe 9.0.0"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "n"));
}

TEST(Backup, AServerThatMigratesTheCatalogBacksUpFirst) {
  TempDir tmp;
  MakeDataDir(tmp.path() / "old");
  fs::path data = tmp.path() / "old" / "data";
  // Make it a format-4 catalog, as an older tillpipe left it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data / "catalog.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE reprocessed; PRAGMA user_version=4;", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  ServerProcess server(tmp.path() / "old", SeqConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_NE(server.log().find("needs a migration; backing up"), std::string::npos) << server.log();
  std::vector<fs::path> backups;
  for (const auto& e : fs::directory_iterator(data / "backups")) backups.push_back(e.path());
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_NE(backups[0].filename().string().find("pre-migrate-v4-to-v"), std::string::npos) << backups[0];
  // It restores to the old format: a server of this version migrates it again.
  fs::path back = tmp.path() / "back";
  CmdRun r = Tillpipe({"restore", "--from", backups[0].string(), "--data-dir", back.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(sqlite3_open((back / "catalog.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 4);
  sqlite3_finalize(st);
  sqlite3_close(db);
  // A second start (already migrated) takes no further backup.
  ASSERT_TRUE(server.Start());
  ASSERT_EQ(server.Stop(), 0);
  EXPECT_EQ(std::distance(fs::directory_iterator(data / "backups"), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace tp::testing
