// The kernels of the aggregate function library (binding is in
// aggregates.cpp, which calls the factories at the end of this file).
//
// A kernel is an "op" over one argument value type (count, sum, avg, min,
// max, approx_count_distinct) or two (arg_min, arg_max) with a State that
// lives in the caller's memory; adapters turn an op into the function
// pointers of AggregateFunction: a vectorized update loop per physical
// argument type that skips NULL rows (and keeps the state in registers when
// every row of the batch shares it), a combine and a finalize. DISTINCT
// wraps an op: the state holds a set of the values seen (aggregates_sets.cpp)
// and finalize folds the set through the op. States only need 8-byte
// alignment; finalize does not change a state, so a window may finalize,
// update further and finalize again.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "storage/sql/aggregates.h"
#include "storage/sql/functions_internal.h"
#include "storage/sql/vector.h"

namespace tp::storage::sql {

// Defined in aggregates_sets.cpp.
namespace aggregate_sets {
struct KeySet;
KeySet* NewKeySet();
void Delete(KeySet* s);
size_t Size(const KeySet* s);
void Insert(KeySet* s, uint64_t key);
void Keys(const KeySet* s, std::vector<uint64_t>* out);
void Merge(KeySet* dst, KeySet* src);
struct BytesSet;
BytesSet* NewBytesSet();
void Delete(BytesSet* s);
size_t Size(const BytesSet* s);
void Insert(BytesSet* s, std::string_view value);
void Values(const BytesSet* s, std::vector<std::string_view>* out);
void Merge(BytesSet* dst, BytesSet* src);
struct Sketch;
Sketch* NewSketch();
void Delete(Sketch* s);
void AddHash(Sketch* s, uint64_t hash);
void Merge(Sketch* dst, Sketch* src);
uint64_t Estimate(const Sketch* s);
uint64_t HashBytes(const void* data, size_t size);
}  // namespace aggregate_sets

namespace {

namespace sets = aggregate_sets;
using internal::IntervalKey;
using internal::SqlLt;

template <typename State>
State& As(uint8_t* p) {
  return *std::launder(reinterpret_cast<State*>(p));
}
template <typename State>
const State& As(const uint8_t* p) {
  return *std::launder(reinterpret_cast<const State*>(p));
}

// --- value helpers ------------------------------------------------------------

// What a state keeps of a value: strings are copied (the vector's bytes are
// not the state's to keep).
template <typename T>
struct StoredOf {
  using type = T;
};
template <>
struct StoredOf<std::string_view> {
  using type = std::string;
};
template <typename T>
using Stored = typename StoredOf<T>::type;

template <typename T>
void Store(T* dst, const T& v) {
  *dst = v;
}
inline void Store(std::string* dst, std::string_view v) { dst->assign(v.data(), v.size()); }

template <typename T>
const T& View(const T& v) {
  return v;
}
inline std::string_view View(const std::string& s) { return s; }

// Writes v to row `row` of `out` (strings into out's own heap).
template <typename T>
void Emit(Vector* out, size_t row, const T& v) {
  out->data<T>()[row] = v;
}
inline void Emit(Vector* out, size_t row, const std::string& v) {
  out->data<std::string_view>()[row] = out->AddString(v);
}

template <typename T>
void EmitNull(Vector* out, size_t row) {
  out->data<T>()[row] = T{};
  out->SetNull(row);
}
template <>
void EmitNull<std::string>(Vector* out, size_t row) {
  EmitNull<std::string_view>(out, row);
}

// A NULL row of whatever type `out` has.
void EmitNullOfType(Vector* out, size_t row) {
  switch (out->type().id) {
    case SqlTypeId::kNull:
    case SqlTypeId::kBool:
      return EmitNull<uint8_t>(out, row);
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate:
      return EmitNull<int32_t>(out, row);
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
      return EmitNull<int64_t>(out, row);
    case SqlTypeId::kFloat64:
      return EmitNull<double>(out, row);
    case SqlTypeId::kString:
      return EmitNull<std::string_view>(out, row);
    case SqlTypeId::kInterval:
      return EmitNull<Interval>(out, row);
  }
}

// A 128-bit running total kept as two 64-bit halves, so states need only
// 8-byte alignment.
struct Int128 {
  uint64_t lo = 0;
  int64_t hi = 0;

  void Add(int64_t v) {
    const uint64_t before = lo;
    lo += static_cast<uint64_t>(v);
    hi += (v >> 63) + (lo < before ? 1 : 0);
  }
  void Add(const Int128& o) {
    const uint64_t before = lo;
    lo += o.lo;
    hi += o.hi + (lo < before ? 1 : 0);
  }
  bool FitsInt64() const { return hi == (static_cast<int64_t>(lo) >> 63); }
  __int128 Get() const {
    return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(hi)) << 64) |
                                 lo);
  }
};

std::string Int128ToString(__int128 v, int scale) {
  const bool negative = v < 0;
  unsigned __int128 u =
      negative ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  while (scale > 0 && digits.size() <= static_cast<size_t>(scale)) digits.push_back('0');
  std::string out = negative ? "-" : "";
  for (size_t i = digits.size(); i-- > 0;) {
    out.push_back(digits[i]);
    if (scale > 0 && i == static_cast<size_t>(scale)) out.push_back('.');
  }
  return out;
}

// Neumaier's compensated sum: the rounding error of each addition is kept in
// `comp` and added back at the end.
struct CompensatedSum {
  double sum = 0;
  double comp = 0;

  void Add(double v) {
    const double t = sum + v;
    if (std::fabs(sum) >= std::fabs(v)) {
      comp += (sum - t) + v;
    } else {
      comp += (v - t) + sum;
    }
    sum = t;
  }
  void Add(const CompensatedSum& o) {
    Add(o.sum);
    comp += o.comp;
  }
  // Once the sum is infinite or NaN it stays so (and comp is meaningless).
  double Get() const { return std::isfinite(sum) ? sum + comp : sum; }
};

long double PowerOf10L(int n) {
  long double p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// --- ops ------------------------------------------------------------------------

// count(x) (and count(*) through UpdateCountStar): every value counts.
struct CountOp {
  struct State {
    int64_t n = 0;
  };
  template <typename T>
  static void Update(State& s, const T&) {
    ++s.n;
  }
  static void Combine(State& src, State& dst) { dst.n += src.n; }
  static Status Finalize(const State& s, Vector* out, size_t row) {
    Emit<int64_t>(out, row, s.n);
    return Status::OK();
  }
};

// sum and avg: a running total (Int128 of integers and unscaled decimals,
// CompensatedSum of doubles) and a count; Final makes the result of a
// non-empty state (empty ones are NULL).
template <typename Acc>
struct SumState {
  Acc sum;
  int64_t count = 0;
};

template <typename Acc, typename Final>
struct SumOp {
  using State = SumState<Acc>;
  template <typename T>
  static void Update(State& s, const T& v) {
    s.sum.Add(v);
    ++s.count;
  }
  static void Combine(State& src, State& dst) {
    dst.sum.Add(src.sum);
    dst.count += src.count;
  }
  static Status Finalize(const State& s, Vector* out, size_t row) {
    if (s.count == 0) {
      EmitNull<typename Final::Out>(out, row);
      return Status::OK();
    }
    return Final::Result(s, out, row);
  }
};

// sum of BOOLEAN, INTEGER, BIGINT -> BIGINT; of DECIMAL(p,s) -> DECIMAL(38,s).
struct IntTotal {
  using Out = int64_t;
  static Status Result(const SumState<Int128>& s, Vector* out, size_t row) {
    if (!s.sum.FitsInt64()) {
      const bool decimal = out->type().id == SqlTypeId::kDecimal;
      const int scale = decimal ? out->type().scale : 0;
      return Status::InvalidArgument(
          "Overflow in sum(): the total " + Int128ToString(s.sum.Get(), scale) +
          " does not fit in " +
          (decimal ? out->type().ToString() + " (held in 64 bits)" : std::string("BIGINT")) +
          "; cast the argument to DOUBLE to sum it approximately");
    }
    Emit<int64_t>(out, row, static_cast<int64_t>(s.sum.lo));
    return Status::OK();
  }
};

// avg of INTEGER, BIGINT and DECIMAL(p, kScale) -> DOUBLE: the exact total
// divided as DuckDB does, in long double.
template <int kScale>
struct IntMean {
  using Out = double;
  static Status Result(const SumState<Int128>& s, Vector* out, size_t row) {
    const long double divisor = static_cast<long double>(s.count) * PowerOf10L(kScale);
    Emit<double>(out, row, static_cast<double>(static_cast<long double>(s.sum.Get()) / divisor));
    return Status::OK();
  }
};

// avg of TIMESTAMP -> TIMESTAMP, truncated toward zero like DuckDB.
struct TimestampMean {
  using Out = int64_t;
  static Status Result(const SumState<Int128>& s, Vector* out, size_t row) {
    Emit<int64_t>(out, row, static_cast<int64_t>(s.sum.Get() / s.count));
    return Status::OK();
  }
};

struct DoubleTotal {
  using Out = double;
  static Status Result(const SumState<CompensatedSum>& s, Vector* out, size_t row) {
    Emit<double>(out, row, s.sum.Get());
    return Status::OK();
  }
};

struct DoubleMean {
  using Out = double;
  static Status Result(const SumState<CompensatedSum>& s, Vector* out, size_t row) {
    Emit<double>(out, row, s.sum.Get() / static_cast<double>(s.count));
    return Status::OK();
  }
};

using SumIntOp = SumOp<Int128, IntTotal>;
template <int kScale>
using AvgIntOp = SumOp<Int128, IntMean<kScale>>;
using AvgTimestampOp = SumOp<Int128, TimestampMean>;
using SumDoubleOp = SumOp<CompensatedSum, DoubleTotal>;
using AvgDoubleOp = SumOp<CompensatedSum, DoubleMean>;

// Whether `v` replaces `current` as the min (or max): strictly better, so
// the first of equal values is kept (DuckDB's ties).
template <bool kMax, typename T>
bool Better(const T& v, const T& current) {
  return kMax ? SqlLt(current, v) : SqlLt(v, current);
}

template <typename T, bool kMax>
struct MinMaxOp {
  struct State {
    Stored<T> value{};
    bool has = false;
  };
  static void Update(State& s, const T& v) {
    if (!s.has || Better<kMax>(v, View(s.value))) {
      Store(&s.value, v);
      s.has = true;
    }
  }
  static void Combine(State& src, State& dst) {
    if (src.has && (!dst.has || Better<kMax>(View(src.value), View(dst.value)))) {
      dst.value = std::move(src.value);
      dst.has = true;
    }
  }
  static Status Finalize(const State& s, Vector* out, size_t row) {
    if (s.has) {
      Emit(out, row, s.value);
    } else {
      EmitNull<Stored<T>>(out, row);
    }
    return Status::OK();
  }
};

// arg_min / arg_max(arg, val): rows where either is NULL are ignored (DuckDB).
template <typename A, typename V, bool kMax>
struct ArgOp {
  struct State {
    Stored<A> arg{};
    Stored<V> val{};
    bool has = false;
  };
  static void Update(State& s, const A& a, const V& v) {
    if (!s.has || Better<kMax>(v, View(s.val))) {
      Store(&s.arg, a);
      Store(&s.val, v);
      s.has = true;
    }
  }
  static void Combine(State& src, State& dst) {
    if (src.has && (!dst.has || Better<kMax>(View(src.val), View(dst.val)))) {
      dst.arg = std::move(src.arg);
      dst.val = std::move(src.val);
      dst.has = true;
    }
  }
  static Status Finalize(const State& s, Vector* out, size_t row) {
    if (s.has) {
      Emit(out, row, s.arg);
    } else {
      EmitNull<Stored<A>>(out, row);
    }
    return Status::OK();
  }
};

// --- canonical keys: equal values (SQL equality) have equal keys ---------------

inline uint64_t Key(uint8_t v) { return v; }
inline uint64_t Key(int32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(v)); }
inline uint64_t Key(int64_t v) { return static_cast<uint64_t>(v); }
inline uint64_t Key(double v) {
  if (v == 0.0) v = 0.0;                                            // -0 = 0
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();  // NaN = NaN
  return std::bit_cast<uint64_t>(v);
}

// The bytes that identify a string or interval value (`storage` holds an
// interval's).
inline std::string_view KeyBytes(std::string_view v, __int128*) { return v; }
inline std::string_view KeyBytes(const Interval& v, __int128* storage) {
  *storage = IntervalKey(v);
  return std::string_view(reinterpret_cast<const char*>(storage), sizeof(*storage));
}

template <typename T>
uint64_t HashValue(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, Interval>) {
    __int128 storage;
    const std::string_view b = KeyBytes(v, &storage);
    return sets::HashBytes(b.data(), b.size());
  } else {
    const uint64_t k = Key(v);
    return sets::HashBytes(&k, sizeof k);
  }
}

// approx_count_distinct: a sketch of value hashes, allocated at the first value.
struct ApproxOp {
  struct State {
    sets::Sketch* sketch = nullptr;
    State() = default;
    State(const State&) = delete;
    ~State() {
      if (sketch != nullptr) sets::Delete(sketch);
    }
  };
  template <typename T>
  static void Update(State& s, const T& v) {
    if (s.sketch == nullptr) s.sketch = sets::NewSketch();
    sets::AddHash(s.sketch, HashValue(v));
  }
  static void Combine(State& src, State& dst) {
    if (src.sketch == nullptr) return;
    if (dst.sketch == nullptr) {
      std::swap(dst.sketch, src.sketch);
    } else {
      sets::Merge(dst.sketch, src.sketch);
    }
  }
  static Status Finalize(const State& s, Vector* out, size_t row) {
    const uint64_t n = s.sketch == nullptr ? 0 : sets::Estimate(s.sketch);
    Emit<int64_t>(out, row, static_cast<int64_t>(n));
    return Status::OK();
  }
};

// --- adapters: ops to AggregateFunction pointers -----------------------------

struct Kernels {
  size_t state_size;
  size_t state_align;
  void (*init)(uint8_t*);
  Status (*update)(uint8_t* const*, const Vector* const*, size_t);
  Status (*combine)(uint8_t*, uint8_t*);
  Status (*finalize)(uint8_t* const*, size_t, Vector*);
  void (*destroy)(uint8_t*);
};

template <typename State>
void InitState(uint8_t* p) {
  new (p) State();
}
template <typename State>
void DestroyState(uint8_t* p) {
  As<State>(p).~State();
}

template <typename Op>
Status CombineStates(uint8_t* src, uint8_t* dst) {
  Op::Combine(As<typename Op::State>(src), As<typename Op::State>(dst));
  return Status::OK();
}

template <typename Op>
Status FinalizeStates(uint8_t* const* states, size_t count, Vector* out) {
  out->Reset(out->type(), count);
  for (size_t i = 0; i < count; ++i) {
    Status s = Op::Finalize(As<typename Op::State>(states[i]), out, i);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

bool AllSameState(uint8_t* const* states, size_t count) {
  bool same = true;
  for (size_t i = 1; i < count; ++i) same &= states[i] == states[0];
  return same;
}

// Folds rows into one state kept in registers: an aggregate without GROUP
// BY (every row shares the state) then runs at the speed of the op alone.
template <typename Op, typename T>
void UpdateOneState(uint8_t* state, const T* values, const uint8_t* valid, size_t count) {
  using State = typename Op::State;
  State local = As<State>(state);
  if (valid == nullptr) {
    for (size_t i = 0; i < count; ++i) Op::Update(local, values[i]);
  } else {
    for (size_t i = 0; i < count; ++i) {
      if (valid[i]) Op::Update(local, values[i]);
    }
  }
  As<State>(state) = local;
}

// One argument of physical type T; NULL rows skipped.
template <typename Op, typename T>
Status UpdateUnary(uint8_t* const* states, const Vector* const* args, size_t count) {
  using State = typename Op::State;
  const T* values = args[0]->template data<T>();
  const uint8_t* valid = args[0]->validity();
  if constexpr (std::is_trivially_copyable_v<State>) {
    if (count > 0 && AllSameState(states, count)) {
      UpdateOneState<Op, T>(states[0], values, valid, count);
      return Status::OK();
    }
  }
  if (valid == nullptr) {
    for (size_t i = 0; i < count; ++i) Op::Update(As<State>(states[i]), values[i]);
  } else {
    for (size_t i = 0; i < count; ++i) {
      if (valid[i]) Op::Update(As<State>(states[i]), values[i]);
    }
  }
  return Status::OK();
}

// Two arguments; rows where either is NULL skipped.
template <typename Op, typename A, typename V>
Status UpdateBinary(uint8_t* const* states, const Vector* const* args, size_t count) {
  using State = typename Op::State;
  const A* a = args[0]->template data<A>();
  const V* v = args[1]->template data<V>();
  const uint8_t* valid_a = args[0]->validity();
  const uint8_t* valid_v = args[1]->validity();
  if (valid_a == nullptr && valid_v == nullptr) {
    for (size_t i = 0; i < count; ++i) Op::Update(As<State>(states[i]), a[i], v[i]);
  } else {
    for (size_t i = 0; i < count; ++i) {
      if ((valid_a == nullptr || valid_a[i]) && (valid_v == nullptr || valid_v[i])) {
        Op::Update(As<State>(states[i]), a[i], v[i]);
      }
    }
  }
  return Status::OK();
}

// count(x) looks only at validity, whatever the type.
Status UpdateCount(uint8_t* const* states, const Vector* const* args, size_t count) {
  const uint8_t* valid = args[0]->validity();
  for (size_t i = 0; i < count; ++i) {
    if (valid == nullptr || valid[i]) ++As<CountOp::State>(states[i]).n;
  }
  return Status::OK();
}

Status UpdateCountStar(uint8_t* const* states, const Vector* const*, size_t count) {
  for (size_t i = 0; i < count; ++i) ++As<CountOp::State>(states[i]).n;
  return Status::OK();
}

template <typename State>
constexpr void (*DestroyFor())(uint8_t*) {
  if constexpr (std::is_trivially_destructible_v<State>) {
    return nullptr;
  } else {
    return &DestroyState<State>;
  }
}

template <typename Op>
Kernels OpKernels(Status (*update)(uint8_t* const*, const Vector* const*, size_t)) {
  using State = typename Op::State;
  return Kernels{sizeof(State),      alignof(State),      &InitState<State>,  update,
                 &CombineStates<Op>, &FinalizeStates<Op>, DestroyFor<State>()};
}

template <typename Op, typename T>
Kernels Unary() {
  return OpKernels<Op>(&UpdateUnary<Op, T>);
}

// DISTINCT: the state holds the set of distinct values; finalize folds each
// group's set through Op. Integer keys fold back as int64_t, doubles as
// double, strings (and intervals, count only) as their bytes.
template <typename Set>
struct DistinctState {
  Set* set = nullptr;
  DistinctState() = default;
  DistinctState(const DistinctState&) = delete;
  ~DistinctState() {
    if (set != nullptr) sets::Delete(set);
  }
};

template <typename Set, typename T>
Status UpdateDistinct(uint8_t* const* states, const Vector* const* args, size_t count) {
  const T* values = args[0]->template data<T>();
  const uint8_t* valid = args[0]->validity();
  for (size_t i = 0; i < count; ++i) {
    if (valid != nullptr && !valid[i]) continue;
    auto& s = As<DistinctState<Set>>(states[i]);
    if constexpr (std::is_same_v<Set, sets::KeySet>) {
      if (s.set == nullptr) s.set = sets::NewKeySet();
      sets::Insert(s.set, Key(values[i]));
    } else {
      if (s.set == nullptr) s.set = sets::NewBytesSet();
      __int128 storage;
      sets::Insert(s.set, KeyBytes(values[i], &storage));
    }
  }
  return Status::OK();
}

template <typename Set>
Status CombineDistinct(uint8_t* src_p, uint8_t* dst_p) {
  auto& src = As<DistinctState<Set>>(src_p);
  auto& dst = As<DistinctState<Set>>(dst_p);
  if (src.set == nullptr) return Status::OK();
  if (dst.set == nullptr) {
    std::swap(dst.set, src.set);
  } else {
    sets::Merge(dst.set, src.set);
  }
  return Status::OK();
}

template <typename Op, typename Set, typename Fold>
Status FinalizeDistinct(uint8_t* const* states, size_t count, Vector* out) {
  out->Reset(out->type(), count);
  std::vector<uint64_t> keys;
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < count; ++i) {
    const auto& s = As<DistinctState<Set>>(states[i]);
    typename Op::State folded;
    if (s.set != nullptr) {
      if constexpr (std::is_same_v<Set, sets::KeySet>) {
        keys.clear();
        sets::Keys(s.set, &keys);
        for (uint64_t k : keys) {
          if constexpr (std::is_same_v<Fold, double>) {
            Op::Update(folded, std::bit_cast<double>(k));
          } else {
            Op::Update(folded, static_cast<int64_t>(k));
          }
        }
      } else {
        bytes.clear();
        sets::Values(s.set, &bytes);
        for (std::string_view b : bytes) Op::Update(folded, b);
      }
    }
    Status st = Op::Finalize(folded, out, i);
    if (!st.ok()) return st;
  }
  return Status::OK();
}

template <typename Op, typename T>
Kernels Distinct() {
  constexpr bool kBytes = std::is_same_v<T, std::string_view> || std::is_same_v<T, Interval>;
  using Set = std::conditional_t<kBytes, sets::BytesSet, sets::KeySet>;
  using Fold = std::conditional_t<kBytes, std::string_view,
                                  std::conditional_t<std::is_same_v<T, double>, double, int64_t>>;
  using State = DistinctState<Set>;
  return Kernels{sizeof(State),           alignof(State),        &InitState<State>,
                 &UpdateDistinct<Set, T>, &CombineDistinct<Set>, &FinalizeDistinct<Op, Set, Fold>,
                 &DestroyState<State>};
}

// An aggregate whose argument is always NULL (of type NULL): every row is
// ignored; the result is 0 (count) or NULL.
struct NullInputOp {
  struct State {
    uint8_t unused = 0;
  };
};
template <bool kZero>
Status FinalizeNullInput(uint8_t* const*, size_t count, Vector* out) {
  out->Reset(out->type(), count);
  for (size_t i = 0; i < count; ++i) {
    if (kZero) {
      Emit<int64_t>(out, i, 0);
    } else {
      EmitNullOfType(out, i);
    }
  }
  return Status::OK();
}
Status UpdateNothing(uint8_t* const*, const Vector* const*, size_t) { return Status::OK(); }
Status CombineNothing(uint8_t*, uint8_t*) { return Status::OK(); }

Kernels NullInputKernels(bool zero) {
  return Kernels{sizeof(NullInputOp::State),
                 alignof(NullInputOp::State),
                 &InitState<NullInputOp::State>,
                 &UpdateNothing,
                 &CombineNothing,
                 zero ? &FinalizeNullInput<true> : &FinalizeNullInput<false>,
                 nullptr};
}

// Calls f(T{}) with T the physical type of `id`.
template <typename F>
auto VisitPhysical(SqlTypeId id, F&& f) {
  switch (id) {
    case SqlTypeId::kNull:
    case SqlTypeId::kBool:
      return f(uint8_t{});
    case SqlTypeId::kInt32:
    case SqlTypeId::kDate:
      return f(int32_t{});
    case SqlTypeId::kInt64:
    case SqlTypeId::kDecimal:
    case SqlTypeId::kTimestamp:
      return f(int64_t{});
    case SqlTypeId::kFloat64:
      return f(double{});
    case SqlTypeId::kString:
      return f(std::string_view{});
    case SqlTypeId::kInterval:
      break;
  }
  return f(Interval{});
}

template <bool kMax>
Kernels MinMaxKernels(SqlTypeId id) {
  return VisitPhysical(id, [](auto tag) {
    using T = decltype(tag);
    return Unary<MinMaxOp<T, kMax>, T>();
  });
}

template <bool kMax>
Kernels ArgKernels(SqlTypeId arg, SqlTypeId val) {
  return VisitPhysical(arg, [val](auto arg_tag) {
    using A = decltype(arg_tag);
    return VisitPhysical(val, [](auto val_tag) {
      using V = decltype(val_tag);
      using Op = ArgOp<A, V, kMax>;
      return OpKernels<Op>(&UpdateBinary<Op, A, V>);
    });
  });
}

template <int... kScales>
constexpr std::array<Kernels (*)(), sizeof...(kScales)> AvgDecimalTable(
    std::integer_sequence<int, kScales...>) {
  return {&Unary<AvgIntOp<kScales>, int64_t>...};
}
template <int... kScales>
constexpr std::array<Kernels (*)(), sizeof...(kScales)> AvgDecimalDistinctTable(
    std::integer_sequence<int, kScales...>) {
  return {&Distinct<AvgIntOp<kScales>, int64_t>...};
}

Kernels AvgDecimal(int scale, bool distinct) {
  static constexpr auto kPlain = AvgDecimalTable(std::make_integer_sequence<int, 39>());
  static constexpr auto kDistinct = AvgDecimalDistinctTable(std::make_integer_sequence<int, 39>());
  const size_t s = static_cast<size_t>(std::clamp(scale, 0, 38));
  return distinct ? kDistinct[s]() : kPlain[s]();
}

// --- factories (declared again in aggregates.cpp) ---------------------------

void Apply(const Kernels& k, AggregateFunction* f) {
  f->state_size = k.state_size;
  f->state_align = k.state_align;
  f->init = k.init;
  f->update = k.update;
  f->combine = k.combine;
  f->finalize = k.finalize;
  f->destroy = k.destroy;
}

}  // namespace

namespace aggregate_kernels {

void CountStar(AggregateFunction* f) {
  Apply(Kernels{sizeof(CountOp::State), alignof(CountOp::State), &InitState<CountOp::State>,
                &UpdateCountStar, &CombineStates<CountOp>, &FinalizeStates<CountOp>, nullptr},
        f);
}

void Count(AggregateFunction* f, SqlTypeId id, bool distinct) {
  if (distinct) {
    Apply(VisitPhysical(id, [](auto tag) { return Distinct<CountOp, decltype(tag)>(); }), f);
  } else {
    Apply(Kernels{sizeof(CountOp::State), alignof(CountOp::State), &InitState<CountOp::State>,
                  &UpdateCount, &CombineStates<CountOp>, &FinalizeStates<CountOp>, nullptr},
          f);
  }
}

void Sum(AggregateFunction* f, SqlTypeId id, bool distinct) {
  Apply(VisitPhysical(id,
                      [distinct](auto tag) {
                        using T = decltype(tag);
                        if constexpr (std::is_same_v<T, double>) {
                          return distinct ? Distinct<SumDoubleOp, T>() : Unary<SumDoubleOp, T>();
                        } else if constexpr (std::is_integral_v<T>) {
                          return distinct ? Distinct<SumIntOp, T>() : Unary<SumIntOp, T>();
                        } else {
                          return Kernels{};  // not a type sum binds
                        }
                      }),
        f);
}

void Avg(AggregateFunction* f, const SqlType& type, bool distinct) {
  switch (type.id) {
    case SqlTypeId::kInt32:
      return Apply(distinct ? Distinct<AvgIntOp<0>, int32_t>() : Unary<AvgIntOp<0>, int32_t>(), f);
    case SqlTypeId::kInt64:
      return Apply(distinct ? Distinct<AvgIntOp<0>, int64_t>() : Unary<AvgIntOp<0>, int64_t>(), f);
    case SqlTypeId::kDecimal:
      return Apply(AvgDecimal(type.scale, distinct), f);
    case SqlTypeId::kFloat64:
      return Apply(distinct ? Distinct<AvgDoubleOp, double>() : Unary<AvgDoubleOp, double>(), f);
    case SqlTypeId::kTimestamp:
      return Apply(
          distinct ? Distinct<AvgTimestampOp, int64_t>() : Unary<AvgTimestampOp, int64_t>(), f);
    default:
      return Apply(Kernels{}, f);  // not a type avg binds
  }
}

void MinMax(AggregateFunction* f, SqlTypeId id, bool max) {
  Apply(max ? MinMaxKernels<true>(id) : MinMaxKernels<false>(id), f);
}

void ArgMinMax(AggregateFunction* f, SqlTypeId arg, SqlTypeId val, bool max) {
  Apply(max ? ArgKernels<true>(arg, val) : ArgKernels<false>(arg, val), f);
}

void ApproxCountDistinct(AggregateFunction* f, SqlTypeId id) {
  Apply(VisitPhysical(id, [](auto tag) { return Unary<ApproxOp, decltype(tag)>(); }), f);
}

void NullInput(AggregateFunction* f, bool zero) { Apply(NullInputKernels(zero), f); }

}  // namespace aggregate_kernels
}  // namespace tp::storage::sql
