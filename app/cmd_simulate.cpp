// `tillpipe simulate`: the retail world of app/simulator.h, written to files
// (--out) or posted to a server (--url) through the same client as
// `tillpipe ingest`: first the backlog as fast as the server takes it, then
// live events at --rate until --duration ends or Ctrl-C.
#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <thread>

#include "app/commands.h"
#include "app/config.h"
#include "app/ingest_client.h"
#include "app/progress.h"
#include "app/simulator.h"

namespace tp::app {

namespace {

std::atomic<bool> g_interrupted{false};
void OnSignal(int) { g_interrupted = true; }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatDay(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace

std::optional<double> ParseRate(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string number(text.substr(0, slash));
  std::string_view unit = text.substr(slash + 1);
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !(v > 0) || v > 1e9) {
    return std::nullopt;
  }
  if (unit == "s" || unit == "sec") return v * 60;
  if (unit == "min" || unit == "m") return v;
  if (unit == "h" || unit == "hour") return v / 60;
  if (unit == "d" || unit == "day") return v / 1440;
  return std::nullopt;
}

std::optional<int64_t> ParseUtcTimestamp(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  int64_t micros = 0;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 6) micros = micros * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  if (std::string_view(rest) != "Z") return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + micros;
}

int RunSimulate(const SimulateCommand& cmd) {
  SimulatorOptions options;
  options.seed = cmd.seed;
  auto backlog = ParseDuration(cmd.backlog);
  if (!backlog.ok()) {
    std::cerr << "tillpipe simulate: --backlog: " << backlog.status().message() << "\n";
    return 2;
  }
  options.backlog_us = backlog->count() * 1000;
  auto rate = ParseRate(cmd.rate);
  if (!rate) {
    std::cerr << "tillpipe simulate: --rate \"" << cmd.rate
              << "\": use records per time unit, e.g. 120/min, 5/s, 7200/h\n";
    return 2;
  }
  options.rate_per_min = *rate;
  options.start_us = NowMicros();
  if (cmd.end) {
    auto end = ParseUtcTimestamp(*cmd.end);
    if (!end) {
      std::cerr << "tillpipe simulate: --end \"" << *cmd.end
                << "\": use UTC ISO-8601 like 2026-11-22T00:00:00Z\n";
      return 2;
    }
    options.start_us = *end;
  }
  auto live = ParseDuration(cmd.duration);
  if (!live.ok()) {
    std::cerr << "tillpipe simulate: --duration: " << live.status().message() << "\n";
    return 2;
  }
  Progress progress("simulate", cmd.quiet);

  if (cmd.out) {
    Status s = WriteBacklogFiles(options, *cmd.out, [&](uint64_t records, int64_t sim_time) {
      progress.SetDetail("simulated time " + FormatDay(sim_time));
      progress.Add(records - progress.records(), 0);
    });
    progress.Done();
    if (!s.ok()) {
      std::cerr << "tillpipe simulate: " << s.message() << "\n";
      return 1;
    }
    std::cerr << "tillpipe simulate: wrote " << progress.records() << " records to " << *cmd.out
              << "\n";
    return 0;
  }

  std::string url_text = cmd.url.value_or("http://127.0.0.1:8080");
  auto url = web::ParseUrl(url_text);
  if (!url.ok()) {
    std::cerr << "tillpipe simulate: --url: " << url.status().message() << "\n";
    return 2;
  }
  IngestClientOptions client_options;
  client_options.url = *url;
  client_options.token = cmd.token;
  if (client_options.token.empty()) {
    if (const char* t = std::getenv("TILLPIPE_TOKEN")) client_options.token = t;
  }
  client_options.source_name = "simulator";
  client_options.on_ack = [&](std::string_view, uint64_t records, uint64_t bytes) {
    progress.Add(records, bytes);
  };
  client_options.on_retry = [&](std::string_view why) { progress.Note(why); };
  client_options.should_stop = [] { return g_interrupted.load(); };
  IngestClient client(client_options);

  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);

  Simulator sim(options);
  Status status;
  int64_t sim_now = 0;
  auto sink = [&](std::string_view table, std::string_view json) {
    if (status.ok()) status = client.Add(table, json);
  };
  // The backlog, in slices so progress shows the simulated date and Ctrl-C
  // stops promptly.
  const int64_t slice = 3600LL * 1000000;
  for (int64_t t = options.start_us - options.backlog_us; status.ok() && !g_interrupted;) {
    t = std::min(t + slice, options.start_us);
    sim.Advance(t, sink);
    sim_now = t;
    progress.SetDetail("backlog at " + FormatDay(sim_now));
    if (t >= options.start_us) break;
  }
  if (status.ok()) status = client.Flush();
  if (status.ok() && !g_interrupted) {
    progress.Note("backlog done: " + std::to_string(client.acknowledged_records()) +
                  " records; now live at " + cmd.rate +
                  (live->count() > 0 ? " for " + cmd.duration : " until Ctrl-C"));
  }
  // Live: simulated time follows the wall clock from the backlog's end; a
  // progress line every 10 s is plenty at live rates.
  progress.SetInterval(std::chrono::seconds(10));
  auto live_start = std::chrono::steady_clock::now();
  while (status.ok() && !g_interrupted) {
    auto elapsed = std::chrono::steady_clock::now() - live_start;
    if (live->count() > 0 && elapsed >= *live) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    sim_now = options.start_us +
              std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - live_start)
                  .count();
    sim.Advance(sim_now, sink);
    progress.SetDetail("live at " + FormatDay(sim_now));
    if (status.ok()) status = client.FlushOlderThan(std::chrono::seconds(1));
  }
  // Send what is buffered (one try each when interrupted).
  if (status.ok()) status = client.Flush();
  progress.Done();
  if (!status.ok()) {
    std::cerr << "tillpipe simulate: " << status.message() << "\n";
    std::cerr << "tillpipe simulate: " << client.acknowledged_records() << " records stored at "
              << url_text << " before stopping\n";
    return g_interrupted ? 130 : 1;
  }
  std::cerr << "tillpipe simulate: " << client.acknowledged_records() << " records stored at "
            << url_text << "\n";
  return g_interrupted ? 130 : 0;
}

}  // namespace tp::app
