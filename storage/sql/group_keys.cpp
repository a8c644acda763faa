#include "storage/sql/group_keys.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace tp::storage::sql::exec {

namespace {

// Strings up to this many bytes are stored in the key row itself; longer
// ones by their intern id after the kInterned marker.
constexpr size_t kInlineString = 15;
constexpr uint8_t kInterned = 0xFF;

size_t ValueWidth(SqlTypeId id) {
  switch (id) {
    case SqlTypeId::kNull: return 0;
    case SqlTypeId::kBool: return 1;
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate: return 4;
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
    case SqlTypeId::kFloat64: return 8;
    case SqlTypeId::kString: return 16;
    case SqlTypeId::kInterval: return sizeof(Interval);
  }
  return 0;
}

}  // namespace

StringIntern::StringIntern() : heap_(std::make_shared<StringHeap>()) {
  slots_.assign(64, 0);
  mask_ = slots_.size() - 1;
}

size_t StringIntern::bytes() const {
  return heap_->bytes() + views_.capacity() * (sizeof(std::string_view) + sizeof(uint64_t)) +
         slots_.capacity() * sizeof(uint32_t);
}

uint32_t StringIntern::Intern(std::string_view s) {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  size_t slot = h & mask_;
  while (slots_[slot] != 0) {
    const uint32_t id = slots_[slot] - 1;
    if (hashes_[id] == h && views_[id] == s) return id;
    slot = (slot + 1) & mask_;
  }
  const uint32_t id = static_cast<uint32_t>(views_.size());
  views_.push_back(heap_->Add(s));
  hashes_.push_back(h);
  slots_[slot] = id + 1;
  if (views_.size() * 2 > slots_.size()) Grow();
  return id;
}

uint32_t StringIntern::Find(std::string_view s) const {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  for (size_t slot = h & mask_; slots_[slot] != 0; slot = (slot + 1) & mask_) {
    const uint32_t id = slots_[slot] - 1;
    if (hashes_[id] == h && views_[id] == s) return id;
  }
  return kNotFound;
}

void StringIntern::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t id = 0; id < views_.size(); ++id) {
    size_t slot = hashes_[id] & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = id + 1;
  }
}

KeyEncoder::KeyEncoder(std::vector<SqlType> types) : types_(std::move(types)) {
  for (const SqlType& t : types_) {
    offsets_.push_back(width_);
    width_ += 1 + ValueWidth(t.id);
  }
}

void KeyEncoder::Encode(const std::vector<const Vector*>& keys, size_t n, uint8_t* rows,
                        uint8_t* unknown) {
  const size_t w = width_;
  std::memset(rows, 0, n * w);
  for (size_t k = 0; k < types_.size(); ++k) {
    const Vector& v = *keys[k];
    uint8_t* base = rows + offsets_[k];
    const uint8_t* valid = v.validity();
    for (size_t i = 0; i < n; ++i) {
      if (valid != nullptr && valid[i] == 0) base[i * w] = 1;
    }
    uint8_t* dst = base + 1;
    switch (types_[k].id) {
      case SqlTypeId::kNull:
        break;
      case SqlTypeId::kBool:
        for (size_t i = 0; i < n; ++i) dst[i * w] = v.data<uint8_t>()[i] != 0 ? 1 : 0;
        break;
      case SqlTypeId::kInt32:
      case SqlTypeId::kDate:
        for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * w, v.data<int32_t>() + i, 4);
        break;
      case SqlTypeId::kInt64:
      case SqlTypeId::kDecimal:
      case SqlTypeId::kTimestamp:
        for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * w, v.data<int64_t>() + i, 8);
        break;
      case SqlTypeId::kFloat64:
        for (size_t i = 0; i < n; ++i) {
          double d = v.data<double>()[i];
          if (d == 0.0) d = 0.0;  // -0.0 is 0.0
          if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
          std::memcpy(dst + i * w, &d, 8);
        }
        break;
      case SqlTypeId::kString: {
        const auto* s = v.data<std::string_view>();
        for (size_t i = 0; i < n; ++i) {
          if (valid != nullptr && valid[i] == 0) continue;
          uint8_t* d = dst + i * w;
          if (s[i].size() <= kInlineString) {  // length, then the bytes, zero padded
            d[0] = static_cast<uint8_t>(s[i].size());
            if (!s[i].empty()) std::memcpy(d + 1, s[i].data(), s[i].size());
          } else {  // a marker, then the intern id
            d[0] = kInterned;
            uint32_t id;
            if (unknown == nullptr) {
              id = intern_.Intern(s[i]);
            } else if ((id = intern_.Find(s[i])) == StringIntern::kNotFound) {
              unknown[i] = 1;
            }
            std::memcpy(d + 1, &id, 4);
          }
        }
        break;
      }
      case SqlTypeId::kInterval:
        for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * w, v.data<Interval>() + i, 16);
        break;
    }
    if (valid != nullptr) {  // NULL rows hold zero bytes after the flag
      const size_t vw = ValueWidth(types_[k].id);
      for (size_t i = 0; i < n; ++i) {
        if (valid[i] == 0) std::memset(dst + i * w, 0, vw);
      }
    }
  }
}

void KeyEncoder::Translate(const KeyEncoder& other, const uint8_t* row, uint8_t* out) {
  std::memcpy(out, row, width_);
  for (size_t k = 0; k < types_.size(); ++k) {
    if (types_[k].id != SqlTypeId::kString || row[offsets_[k]] != 0 ||
        row[offsets_[k] + 1] != kInterned) {
      continue;
    }
    uint32_t id;
    std::memcpy(&id, row + offsets_[k] + 2, 4);
    id = intern_.Intern(other.intern_.Get(id));
    std::memcpy(out + offsets_[k] + 2, &id, 4);
  }
}

void KeyEncoder::Decode(const uint8_t* rows, size_t n, std::vector<Vector>* out,
                        size_t stride) const {
  out->resize(types_.size());
  const size_t w = stride == 0 ? width_ : stride;
  for (size_t k = 0; k < types_.size(); ++k) {
    Vector& v = (*out)[k];
    v.Reset(types_[k], n);
    const uint8_t* base = rows + offsets_[k];
    const uint8_t* src = base + 1;
    for (size_t i = 0; i < n; ++i) {
      if (base[i * w] != 0) v.SetNull(i);
    }
    switch (types_[k].id) {
      case SqlTypeId::kNull:
        v.SetAllNull();
        break;
      case SqlTypeId::kBool:
        for (size_t i = 0; i < n; ++i) v.data<uint8_t>()[i] = src[i * w];
        break;
      case SqlTypeId::kInt32:
      case SqlTypeId::kDate:
        for (size_t i = 0; i < n; ++i) std::memcpy(v.data<int32_t>() + i, src + i * w, 4);
        break;
      case SqlTypeId::kInt64:
      case SqlTypeId::kDecimal:
      case SqlTypeId::kTimestamp:
      case SqlTypeId::kFloat64:
        for (size_t i = 0; i < n; ++i) std::memcpy(v.data<int64_t>() + i, src + i * w, 8);
        break;
      case SqlTypeId::kString: {
        auto* s = v.data<std::string_view>();
        for (size_t i = 0; i < n; ++i) {
          const uint8_t* d = src + i * w;
          if (base[i * w] != 0) {
            s[i] = std::string_view();
          } else if (d[0] == kInterned) {
            uint32_t id;
            std::memcpy(&id, d + 1, 4);
            s[i] = intern_.Get(id);
          } else {
            s[i] = v.AddString(std::string_view(reinterpret_cast<const char*>(d + 1), d[0]));
          }
        }
        v.KeepAlive(intern_.storage());
        break;
      }
      case SqlTypeId::kInterval:
        for (size_t i = 0; i < n; ++i) std::memcpy(v.data<Interval>() + i, src + i * w, 16);
        break;
    }
  }
}

KeyRowTable::KeyRowTable(size_t width, size_t payload, size_t payload_align) : width_(width) {
  const size_t align = std::max<size_t>(payload_align, 1);
  payload_offset_ = payload == 0 ? width : (width + align - 1) / align * align;
  stride_ = payload == 0 ? width : (payload_offset_ + payload + align - 1) / align * align;
  Rehash(1024);
}

size_t KeyRowTable::bytes() const {
  return blocks_.size() * kRowsPerBlock * stride_ + slots_.capacity() * sizeof(uint64_t);
}

uint64_t KeyRowTable::Hash(const uint8_t* row) const {
  return width_ == 0 ? 0 : XXH3_64bits(row, width_);
}

// A slot holds id + 1 in its low 32 bits (0 = empty) and the row hash's
// high 32 bits above, so most probes that miss never touch the rows. A row
// starts probing at the slot its hash's top bits name, so growing the
// table re-places slots from the hash bits they hold: no row is read (each
// would be a cache miss) and no row hashed again.
void KeyRowTable::FindOrInsert(const uint8_t* rows, size_t n, uint32_t* ids) {
  Probe<true>(rows, n, ids);
}

void KeyRowTable::Find(const uint8_t* rows, size_t n, uint32_t* ids) { Probe<false>(rows, n, ids); }

template <bool kInsert>
void KeyRowTable::Probe(const uint8_t* rows, size_t n, uint32_t* ids) {
  constexpr uint64_t kHigh = 0xFFFFFFFF00000000ULL;
  const size_t w = width_;
  scratch_.resize(n);
  for (size_t i = 0; i < n; ++i) scratch_[i] = Hash(rows + i * w);
  // A big table misses the cache on every probe (slot, then row): fetch
  // the whole batch's slots, then the rows they name, before probing, so
  // the misses overlap instead of queueing one after the other.
  if (slots_.size() > 4096) {
    for (size_t i = 0; i < n; ++i) __builtin_prefetch(&slots_[scratch_[i] >> shift_]);
    if (stride_ > 0) {
      for (size_t i = 0; i < n; ++i) {
        const uint64_t e = slots_[scratch_[i] >> shift_];
        if (e != 0) __builtin_prefetch(Row(static_cast<uint32_t>(e) - 1));
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const uint64_t h = scratch_[i];
    const uint8_t* row = rows + i * w;
    size_t slot = h >> shift_;
    while (true) {
      const uint64_t e = slots_[slot];
      if (e == 0) {
        if (!kInsert) {
          ids[i] = kMissing;
          break;
        }
        const uint32_t id = static_cast<uint32_t>(size_);
        if (stride_ > 0) {
          if (id % kRowsPerBlock == 0) {
            blocks_.emplace_back(new (std::align_val_t(64)) uint8_t[kRowsPerBlock * stride_]);
          }
          std::memcpy(blocks_.back().get() + (id % kRowsPerBlock) * stride_, row, w);
        }
        ++size_;
        slots_[slot] = (h & kHigh) | (uint64_t{id} + 1);
        ids[i] = id;
        // At most 3/4 full: misses stop at the hash bits in the slot.
        if (size_ * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
        break;
      }
      const uint32_t id = static_cast<uint32_t>(e) - 1;
      if ((e & kHigh) == (h & kHigh) && (w == 0 || std::memcmp(Row(id), row, w) == 0)) {
        ids[i] = id;
        break;
      }
      slot = (slot + 1) & mask_;
    }
  }
}

void KeyRowTable::Reserve(size_t rows) {
  size_t capacity = slots_.size();
  while (rows * 4 > capacity * 3) capacity *= 2;
  if (capacity != slots_.size()) Rehash(capacity);
}

void KeyRowTable::Rehash(size_t capacity) {
  int bits = 0;
  while ((size_t{1} << bits) < capacity) ++bits;
  if (bits > 32) std::abort();  // ids are 32-bit: never this many rows
  std::vector<uint64_t> old(size_t{1} << bits, 0);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  shift_ = 64 - bits;
  for (const uint64_t e : old) {  // the top bits of e are the row hash's
    if (e == 0) continue;
    size_t slot = e >> shift_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = e;
  }
}

}  // namespace tp::storage::sql::exec
