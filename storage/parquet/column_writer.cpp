// Column chunk writing: dictionary building, page cutting, compression and
// statistics. See column_writer.h and FORMAT.md.
#include "storage/parquet/column_writer.h"

#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "storage/parquet/encoding.h"

namespace tp::storage::parquet {

PhysicalType PhysicalTypeFor(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return PhysicalType::kBoolean;
    case TypeId::kInt32:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return PhysicalType::kInt64;
    case TypeId::kFloat64:
      return PhysicalType::kDouble;
    case TypeId::kString:
      return PhysicalType::kByteArray;
  }
  return PhysicalType::kByteArray;
}

SchemaElement SchemaElementFor(const Field& field) {
  SchemaElement e;
  e.name = field.name;
  e.type = PhysicalTypeFor(field.type.id);
  e.repetition_type = field.nullable ? Repetition::kOptional : Repetition::kRequired;
  switch (field.type.id) {
    case TypeId::kBool:
    case TypeId::kInt64:
    case TypeId::kFloat64:
      break;
    case TypeId::kInt32:
      e.converted_type = ConvertedType::kInt32;
      e.logical_type = LogicalTypeAnnotation::Integer(32, true);
      break;
    case TypeId::kDecimal:
      e.converted_type = ConvertedType::kDecimal;
      e.scale = field.type.scale;
      e.precision = field.type.precision;
      e.logical_type = LogicalTypeAnnotation::Decimal(field.type.scale, field.type.precision);
      break;
    case TypeId::kString:
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type = LogicalTypeAnnotation::String();
      break;
    case TypeId::kDate:
      e.converted_type = ConvertedType::kDate;
      e.logical_type = LogicalTypeAnnotation::Date();
      break;
    case TypeId::kTimestamp:
      e.converted_type = ConvertedType::kTimestampMicros;
      e.logical_type = LogicalTypeAnnotation::Timestamp(true, TimeUnit::kMicros);
      break;
  }
  return e;
}

namespace {

// ---- statistics -------------------------------------------------------------------

template <typename T>
std::string LittleEndianBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

template <typename T>
void MinMaxFixed(const Column& c, size_t begin, size_t end, Statistics* st) {
  const T* v = c.data<T>();
  bool any = false;
  T lo{}, hi{};
  for (size_t i = begin; i < end; ++i) {
    if (c.IsNull(i)) continue;
    if (!any) {
      lo = hi = v[i];
      any = true;
    } else {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  }
  if (!any) return;
  st->min_value = LittleEndianBytes(lo);
  st->max_value = LittleEndianBytes(hi);
  st->is_min_value_exact = st->is_max_value_exact = true;
}

// parquet.thrift ColumnOrder, TYPE_ORDER for floating point: min/max from
// non-NaN values, nan_count set, a zero min is written as -0.0 and a zero
// max as +0.0, nothing when every value is NaN.
void MinMaxDouble(const Column& c, size_t begin, size_t end, Statistics* st) {
  const double* v = c.data<double>();
  bool any = false;
  double lo = 0, hi = 0;
  int64_t nans = 0;
  for (size_t i = begin; i < end; ++i) {
    if (c.IsNull(i)) continue;
    if (std::isnan(v[i])) {
      ++nans;
      continue;
    }
    if (!any) {
      lo = hi = v[i];
      any = true;
    } else {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  }
  st->nan_count = nans;
  if (!any) return;
  if (lo == 0) lo = -0.0;
  if (hi == 0) hi = 0.0;
  st->min_value = LittleEndianBytes(lo);
  st->max_value = LittleEndianBytes(hi);
  st->is_min_value_exact = st->is_max_value_exact = true;
}

void MinMaxBool(const Column& c, size_t begin, size_t end, Statistics* st) {
  const uint8_t* v = c.data<uint8_t>();
  bool any_false = false, any_true = false;
  for (size_t i = begin; i < end; ++i) {
    if (c.IsNull(i)) continue;
    (v[i] != 0 ? any_true : any_false) = true;
  }
  if (!any_false && !any_true) return;
  st->min_value = std::string(1, any_false ? '\0' : '\1');
  st->max_value = std::string(1, any_true ? '\1' : '\0');
  st->is_min_value_exact = st->is_max_value_exact = true;
}

// Strings compare as unsigned bytes (std::char_traits<char>::compare is
// memcmp-like). Long bounds are shortened: the min to a prefix (cut on a
// UTF-8 character boundary), the max to a prefix whose last ASCII byte is
// incremented, which still bounds every string sharing that prefix.
void MinMaxString(const Column& c, size_t begin, size_t end, Statistics* st) {
  bool any = false;
  std::string_view lo, hi;
  for (size_t i = begin; i < end; ++i) {
    if (c.IsNull(i)) continue;
    std::string_view s = c.GetString(i);
    if (!any) {
      lo = hi = s;
      any = true;
    } else if (s < lo) {
      lo = s;
    } else if (s > hi) {
      hi = s;
    }
  }
  if (!any) return;
  if (lo.size() <= kMaxStatBytes) {
    st->min_value = std::string(lo);
    st->is_min_value_exact = true;
  } else {
    size_t k = kMaxStatBytes;
    while (k > 0 && (static_cast<uint8_t>(lo[k]) & 0xC0) == 0x80) --k;
    st->min_value = std::string(lo.substr(0, k));
    st->is_min_value_exact = false;
  }
  if (hi.size() <= kMaxStatBytes) {
    st->max_value = std::string(hi);
    st->is_max_value_exact = true;
  } else {
    for (size_t i = kMaxStatBytes; i-- > 0;) {
      if (static_cast<uint8_t>(hi[i]) < 0x7F) {
        std::string m(hi.substr(0, i + 1));
        m.back() = static_cast<char>(m.back() + 1);
        st->max_value = std::move(m);
        st->is_max_value_exact = false;
        break;
      }
    }
  }
}

// ---- dictionary -------------------------------------------------------------------

// Open-addressing hash table from values to dictionary indices.
template <typename Key>
class DictTable {
 public:
  DictTable() : slots_(1024, 0) {}
  // The index of `key`, or -1 when absent.
  int64_t Find(const Key& key, uint64_t hash) const {
    size_t mask = slots_.size() - 1;
    for (size_t s = hash & mask;; s = (s + 1) & mask) {
      uint32_t slot = slots_[s];
      if (slot == 0) return -1;
      if (hashes_[slot - 1] == hash && entries_[slot - 1] == key) return slot - 1;
    }
  }
  uint32_t Insert(const Key& key, uint64_t hash) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    entries_.push_back(key);
    hashes_.push_back(hash);
    Place(static_cast<uint32_t>(entries_.size()), hash);
    return static_cast<uint32_t>(entries_.size() - 1);
  }
  size_t size() const { return entries_.size(); }
  const std::vector<Key>& entries() const { return entries_; }

 private:
  void Place(uint32_t slot_value, uint64_t hash) {
    size_t mask = slots_.size() - 1;
    size_t s = hash & mask;
    while (slots_[s] != 0) s = (s + 1) & mask;
    slots_[s] = slot_value;
  }
  void Grow() {
    slots_.assign(slots_.size() * 2, 0);
    for (size_t i = 0; i < entries_.size(); ++i) Place(static_cast<uint32_t>(i + 1), hashes_[i]);
  }
  std::vector<uint32_t> slots_;  // 0 = empty, else entry index + 1
  std::vector<uint64_t> hashes_;
  std::vector<Key> entries_;
};

uint64_t MixHash(uint64_t x) {  // splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

struct DictionaryBuild {
  size_t end = 0;               // rows [begin, end) are dictionary-encoded
  std::vector<uint32_t> codes;  // one per row of [begin, end); 0 for NULL rows
  std::string page;             // PLAIN-encoded dictionary values
  uint32_t entries = 0;
};

DictionaryBuild NoDictionary(size_t begin) {
  DictionaryBuild d;
  d.end = begin;
  return d;
}

// A dictionary pays only when values repeat: with more entries than half
// the values it covers, the chunk is written PLAIN instead.
bool WorthIt(size_t entries, size_t values) { return entries > 0 && entries * 2 <= values; }

// Strings: dictionary-encode from `begin` until the dictionary would pass
// `cap` bytes (PLAIN size); the rest of the chunk falls back to PLAIN.
// (Building the whole table before deciding costs one hash lookup per value,
// as every dictionary writer pays.)
DictionaryBuild BuildStringDictionary(const Column& c, size_t begin, size_t end, size_t cap) {
  DictionaryBuild d;
  DictTable<std::string_view> table;
  size_t bytes = 0, seen = 0;
  d.codes.reserve(end - begin);
  size_t row = begin;
  for (; row < end; ++row) {
    if (c.IsNull(row)) {
      d.codes.push_back(0);
      continue;
    }
    std::string_view s = c.GetString(row);
    uint64_t h = XXH3_64bits(s.data(), s.size());
    int64_t idx = table.Find(s, h);
    if (idx < 0) {
      if (bytes + 4 + s.size() > cap) break;
      bytes += 4 + s.size();
      idx = table.Insert(s, h);
    }
    d.codes.push_back(static_cast<uint32_t>(idx));
    ++seen;
  }
  if (!WorthIt(table.size(), seen)) return NoDictionary(begin);
  d.end = row;
  d.codes.resize(row - begin);
  d.entries = static_cast<uint32_t>(table.size());
  d.page.reserve(bytes);
  for (std::string_view s : table.entries()) PlainEncodeByteArray(s, &d.page);
  return d;
}

// Fixed-width integers: a dictionary for the whole chunk, or none when it
// would pass `cap` or hold more than half as many entries as values.
template <typename T>
DictionaryBuild BuildFixedDictionary(const Column& c, size_t begin, size_t end, size_t cap) {
  DictionaryBuild d;
  DictTable<T> table;
  const T* v = c.data<T>();
  size_t non_null = 0;
  for (size_t i = begin; i < end; ++i) non_null += c.IsNull(i) ? 0 : 1;
  size_t max_entries = std::min(non_null / 2, cap / sizeof(T));
  d.codes.reserve(end - begin);
  for (size_t row = begin; row < end; ++row) {
    if (c.IsNull(row)) {
      d.codes.push_back(0);
      continue;
    }
    uint64_t h = MixHash(static_cast<uint64_t>(static_cast<int64_t>(v[row])));
    int64_t idx = table.Find(v[row], h);
    if (idx < 0) {
      if (table.size() >= max_entries) return NoDictionary(begin);
      idx = table.Insert(v[row], h);
    }
    d.codes.push_back(static_cast<uint32_t>(idx));
  }
  if (!WorthIt(table.size(), non_null)) return NoDictionary(begin);
  d.end = end;
  d.entries = static_cast<uint32_t>(table.size());
  PlainEncodeFixed(table.entries().data(), sizeof(T), table.size(), &d.page);
  return d;
}

DictionaryBuild BuildDictionary(const Column& c, size_t begin, size_t end, size_t cap) {
  switch (c.type().id) {
    case TypeId::kString:
      return BuildStringDictionary(c, begin, end, cap);
    case TypeId::kInt32:
    case TypeId::kDate:
      return BuildFixedDictionary<int32_t>(c, begin, end, cap);
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return BuildFixedDictionary<int64_t>(c, begin, end, cap);
    case TypeId::kBool:
    case TypeId::kFloat64:
      break;  // PLAIN only
  }
  return NoDictionary(begin);
}

// ---- value encoders ------------------------------------------------------------------

class PlainEncoder final : public ValuesEncoder {
 public:
  explicit PlainEncoder(const Column& c) : c_(c), width_(Column::FixedWidth(c.type().id)) {}
  Encoding encoding() const override { return Encoding::kPlain; }

  size_t PageEnd(size_t begin, size_t end, size_t target) const override {
    if (c_.type().id == TypeId::kString) {
      size_t bytes = 0, i = begin;
      while (i < end && (i == begin || bytes < target)) {
        bytes += 4 + c_.GetString(i).size();
        ++i;
      }
      return i;
    }
    size_t rows = c_.type().id == TypeId::kBool ? target * 8 : target / width_;
    return begin + std::clamp<size_t>(rows, 1, end - begin);
  }

  void Encode(size_t begin, size_t end, std::string* out) override {
    bool nulls = c_.null_count() > 0;
    switch (c_.type().id) {
      case TypeId::kString:
        for (size_t i = begin; i < end; ++i) {
          if (!nulls || !c_.IsNull(i)) PlainEncodeByteArray(c_.GetString(i), out);
        }
        return;
      case TypeId::kBool: {
        const uint8_t* v = c_.data<uint8_t>();
        if (!nulls) return PlainEncodeBooleans(v + begin, end - begin, out);
        bools_.clear();
        for (size_t i = begin; i < end; ++i) {
          if (!c_.IsNull(i)) bools_.push_back(v[i]);
        }
        return PlainEncodeBooleans(bools_.data(), bools_.size(), out);
      }
      default: {
        const char* v = c_.data<char>();
        if (!nulls) return PlainEncodeFixed(v + begin * width_, width_, end - begin, out);
        for (size_t i = begin; i < end; ++i) {
          if (!c_.IsNull(i)) out->append(v + i * width_, width_);
        }
      }
    }
  }

 private:
  const Column& c_;
  size_t width_;
  std::vector<uint8_t> bools_;
};

class DictionaryIndexEncoder final : public ValuesEncoder {
 public:
  // `codes` hold one index per row from row `first_row` on.
  DictionaryIndexEncoder(const Column& c, size_t first_row, const std::vector<uint32_t>& codes,
                         uint32_t entries)
      : c_(c), first_(first_row), codes_(codes), bit_width_(BitWidthFor(entries - 1)) {}
  Encoding encoding() const override { return Encoding::kRleDictionary; }

  size_t PageEnd(size_t begin, size_t end, size_t target) const override {
    size_t rows = target * 8 / static_cast<size_t>(bit_width_);
    return begin + std::clamp<size_t>(rows, 1, end - begin);
  }

  void Encode(size_t begin, size_t end, std::string* out) override {
    scratch_.clear();
    bool nulls = c_.null_count() > 0;
    for (size_t i = begin; i < end; ++i) {
      if (!nulls || !c_.IsNull(i)) scratch_.push_back(codes_[i - first_]);
    }
    EncodeDictionaryIndices(scratch_.data(), scratch_.size(), bit_width_, out);
  }

 private:
  const Column& c_;
  size_t first_;
  const std::vector<uint32_t>& codes_;
  int bit_width_;
  std::vector<uint32_t> scratch_;
};

// DELTA_BINARY_PACKED for INT32/INT64 columns without a dictionary. Each
// page is one self-contained delta stream of its non-NULL values.
class DeltaEncoder final : public ValuesEncoder {
 public:
  explicit DeltaEncoder(const Column& c)
      : c_(c), wide_(PhysicalTypeFor(c.type().id) == PhysicalType::kInt64) {}
  Encoding encoding() const override { return Encoding::kDeltaBinaryPacked; }

  // Sized like PLAIN pages (the encoded page is at most about that big).
  size_t PageEnd(size_t begin, size_t end, size_t target) const override {
    size_t rows = target / (wide_ ? 8 : 4);
    return begin + std::clamp<size_t>(rows, 1, end - begin);
  }

  void Encode(size_t begin, size_t end, std::string* out) override {
    if (wide_) {
      Run(c_.data<int64_t>(), begin, end, &scratch64_, out);
    } else {
      Run(c_.data<int32_t>(), begin, end, &scratch32_, out);
    }
  }

 private:
  template <typename T>
  void Run(const T* v, size_t begin, size_t end, std::vector<T>* scratch, std::string* out) {
    if (c_.null_count() == 0) return DeltaBinaryPackedEncode(v + begin, end - begin, out);
    scratch->clear();
    for (size_t i = begin; i < end; ++i) {
      if (!c_.IsNull(i)) scratch->push_back(v[i]);
    }
    DeltaBinaryPackedEncode(scratch->data(), scratch->size(), out);
  }

  const Column& c_;
  bool wide_;
  std::vector<int32_t> scratch32_;
  std::vector<int64_t> scratch64_;
};

}  // namespace

Statistics ComputeStatistics(const Column& c, size_t begin, size_t end) {
  Statistics st;
  int64_t nulls = 0;
  if (c.null_count() > 0) {
    for (size_t i = begin; i < end; ++i) nulls += c.IsNull(i) ? 1 : 0;
  }
  st.null_count = nulls;
  switch (c.type().id) {
    case TypeId::kBool:
      MinMaxBool(c, begin, end, &st);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      MinMaxFixed<int32_t>(c, begin, end, &st);
      break;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      MinMaxFixed<int64_t>(c, begin, end, &st);
      break;
    case TypeId::kFloat64:
      MinMaxDouble(c, begin, end, &st);
      break;
    case TypeId::kString:
      MinMaxString(c, begin, end, &st);
      break;
  }
  return st;
}

// ---- ColumnChunkWriter ----------------------------------------------------------------

ColumnChunkWriter::ColumnChunkWriter(ChunkOptions options)
    : options_(options), cctx_(ZSTD_createCCtx()) {}

ColumnChunkWriter::~ColumnChunkWriter() { ZSTD_freeCCtx(cctx_); }

Status ColumnChunkWriter::WritePage(PageHeader header, const std::string& body, PageSink* sink,
                                    ColumnMetaData* meta) {
  constexpr size_t kMaxPage = std::numeric_limits<int32_t>::max();
  size_t bound = ZSTD_compressBound(body.size());
  if (body.size() > kMaxPage || bound > kMaxPage) {
    return Status::InvalidArgument("parquet: a page of column '" + meta->path_in_schema[0] +
                                   "' would hold " + std::to_string(body.size()) +
                                   " bytes, more than a page can (2 GiB)");
  }
  if (cctx_ == nullptr) return Status::IOError("zstd: cannot create a compression context");
  compressed_.resize(bound);
  size_t n = ZSTD_compressCCtx(cctx_, compressed_.data(), bound, body.data(), body.size(),
                               options_.zstd_level);
  if (ZSTD_isError(n)) return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(n));
  compressed_.resize(n);
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(n);
  header_.clear();
  CompactWriter w(&header_);
  Encode(&w, header);
  PQ_RETURN_IF_ERROR(sink->Append(header_));
  PQ_RETURN_IF_ERROR(sink->Append(compressed_));
  meta->total_uncompressed_size += static_cast<int64_t>(header_.size() + body.size());
  meta->total_compressed_size += static_cast<int64_t>(header_.size() + n);
  return Status::OK();
}

Status ColumnChunkWriter::WriteDataPages(const Column& c, bool optional, size_t begin, size_t end,
                                         ValuesEncoder* encoder, PageSink* sink,
                                         ColumnMetaData* meta) {
  std::vector<uint8_t> levels;
  size_t page_begin = begin;
  while (page_begin < end) {
    size_t page_end = encoder->PageEnd(page_begin, end, options_.page_bytes);
    body_.clear();
    if (optional) {
      levels.resize(page_end - page_begin);
      for (size_t i = page_begin; i < page_end; ++i) {
        levels[i - page_begin] = c.IsNull(i) ? 0 : 1;
      }
      EncodeDefinitionLevels(levels.data(), levels.size(), &body_);
    }
    encoder->Encode(page_begin, page_end, &body_);
    PageHeader h;
    h.type = PageType::kDataPage;
    DataPageHeader dp;
    dp.num_values = static_cast<int32_t>(page_end - page_begin);
    dp.encoding = encoder->encoding();
    dp.definition_level_encoding = Encoding::kRle;
    dp.repetition_level_encoding = Encoding::kRle;
    h.data_page_header = dp;
    PQ_RETURN_IF_ERROR(WritePage(std::move(h), body_, sink, meta));
    page_begin = page_end;
  }
  return Status::OK();
}

Status ColumnChunkWriter::Write(const Field& field, const Column& c, size_t begin, size_t end,
                                PageSink* sink, ColumnChunk* out) {
  ColumnMetaData meta;
  meta.type = PhysicalTypeFor(field.type.id);
  meta.path_in_schema = {field.name};
  meta.codec = Codec::kZstd;
  meta.num_values = static_cast<int64_t>(end - begin);
  meta.statistics = ComputeStatistics(c, begin, end);
  const bool optional = field.nullable;

  DictionaryBuild dict = BuildDictionary(c, begin, end, options_.max_dictionary_bytes);
  std::vector<Encoding> encodings;
  if (optional) encodings.push_back(Encoding::kRle);
  if (dict.entries > 0) {
    meta.dictionary_page_offset = static_cast<int64_t>(sink->offset());
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.dictionary_page_header =
        DictionaryPageHeader{static_cast<int32_t>(dict.entries), Encoding::kPlain, std::nullopt};
    PQ_RETURN_IF_ERROR(WritePage(std::move(h), dict.page, sink, &meta));
    encodings.push_back(Encoding::kPlain);
    encodings.push_back(Encoding::kRleDictionary);
  }
  meta.data_page_offset = static_cast<int64_t>(sink->offset());
  if (dict.entries > 0) {
    DictionaryIndexEncoder enc(c, begin, dict.codes, dict.entries);
    PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, begin, dict.end, &enc, sink, &meta));
  }
  if (dict.end < end) {
    // What is not dictionary-encoded: DELTA_BINARY_PACKED for INT32/INT64
    // (ints, dates, decimals, timestamps), PLAIN for everything else.
    const PhysicalType physical = PhysicalTypeFor(field.type.id);
    if (physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64) {
      DeltaEncoder enc(c);
      PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, dict.end, end, &enc, sink, &meta));
      encodings.push_back(Encoding::kDeltaBinaryPacked);
    } else {
      PlainEncoder enc(c);
      PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, dict.end, end, &enc, sink, &meta));
      if (std::find(encodings.begin(), encodings.end(), Encoding::kPlain) == encodings.end()) {
        encodings.push_back(Encoding::kPlain);
      }
    }
  }
  std::sort(encodings.begin(), encodings.end());
  meta.encodings = std::move(encodings);
  out->file_offset = 0;
  out->meta_data = std::move(meta);
  return Status::OK();
}

}  // namespace tp::storage::parquet
