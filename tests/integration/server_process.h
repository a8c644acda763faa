// Test helper: runs the real `tillpipe serve` binary as a child process on
// a free port with a config written by the test, and talks to it over HTTP.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/temp_dir.h"
#include "web/http_client.h"

namespace tp::testing {

inline uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

// A small config with two tables; `extra` is appended verbatim (e.g. an
// [auth] or [stream] section).
inline std::string TestConfig(const std::string& extra = "") {
  return R"toml(timezone = "UTC"
[tables.orders]
time = "purchased_at"
[tables.orders.columns]
order_id = "string"
total = "decimal(12,2)"
purchased_at = "timestamp"
[tables.page_views]
time = "viewed_at"
[tables.page_views.columns]
session_id = "string"
viewed_at = "timestamp"
)toml" + extra;
}

// Runs a command, returns its exit code; stdout+stderr go to *output.
// What a command printed and how it ended.
struct CmdRun {
  int code = -1;
  std::string out, err;  // err stays empty when merged into out
};

// Runs `args` with `stdin_text` on standard input; standard error goes to
// r.err, or into r.out (interleaved as written) when `merge_stderr`.
inline CmdRun RunSplit(const std::vector<std::string>& args, const std::string& stdin_text = "",
                       bool merge_stderr = false) {
  TempDir tmp;
  auto out_path = tmp.path() / "out", err_path = tmp.path() / "err", in_path = tmp.path() / "in";
  WriteFile(in_path, stdin_text);
  pid_t pid = fork();
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = merge_stderr ? out : ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CmdRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  if (!merge_stderr) r.err = ReadFile(err_path);
  return r;
}

// Runs `args`; *output (if given) gets standard output and error together.
inline int RunCommand(const std::vector<std::string>& args, std::string* output,
                      const std::string& stdin_text = "") {
  CmdRun r = RunSplit(args, stdin_text, /*merge_stderr=*/true);
  if (output) *output = std::move(r.out);
  return r.code;
}

class ServerProcess {
 public:
  // Writes `config_text` to DIR/tillpipe.toml; data goes to DIR/data.
  ServerProcess(std::filesystem::path dir, std::string config_text)
      : dir_(std::move(dir)), port_(FreePort()) {
    std::filesystem::create_directories(dir_);
    WriteFile(config_path(), config_text);
  }
  ~ServerProcess() {
    if (pid_ > 0) Kill();
  }

  std::filesystem::path config_path() const { return dir_ / "tillpipe.toml"; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path log_path() const { return dir_ / "server.log"; }
  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  web::Url Url() const { return web::Url{"127.0.0.1", port_, ""}; }
  std::string log() const { return ReadFile(log_path()); }
  // Waits up to 15 s until the log has `text` at least `count` times.
  bool WaitForLog(const std::string& text, int count = 1) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string now = log();
      int n = 0;
      for (size_t at = now.find(text); at != std::string::npos; at = now.find(text, at + 1)) ++n;
      if (n >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // Sets an environment variable for the server processes started after.
  void SetEnv(std::string name, std::string value) { env_.emplace_back(std::move(name), std::move(value)); }

  // Starts the server and waits until /ready answers 200 (or it exits).
  // Returns false when the server did not become ready within `timeout`.
  bool Start(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    pid_ = fork();
    if (pid_ == 0) {
      int out = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(out, 1);
      dup2(out, 2);
      for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), 1);
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl(TILLPIPE_BINARY, TILLPIPE_BINARY, "serve", "-c", config_path().c_str(), "--data-dir",
            data_dir().c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    web::HttpClient client(Url(), std::chrono::seconds(2));
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pid_ = -1;
        return false;
      }
      auto r = client.Get("/ready");
      if (r.ok() && r->status == 200) return true;
      client.Disconnect();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // SIGTERM and wait; returns the exit code.
  int Stop() {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  int exit_code() const { return exit_code_; }
  pid_t pid() const { return pid_; }

  // Peak resident memory of the running server (VmHWM), in bytes; 0 if unknown.
  uint64_t PeakRssBytes() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    }
    return 0;
  }

 private:
  std::filesystem::path dir_;
  uint16_t port_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::vector<std::pair<std::string, std::string>> env_;
};

}  // namespace tp::testing
