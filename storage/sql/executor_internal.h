// Internals of the executor (executor.cpp: pipelines and streaming
// operators; scan.cpp; hash_aggregate.cpp; hash_join.cpp; sort.cpp:
// sort, top-N and window functions).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "storage/sql/executor.h"

namespace tp::storage::sql::exec {

// A pull-based operator: one instance per thread.
class Stream {
 public:
  virtual ~Stream() = default;
  // The next batch into *out (reset by the callee); out->size == 0 at the end.
  virtual Status Next(Chunk* out) = 0;
};
using StreamPtr = std::unique_ptr<Stream>;

// Rows materialized by a pipeline breaker, read by the next pipeline's
// threads (each Next takes the next chunk) or in order by one thread.
struct Collection {
  std::vector<SqlType> types;
  std::vector<Chunk> chunks;
  std::atomic<size_t> next{0};
  size_t rows() const {
    size_t n = 0;
    for (const auto& c : chunks) n += c.size;
    return n;
  }
};

// Rows a breaker produces on demand (a spilled GROUP BY or join, a part at
// a time) instead of all at once: every thread of the next pipeline opens
// its own stream, and the streams share out the work.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual StreamPtr Open() = 0;
};

// Shared, per-query state of the operators of one plan: what breakers
// produced and what scans share between threads.
struct ScanShared;
struct JoinShared;
struct Shared {
  QueryContext* ctx = nullptr;
  std::map<const PlanNode*, TableData>* data = nullptr;
  std::map<const PlanNode*, std::shared_ptr<Collection>> materialized;
  std::map<const PlanNode*, std::shared_ptr<ChunkSource>> sources;
  std::map<const PlanNode*, std::shared_ptr<ScanShared>> scans;
  std::map<const PlanNode*, std::shared_ptr<JoinShared>> joins;
  std::map<const PlanNode*, std::shared_ptr<std::atomic<uint64_t>>> limits;
  std::map<const PlanNode*, std::shared_ptr<std::atomic<bool>>> once;  // kValues, system scans
};

// Makes sure every breaker below `node` has run (Prepare) and then builds
// one thread's stream over `node`.
Status Prepare(PlanNode* node, Shared* shared);
Result<StreamPtr> MakeStream(PlanNode* node, Shared* shared);

// Runs `threads` copies of the stream over `node`; each thread hands every
// chunk to `sink(thread, chunk)`. Stops at the first error.
Status RunParallel(PlanNode* node, Shared* shared, int threads,
                   const std::function<Status(int, Chunk&)>& sink);
// Drains `node` into a collection (in parallel; order is kept only when
// `threads` is 1).
Result<std::shared_ptr<Collection>> Collect(PlanNode* node, Shared* shared, int threads);

// A stream reading a collection's chunks (shared between threads).
StreamPtr ReadCollection(std::shared_ptr<Collection> c);

// scan.cpp
Status PrepareScan(PlanNode* node, Shared* shared);
Result<StreamPtr> MakeScanStream(PlanNode* node, Shared* shared);

// hash_aggregate.cpp: runs the node's input; its output rows go to
// shared->materialized, or to shared->sources when it spilled.
Status RunAggregate(PlanNode* node, Shared* shared);
// hash_join.cpp
Status PrepareJoin(PlanNode* node, Shared* shared);
Result<StreamPtr> MakeJoinStream(PlanNode* node, Shared* shared);
// sort.cpp
Result<std::shared_ptr<Collection>> RunSort(PlanNode* node, Shared* shared);
Result<std::shared_ptr<Collection>> RunWindow(PlanNode* node, Shared* shared);

// ---- helpers shared by the operators ----

// Copies rows [0, n) of the string vector `src` to rows [at, at + n) of
// the owning vector `dst`, the bytes into dst's own heap (so dst pins none
// of src's buffers); NULLs stay NULL.
void CopyStrings(const Vector& src, size_t n, Vector* dst, size_t at);
// One chunk of all rows of `chunks` (columns of `types`).
Chunk Concat(const std::vector<SqlType>& types, std::vector<Chunk>& chunks);
// Bytes a chunk pins, for the memory limit.
size_t ChunkBytes(const Chunk& c);
// Bytes of the values a chunk holds or views (what keeping it costs when its
// vectors are views of buffers that would otherwise be freed).
size_t HeldBytes(const Chunk& c);
// Hashes of rows [0, count) of the key vectors combined into hashes[0..count).
void HashRows(const std::vector<const Vector*>& keys, size_t count, uint64_t* hashes);
// True when row a of `x` equals row b of `y` (same types); NULLs equal NULLs.
bool RowsEqual(const std::vector<const Vector*>& x, size_t a, const std::vector<const Vector*>& y,
               size_t b);
// Three-way comparison of row a and row b of one key vector, NULLs as the
// key says (for sorts).
int CompareValues(const Vector& v, size_t a, size_t b);

}  // namespace tp::storage::sql::exec
