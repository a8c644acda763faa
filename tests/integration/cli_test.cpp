// The `tillpipe` CLI end to end: ingest, validate, simulate, check, version,
// and curl posting the simulator's files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "tests/common/poll.h"
#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

size_t CountLines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

// Under systemd (JOURNAL_STREAM names the server's standard error) every
// log line carries its syslog priority, so journald keeps the levels;
// elsewhere the lines are plain.
TEST(Cli, ServeLogsWithSyslogPrioritiesToTheJournal) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  WriteFile(server.log_path(), "");
  struct stat st;
  ASSERT_EQ(::stat(server.log_path().c_str(), &st), 0);
  const std::string id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", id.c_str(), 1);
  const bool started = server.Start();
  ::unsetenv("JOURNAL_STREAM");
  ASSERT_TRUE(started) << server.log();
  ASSERT_EQ(server.Stop(), 0);
  const std::string log = server.log();
  EXPECT_NE(log.find("<6>tillpipe: tillpipe "), std::string::npos) << log;
  EXPECT_NE(log.find("<6>tillpipe: stopped cleanly"), std::string::npos) << log;
  size_t lines = 0;
  for (size_t at = 0; at < log.size(); at = log.find('\n', at) + 1) {
    EXPECT_EQ(log[at], '<') << "a line without its priority at byte " << at << ":\n" << log;
    ++lines;
  }
  EXPECT_GE(lines, 3u);

  TempDir plain_dir;
  ServerProcess plain(plain_dir.path(), TestConfig());
  ASSERT_TRUE(plain.Start()) << plain.log();
  ASSERT_EQ(plain.Stop(), 0);
  EXPECT_EQ(plain.log().find("<6>"), std::string::npos) << plain.log();
  EXPECT_EQ(plain.log().rfind("tillpipe: ", 0), 0u) << plain.log();
}

// The unit's ExecStartPre runs validate with its output in the journal: a
// bad config's errors must be at priority err to show in `journalctl -p err`.
TEST(Cli, ValidateErrorsCarryPriorityErrUnderTheJournal) {
  TempDir tmp;
  const auto config = tmp.path() / "bad.toml";
  WriteFile(config, "timezone = \"UTC\"\n[tables.orders]\ntime = \"at\"\n[tables.orders.columns]\nat = \"timestampp\"\n");
  const auto journal = tmp.path() / "journal";
  WriteFile(journal, "");
  struct stat st;
  ASSERT_EQ(::stat(journal.c_str(), &st), 0);
  const std::string id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  const std::string run = std::string("exec '") + TILLPIPE_BINARY + "' validate -c '" + config.string() +
                          "' >>'" + journal.string() + "' 2>&1";
  ::setenv("JOURNAL_STREAM", id.c_str(), 1);
  std::string ignored;
  const int code = RunCommand({"/bin/sh", "-c", run}, &ignored);
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_EQ(code, 78);
  const std::string lines = ReadFile(journal);
  EXPECT_NE(lines.find("<3>" + config.string() + ":5:"), std::string::npos) << lines;
  EXPECT_NE(lines.find("<3>" + config.string() + ": 1 error"), std::string::npos) << lines;
  for (size_t at = 0; at < lines.size(); at = lines.find('\n', at) + 1) {
    EXPECT_EQ(lines.compare(at, 3, "<3>"), 0) << "a line without priority err at byte " << at << ":\n" << lines;
  }
  // Elsewhere the errors are plain FILE:LINE:COL lines.
  CmdRun plain = RunSplit({TILLPIPE_BINARY, "validate", "-c", config.string()});
  EXPECT_EQ(plain.out.rfind(config.string() + ":5:", 0), 0u) << plain.out;
}

TEST(Cli, VersionAndHelp) {
  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "version"}, &out), 0);
  EXPECT_EQ(out.rfind("tillpipe ", 0), 0u) << out;
  for (const char* cmd : {"serve", "validate", "ingest", "query", "simulate", "check", "passwd", "backup",
                          "restore", "version"}) {
    EXPECT_EQ(RunCommand({TILLPIPE_BINARY, cmd, "--help"}, &out), 0) << cmd;
    EXPECT_NE(out.find("Usage"), std::string::npos) << cmd << ": " << out;
  }
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "--version"}, &out), 0) << out;
}

TEST(Cli, UsageErrorsExit2WithTheReason) {
  std::string out;
  // An unknown option, a missing required one, a missing subcommand, an
  // option two others exclude.
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "serve", "--no-such-option"}, &out), 2);
  EXPECT_NE(out.find("--no-such-option"), std::string::npos) << out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "backup"}, &out), 2);
  EXPECT_NE(out.find("--to"), std::string::npos) << out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY}, &out), 2) << out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "restore", "--verify-only", "--from", "x", "--data-dir", "y"}, &out), 2);
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "validate"}, &out), 2) << out;
}

TEST(Cli, ValidateReportsEveryErrorWithLineAndColumn) {
  TempDir tmp;
  auto path = tmp.path() / "bad.toml";
  WriteFile(path,
            "data_dir = \"" + (tmp.path() / "data").string() +
                "\"\n"
                "[stream]\n"
                "segment_sise = \"1MiB\"\n"
                "fsync = \"sometimes\"\n");
  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "validate", "-c", path.string()}, &out), 78);
  EXPECT_NE(out.find(path.string() + ":3:1:"), std::string::npos) << out;
  EXPECT_NE(out.find("segment_size"), std::string::npos) << out;  // did you mean
  EXPECT_NE(out.find(path.string() + ":4:"), std::string::npos) << out;

  auto good = tmp.path() / "good.toml";
  WriteFile(good, "data_dir = \"" + (tmp.path() / "data").string() + "\"\n" + TestConfig());
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "validate", "-c", good.string()}, &out), 0) << out;
}

TEST(Cli, IngestFilePostsEverythingOnce) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  std::string ndjson;
  for (int i = 0; i < 12345; ++i) ndjson += "{\"order_id\":\"o" + std::to_string(i) + "\"}\n";
  ndjson += "\n";  // blank lines are fine
  WriteFile(tmp.path() / "orders.ndjson", ndjson);
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "orders", (tmp.path() / "orders.ndjson").string(),
                        "--url", server.url(), "--batch", "1000"},
                       &out),
            0)
      << out;
  EXPECT_NE(out.find("12345 records stored in orders"), std::string::npos) << out;
  web::HttpClient client(server.Url());
  json status = json::parse(client.Get("/api/v1/status")->body);
  EXPECT_EQ(status["stream"]["end_offset"], 12345);

  // Standard input works too.
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "page_views", "-", "--url", server.url()}, &out,
                       "{\"session_id\":\"a\"}\n{\"session_id\":\"b\"}\n"),
            0)
      << out;
  status = json::parse(client.Get("/api/v1/status")->body);
  EXPECT_EQ(status["stream"]["end_offset"], 12347);
}

TEST(Cli, IngestNamesTheBadLineOfTheFile) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  // Line 7 of the file is bad; batches of 3 put it on line 1 of the third
  // request's body, and blank line 2 is skipped: the report must still say 7.
  WriteFile(tmp.path() / "in.ndjson", "{\"a\":1}\n\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n{oops\n{\"a\":7}\n");
  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "orders", (tmp.path() / "in.ndjson").string(),
                        "--url", server.url(), "--batch", "3"},
                       &out),
            65)
      << out;
  EXPECT_NE(out.find("in.ndjson:7:"), std::string::npos) << out;
  EXPECT_NE(out.find("3 records were stored before the error"), std::string::npos) << out;

  // Unknown table: a clear, permanent error.
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "nope", (tmp.path() / "in.ndjson").string(), "--url",
                        server.url()},
                       &out),
            65);
  EXPECT_NE(out.find("unknown table"), std::string::npos) << out;
}

TEST(Cli, IngestReportsUnreachableServer) {
  TempDir tmp;
  WriteFile(tmp.path() / "in.ndjson", "{\"a\":1}\n");
  std::string out;
  // The port of a server that does not exist: it retries, says why, and
  // gives up after --retry-for with a failure exit code.
  auto port = std::to_string(FreePort());
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "ingest", "orders", (tmp.path() / "in.ndjson").string(),
                        "--url", "http://127.0.0.1:" + port, "--retry-for", "2s"},
                       &out),
            1);
  EXPECT_NE(out.find("cannot connect"), std::string::npos) << out;
  EXPECT_NE(out.find("gave up on a batch of 1 orders records after retrying for 2 s"),
            std::string::npos)
      << out;
}

TEST(Cli, SimulatorFilesPostWithCurlWithExactAcknowledgements) {
  TempDir tmp;
  auto out_dir = tmp.path() / "sim";
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "simulate", "--seed", "7", "--backlog", "2d", "--end",
                        "2026-11-20T00:00:00Z", "--out", out_dir.string(), "-q"},
                       &out),
            0)
      << out;
  // Same seed and end: byte-identical files.
  auto out_dir2 = tmp.path() / "sim2";
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "simulate", "--seed", "7", "--backlog", "2d", "--end",
                        "2026-11-20T00:00:00Z", "--out", out_dir2.string(), "-q"},
                       &out),
            0);

  // A server with the eight retail tables declared (the ingest API only
  // needs the names; typing is the materializer's job).
  const char* tables[] = {"sellers", "products", "customers", "orders",
                          "order_items", "payments", "reviews", "page_views"};
  std::string config = "[http]\nmax_body = \"64MiB\"\n";
  for (const char* t : tables) {
    config += std::string("[tables.") + t + "]\ntime = \"t\"\n[tables." + t + ".columns]\nt = \"timestamp\"\n";
  }
  ServerProcess srv(tmp.path() / "srv", config);
  ASSERT_TRUE(srv.Start()) << srv.log();

  uint64_t expected_offset = 0;
  size_t total = 0;
  for (const char* t : tables) {
    std::string file = (out_dir / (std::string(t) + ".ndjson")).string();
    std::string content = ReadFile(file);
    EXPECT_EQ(content, ReadFile(out_dir2 / (std::string(t) + ".ndjson"))) << t << " not deterministic";
    size_t lines = CountLines(content);
    ASSERT_GT(lines, 0u) << t;
    total += lines;
    ASSERT_EQ(RunCommand({"curl", "-sS", "--fail-with-body", "-X", "POST", "-H",
                          "Content-Type: application/x-ndjson", "--data-binary", "@" + file,
                          srv.url() + "/api/v1/ingest/" + t},
                         &out),
              0)
        << out;
    json ack = json::parse(out);
    EXPECT_EQ(ack["accepted"], lines) << t;
    EXPECT_EQ(ack["first_offset"], expected_offset) << t;
    EXPECT_EQ(ack["last_offset"], expected_offset + lines - 1) << t;
    expected_offset += lines;
  }
  EXPECT_GT(total, 1000u);
  ASSERT_EQ(srv.Stop(), 0);
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", srv.data_dir().string()}, &out), 0) << out;
  EXPECT_NE(out.find(std::to_string(total) + " records"), std::string::npos) << out;
  // -c finds the directory through the config's data_dir, as with the
  // packaged service's /etc/tillpipe/tillpipe.toml.
  const auto with_dir = srv.config_path().parent_path() / "with-dir.toml";
  WriteFile(with_dir, "data_dir = \"" + srv.data_dir().string() + "\"\n" + ReadFile(srv.config_path()));
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "-c", with_dir.string()}, &out), 0) << out;
  EXPECT_NE(out.find(std::to_string(total) + " records"), std::string::npos) << out;
}

TEST(Cli, SimulateUrlStreamsBacklogIntoServer) {
  TempDir tmp;
  std::string config;
  for (const char* t : {"sellers", "products", "customers", "orders", "order_items", "payments",
                        "reviews", "page_views"}) {
    config += std::string("[tables.") + t + "]\ntime = \"t\"\n[tables." + t + ".columns]\nt = \"timestamp\"\n";
  }
  ServerProcess srv(tmp.path(), config);
  ASSERT_TRUE(srv.Start()) << srv.log();
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "simulate", "--seed", "3", "--backlog", "1d", "--rate",
                        "600/min", "--duration", "2s", "--url", srv.url()},
                       &out),
            0)
      << out;
  web::HttpClient client(srv.Url());
  json status = json::parse(client.Get("/api/v1/status")->body);
  uint64_t stored = status["stream"]["end_offset"];
  EXPECT_NE(out.find(std::to_string(stored) + " records stored"), std::string::npos) << out;
  EXPECT_GT(stored, 600u * 60 * 24 / 2);  // a day at 600/min, give or take seasonality
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

// Ingests 5 batches of 10 records, then ends the server with `stop`.
void FillAndEnd(ServerProcess& server, bool clean) {
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  std::string body;
  for (int i = 0; i < 10; ++i) body += "{\"order_id\":\"order-number-" + std::to_string(i) + "\"}\n";
  for (int b = 0; b < 5; ++b) ASSERT_EQ(client.Post("/api/v1/ingest/orders", body)->status, 200);
  if (clean) {
    ASSERT_EQ(server.Stop(), 0);
  } else {
    server.Kill();
  }
}

// Flips one byte inside the first batch: valid batches follow it, so this
// is damage, not a torn tail, and must never be silently cut.
std::string DamageFirstBatch(const ServerProcess& server) {
  auto segment = server.data_dir() / "stream" / "00000000000000000000.log";
  std::string bytes = ReadFile(segment);
  EXPECT_GT(bytes.size(), 1000u);
  bytes[200] ^= 0x55;
  WriteFile(segment, bytes);
  return bytes;
}

TEST(Cli, DamageAfterTheCheckpointStopsTheStart) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  FillAndEnd(server, /*clean=*/false);  // kill -9: recovery verifies everything written since open
  std::string damaged = DamageFirstBatch(server);

  EXPECT_FALSE(server.Start(std::chrono::seconds(10)));
  EXPECT_EQ(server.exit_code(), 1);
  EXPECT_NE(server.log().find("is corrupt at byte"), std::string::npos) << server.log();
  EXPECT_NE(server.log().find("tillpipe check --data-dir " + server.data_dir().string()),
            std::string::npos)
      << server.log();
  EXPECT_EQ(ReadFile(server.data_dir() / "stream" / "00000000000000000000.log"), damaged)
      << "recovery must not modify a damaged log";
  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 1);
  EXPECT_NE(out.find("problem: "), std::string::npos) << out;
}

// After a clean stop the checkpoint covers the whole log, so the start
// trusts it (and stays fast); `tillpipe check` reads everything and finds it.
TEST(Cli, CheckFindsDamageInCheckpointedData) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  FillAndEnd(server, /*clean=*/true);
  std::string out;
  ASSERT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 0)
      << out;
  DamageFirstBatch(server);
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 1);
  EXPECT_NE(out.find("problem: "), std::string::npos) << out;
  EXPECT_NE(out.find("00000000000000000000.log"), std::string::npos) << out;
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

// Regression: Ctrl-C/SIGTERM left `simulate` retrying for minutes when the
// server was gone (the demo's Ctrl-C stopped the server first).
TEST(Cli, SimulateStopsPromptlyOnSigtermWhenTheServerIsGone) {
  TempDir tmp;
  std::string config;
  for (const char* t : {"sellers", "products", "customers", "orders", "order_items", "payments",
                        "reviews", "page_views"}) {
    config += std::string("[tables.") + t + "]\ntime = \"t\"\n[tables." + t + ".columns]\nt = \"timestamp\"\n";
  }
  ServerProcess server(tmp.path(), config);
  ASSERT_TRUE(server.Start()) << server.log();
  auto log_path = tmp.path() / "simulate.log";
  pid_t pid = fork();
  if (pid == 0) {
    int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    execl(TILLPIPE_BINARY, TILLPIPE_BINARY, "simulate", "--backlog", "1h", "--rate", "600/min",
          "--url", server.url().c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the live phase, then take the server away under it.
  for (int i = 0; i < 200 && ReadFile(log_path).find("now live") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(ReadFile(log_path).find("now live"), std::string::npos) << ReadFile(log_path);
  server.Kill();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // it is retrying now
  auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGTERM);
  int status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (done == 0) {
    ::kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "simulate did not stop within 20 s of SIGTERM:\n" << ReadFile(log_path);
  }
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadFile(log_path);
  EXPECT_NE(ReadFile(log_path).find("records stored at"), std::string::npos) << ReadFile(log_path);
}

}  // namespace
}  // namespace tp::testing

namespace tp::testing {
namespace {

// `tillpipe passwd` reads the password from standard input, writes a
// yescrypt hash, and a running server asks for it from then on.
TEST(Cli, PasswdTurnsOnLoginOnARunningServer) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  auto url = web::ParseUrl(server.url());
  web::HttpClient client(*url);
  EXPECT_EQ(client.Get("/api/v1/status")->status, 200) << "open: loopback and no password";

  CmdRun shortpw = RunSplit({TILLPIPE_BINARY, "passwd", "--data-dir", server.data_dir().string()}, "short\n");
  EXPECT_EQ(shortpw.code, 1);
  EXPECT_NE(shortpw.err.find("at least 8"), std::string::npos) << shortpw.err;

  CmdRun set = RunSplit({TILLPIPE_BINARY, "passwd", "--data-dir", server.data_dir().string()},
                        "a long enough password\n");
  ASSERT_EQ(set.code, 0) << set.err;
  const auto file = server.data_dir() / "admin.passwd";
  EXPECT_NE(set.err.find(file.string()), std::string::npos) << set.err;
  EXPECT_NE(ReadFile(file).find("\n$y$"), std::string::npos) << ReadFile(file);

  EXPECT_EQ(StatusOnceNot200([&] { return client.Get("/api/v1/status")->status; }), 401);
  auto login = client.Post("/api/v1/login", R"({"password":"a long enough password"})",
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->status, 200) << login->body;
  std::string cookie = login->Header("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(client.Request("GET", "/api/v1/status", "", {{"Cookie", cookie}})->status, 200);
}

}  // namespace
}  // namespace tp::testing
