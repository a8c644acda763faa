// Chunk dictionaries; see dictionary.h and FORMAT.md.
#include "storage/parquet/dictionary.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>

#include "storage/parquet/encoding.h"
#include "storage/parquet/statistics.h"

namespace tp::storage::parquet {

namespace {

uint64_t MixHash(uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t Slot(uint64_t hash, uint32_t entry) { return (hash >> 32 << 32) | (uint64_t{entry} + 1); }

// A dictionary pays only when values repeat: with more entries than half
// the values it covers, the chunk is written without one.
bool WorthIt(size_t entries, size_t values) { return entries > 0 && entries * 2 <= values; }

template <typename T>
void DropIfOver(size_t max_bytes, T* buffer) {
  if (buffer->capacity() * sizeof((*buffer)[0]) > max_bytes) T().swap(*buffer);
}

}  // namespace

// ---- HashIndex ----------------------------------------------------------------------

void HashIndex::Reset(size_t expected) {
  slots_.assign(std::bit_ceil(std::max<size_t>(16, 2 * expected)), 0);
  hashes_.clear();
}

uint32_t HashIndex::Insert(uint64_t hash) {
  const uint32_t entry = static_cast<uint32_t>(hashes_.size());
  slots_[free_slot_] = Slot(hash, entry);
  hashes_.push_back(hash);
  if (hashes_.size() * 2 > slots_.size()) Grow();
  return entry;
}

void HashIndex::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t e = 0; e < hashes_.size(); ++e) {
    size_t i = hashes_[e] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = Slot(hashes_[e], e);
  }
}

// ---- DictionaryBuilder ----------------------------------------------------------------

void DictionaryBuilder::Build(const Column& c, size_t begin, size_t end, size_t max_bytes) {
  switch (c.type().id) {
    case TypeId::kString:
      return BuildStrings(c, begin, end, max_bytes);
    case TypeId::kInt32:
    case TypeId::kDate:
      return BuildFixed(c, begin, end, max_bytes, &ints32_);
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return BuildFixed(c, begin, end, max_bytes, &ints64_);
    case TypeId::kBool:
    case TypeId::kFloat64:
      break;  // PLAIN only
  }
  None(begin);
}

void DictionaryBuilder::None(size_t begin) {
  end_ = begin;
  entries_ = 0;
}

// (Building the whole table before deciding costs one hash lookup per value,
// as every dictionary writer pays.)
void DictionaryBuilder::BuildStrings(const Column& c, size_t begin, size_t end, size_t max_bytes) {
  strings_.clear();
  index_.Reset(std::min<size_t>(end - begin, 512));
  codes_.resize(end - begin);
  uint32_t* codes = codes_.data();  // indexed by row - begin
  const uint8_t* valid = c.validity();
  size_t bytes = 0, seen = 0;
  size_t row = begin;
  for (; row < end; ++row) {
    if (valid != nullptr && valid[row] == 0) {
      codes[row - begin] = 0;
      continue;
    }
    const std::string_view v = c.GetString(row);
    const uint64_t h = XXH3_64bits(v.data(), v.size());
    int64_t idx = index_.Find(h, [&](uint32_t e) { return strings_[e] == v; });
    if (idx < 0) {
      if (bytes + 4 + v.size() > max_bytes) break;
      bytes += 4 + v.size();
      idx = index_.Insert(h);
      strings_.push_back(v);
    }
    codes[row - begin] = static_cast<uint32_t>(idx);
    ++seen;
  }
  if (!WorthIt(strings_.size(), seen)) return None(begin);
  end_ = row;
  entries_ = static_cast<uint32_t>(strings_.size());
  page_.clear();
  page_.reserve(bytes);
  for (std::string_view v : strings_) PlainEncodeByteArray(v, &page_);
}

template <typename T>
void DictionaryBuilder::BuildFixed(const Column& c, size_t begin, size_t end, size_t max_bytes,
                                   std::vector<T>* values) {
  const T* v = c.data<T>();
  const uint8_t* valid = c.validity();
  const size_t non_null = (end - begin) - CountNulls(c, begin, end);
  const size_t max_entries = std::min(non_null / 2, max_bytes / sizeof(T));
  values->clear();
  index_.Reset(std::min<size_t>(max_entries, 512));
  codes_.resize(end - begin);
  uint32_t* codes = codes_.data();  // indexed by row - begin
  for (size_t row = begin; row < end; ++row) {
    if (valid != nullptr && valid[row] == 0) {
      codes[row - begin] = 0;
      continue;
    }
    const T x = v[row];
    const uint64_t h = MixHash(static_cast<uint64_t>(static_cast<int64_t>(x)));
    int64_t idx = index_.Find(h, [&](uint32_t e) { return (*values)[e] == x; });
    if (idx < 0) {
      if (values->size() >= max_entries) return None(begin);
      idx = index_.Insert(h);
      values->push_back(x);
    }
    codes[row - begin] = static_cast<uint32_t>(idx);
  }
  if (!WorthIt(values->size(), non_null)) return None(begin);
  end_ = end;
  entries_ = static_cast<uint32_t>(values->size());
  page_.clear();
  PlainEncodeFixed(values->data(), sizeof(T), values->size(), &page_);
}

Statistics DictionaryBuilder::StatisticsOfEntries(const Column& c, int64_t null_count) const {
  switch (c.type().id) {
    case TypeId::kString:
      return StatisticsOfDistinct(strings_, null_count);
    case TypeId::kInt32:
    case TypeId::kDate:
      return StatisticsOfDistinct(ints32_, null_count);
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return StatisticsOfDistinct(ints64_, null_count);
    case TypeId::kBool:
    case TypeId::kFloat64:
      break;  // never dictionary-encoded
  }
  Statistics st;
  st.null_count = null_count;
  return st;
}

void DictionaryBuilder::Trim(size_t max_bytes) {
  DropIfOver(max_bytes, &codes_);
  DropIfOver(max_bytes, &page_);
  DropIfOver(max_bytes, &strings_);
  DropIfOver(max_bytes, &ints32_);
  DropIfOver(max_bytes, &ints64_);
  if (index_.capacity_bytes() > max_bytes) index_ = HashIndex();
}

}  // namespace tp::storage::parquet
