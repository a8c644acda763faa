// Talks to systemd's service manager (sd_notify(3), sd_watchdog_enabled(3))
// when the server runs as a Type=notify unit: READY=1 once recovered and
// bound, STATUS= lines, WATCHDOG=1 keep-alives, RELOADING=1 and STOPPING=1.
// Outside systemd (no NOTIFY_SOCKET) every call does nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tp::app {

class ServiceManager {
 public:
  // Reads WATCHDOG_USEC (and WATCHDOG_PID) once.
  ServiceManager();

  void Status(std::string_view text) const;
  // READY=1 with a STATUS= line; also after a reload.
  void Ready(std::string_view status) const;
  // RELOADING=1 with a STATUS= line; Ready() ends the reload.
  void Reloading(std::string_view status) const;
  void Stopping(std::string_view status) const;
  void Watchdog() const;

  // The longest wait between two WATCHDOG=1: half of WatchdogSec; nullopt when the unit
  // has no watchdog.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace tp::app
