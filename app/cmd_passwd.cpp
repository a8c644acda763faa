// `tillpipe passwd [-c FILE] [--data-dir DIR]`: sets the admin page's
// password. Reads it twice from the terminal (echo off), or once from the
// first line of standard input when that is not a terminal; writes the
// yescrypt hash to auth.admin_password_file. A running server notices the
// new file within a second and ends every open session.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/config.h"
#include "web/admin_auth.h"

namespace tp::app {

namespace {

constexpr size_t kMinLength = 8;

// One line from standard input; with echo off when it is a terminal.
std::optional<std::string> ReadSecretLine(const char* prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunPasswd(const PasswdCommand& cmd) {
  ConfigLoad load = cmd.config_file ? LoadConfigFile(*cmd.config_file) : LoadDefaultConfig();
  if (!load.config) {
    for (const auto& e : load.errors) std::cerr << e.ToString() << "\n";
    return 78;
  }
  Config& config = *load.config;
  if (cmd.data_dir) config.data_dir = *cmd.data_dir;
  const std::filesystem::path file = config.AdminPasswordFile();

  auto first = ReadSecretLine("New admin password: ");
  if (!first) {
    std::cerr << "tillpipe passwd: no password given (standard input was empty)\n";
    return 1;
  }
  if (first->size() < kMinLength) {
    std::cerr << "tillpipe passwd: the password must have at least " << kMinLength
              << " characters\n";
    return 1;
  }
  if (isatty(STDIN_FILENO)) {
    auto again = ReadSecretLine("Repeat it: ");
    if (!again || *again != *first) {
      std::cerr << "tillpipe passwd: the two passwords differ; nothing was changed\n";
      return 1;
    }
  }
  auto hash = web::HashPassword(*first);
  if (!hash.ok()) {
    std::cerr << "tillpipe passwd: " << hash.status().ToString() << "\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (Status s = web::WritePasswordFile(file, *hash); !s.ok()) {
    std::cerr << "tillpipe passwd: " << s.ToString() << "\n";
    return 1;
  }
  std::cerr << "tillpipe passwd: admin password set in " << file.string()
            << "; a running server asks for it within a second (open sessions end)\n";
  return 0;
}

}  // namespace tp::app
