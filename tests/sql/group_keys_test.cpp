// Group key rows (storage/sql/group_keys.h): equal keys give equal bytes and
// different keys different bytes (NULL vs '' vs 0, -0.0 vs 0.0, short
// inline strings vs long interned ones), rows translate between encoders of
// two threads, and decode back to the values.
#include "storage/sql/group_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace tp::storage::sql::exec {
namespace {

Vector Strings(const std::vector<const char*>& values) {
  Vector v(SqlType::Of(SqlTypeId::kString), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == nullptr) {
      v.SetNull(i);
    } else {
      v.data<std::string_view>()[i] = v.AddString(values[i]);
    }
  }
  return v;
}

TEST(GroupKeys, EqualKeysHaveEqualRowsAndDistinctKeysDistinctIds) {
  const std::string long_a(40, 'a');
  const std::string long_b = long_a.substr(0, 39) + "b";
  Vector s = Strings({"", nullptr, "p-1", "p-1", long_a.c_str(), long_b.c_str(), long_a.c_str(),
                      "exactly15bytes!", "sixteen bytes!!!"});
  Vector d(SqlType::Of(SqlTypeId::kFloat64), s.size());
  const double values[] = {0.0, -0.0, NAN, -NAN, 1.0, 1.0, 1.0, 2.0, 2.0};
  for (size_t i = 0; i < s.size(); ++i) d.data<double>()[i] = values[i];
  KeyEncoder enc({SqlType::Of(SqlTypeId::kString)});
  KeyRowTable table(enc.width());
  std::vector<uint8_t> rows(s.size() * enc.width());
  enc.Encode({&s}, s.size(), rows.data());
  std::vector<uint32_t> ids(s.size());
  table.FindOrInsert(rows.data(), s.size(), ids.data());
  // '' and NULL differ; equal strings (short or long) share an id.
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 2, 3, 4, 3, 5, 6}));

  KeyEncoder denc({SqlType::Of(SqlTypeId::kFloat64)});
  KeyRowTable dtable(denc.width());
  std::vector<uint8_t> drows(d.size() * denc.width());
  denc.Encode({&d}, d.size(), drows.data());
  dtable.FindOrInsert(drows.data(), d.size(), ids.data());
  // 0.0 and -0.0 are one group, every NaN another.
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 0, 1, 1, 2, 2, 2, 3, 3}));
}

TEST(GroupKeys, RowsTranslateBetweenEncodersAndDecode) {
  const std::string long_x(20, 'x');
  Vector s = Strings({long_x.c_str(), "short", nullptr});
  Vector n(SqlType::Of(SqlTypeId::kInt64), 3);
  n.data<int64_t>()[0] = 7;
  n.data<int64_t>()[1] = -1;
  n.SetNull(2);
  const std::vector<SqlType> types = {SqlType::Of(SqlTypeId::kString),
                                      SqlType::Of(SqlTypeId::kInt64)};
  KeyEncoder a(types), b(types);
  // b has seen another long string first, so its ids differ from a's.
  const std::string other(30, 'o');
  Vector first = Strings({other.c_str()});
  Vector one(SqlType::Of(SqlTypeId::kInt64), 1);
  std::vector<uint8_t> scratch(b.width());
  b.Encode({&first, &one}, 1, scratch.data());

  std::vector<uint8_t> rows(3 * a.width()), translated(3 * a.width()), direct(3 * a.width());
  a.Encode({&s, &n}, 3, rows.data());
  for (size_t i = 0; i < 3; ++i) {
    b.Translate(a, rows.data() + i * a.width(), translated.data() + i * a.width());
  }
  b.Encode({&s, &n}, 3, direct.data());
  EXPECT_EQ(translated, direct);

  std::vector<Vector> out;
  b.Decode(translated.data(), 3, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data<std::string_view>()[0], long_x);
  EXPECT_EQ(out[0].data<std::string_view>()[1], "short");
  EXPECT_TRUE(out[0].IsNull(2));
  EXPECT_EQ(out[1].data<int64_t>()[0], 7);
  EXPECT_EQ(out[1].data<int64_t>()[1], -1);
  EXPECT_TRUE(out[1].IsNull(2));
}

// Enough keys for several row blocks and rehashes (with prefetching on):
// every key keeps its id and its payload, rows decode at the table's stride.
TEST(GroupKeys, ManyKeysWithPayloadsKeepTheirIdsAcrossBlocks) {
  const size_t n = 3 * KeyRowTable::kRowsPerBlock + 77;
  KeyEncoder enc({SqlType::Of(SqlTypeId::kInt64), SqlType::Of(SqlTypeId::kString)});
  KeyRowTable table(enc.width(), /*payload=*/16, /*payload_align=*/16);
  ASSERT_EQ(table.stride() % 16, 0u);
  ASSERT_GE(table.stride(), enc.width() + 16);
  std::vector<uint32_t> ids(kBatchSize);
  std::vector<uint8_t> rows;
  // Twice over the same keys, in batches: the second pass finds them all.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t start = 0; start < n; start += kBatchSize) {
      const size_t m = std::min(kBatchSize, n - start);
      Vector k(SqlType::Of(SqlTypeId::kInt64), m), s(SqlType::Of(SqlTypeId::kString), m);
      for (size_t i = 0; i < m; ++i) {
        k.data<int64_t>()[i] = static_cast<int64_t>((start + i) * 7919);
        s.data<std::string_view>()[i] = s.AddString("k" + std::to_string((start + i) % 1000));
      }
      rows.resize(m * enc.width());
      enc.Encode({&k, &s}, m, rows.data());
      table.FindOrInsert(rows.data(), m, ids.data());
      for (size_t i = 0; i < m; ++i) {
        ASSERT_EQ(ids[i], start + i);
        int64_t* payload = reinterpret_cast<int64_t*>(table.Payload(ids[i]));
        if (pass == 0) {
          payload[0] = static_cast<int64_t>(start + i);
          payload[1] = -1;
        } else {
          ASSERT_EQ(payload[0], static_cast<int64_t>(start + i));
        }
      }
    }
  }
  EXPECT_EQ(table.size(), n);
  std::vector<Vector> out;
  const uint32_t first = 2 * static_cast<uint32_t>(kBatchSize);
  enc.Decode(table.Row(first), kBatchSize, &out, table.stride());
  for (size_t i = 0; i < kBatchSize; ++i) {
    ASSERT_EQ(out[0].data<int64_t>()[i], static_cast<int64_t>((first + i) * 7919));
    ASSERT_EQ(out[1].data<std::string_view>()[i], "k" + std::to_string((first + i) % 1000));
  }
}

}  // namespace
}  // namespace tp::storage::sql::exec
