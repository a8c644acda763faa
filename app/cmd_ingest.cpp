// `tillpipe ingest TABLE [FILE|-]`: posts NDJSON in batches with retries and
// idempotency keys; progress on stderr.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "app/config.h"
#include "app/ingest_client.h"
#include "app/progress.h"

namespace tp::app {

int RunIngest(const IngestCommand& cmd) {
  auto url = web::ParseUrl(cmd.url);
  if (!url.ok()) {
    std::cerr << "tillpipe ingest: --url: " << url.status().message() << "\n";
    return 2;
  }
  auto retry_for = ParseDuration(cmd.retry_for);
  if (!retry_for.ok()) {
    std::cerr << "tillpipe ingest: --retry-for: " << retry_for.status().message() << "\n";
    return 2;
  }
  FILE* in = cmd.file == "-" ? stdin : std::fopen(cmd.file.c_str(), "rb");
  if (in == nullptr) {
    std::cerr << "tillpipe ingest: cannot open " << cmd.file << ": " << std::strerror(errno) << "\n";
    return 66;  // EX_NOINPUT
  }
  const std::string source = cmd.file == "-" ? "stdin" : cmd.file;
  Progress progress("ingest", cmd.quiet);
  IngestClientOptions options;
  options.url = *url;
  options.token = cmd.token;
  if (options.token.empty()) {
    if (const char* t = std::getenv("TILLPIPE_TOKEN")) options.token = t;
  }
  options.batch_records = cmd.batch;
  options.give_up_after = std::chrono::duration_cast<std::chrono::seconds>(*retry_for);
  options.source_name = source;
  options.on_ack = [&](std::string_view, uint64_t records, uint64_t bytes) {
    progress.Add(records, bytes);
  };
  options.on_retry = [&](std::string_view why) { progress.Note(why); };
  IngestClient client(options);

  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  uint64_t line_no = 0;
  Status status;
  while (status.ok() && (n = getline(&line, &cap, in)) >= 0) {
    ++line_no;
    std::string_view rec(line, static_cast<size_t>(n));
    while (!rec.empty() && (rec.back() == '\n' || rec.back() == '\r')) rec.remove_suffix(1);
    bool blank = rec.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) continue;
    status = client.Add(cmd.table, rec, line_no);
  }
  std::free(line);
  if (status.ok()) status = client.Flush();
  if (in != stdin) std::fclose(in);
  progress.Done();
  if (!status.ok()) {
    std::cerr << "tillpipe ingest: " << status.message() << "\n";
    std::cerr << "tillpipe ingest: " << client.acknowledged_records()
              << " records were stored before the error\n";
    return status.code() == Status::Code::kInvalidArgument ? 65 : 1;  // EX_DATAERR
  }
  std::cerr << "tillpipe ingest: " << client.acknowledged_records() << " records stored in "
            << cmd.table << " (" << client.acknowledged_batches() << " requests)\n";
  return 0;
}

}  // namespace tp::app
