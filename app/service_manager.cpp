#include "app/service_manager.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace tp::app {

namespace {

// STATUS= ends at the newline that separates assignments; a message is one
// line, so newlines inside it become spaces.
std::string StatusLine(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) line += (c == '\n' ? ' ' : c);
  return line;
}

void Notify(const std::string& message) { sd_notify(0, message.c_str()); }

}  // namespace

ServiceManager::ServiceManager() {
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID (if set) is us.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void ServiceManager::Status(std::string_view text) const { Notify(StatusLine(text)); }

void ServiceManager::Ready(std::string_view status) const { Notify("READY=1\n" + StatusLine(status)); }

void ServiceManager::Reloading(std::string_view status) const {
  Notify("RELOADING=1\n" + StatusLine(status));
}

void ServiceManager::Stopping(std::string_view status) const {
  Notify("STOPPING=1\n" + StatusLine(status));
}

void ServiceManager::Watchdog() const { Notify("WATCHDOG=1"); }

}  // namespace tp::app
