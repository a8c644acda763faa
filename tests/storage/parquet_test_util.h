// Test helpers shared by the Parquet, Thrift and encoding tests: bytes from
// a list of ints, a schema with its columns, and a deterministic
// order_items-like table for the (disabled by default) size and speed
// measurements.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "storage/column.h"
#include "storage/types.h"

namespace tp::storage::parquet {

// {0x15, 0x02} -> "\x15\x02": expected encoder output, written as in the spec.
inline std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

struct Table {
  Schema schema;
  std::vector<Column> cols;
  explicit Table(std::vector<Field> fields) {
    schema.fields = std::move(fields);
    for (const Field& f : schema.fields) cols.emplace_back(f.type);
  }
  std::vector<const Column*> ptrs() const {
    std::vector<const Column*> p;
    for (const Column& c : cols) p.push_back(&c);
    return p;
  }
};

// `rows` rows shaped like order_items: orders of 1-n items, 5,000 products
// of 150 brands and 7 categories, 7 cities, prices in cents, rising times.
inline Table OrderItemsTable(int rows) {
  auto S = LogicalType::Of(TypeId::kString);
  auto I = LogicalType::Of(TypeId::kInt32);
  auto D = LogicalType::Decimal(12, 2);
  Table t({{"order_id", S, false}, {"item_seq", I, false}, {"product_id", S, false},
           {"seller_id", S, false}, {"brand", S, false}, {"category", S, false},
           {"quantity", I, false}, {"unit_price", D, false}, {"amount", D, false},
           {"city", S, false}, {"purchased_at", LogicalType::Of(TypeId::kTimestamp), false}});
  uint64_t x = 12345;
  auto rnd = [&] {  // xorshift64: the same rows on every platform
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  const char* cats[] = {"electronics", "home", "toys", "books", "garden", "beauty", "sports"};
  const char* cities[] = {"Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Leiria"};
  int64_t at = 1700000000000000;
  int order = 0, seq = 0;
  for (int r = 0; r < rows; ++r) {
    if (seq == 0 || rnd() % 3 == 0) {
      ++order;
      seq = 0;
      at += static_cast<int64_t>(rnd() % 5000000);
    }
    ++seq;
    int product = static_cast<int>(rnd() % 5000);
    t.cols[0].AppendString("ord_" + std::to_string(1000000 + order));
    t.cols[1].AppendInt32(seq);
    t.cols[2].AppendString("prd_" + std::to_string(product));
    t.cols[3].AppendString("sel_" + std::to_string(product % 200));
    t.cols[4].AppendString("brand_" + std::to_string(product % 150));
    t.cols[5].AppendString(cats[product % 7]);
    int q = 1 + static_cast<int>(rnd() % 4);
    int64_t price = 199 + (product * 7919) % 50000;
    t.cols[6].AppendInt32(q);
    t.cols[7].AppendInt64(price);
    t.cols[8].AppendInt64(price * q);
    t.cols[9].AppendString(cities[rnd() % 7]);
    t.cols[10].AppendInt64(at);
  }
  return t;
}

}  // namespace tp::storage::parquet
