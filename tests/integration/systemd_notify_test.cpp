// The server as a Type=notify systemd unit: the test plays the service
// manager's side of sd_notify(3) (a datagram socket named by NOTIFY_SOCKET)
// and checks what a real tillpipe serve sends, and in which order.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/integration/server_process.h"

namespace tp::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The manager's end: a bound AF_UNIX datagram socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
    std::filesystem::remove(path_);
  }
  bool bound() const { return bound_; }

  // Every message received until `until` returns true for the messages so
  // far, or `timeout` passes.
  void ReadUntil(std::chrono::milliseconds timeout, const std::function<bool(const std::vector<std::string>&)>& until) {
    auto deadline = Clock::now() + timeout;
    while (!until(messages_) && Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (::poll(&p, 1, static_cast<int>(std::max<int64_t>(left, 1))) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) messages_.emplace_back(buf, static_cast<size_t>(n));
    }
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> messages_;
};

bool Has(const std::string& message, const std::string& assignment) {
  return message == assignment || message.rfind(assignment + "\n", 0) == 0 ||
         message.find("\n" + assignment) != std::string::npos;
}

// Index of the first message with `assignment` (a full "KEY=VALUE" or a
// "KEY=" prefix followed by `contains`), or -1.
int Find(const std::vector<std::string>& m, const std::string& assignment, const std::string& contains = "") {
  for (size_t i = 0; i < m.size(); ++i) {
    if (contains.empty() ? Has(m[i], assignment)
                         : m[i].find(assignment) != std::string::npos &&
                               m[i].find(contains) != std::string::npos) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

size_t Count(const std::vector<std::string>& m, const std::string& assignment) {
  return static_cast<size_t>(std::count_if(m.begin(), m.end(), [&](const std::string& s) { return Has(s, assignment); }));
}

std::string Dump(const std::vector<std::string>& m) {
  std::string out;
  for (const auto& s : m) out += "[" + s + "]\n";
  return out;
}

TEST(SystemdNotify, ReadyStatusWatchdogAndStoppingInOrder) {
  TempDir tmp;
  // sun_path holds 108 bytes; the temp dir is short enough.
  NotifySocket manager(tmp.path() / "notify.sock");
  ASSERT_TRUE(manager.bound()) << tmp.path();
  ServerProcess server(tmp.path() / "server", TestConfig());
  server.SetEnv("NOTIFY_SOCKET", (tmp.path() / "notify.sock").string());
  server.SetEnv("WATCHDOG_USEC", "400000");  // keep-alives every 200 ms
  ASSERT_TRUE(server.Start()) << server.log();

  manager.ReadUntil(std::chrono::seconds(10), [](const auto& m) { return Count(m, "WATCHDOG=1") >= 4; });
  const auto& m = manager.messages();
  int recovering = Find(m, "STATUS=", "recovering the stream");
  int ready = Find(m, "READY=1");
  int first_watchdog = Find(m, "WATCHDOG=1");
  ASSERT_GE(recovering, 0) << Dump(m);
  ASSERT_GT(ready, recovering) << Dump(m);
  EXPECT_GT(first_watchdog, ready) << Dump(m);
  EXPECT_NE(m[ready].find("STATUS=running: 0 events/min"), std::string::npos) << m[ready];
  EXPECT_EQ(Count(m, "STOPPING=1"), 0u);

  // Events show in the next STATUS= line (every 5 s).
  web::HttpClient client(server.Url());
  std::string body;
  for (int i = 0; i < 30; ++i) body += "{\"order_id\":\"o" + std::to_string(i) + "\",\"purchased_at\":\"2026-11-01T10:00:00Z\"}\n";
  auto r = client.Post("/api/v1/ingest/orders", body);
  ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
  manager.ReadUntil(std::chrono::seconds(12), [](const auto& m) {
    for (const auto& s : m) {
      if (s.rfind("STATUS=running:", 0) == 0 && s.find("STATUS=running: 0 events") == std::string::npos) return true;
    }
    return false;
  });
  int busy = -1;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i].rfind("STATUS=running:", 0) == 0 && m[i].find("running: 0 events") == std::string::npos) busy = static_cast<int>(i);
  }
  ASSERT_GE(busy, 0) << Dump(m);
  EXPECT_NE(m[busy].find("lag "), std::string::npos) << m[busy];
  EXPECT_NE(m[busy].find(" records"), std::string::npos) << m[busy];

  size_t before_stop = m.size();
  EXPECT_EQ(server.Stop(), 0) << server.log();
  manager.ReadUntil(std::chrono::seconds(2), [](const auto& m) { return Find(m, "STATUS=", "stopped cleanly") >= 0; });
  int stopping = Find(m, "STOPPING=1");
  int stopped = Find(m, "STATUS=", "stopped cleanly");
  ASSERT_GE(stopping, static_cast<int>(before_stop)) << Dump(m);
  EXPECT_GT(stopped, stopping) << Dump(m);
  EXPECT_EQ(Count(m, "READY=1"), 1u) << Dump(m);
  // No keep-alive after STOPPING=1.
  for (size_t i = static_cast<size_t>(stopping); i < m.size(); ++i) EXPECT_FALSE(Has(m[i], "WATCHDOG=1")) << Dump(m);
}

TEST(SystemdNotify, NoKeepAlivesWhenTheWatchdogIsForAnotherProcess) {
  TempDir tmp;
  NotifySocket manager(tmp.path() / "notify.sock");
  ASSERT_TRUE(manager.bound());
  ServerProcess server(tmp.path() / "server", TestConfig());
  server.SetEnv("NOTIFY_SOCKET", (tmp.path() / "notify.sock").string());
  server.SetEnv("WATCHDOG_USEC", "200000");
  server.SetEnv("WATCHDOG_PID", "1");  // sd_watchdog_enabled(3): not us
  ASSERT_TRUE(server.Start()) << server.log();
  manager.ReadUntil(std::chrono::seconds(1), [](const auto&) { return false; });
  EXPECT_GE(Find(manager.messages(), "READY=1"), 0) << Dump(manager.messages());
  EXPECT_EQ(Count(manager.messages(), "WATCHDOG=1"), 0u) << Dump(manager.messages());
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace tp::testing
