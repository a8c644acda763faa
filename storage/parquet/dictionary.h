// The dictionary of one column chunk (Encodings.md "Dictionary Encoding"):
// which chunks get one is FORMAT.md "Which columns get a dictionary". The
// builder yields one code per row and the PLAIN-encoded dictionary page,
// with entries in first-seen order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/column.h"
#include "storage/parquet/metadata.h"

namespace tp::storage::parquet {

// Open-addressing hash index (linear probing, at most half full) from keys
// to entry numbers 0, 1, 2, ...; the keys themselves live with the caller.
// A slot packs the upper 32 bits of the key's hash with entry + 1 (0 =
// empty), so a probe reads one array and compares keys only when those
// bits agree.
class HashIndex {
 public:
  // Empties the index (keeping its memory), sized for about `expected`
  // entries before it grows.
  void Reset(size_t expected);
  size_t size() const { return hashes_.size(); }

  // The entry with this hash for which same(entry) holds, else -1. Insert
  // puts the key looked up last into the free slot this probe ended on.
  template <typename Same>
  int64_t Find(uint64_t hash, const Same& same) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint64_t slot = slots_[i];
      if (slot == 0) {
        free_slot_ = i;
        return -1;
      }
      const uint32_t entry = static_cast<uint32_t>(slot) - 1;
      if ((slot ^ hash) >> 32 == 0 && same(entry)) return entry;
    }
  }

  // Adds the key that the last Find missed, as entry size().
  uint32_t Insert(uint64_t hash);

  size_t capacity_bytes() const {
    return (slots_.capacity() + hashes_.capacity()) * sizeof(uint64_t);
  }

 private:
  void Grow();

  std::vector<uint64_t> slots_;
  std::vector<uint64_t> hashes_;  // per entry, to re-place them in Grow
  size_t free_slot_ = 0;
};

// Builds chunk dictionaries one after the other, reusing its buffers.
class DictionaryBuilder {
 public:
  // Builds the dictionary of rows [begin, end) of `column`, holding at most
  // `max_bytes` of PLAIN-encoded values. Strings are dictionary-encoded from
  // `begin` until the dictionary would pass max_bytes; INT32/INT64 columns
  // entirely or not at all; bool and float64 never. A dictionary is kept
  // only with at most half as many entries as the non-NULL values it covers.
  void Build(const Column& column, size_t begin, size_t end, size_t max_bytes);

  // Number of entries; 0 when there is no dictionary.
  uint32_t entries() const { return entries_; }
  // Rows [begin, covered_end()) are dictionary-encoded (none without one).
  size_t covered_end() const { return end_; }
  // One code per covered row, from row `begin` on; 0 for NULL rows.
  const uint32_t* codes() const { return codes_.data(); }
  // The entries, PLAIN-encoded: the dictionary page's body.
  const std::string& page() const { return page_; }

  // Statistics of the covered rows computed from the entries (equal to
  // ComputeStatistics over those rows, and cheaper). Needs entries() > 0.
  Statistics StatisticsOfEntries(const Column& column, int64_t null_count) const;

  // Frees buffers that grew beyond `max_bytes` each.
  void Trim(size_t max_bytes);

 private:
  void None(size_t begin);
  void BuildStrings(const Column& c, size_t begin, size_t end, size_t max_bytes);
  template <typename T>
  void BuildFixed(const Column& c, size_t begin, size_t end, size_t max_bytes,
                  std::vector<T>* values);

  size_t end_ = 0;
  uint32_t entries_ = 0;
  std::vector<uint32_t> codes_;
  std::string page_;
  HashIndex index_;
  // The entries of the last dictionary, by physical type.
  std::vector<std::string_view> strings_;
  std::vector<int32_t> ints32_;
  std::vector<int64_t> ints64_;
};

}  // namespace tp::storage::parquet
