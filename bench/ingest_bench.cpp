// Ingest benchmark: N concurrent HTTP clients post batches of retail records
// (the simulator's, ~200 bytes each) to a real `tillpipe serve` with
// fsync = "group", over keep-alive connections. Prints records/s, MB/s and
// p50/p99 acknowledgement latency as a markdown table and appends it to
// bench/results/ingest.md (or --out FILE).
//
//   ingest_bench [--seconds 10] [--clients 1,4,16] [--batch 100,1000] [--fsync group]
//                [--out FILE] [--data-parent DIR]
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/bench_util.h"
#include "app/simulator.h"
#include "tests/integration/server_process.h"

namespace {

using tp::testing::ServerProcess;
using tp::testing::TempDir;
using json = nlohmann::json;
using tp::bench::CpuModel;

std::vector<int> ParseList(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoi(item));
  return out;
}


struct Pool {
  std::string table;
  std::vector<std::string> records;
};

struct RunResult {
  double records_per_s = 0, mb_per_s = 0, p50_ms = 0, p99_ms = 0, records_per_sync = 0;
  double peak_rss_mb = 0;
  uint64_t records = 0, errors = 0;
};

RunResult RunOnce(const std::vector<Pool>& pools, int clients, int batch, int seconds,
                  const std::string& fsync, const std::filesystem::path& parent) {
  TempDir tmp;
  std::filesystem::path dir = parent.empty() ? tmp.path() : parent / "ingest-bench";
  std::filesystem::remove_all(dir);
  std::string config = "[http]\nmax_body = \"64MiB\"\n[stream]\nfsync = \"" + fsync +
                       "\"\nmin_free = \"0\"\n";
  for (const auto& p : pools) {
    config += "[tables." + p.table + "]\ntime = \"t\"\n[tables." + p.table + ".columns]\nt = \"timestamp\"\n";
  }
  ServerProcess server(dir, config);
  if (!server.Start()) {
    std::cerr << "server did not start:\n" << server.log();
    std::exit(1);
  }
  // Pre-build each client's request bodies so the clients measure the server.
  std::vector<std::vector<std::pair<std::string, std::string>>> bodies(clients);
  size_t cursor = 0;
  for (int c = 0; c < clients; ++c) {
    for (int k = 0; k < 8; ++k) {
      const Pool& p = pools[(c + k) % pools.size()];
      std::string body;
      for (int i = 0; i < batch; ++i) {
        body += p.records[cursor++ % p.records.size()];
        body += '\n';
      }
      bodies[c].emplace_back("/api/v1/ingest/" + p.table, std::move(body));
    }
  }
  std::atomic<bool> go{false}, stop{false};
  std::atomic<uint64_t> records{0}, bytes{0}, errors{0};
  std::vector<std::vector<double>> latencies(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      tp::web::HttpClient client(server.Url());
      while (!go) std::this_thread::yield();
      for (size_t i = 0; !stop; ++i) {
        const auto& [path, body] = bodies[c][i % bodies[c].size()];
        auto t0 = std::chrono::steady_clock::now();
        auto r = client.Post(path, body);
        auto t1 = std::chrono::steady_clock::now();
        if (!r.ok() || r->status != 200) {
          ++errors;
          continue;
        }
        records += batch;
        bytes += body.size();
        latencies[c].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    });
  }
  tp::web::HttpClient probe(server.Url());
  auto syncs = [&] {
    auto s = probe.Get("/api/v1/status");
    return s.ok() ? json::parse(s->body)["stream"]["syncs"].get<uint64_t>() : 0;
  };
  uint64_t syncs0 = syncs();
  auto start = std::chrono::steady_clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t syncs1 = syncs();
  double peak_rss_mb = static_cast<double>(server.PeakRssBytes()) / (1 << 20);
  server.Stop();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  RunResult r;
  r.records = records;
  r.errors = errors;
  r.peak_rss_mb = peak_rss_mb;
  r.records_per_s = static_cast<double>(records) / elapsed;
  r.mb_per_s = static_cast<double>(bytes) / elapsed / 1e6;
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  if (syncs1 > syncs0) r.records_per_sync = static_cast<double>(records) / static_cast<double>(syncs1 - syncs0);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 10;
  std::vector<int> clients = {1, 4, 16};
  std::vector<int> batches = {100, 1000};
  std::string fsync = "group";
  std::string out_path = "bench/results/ingest.md";
  std::filesystem::path data_parent;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--seconds") seconds = std::stoi(v);
    else if (a == "--clients") clients = ParseList(v);
    else if (a == "--batch") batches = ParseList(v);
    else if (a == "--fsync") fsync = v;
    else if (a == "--out") out_path = v;
    else if (a == "--data-parent") data_parent = v;
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }

  // Realistic records from the simulator: a few days of the retail world.
  tp::app::SimulatorOptions sim_options;
  sim_options.seed = 11;
  sim_options.backlog_us = 3LL * 24 * 3600 * 1000000;
  sim_options.rate_per_min = 120;
  sim_options.start_us = 1795000000LL * 1000000;
  tp::app::Simulator sim(sim_options);
  std::map<std::string, Pool> by_table;
  uint64_t total_bytes = 0, total_records = 0;
  sim.Advance(sim_options.start_us, [&](std::string_view table, std::string_view rec) {
    auto& p = by_table[std::string(table)];
    p.table = table;
    if (p.records.size() < 20000) p.records.emplace_back(rec);
    total_bytes += rec.size() + 1;
    ++total_records;
  });
  std::vector<Pool> pools;
  for (auto& [name, p] : by_table) {
    // The big tables carry the load, as in a real shop.
    if (name == "page_views" || name == "order_items" || name == "orders" || name == "payments") {
      pools.push_back(std::move(p));
    }
  }
  double avg_record = static_cast<double>(total_bytes) / static_cast<double>(total_records);

  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::ostringstream md;
  md << "\n## Ingest, " << date << "\n\n"
     << "Machine: " << std::thread::hardware_concurrency() << " cores, " << CpuModel()
     << ". fsync = \"" << fsync << "\", " << seconds << " s per row, simulator records (mean "
     << static_cast<int>(avg_record) << " bytes), HTTP/1.1 keep-alive on loopback, "
     << "clients and server on the same machine.\n\n"
     << "| clients | records/request | records/s | MB/s | p50 ack ms | p99 ack ms | records/fsync | server peak RSS MiB | errors |\n"
     << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  std::cout << md.str() << std::flush;
  std::string rows;
  for (int b : batches) {
    for (int c : clients) {
      RunResult r = RunOnce(pools, c, b, seconds, fsync, data_parent);
      char row[256];
      std::snprintf(row, sizeof row, "| %d | %d | %.0f | %.1f | %.2f | %.2f | %.0f | %.0f | %llu |\n", c,
                    b, r.records_per_s, r.mb_per_s, r.p50_ms, r.p99_ms, r.records_per_sync,
                    r.peak_rss_mb, static_cast<unsigned long long>(r.errors));
      std::cout << row << std::flush;
      rows += row;
    }
  }
  std::ofstream out(out_path, std::ios::app);
  if (!out) {
    std::cerr << "cannot append to " << out_path << "\n";
    return 1;
  }
  out << md.str() << rows;
  std::cerr << "appended to " << out_path << "\n";
  return 0;
}
