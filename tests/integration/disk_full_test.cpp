// A real full disk: the server's data dir is a small tmpfs. Writes that hit
// ENOSPC answer 507 and leave nothing partial behind; the min_free guard
// trips before that and lifts by itself when space returns. Needs root (to
// mount); skipped with a reason otherwise.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using json = nlohmann::json;

class SmallDisk {
 public:
  SmallDisk(const std::filesystem::path& where, const std::string& size) : where_(where) {
    std::filesystem::create_directories(where);
    std::string opts = "size=" + size;
    mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, opts.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path where_;
  bool mounted_ = false;
  std::string error_;
};

void Fill(const std::filesystem::path& file, size_t bytes) {
  std::ofstream out(file, std::ios::binary);
  std::string chunk(64 * 1024, 'f');
  for (size_t n = 0; n < bytes; n += chunk.size()) out.write(chunk.data(), chunk.size());
}

std::string Batch(int n, int tag) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    body += "{\"tag\":" + std::to_string(tag) + ",\"i\":" + std::to_string(i) + ",\"pad\":\"" +
            std::string(200, 'p') + "\"}\n";
  }
  return body;
}

TEST(DiskFull, RealEnospcGives507AndKeepsTheLogWhole) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig("[stream]\nmin_free = \"0\"\nsegment_size = \"1MiB\"\n"));
  SmallDisk disk(server.data_dir(), "3m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  Fill(server.data_dir() / "filler", 1 << 20);  // space to give back later
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());

  uint64_t acked = 0;
  int status = 0;
  for (int b = 0; b < 200; ++b) {
    auto r = client.Post("/api/v1/ingest/orders", Batch(100, b));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    status = r->status;
    if (status != 200) {
      EXPECT_EQ(status, 507) << r->body;
      EXPECT_FALSE(r->Header("Retry-After").empty());
      EXPECT_NE(r->body.find("No space left on device"), std::string::npos) << r->body;
      EXPECT_NE(r->body.find("free space there"), std::string::npos) << r->body;
      break;
    }
    EXPECT_EQ(json::parse(r->body)["first_offset"], acked);
    acked += 100;
  }
  ASSERT_EQ(status, 507) << "the 3 MiB disk never filled up";
  ASSERT_GT(acked, 0u);

  // Space returns: ingest resumes by itself, offsets continue without a gap.
  std::filesystem::remove(server.data_dir() / "filler");
  bool resumed = false;
  for (int i = 0; i < 100 && !resumed; ++i) {
    auto r = client.Post("/api/v1/ingest/orders", Batch(10, 999));
    if (r.ok() && r->status == 200) {
      resumed = true;
      EXPECT_EQ(json::parse(r->body)["first_offset"], acked);
      acked += 10;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_TRUE(resumed) << server.log();
  ASSERT_EQ(server.Stop(), 0) << server.log();

  std::string out;
  EXPECT_EQ(RunCommand({TILLPIPE_BINARY, "check", "--data-dir", server.data_dir().string()}, &out), 0)
      << out;
  EXPECT_NE(out.find(std::to_string(acked) + " records"), std::string::npos) << out;
}

TEST(DiskFull, MinFreeGuardTripsAndLiftsByItself) {
  TempDir tmp;
  ServerProcess server(tmp.path(), TestConfig("[stream]\nmin_free = \"4MiB\"\nsegment_size = \"1MiB\"\n"));
  SmallDisk disk(server.data_dir(), "8m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  ASSERT_TRUE(server.Start()) << server.log();
  web::HttpClient client(server.Url());
  ASSERT_EQ(client.Post("/api/v1/ingest/orders", Batch(10, 1))->status, 200);

  Fill(server.data_dir() / "filler", 5 << 20);  // free space now under 4 MiB
  int status = 200;
  for (int i = 0; i < 50 && status == 200; ++i) {  // the guard probes once a second
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = client.Post("/api/v1/ingest/orders", Batch(1, 2))->status;
  }
  auto r = client.Post("/api/v1/ingest/orders", Batch(1, 3));
  ASSERT_EQ(r->status, 507) << r->body;
  EXPECT_NE(r->body.find(server.data_dir().string()), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("min_free"), std::string::npos) << r->body;

  std::filesystem::remove(server.data_dir() / "filler");
  bool resumed = false;
  for (int i = 0; i < 50 && !resumed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    resumed = client.Post("/api/v1/ingest/orders", Batch(1, 4))->status == 200;
  }
  EXPECT_TRUE(resumed) << "ingest did not resume after space returned";
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace tp::testing
