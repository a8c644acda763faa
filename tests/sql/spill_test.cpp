// Spill files (storage/sql/spill.h): chunks of every type, NULLs and long
// strings read back exactly, in order; the file never appears in its
// directory; a directory that cannot be created is a clear error; rows
// split into parts come back from their own part only, all parts through
// one file descriptor.
#include "storage/sql/spill.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <string>

#include "tests/common/temp_dir.h"

namespace tp::storage::sql {
namespace {

namespace fs = std::filesystem;

Chunk Sample(size_t n, int seed) {
  const std::vector<SqlType> types = {
      SqlType::Of(SqlTypeId::kInt64), SqlType::Of(SqlTypeId::kString),
      SqlType::Of(SqlTypeId::kFloat64), SqlType::Of(SqlTypeId::kBool),
      SqlType::Of(SqlTypeId::kInt32), SqlType::Of(SqlTypeId::kInterval)};
  Chunk c;
  c.Reset(types, n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = static_cast<int64_t>(i) * 31 + seed;
    c.columns[0].data<int64_t>()[i] = v;
    if (i % 7 == 3) {
      c.columns[1].data<std::string_view>()[i] = {};
      c.columns[1].SetNull(i);
    } else {
      c.columns[1].data<std::string_view>()[i] =
          c.columns[1].AddString(std::string(i % 40, static_cast<char>('a' + i % 26)));
    }
    c.columns[2].data<double>()[i] = static_cast<double>(v) / 3;
    c.columns[3].data<uint8_t>()[i] = i % 2;
    c.columns[4].data<int32_t>()[i] = -static_cast<int32_t>(i);
    c.columns[5].data<Interval>()[i] = Interval{1, static_cast<int32_t>(i), v};
    if (i % 5 == 0) c.columns[4].SetNull(i);
  }
  return c;
}

TEST(SpillFile, ChunksComeBackExactlyAndInOrder) {
  tp::testing::TempDir tmp;
  auto file = SpillFile::Create(tmp.path() / "spill");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  // Enough chunks to pass the write buffer several times.
  const int chunks = 200;
  for (int k = 0; k < chunks; ++k) ASSERT_TRUE((*file)->Append(Sample(kBatchSize - k, k)).ok());
  EXPECT_GT((*file)->bytes_written(), size_t{1} << 20);
  // Anonymous: nothing to see (or leave behind) in the directory.
  EXPECT_TRUE(fs::is_empty(tmp.path() / "spill"));
  ASSERT_TRUE((*file)->Finish().ok());
  const std::vector<SqlType> types = Sample(1, 0).Types();
  Chunk got;
  for (int k = 0; k < chunks; ++k) {
    ASSERT_TRUE((*file)->Read(types, &got).ok());
    const Chunk want = Sample(kBatchSize - k, k);
    ASSERT_EQ(got.size, want.size) << "chunk " << k;
    for (size_t c = 0; c < types.size(); ++c) {
      for (size_t i = 0; i < want.size; ++i) {
        ASSERT_EQ(got.columns[c].IsNull(i), want.columns[c].IsNull(i)) << k << "/" << c << "/" << i;
        if (!want.columns[c].IsNull(i)) {
          ASSERT_EQ(got.columns[c].GetValue(i), want.columns[c].GetValue(i)) << k << "/" << c << "/" << i;
        }
      }
    }
  }
  ASSERT_TRUE((*file)->Read(types, &got).ok());
  EXPECT_EQ(got.size, 0u);
}

// Many small appends (as SpillPartitions makes, a batch split 128 ways)
// come back as fewer, bigger chunks with every row in order.
TEST(SpillFile, SmallAppendsComeBackCoalescedInOrder) {
  tp::testing::TempDir tmp;
  auto file = SpillFile::Create(tmp.path());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::vector<Value> want_ids, want_strings, want_ints;
  size_t appends = 0;
  for (int k = 0; k < 3000; ++k) {
    const size_t n = static_cast<size_t>(k % 7);  // empty appends too
    Chunk c = Sample(n, k);
    for (size_t i = 0; i < n; ++i) {
      want_ids.push_back(c.columns[0].GetValue(i));
      want_strings.push_back(c.columns[1].GetValue(i));
      want_ints.push_back(c.columns[4].GetValue(i));
    }
    ASSERT_TRUE((*file)->Append(c).ok());
    appends += n > 0;
  }
  ASSERT_TRUE((*file)->Finish().ok());
  const std::vector<SqlType> types = Sample(1, 0).Types();
  Chunk got;
  size_t row = 0, chunks = 0;
  while (true) {
    ASSERT_TRUE((*file)->Read(types, &got).ok());
    if (got.size == 0) break;
    ++chunks;
    for (size_t i = 0; i < got.size; ++i, ++row) {
      ASSERT_LT(row, want_ids.size());
      ASSERT_EQ(got.columns[0].GetValue(i), want_ids[row]) << row;
      ASSERT_EQ(got.columns[1].GetValue(i), want_strings[row]) << row;
      ASSERT_EQ(got.columns[4].GetValue(i), want_ints[row]) << row;
    }
  }
  EXPECT_EQ(row, want_ids.size());
  EXPECT_LT(chunks * 10, appends) << chunks << " chunks for " << appends << " appends";
}

size_t OpenFiles() {
  return static_cast<size_t>(std::distance(fs::directory_iterator("/proc/self/fd"),
                                           fs::directory_iterator{}));
}

// Rows written by hash to 128 parts (selected rows of each batch, as a
// GROUP BY spills the rows whose group it does not hold): each part reads
// back exactly its rows, in order, interleaved chunks notwithstanding.
TEST(SpillPartitions, EachPartReadsBackItsRowsThroughOneFile) {
  tp::testing::TempDir tmp;
  std::atomic<uint64_t> spilled{0};
  SpillPartitions parts(tmp.path(), &spilled);
  const size_t before = OpenFiles();
  std::vector<std::vector<int64_t>> want(SpillPartitions::kParts);
  std::vector<uint64_t> hashes(kBatchSize);
  std::vector<uint32_t> rows;
  for (int k = 0; k < 300; ++k) {
    Chunk c = Sample(kBatchSize, k);
    std::vector<const Vector*> cols;
    for (const Vector& v : c.columns) cols.push_back(&v);
    rows.clear();
    for (size_t i = 0; i < kBatchSize; ++i) {
      hashes[i] = (static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL) ^ static_cast<uint64_t>(k);
      if ((i + static_cast<size_t>(k)) % 3 != 0) {  // two rows in three
        rows.push_back(static_cast<uint32_t>(i));
        want[SpillPartitions::PartOf(hashes[i])].push_back(c.columns[0].data<int64_t>()[i]);
      }
    }
    ASSERT_TRUE(parts.Write(cols, kBatchSize, hashes.data(), rows.data(), rows.size()).ok());
  }
  EXPECT_EQ(OpenFiles(), before + 1) << "128 parts, one file";
  EXPECT_TRUE(fs::is_empty(tmp.path()));
  EXPECT_GT(spilled.load(), uint64_t{300} * kBatchSize * 2 / 3 * 8);
  ASSERT_TRUE(parts.Finish().ok());
  const std::vector<SqlType> types = Sample(1, 0).Types();
  for (size_t p = 0; p < SpillPartitions::kParts; ++p) {
    ASSERT_FALSE(want[p].empty());
    std::vector<int64_t> got;
    Chunk chunk;
    while (true) {
      ASSERT_TRUE(parts.part(p)->Read(types, &chunk).ok());
      if (chunk.size == 0) break;
      for (size_t i = 0; i < chunk.size; ++i) {
        got.push_back(chunk.columns[0].data<int64_t>()[i]);
        // The other columns came with their row.
        const int64_t v = got.back();
        ASSERT_EQ(chunk.columns[2].data<double>()[i], static_cast<double>(v) / 3) << p;
      }
    }
    ASSERT_EQ(got, want[p]) << "part " << p;
    parts.Drop(p);
  }
}

TEST(SpillFile, UnusableDirectoryIsAClearError) {
  tp::testing::TempDir tmp;
  const fs::path blocker = tmp.path() / "file";
  { std::FILE* f = std::fopen(blocker.c_str(), "w"); ASSERT_NE(f, nullptr); std::fclose(f); }
  auto file = SpillFile::Create(blocker / "spill");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find((blocker / "spill").string()), std::string::npos)
      << file.status().message();
  EXPECT_NE(file.status().message().find("memory_limit"), std::string::npos);
}

}  // namespace
}  // namespace tp::storage::sql
