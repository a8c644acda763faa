// Column chunk decoding: page walk, decompression, levels and values. See
// page_decoder.h for the contract and the spec sections it follows.
#include "storage/parquet/page_decoder.h"

#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "storage/parquet/encoding.h"
#include "storage/parquet/thrift_compact.h"

namespace tp::storage::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are little-endian and copied as they are");

namespace {

// parquet.thrift `struct DataPageHeaderV2` (PageHeader field 8), which
// metadata.h only skips.
struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::kPlain;       // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  bool is_compressed = true;                  // 7 (default true)
};

// Reads field 8 of a serialized PageHeader.
Status DecodeDataPageHeaderV2(std::string_view header, DataPageHeaderV2* out) {
  CompactReader r(header);
  PQ_RETURN_IF_ERROR(r.StructBegin());
  bool found = false;
  for (;;) {
    CType t;
    int16_t id;
    PQ_RETURN_IF_ERROR(r.ReadFieldBegin(&t, &id));
    if (t == CType::kStop) break;
    if (id != 8 || t != CType::kStruct) {
      PQ_RETURN_IF_ERROR(r.Skip(t));
      continue;
    }
    found = true;
    PQ_RETURN_IF_ERROR(r.StructBegin());
    uint32_t seen = 0;
    for (;;) {
      CType t2;
      int16_t id2;
      PQ_RETURN_IF_ERROR(r.ReadFieldBegin(&t2, &id2));
      if (t2 == CType::kStop) break;
      if (id2 >= 1 && id2 <= 6) {
        if (t2 != CType::kI32) return CompactReader::WrongType(id2, t2, "i32");
        int32_t v;
        PQ_RETURN_IF_ERROR(r.ReadI32(&v));
        seen |= 1u << id2;
        switch (id2) {
          case 1:
            out->num_values = v;
            break;
          case 2:
            out->num_nulls = v;
            break;
          case 3:
            out->num_rows = v;
            break;
          case 4:
            out->encoding = static_cast<Encoding>(v);
            break;
          case 5:
            out->definition_levels_byte_length = v;
            break;
          default:
            out->repetition_levels_byte_length = v;
            break;
        }
      } else if (id2 == 7 && (t2 == CType::kBoolTrue || t2 == CType::kBoolFalse)) {
        out->is_compressed = CompactReader::FieldBoolValue(t2);
      } else {
        PQ_RETURN_IF_ERROR(r.Skip(t2));
      }
    }
    PQ_RETURN_IF_ERROR(r.StructEnd());
    if ((seen & 0x7E) != 0x7E) {
      return Status::Corruption("DataPageHeaderV2 lacks one of its required fields 1-6");
    }
  }
  PQ_RETURN_IF_ERROR(r.StructEnd());
  if (!found) return Status::Corruption("DATA_PAGE_V2 without a DataPageHeaderV2");
  return Status::OK();
}

enum class Storage { kU8, kI32, kI64, kF64, kStr };

Storage StorageOf(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return Storage::kU8;
    case TypeId::kInt32:
    case TypeId::kDate:
      return Storage::kI32;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return Storage::kI64;
    case TypeId::kFloat64:
      return Storage::kF64;
    case TypeId::kString:
      return Storage::kStr;
  }
  return Storage::kStr;
}

// Appends n rows: NULL where levels[i] == 0 (levels null: none), otherwise the
// next value, vals[k] or vals[idx[k]] when indices are given.
template <typename T, typename Put>
void Scatter(const uint8_t* levels, size_t n, const T* vals, const uint32_t* idx, Column* out,
             Put put) {
  if (levels == nullptr) {
    if (idx != nullptr) {
      for (size_t i = 0; i < n; ++i) put(vals[idx[i]]);
    } else {
      for (size_t i = 0; i < n; ++i) put(vals[i]);
    }
    return;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (levels[i] != 0) {
      put(idx != nullptr ? vals[idx[k]] : vals[k]);
      ++k;
    } else {
      out->AppendNull();
    }
  }
}

}  // namespace

Status Unsupported(const std::string& what) {
  return Status::InvalidArgument(what + " is not supported by tillpipe's Parquet reader");
}

Status CheckCodec(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
    case Codec::kZstd:
      return Status::OK();
    default:
      break;
  }
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                       "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  int32_t c = static_cast<int32_t>(codec);
  std::string name = c >= 0 && c < 8 ? kNames[c] : "#" + std::to_string(c);
  return Status::InvalidArgument("codec " + name +
                                 " is not supported; tillpipe reads ZSTD and UNCOMPRESSED "
                                 "Parquet (rewrite the file, e.g. in DuckDB: COPY ... TO "
                                 "'f.parquet' (FORMAT parquet, COMPRESSION zstd))");
}

size_t ChunkDecoder::Values::size(TypeId id) const {
  switch (StorageOf(id)) {
    case Storage::kU8:
      return u8.size();
    case Storage::kI32:
      return i32.size();
    case Storage::kI64:
      return i64.size();
    case Storage::kF64:
      return f64.size();
    case Storage::kStr:
      return str.size();
  }
  return 0;
}

ChunkDecoder::ChunkDecoder() = default;
ChunkDecoder::~ChunkDecoder() { ZSTD_freeDCtx(dctx_); }

Status ChunkDecoder::ReadValues(const LeafSpec& leaf, Codec codec, std::string_view chunk,
                                uint64_t file_offset, uint64_t rows, Column* out) {
  return Run(leaf, codec, chunk, file_offset, rows, out, nullptr, nullptr);
}

Status ChunkDecoder::ReadCodes(const LeafSpec& leaf, Codec codec, std::string_view chunk,
                               uint64_t file_offset, uint64_t rows, Column* dictionary,
                               std::vector<uint32_t>* codes) {
  return Run(leaf, codec, chunk, file_offset, rows, nullptr, dictionary, codes);
}

Status ChunkDecoder::Decompress(Codec codec, std::string_view body, int64_t uncompressed_size,
                                std::string* buffer, std::string_view* out) {
  if (uncompressed_size < 0 || static_cast<uint64_t>(uncompressed_size) > kMaxPageBytes) {
    return Status::Corruption("page claims " + std::to_string(uncompressed_size) +
                              " uncompressed bytes");
  }
  const size_t size = static_cast<size_t>(uncompressed_size);
  if (codec == Codec::kUncompressed) {
    if (body.size() != size) {
      return Status::Corruption("uncompressed page of " + std::to_string(body.size()) +
                                " bytes claims " + std::to_string(size));
    }
    *out = body;
    return Status::OK();
  }
  if (codec != Codec::kZstd) return CheckCodec(codec);
  // Compression.md: ZSTD is RFC 8478 frames. A big claimed size must agree
  // with the frame header before it is allocated.
  if (size > (64u << 20)) {
    unsigned long long frame = ZSTD_getFrameContentSize(body.data(), body.size());
    if (frame != size) {
      return Status::Corruption("ZSTD page claims " + std::to_string(size) +
                                " bytes, its frame header disagrees");
    }
  }
  if (buffer->size() < size) buffer->resize(size);
  if (dctx_ == nullptr) {
    dctx_ = ZSTD_createDCtx();
    if (dctx_ == nullptr) return Status::IOError("cannot create a ZSTD decompression context");
  }
  size_t got = ZSTD_decompressDCtx(dctx_, buffer->data(), size, body.data(), body.size());
  if (ZSTD_isError(got)) {
    return Status::Corruption(std::string("ZSTD page does not decompress: ") +
                              ZSTD_getErrorName(got));
  }
  if (got != size) {
    return Status::Corruption("ZSTD page decompresses to " + std::to_string(got) +
                              " bytes, its header claims " + std::to_string(size));
  }
  *out = std::string_view(buffer->data(), size);
  return Status::OK();
}

// PLAIN (Encodings.md "Plain"), RLE for booleans ("Run Length Encoding /
// Bit-Packing Hybrid": a 4-byte length, then the hybrid at bit width 1),
// DELTA_BINARY_PACKED for INT32/INT64 and BYTE_STREAM_SPLIT for fixed-width
// numbers, converted to the target's storage.
Status ChunkDecoder::DecodeValues(const LeafSpec& leaf, Encoding encoding, std::string_view data,
                                  size_t n, Values* out) {
  const PhysicalType phys = leaf.physical;
  const Storage storage = StorageOf(leaf.type.id);
  const bool is_int = phys == PhysicalType::kInt32 || phys == PhysicalType::kInt64;
  if (encoding == Encoding::kPlain) {
    switch (phys) {
      case PhysicalType::kBoolean:
        return PlainDecodeBooleans(data, n, &out->u8);
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        if (data.size() / 4 < n) return Status::Corruption("PLAIN: page too short for its values");
        out->i32.resize(n);
        if (n > 0) std::memcpy(out->i32.data(), data.data(), n * 4);
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        if (data.size() / 8 < n) return Status::Corruption("PLAIN: page too short for its values");
        if (phys == PhysicalType::kDouble) {
          out->f64.resize(n);
          if (n > 0) std::memcpy(out->f64.data(), data.data(), n * 8);
          return Status::OK();
        }
        out->i64.resize(n);
        if (n > 0) std::memcpy(out->i64.data(), data.data(), n * 8);
        break;
      case PhysicalType::kByteArray:
        return PlainDecodeByteArrays(data, n, &out->str, nullptr);
      default:
        return Unsupported("physical type " + std::to_string(static_cast<int>(phys)));
    }
  } else if (encoding == Encoding::kRle && phys == PhysicalType::kBoolean) {
    size_t used;
    return DecodeDefinitionLevels(data, n, &out->u8, &used);
  } else if (encoding == Encoding::kByteStreamSplit &&
             (is_int || phys == PhysicalType::kFloat || phys == PhysicalType::kDouble)) {
    // Encodings.md "Byte Stream Split": K streams of n bytes, stream b
    // holding byte b of every value. Interleaved back, it is PLAIN.
    const size_t k = phys == PhysicalType::kInt32 || phys == PhysicalType::kFloat ? 4 : 8;
    if (data.size() / k < n) {
      return Status::Corruption("BYTE_STREAM_SPLIT: page too short for its values");
    }
    split_buffer_.resize(n * k);
    for (size_t b = 0; b < k; ++b) {
      const char* stream = data.data() + b * n;
      for (size_t i = 0; i < n; ++i) split_buffer_[i * k + b] = stream[i];
    }
    return DecodeValues(leaf, Encoding::kPlain, split_buffer_, n, out);
  } else if (encoding == Encoding::kDeltaBinaryPacked && is_int) {
    out->i64.resize(n);
    PQ_RETURN_IF_ERROR(DeltaBinaryPackedDecode(data, n, out->i64.data()));
    if (phys == PhysicalType::kInt32) {
      out->i32.resize(n);
      for (size_t i = 0; i < n; ++i) out->i32[i] = static_cast<int32_t>(out->i64[i]);
    }
  } else {
    return Unsupported(std::string("encoding ") + EncodingName(encoding) + " for this column");
  }
  // out->i32 (INT32 or FLOAT bits) or out->i64 (INT64) holds n stored values.
  if (phys == PhysicalType::kFloat) {
    out->f64.resize(n);
    for (size_t i = 0; i < n; ++i) out->f64[i] = std::bit_cast<float>(out->i32[i]);
  } else if (phys == PhysicalType::kInt32 && storage == Storage::kI64) {
    out->i64.resize(n);
    const bool zero_extend = leaf.conversion == Conversion::kUInt32ToInt64;
    for (size_t i = 0; i < n; ++i) {
      out->i64[i] = zero_extend ? static_cast<int64_t>(static_cast<uint32_t>(out->i32[i]))
                                : static_cast<int64_t>(out->i32[i]);
    }
  } else if (leaf.conversion == Conversion::kMillisToMicros) {
    for (size_t i = 0; i < n; ++i) {
      if (__builtin_mul_overflow(out->i64[i], int64_t{1000}, &out->i64[i])) {
        return Status::InvalidArgument("TIMESTAMP(MILLIS) value beyond the microsecond range");
      }
    }
  } else if (leaf.conversion == Conversion::kNanosToMicros) {
    for (size_t i = 0; i < n; ++i) {
      int64_t v = out->i64[i];
      int64_t q = v / 1000;
      if (v % 1000 < 0) --q;
      out->i64[i] = q;
    }
  }
  return Status::OK();
}

Status ChunkDecoder::Emit(const LeafSpec& leaf, const uint8_t* levels, size_t rows, size_t present,
                          const Values& values, const uint32_t* indices, Column* out) {
  if (indices == nullptr && values.size(leaf.type.id) < present) {
    return Status::Corruption("page holds fewer values than its non-NULL rows");
  }
  switch (StorageOf(leaf.type.id)) {
    case Storage::kU8:
      Scatter(levels, rows, values.u8.data(), indices, out,
              [out](uint8_t v) { out->AppendBool(v != 0); });
      break;
    case Storage::kI32:
      Scatter(levels, rows, values.i32.data(), indices, out,
              [out](int32_t v) { out->AppendInt32(v); });
      break;
    case Storage::kI64:
      Scatter(levels, rows, values.i64.data(), indices, out,
              [out](int64_t v) { out->AppendInt64(v); });
      break;
    case Storage::kF64:
      Scatter(levels, rows, values.f64.data(), indices, out,
              [out](double v) { out->AppendDouble(v); });
      break;
    case Storage::kStr: {
      // Column offsets are 32-bit: refuse a chunk of more than 4 GiB text.
      uint64_t bytes = out->string_bytes();
      if (indices != nullptr) {
        for (size_t k = 0; k < present; ++k) bytes += values.str[indices[k]].size();
      } else {
        for (size_t k = 0; k < present; ++k) bytes += values.str[k].size();
      }
      if (bytes > std::numeric_limits<uint32_t>::max()) {
        return Unsupported("a column chunk of more than 4 GiB of strings");
      }
      Scatter(levels, rows, values.str.data(), indices, out,
              [out](std::string_view v) { out->AppendString(v); });
      break;
    }
  }
  return Status::OK();
}

Status ChunkDecoder::Run(const LeafSpec& leaf, Codec codec, std::string_view chunk,
                         uint64_t file_offset, uint64_t rows, Column* out, Column* dictionary,
                         std::vector<uint32_t>* codes) {
  PQ_RETURN_IF_ERROR(CheckCodec(codec));
  const TypeId id = leaf.type.id;
  if (out != nullptr) out->Reserve(static_cast<size_t>(std::min<uint64_t>(rows, 1u << 20)));
  if (codes != nullptr) codes->reserve(static_cast<size_t>(std::min<uint64_t>(rows, 1u << 20)));
  dictionary_ = Values{};
  bool have_dictionary = false;
  bool seen_data = false;
  uint64_t done = 0;  // rows decoded
  size_t pos = 0;     // next page header in `chunk`

  // One data page's values, after its levels: `levels` (null for a REQUIRED
  // column) has `n` entries of which `present` are 1.
  auto page_values = [&](Encoding encoding, std::string_view data, size_t n, const uint8_t* levels,
                         size_t present) -> Status {
    if (encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary) {
      if (!have_dictionary) {
        return Status::Corruption("dictionary-encoded data page without a dictionary page");
      }
      PQ_RETURN_IF_ERROR(DecodeDictionaryIndices(data, present, &indices_));
      const size_t entries = dictionary_.size(id);
      uint32_t max_index = 0;
      for (uint32_t x : indices_) max_index = std::max(max_index, x);
      if (present > 0 && max_index >= entries) {
        return Status::Corruption("dictionary index " + std::to_string(max_index) +
                                  " out of range (the dictionary has " + std::to_string(entries) +
                                  " entries)");
      }
      if (codes == nullptr)
        return Emit(leaf, levels, n, present, dictionary_, indices_.data(), out);
      if (levels == nullptr) {
        codes->insert(codes->end(), indices_.begin(), indices_.end());
      } else {
        size_t k = 0;
        for (size_t i = 0; i < n; ++i) {
          codes->push_back(levels[i] != 0 ? indices_[k++] : std::numeric_limits<uint32_t>::max());
        }
      }
      return Status::OK();
    }
    if (codes != nullptr) {
      return Status::NotFound(std::string("a data page is ") + EncodingName(encoding) +
                              ", not dictionary-encoded");
    }
    PQ_RETURN_IF_ERROR(DecodeValues(leaf, encoding, data, present, &values_));
    return Emit(leaf, levels, n, present, values_, nullptr, out);
  };

  while (done < rows) {
    const std::string prefix = "page at offset " + std::to_string(file_offset + pos) + ": ";
    if (pos >= chunk.size()) {
      return Status::Corruption("column chunk at offset " + std::to_string(file_offset) +
                                " ends after " + std::to_string(done) + " of its " +
                                std::to_string(rows) + " rows");
    }
    PageHeader ph;
    size_t header_size = 0;
    Status s = Deserialize(chunk.substr(pos), &ph, &header_size);
    if (!s.ok()) return Status::Corruption(prefix + "bad page header: " + s.message());
    if (ph.compressed_page_size < 0 ||
        static_cast<uint64_t>(ph.compressed_page_size) > chunk.size() - pos - header_size) {
      return Status::Corruption(prefix + "page body of " + std::to_string(ph.compressed_page_size) +
                                " bytes runs past its column chunk");
    }
    const std::string_view header = chunk.substr(pos, header_size);
    const std::string_view body =
        chunk.substr(pos + header_size, static_cast<size_t>(ph.compressed_page_size));
    pos += header_size + body.size();

    Status st;
    std::string_view data;
    if (ph.type == PageType::kDictionaryPage) {
      // README.md "Column chunks": at most one dictionary page, first.
      if (seen_data || have_dictionary) {
        return Status::Corruption(prefix + "dictionary page after the chunk's first page");
      }
      if (!ph.dictionary_page_header) {
        return Status::Corruption(prefix + "dictionary page without its DictionaryPageHeader");
      }
      const DictionaryPageHeader& dh = *ph.dictionary_page_header;
      if (dh.encoding != Encoding::kPlain && dh.encoding != Encoding::kPlainDictionary) {
        return Unsupported(std::string("a dictionary page in ") + EncodingName(dh.encoding))
            .Prefixed(prefix);
      }
      if (dh.num_values < 0) return Status::Corruption(prefix + "negative dictionary size");
      st = Decompress(codec, body, ph.uncompressed_page_size, &dict_buffer_, &data);
      if (st.ok()) {
        st = DecodeValues(leaf, Encoding::kPlain, data, static_cast<size_t>(dh.num_values),
                          &dictionary_);
      }
      have_dictionary = true;
    } else if (ph.type == PageType::kDataPage) {
      seen_data = true;
      if (!ph.data_page_header) {
        return Status::Corruption(prefix + "data page without its DataPageHeader");
      }
      const DataPageHeader& dp = *ph.data_page_header;
      if (dp.num_values < 0 || static_cast<uint64_t>(dp.num_values) > rows - done) {
        return Status::Corruption(prefix + "page of " + std::to_string(dp.num_values) +
                                  " values where " + std::to_string(rows - done) +
                                  " rows are left in the row group");
      }
      const size_t n = static_cast<size_t>(dp.num_values);
      st = Decompress(codec, body, ph.uncompressed_page_size, &page_buffer_, &data);
      const uint8_t* levels = nullptr;
      size_t present = n;
      if (st.ok() && leaf.optional) {
        // Data page v1: definition levels first, u32 length + hybrid.
        if (dp.definition_level_encoding != Encoding::kRle) {
          st = Unsupported(std::string("definition levels in ") +
                           EncodingName(dp.definition_level_encoding));
        } else {
          size_t used = 0;
          st = DecodeDefinitionLevels(data, n, &levels_, &used);
          data.remove_prefix(std::min(used, data.size()));
          if (st.ok()) {
            levels = levels_.data();
            present = static_cast<size_t>(std::count(levels_.begin(), levels_.end(), 1));
          }
        }
      }
      if (st.ok()) st = page_values(dp.encoding, data, n, levels, present);
      done += n;
    } else if (ph.type == PageType::kDataPageV2) {
      seen_data = true;
      DataPageHeaderV2 v2;
      st = DecodeDataPageHeaderV2(header, &v2);
      if (!st.ok()) return Status::Corruption(prefix + "bad page header: " + st.message());
      const int64_t rep_len = v2.repetition_levels_byte_length;
      const int64_t def_len = v2.definition_levels_byte_length;
      if (v2.num_values < 0 || static_cast<uint64_t>(v2.num_values) > rows - done ||
          v2.num_rows != v2.num_values || v2.num_nulls < 0 || v2.num_nulls > v2.num_values ||
          rep_len < 0 || def_len < 0 || rep_len + def_len > static_cast<int64_t>(body.size()) ||
          rep_len + def_len > ph.uncompressed_page_size || (!leaf.optional && v2.num_nulls != 0)) {
        return Status::Corruption(prefix + "inconsistent DataPageHeaderV2");
      }
      const size_t n = static_cast<size_t>(v2.num_values);
      const uint8_t* levels = nullptr;
      size_t present = n;
      if (leaf.optional) {
        // Data page v2: levels uncompressed, without a length prefix.
        scratch_.resize(n);
        st = RleBitPackedDecode(
            body.substr(static_cast<size_t>(rep_len), static_cast<size_t>(def_len)), 1, n,
            scratch_.data());
        levels_.assign(scratch_.begin(), scratch_.end());
        levels = levels_.data();
        present = static_cast<size_t>(std::count(levels_.begin(), levels_.end(), 1));
        if (st.ok() && present != n - static_cast<size_t>(v2.num_nulls)) {
          st = Status::Corruption("definition levels disagree with num_nulls");
        }
      }
      std::string_view values_body = body.substr(static_cast<size_t>(rep_len + def_len));
      const int64_t values_size = ph.uncompressed_page_size - rep_len - def_len;
      if (st.ok()) {
        st = v2.is_compressed
                 ? Decompress(codec, values_body, values_size, &page_buffer_, &data)
                 : Decompress(Codec::kUncompressed, values_body, values_size, &page_buffer_, &data);
      }
      if (st.ok()) st = page_values(v2.encoding, data, n, levels, present);
      done += n;
    }
    // Other page types (INDEX_PAGE, ...) are skipped.
    if (!st.ok()) return st.Prefixed(prefix);
  }
  if (codes != nullptr) {
    if (!have_dictionary) return Status::NotFound("the column chunk has no dictionary page");
    const size_t entries = dictionary_.size(id);
    PQ_RETURN_IF_ERROR(Emit(leaf, nullptr, entries, entries, dictionary_, nullptr, dictionary));
  }
  return Status::OK();
}

}  // namespace tp::storage::parquet
