// Column chunk writing: value encoders, page cutting and compression. See
// column_writer.h and FORMAT.md.
#include "storage/parquet/column_writer.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "storage/parquet/dictionary.h"
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

// ---- scratch ----------------------------------------------------------------------

namespace {

template <typename T>
void DropIfOver(size_t max_bytes, T* buffer) {
  if (buffer->capacity() * sizeof((*buffer)[0]) > max_bytes) T().swap(*buffer);
}

}  // namespace

// Everything a chunk is encoded with besides its column: the dictionary,
// page buffers and the zstd context.
struct ChunkScratch {
  ChunkScratch() : cctx(ZSTD_createCCtx()) {}
  ~ChunkScratch() { ZSTD_freeCCtx(cctx); }
  ChunkScratch(const ChunkScratch&) = delete;
  ChunkScratch& operator=(const ChunkScratch&) = delete;

  // Frees what one big chunk left oversized, so that a pooled scratch
  // keeps a few MiB at most.
  void Trim() {
    constexpr size_t kMaxBytes = size_t{4} << 20;
    DropIfOver(kMaxBytes, &body);
    DropIfOver(kMaxBytes, &compressed);
    DropIfOver(kMaxBytes, &levels);
    DropIfOver(kMaxBytes, &page_codes);
    DropIfOver(kMaxBytes, &page_ints32);
    DropIfOver(kMaxBytes, &page_ints64);
    DropIfOver(kMaxBytes, &page_bools);
    dictionary.Trim(kMaxBytes);
    // High zstd levels keep large match tables; start those afresh.
    if (cctx != nullptr && ZSTD_sizeof_CCtx(cctx) > 4 * kMaxBytes) {
      ZSTD_freeCCtx(cctx);
      cctx = ZSTD_createCCtx();
    }
  }

  ZSTD_CCtx* cctx;
  std::string body;        // uncompressed page body
  std::string compressed;  // compressed page body
  std::string header;      // serialized page header
  std::vector<uint8_t> levels;
  DictionaryBuilder dictionary;
  // The non-NULL values of one page, for the values encoders.
  std::vector<uint32_t> page_codes;
  std::vector<int32_t> page_ints32;
  std::vector<int64_t> page_ints64;
  std::vector<uint8_t> page_bools;
};

namespace {

// Writers are made per file, and materialization writes many small files:
// allocating (and page-faulting) fresh buffers and a zstd context for each
// costs more than encoding their few rows. A writer takes a scratch from
// here and gives it back when destroyed. The pool keeps at most as many as
// were ever in use at once, up to kMaxPooled.
class ScratchPool {
 public:
  static ScratchPool& Get() {
    static ScratchPool* pool = new ScratchPool;  // never destroyed: writers may outlive statics
    return *pool;
  }

  std::unique_ptr<ChunkScratch> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        std::unique_ptr<ChunkScratch> s = std::move(free_.back());
        free_.pop_back();
        return s;
      }
    }
    return std::make_unique<ChunkScratch>();
  }

  void Give(std::unique_ptr<ChunkScratch> s) {
    if (s == nullptr) return;
    s->Trim();
    std::lock_guard<std::mutex> lock(mu_);
    if (free_.size() < kMaxPooled) free_.push_back(std::move(s));
  }

 private:
  static constexpr size_t kMaxPooled = 4;
  std::mutex mu_;
  std::vector<std::unique_ptr<ChunkScratch>> free_;
};

// ---- value encoders ------------------------------------------------------------------

class PlainEncoder final : public ValuesEncoder {
 public:
  PlainEncoder(const Column& c, std::vector<uint8_t>* bools)
      : c_(c), width_(Column::FixedWidth(c.type().id)), bools_(*bools) {}
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
    const uint8_t* valid = c_.validity();
    switch (c_.type().id) {
      case TypeId::kString:
        return EncodeStrings(valid, begin, end, out);
      case TypeId::kBool: {
        const uint8_t* v = c_.data<uint8_t>();
        if (valid == nullptr) return PlainEncodeBooleans(v + begin, end - begin, out);
        bools_.clear();
        for (size_t i = begin; i < end; ++i) {
          if (valid[i] != 0) bools_.push_back(v[i]);
        }
        return PlainEncodeBooleans(bools_.data(), bools_.size(), out);
      }
      default: {
        const char* v = c_.data<char>();
        if (valid == nullptr) return PlainEncodeFixed(v + begin * width_, width_, end - begin, out);
        for (size_t i = begin; i < end; ++i) {
          if (valid[i] != 0) out->append(v + i * width_, width_);
        }
      }
    }
  }

 private:
  // PLAIN BYTE_ARRAYs (see PlainEncodeByteArray), sized once and then
  // filled: appending value by value checks capacity twice per value.
  void EncodeStrings(const uint8_t* valid, size_t begin, size_t end, std::string* out) const {
    size_t bytes = 0;
    for (size_t i = begin; i < end; ++i) {
      if (valid == nullptr || valid[i] != 0) bytes += 4 + c_.GetString(i).size();
    }
    const size_t at = out->size();
    out->resize(at + bytes);
    char* p = out->data() + at;
    for (size_t i = begin; i < end; ++i) {
      if (valid != nullptr && valid[i] == 0) continue;
      const std::string_view v = c_.GetString(i);
      const uint32_t n = static_cast<uint32_t>(v.size());
      p[0] = static_cast<char>(n);
      p[1] = static_cast<char>(n >> 8);
      p[2] = static_cast<char>(n >> 16);
      p[3] = static_cast<char>(n >> 24);
      if (n > 0) std::memcpy(p + 4, v.data(), n);
      p += 4 + n;
    }
  }

  const Column& c_;
  size_t width_;
  std::vector<uint8_t>& bools_;
};

class DictionaryIndexEncoder final : public ValuesEncoder {
 public:
  // `codes` hold one index per row from row `first_row` on.
  DictionaryIndexEncoder(const Column& c, size_t first_row, const uint32_t* codes, uint32_t entries,
                         std::vector<uint32_t>* scratch)
      : c_(c),
        first_(first_row),
        codes_(codes),
        bit_width_(BitWidthFor(entries - 1)),
        scratch_(*scratch) {}
  Encoding encoding() const override { return Encoding::kRleDictionary; }

  size_t PageEnd(size_t begin, size_t end, size_t target) const override {
    size_t rows = target * 8 / static_cast<size_t>(bit_width_);
    return begin + std::clamp<size_t>(rows, 1, end - begin);
  }

  void Encode(size_t begin, size_t end, std::string* out) override {
    const uint8_t* valid = c_.validity();
    if (valid == nullptr) {
      return EncodeDictionaryIndices(codes_ + (begin - first_), end - begin, bit_width_, out);
    }
    scratch_.clear();
    for (size_t i = begin; i < end; ++i) {
      if (valid[i] != 0) scratch_.push_back(codes_[i - first_]);
    }
    EncodeDictionaryIndices(scratch_.data(), scratch_.size(), bit_width_, out);
  }

 private:
  const Column& c_;
  size_t first_;
  const uint32_t* codes_;
  int bit_width_;
  std::vector<uint32_t>& scratch_;
};

// DELTA_BINARY_PACKED for INT32/INT64 columns without a dictionary. Each
// page is one self-contained delta stream of its non-NULL values.
class DeltaEncoder final : public ValuesEncoder {
 public:
  DeltaEncoder(const Column& c, std::vector<int32_t>* scratch32, std::vector<int64_t>* scratch64)
      : c_(c),
        wide_(PhysicalTypeFor(c.type().id) == PhysicalType::kInt64),
        scratch32_(*scratch32),
        scratch64_(*scratch64) {}
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
    const uint8_t* valid = c_.validity();
    if (valid == nullptr) return DeltaBinaryPackedEncode(v + begin, end - begin, out);
    scratch->clear();
    for (size_t i = begin; i < end; ++i) {
      if (valid[i] != 0) scratch->push_back(v[i]);
    }
    DeltaBinaryPackedEncode(scratch->data(), scratch->size(), out);
  }

  const Column& c_;
  bool wide_;
  std::vector<int32_t>& scratch32_;
  std::vector<int64_t>& scratch64_;
};

}  // namespace

// ---- ColumnChunkWriter ----------------------------------------------------------------

ColumnChunkWriter::ColumnChunkWriter(ChunkOptions options)
    : options_(options), scratch_(ScratchPool::Get().Take()) {}

ColumnChunkWriter::~ColumnChunkWriter() { ScratchPool::Get().Give(std::move(scratch_)); }

Status ColumnChunkWriter::WritePage(PageHeader header, const std::string& body, PageSink* sink,
                                    ColumnMetaData* meta) {
  ChunkScratch& s = *scratch_;
  constexpr size_t kMaxPage = std::numeric_limits<int32_t>::max();
  size_t bound = ZSTD_compressBound(body.size());
  if (body.size() > kMaxPage || bound > kMaxPage) {
    return Status::InvalidArgument("parquet: a page of column '" + meta->path_in_schema[0] +
                                   "' would hold " + std::to_string(body.size()) +
                                   " bytes, more than a page can (2 GiB)");
  }
  if (s.cctx == nullptr) return Status::IOError("zstd: cannot create a compression context");
  s.compressed.resize(bound);
  size_t n = ZSTD_compressCCtx(s.cctx, s.compressed.data(), bound, body.data(), body.size(),
                               options_.zstd_level);
  if (ZSTD_isError(n)) return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(n));
  s.compressed.resize(n);
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(n);
  s.header.clear();
  CompactWriter w(&s.header);
  Encode(&w, header);
  PQ_RETURN_IF_ERROR(sink->Append(s.header));
  PQ_RETURN_IF_ERROR(sink->Append(s.compressed));
  meta->total_uncompressed_size += static_cast<int64_t>(s.header.size() + body.size());
  meta->total_compressed_size += static_cast<int64_t>(s.header.size() + n);
  return Status::OK();
}

Status ColumnChunkWriter::WriteDataPages(const Column& c, bool optional, size_t begin, size_t end,
                                         ValuesEncoder* encoder, PageSink* sink,
                                         ColumnMetaData* meta) {
  ChunkScratch& s = *scratch_;
  const uint8_t* valid = c.validity();
  size_t page_begin = begin;
  while (page_begin < end) {
    size_t page_end = encoder->PageEnd(page_begin, end, options_.page_bytes);
    s.body.clear();
    if (optional) {
      // Validity bytes are the definition levels (1 = present, 0 = NULL).
      if (valid == nullptr) {
        s.levels.assign(page_end - page_begin, 1);
      } else {
        s.levels.assign(valid + page_begin, valid + page_end);
      }
      EncodeDefinitionLevels(s.levels.data(), s.levels.size(), &s.body);
    }
    encoder->Encode(page_begin, page_end, &s.body);
    PageHeader h;
    h.type = PageType::kDataPage;
    DataPageHeader dp;
    dp.num_values = static_cast<int32_t>(page_end - page_begin);
    dp.encoding = encoder->encoding();
    dp.definition_level_encoding = Encoding::kRle;
    dp.repetition_level_encoding = Encoding::kRle;
    h.data_page_header = dp;
    PQ_RETURN_IF_ERROR(WritePage(std::move(h), s.body, sink, meta));
    page_begin = page_end;
  }
  return Status::OK();
}

Status ColumnChunkWriter::Write(const Field& field, const Column& c, size_t begin, size_t end,
                                PageSink* sink, ColumnChunk* out) {
  ChunkScratch& s = *scratch_;
  ColumnMetaData meta;
  meta.type = PhysicalTypeFor(field.type.id);
  meta.path_in_schema = {field.name};
  meta.codec = Codec::kZstd;
  meta.num_values = static_cast<int64_t>(end - begin);
  const bool optional = field.nullable;

  DictionaryBuilder& dict = s.dictionary;
  dict.Build(c, begin, end, options_.max_dictionary_bytes);
  const size_t dict_end = dict.covered_end();
  // A dictionary covering the chunk holds every distinct non-NULL value:
  // the bounds come cheaper from its entries than from every row.
  meta.statistics =
      dict.entries() > 0 && dict_end == end
          ? dict.StatisticsOfEntries(c, static_cast<int64_t>(CountNulls(c, begin, end)))
          : ComputeStatistics(c, begin, end);
  std::vector<Encoding> encodings;
  if (optional) encodings.push_back(Encoding::kRle);
  if (dict.entries() > 0) {
    meta.dictionary_page_offset = static_cast<int64_t>(sink->offset());
    PageHeader h;
    h.type = PageType::kDictionaryPage;
    h.dictionary_page_header =
        DictionaryPageHeader{static_cast<int32_t>(dict.entries()), Encoding::kPlain, std::nullopt};
    PQ_RETURN_IF_ERROR(WritePage(std::move(h), dict.page(), sink, &meta));
    encodings.push_back(Encoding::kPlain);
    encodings.push_back(Encoding::kRleDictionary);
  }
  meta.data_page_offset = static_cast<int64_t>(sink->offset());
  if (dict.entries() > 0) {
    DictionaryIndexEncoder enc(c, begin, dict.codes(), dict.entries(), &s.page_codes);
    PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, begin, dict_end, &enc, sink, &meta));
  }
  if (dict_end < end) {
    // What is not dictionary-encoded: DELTA_BINARY_PACKED for INT32/INT64
    // (ints, dates, decimals, timestamps), PLAIN for everything else.
    const PhysicalType physical = PhysicalTypeFor(field.type.id);
    if (physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64) {
      DeltaEncoder enc(c, &s.page_ints32, &s.page_ints64);
      PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, dict_end, end, &enc, sink, &meta));
      encodings.push_back(Encoding::kDeltaBinaryPacked);
    } else {
      PlainEncoder enc(c, &s.page_bools);
      PQ_RETURN_IF_ERROR(WriteDataPages(c, optional, dict_end, end, &enc, sink, &meta));
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
