// Tests for the evaluator (expression.h) and the store's time zone: bound
// trees built by hand with small kernels, evaluated over small chunks.
#include "storage/sql/expression.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "storage/sql/time_zone.h"
#include "storage/sql/vector.h"

namespace tp::storage::sql {
namespace {

const SqlType kBool = SqlType::Of(SqlTypeId::kBool);
const SqlType kInt = SqlType::Of(SqlTypeId::kInt32);
const SqlType kBig = SqlType::Of(SqlTypeId::kInt64);

EvalContext Utc() {
  EvalContext ctx;
  ctx.zone = &TimeZone::Utc();
  return ctx;
}

std::vector<std::string> Texts(const Vector& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(v.GetValue(i).ToString());
  return out;
}

// A chunk of one BIGINT column x = values (NULL where null[i]).
Chunk IntChunk(const std::vector<int64_t>& values, const std::vector<bool>& null = {}) {
  Chunk c;
  c.Reset({kBig}, values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    c.columns[0].data<int64_t>()[i] = values[i];
    if (i < null.size() && null[i]) {
      c.columns[0].SetNull(i);
      c.columns[0].data<int64_t>()[i] = 0;
    }
  }
  return c;
}

// A hand-made kernel: x > k over BIGINT.
BoundExprPtr Greater(BoundExprPtr x, int64_t k) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kFunction;
  e->type = kBool;
  e->name = ">";
  e->children.push_back(std::move(x));
  e->children.push_back(MakeConstant(Value::Int64(k)));
  e->kernel = [](const EvalContext&, const Vector* const* args, size_t n, Vector* out) {
    for (size_t i = 0; i < n; ++i) {
      out->data<uint8_t>()[i] = args[0]->data<int64_t>()[i] > args[1]->data<int64_t>()[i];
      if (args[0]->IsNull(i)) out->SetNull(i);
    }
    return Status::OK();
  };
  return e;
}

// 100 / x over BIGINT, failing on zero (to see that CASE avoids it).
BoundExprPtr HundredOver(BoundExprPtr x) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kFunction;
  e->type = kBig;
  e->name = "hundred_over";
  e->children.push_back(std::move(x));
  e->kernel = [](const EvalContext&, const Vector* const* args, size_t n, Vector* out) {
    for (size_t i = 0; i < n; ++i) {
      int64_t d = args[0]->data<int64_t>()[i];
      if (d == 0) return Status::InvalidArgument("division by zero");
      out->data<int64_t>()[i] = 100 / d;
    }
    return Status::OK();
  };
  return e;
}

BoundExprPtr Node(BoundKind kind, std::vector<BoundExprPtr> children, bool negated = false) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->type = kBool;
  e->negated = negated;
  e->children = std::move(children);
  return e;
}

template <typename... T>
std::vector<BoundExprPtr> List(T... e) {
  std::vector<BoundExprPtr> v;
  (v.push_back(std::move(e)), ...);
  return v;
}

BoundExprPtr X() { return MakeColumn(0, kBig, "x"); }

TEST(SqlEvaluateTest, ConstantsColumnsAndNulls) {
  Chunk c = IntChunk({1, 2, 3}, {false, true, false});
  Vector out;
  ASSERT_TRUE(Evaluate(Utc(), *MakeConstant(Value::String("hi")), c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"hi", "hi", "hi"}));
  ASSERT_TRUE(Evaluate(Utc(), *MakeConstant(Value::Null(kInt)), c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"NULL", "NULL", "NULL"}));
  ASSERT_TRUE(Evaluate(Utc(), *X(), c, &out).ok());
  EXPECT_EQ(out.data<int64_t>(), c.columns[0].data<int64_t>());  // zero-copy
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"1", "NULL", "3"}));
  auto isnull = Node(BoundKind::kIsNull, List(X()));
  ASSERT_TRUE(Evaluate(Utc(), *isnull, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"false", "true", "false"}));
  auto notnull = Node(BoundKind::kIsNull, List(X()), true);
  ASSERT_TRUE(Evaluate(Utc(), *notnull, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"true", "false", "true"}));
  auto neg = Node(BoundKind::kNot, List(Greater(X(), 1)));
  ASSERT_TRUE(Evaluate(Utc(), *neg, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"true", "NULL", "false"}));
}

TEST(SqlEvaluateTest, ThreeValuedLogic) {
  // x: 1, NULL, 3, 5 ; a = x > 2 ; b = x > 4
  Chunk c = IntChunk({1, 0, 3, 5}, {false, true, false, false});
  Vector out;
  auto both = Node(BoundKind::kAnd, List(Greater(X(), 2), Greater(X(), 4)));
  ASSERT_TRUE(Evaluate(Utc(), *both, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"false", "NULL", "false", "true"}));
  auto either = Node(BoundKind::kOr, List(Greater(X(), 2), Greater(X(), 4)));
  ASSERT_TRUE(Evaluate(Utc(), *either, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"false", "NULL", "true", "true"}));
  // NULL AND FALSE is FALSE; NULL OR TRUE is TRUE.
  auto and_false = Node(BoundKind::kAnd, List(Greater(X(), 2), MakeConstant(Value::Bool(false))));
  ASSERT_TRUE(Evaluate(Utc(), *and_false, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"false", "false", "false", "false"}));
  auto or_true = Node(BoundKind::kOr, List(Greater(X(), 2), MakeConstant(Value::Bool(true))));
  ASSERT_TRUE(Evaluate(Utc(), *or_true, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"true", "true", "true", "true"}));
}

TEST(SqlEvaluateTest, CaseEvaluatesThenOnlyWhereSelected) {
  Chunk c = IntChunk({4, 0, 50, 0, -10}, {false, false, false, true, false});
  // CASE WHEN x > 0 THEN 100 / x WHEN x > -100 THEN -1 END
  auto e = std::make_unique<BoundExpr>();
  e->kind = BoundKind::kCase;
  e->type = kBig;
  e->children =
      List(Greater(X(), 0), HundredOver(X()), Greater(X(), -100), MakeConstant(Value::Int64(-1)));
  Vector out;
  Status s = Evaluate(Utc(), *e, c, &out);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"25", "-1", "2", "NULL", "-1"}));
  // With an ELSE.
  e->children.push_back(MakeConstant(Value::Int64(7)));
  ASSERT_TRUE(Evaluate(Utc(), *e, c, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"25", "-1", "2", "7", "-1"}));
  // Every row takes the first branch.
  Chunk pos = IntChunk({1, 2});
  ASSERT_TRUE(Evaluate(Utc(), *e, pos, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"100", "50"}));
  // No row matches: ELSE for all.
  Chunk none = IntChunk({-1000, -2000});
  ASSERT_TRUE(Evaluate(Utc(), *e, none, &out).ok());
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"7", "7"}));
  // Errors carry the expression's position.
  auto bad = HundredOver(X());
  bad->position = 11;
  s = Evaluate(Utc(), *bad, c, &out);
  EXPECT_EQ(s.message(), "division by zero (position 12)");
}

TEST(SqlEvaluateTest, SelectWithAndOr) {
  Chunk c = IntChunk({1, 0, 3, 5, 7}, {false, true, false, false, false});
  std::vector<uint32_t> sel(c.size);
  size_t n = 0;
  auto both = Node(BoundKind::kAnd, List(Greater(X(), 2), Greater(X(), 4)));
  ASSERT_TRUE(Select(Utc(), *both, c, sel.data(), &n).ok());
  EXPECT_EQ(std::vector<uint32_t>(sel.begin(), sel.begin() + n), (std::vector<uint32_t>{3, 4}));
  auto either = Node(BoundKind::kOr, List(Greater(X(), 6), Node(BoundKind::kIsNull, List(X()))));
  ASSERT_TRUE(Select(Utc(), *either, c, sel.data(), &n).ok());
  EXPECT_EQ(std::vector<uint32_t>(sel.begin(), sel.begin() + n), (std::vector<uint32_t>{1, 4}));
  ASSERT_TRUE(Select(Utc(), *MakeConstant(Value::Null(kBool)), c, sel.data(), &n).ok());
  EXPECT_EQ(n, 0u);
}

TEST(SqlTimeZoneTest, BerlinDst) {
  auto tz = TimeZone::Make("Europe/Berlin");
  ASSERT_TRUE(tz.ok()) << tz.status().message();
  const TimeZone& z = **tz;
  const int64_t h = 3600LL * 1000000;
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST. Local 02:30 (skipped) takes
  // the offset from before the jump: 01:30 UTC.
  const int64_t day = 20541LL * 24 * h;  // 2026-03-29 00:00 as µs
  EXPECT_EQ(z.ToUtc(day + 2 * h + h / 2), day + h + h / 2);
  EXPECT_EQ(z.OffsetAt(day), 3600);
  EXPECT_EQ(z.OffsetAt(day + 2 * h), 7200);
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET; local 02:30 happens twice
  // and takes the later offset (CET): 01:30 UTC.
  const int64_t fall = 20751LL * 24 * h;
  EXPECT_EQ(z.ToUtc(fall + 2 * h + h / 2), fall + h + h / 2);
  EXPECT_EQ(z.ToLocal(fall + h + h / 2), fall + 2 * h + h / 2);
  EXPECT_FALSE(TimeZone::Make("Mars/Olympus").ok());
  EXPECT_TRUE(TimeZone::Utc().is_utc());
  EXPECT_EQ(TimeZone::Utc().ToUtc(12345), 12345);
}

// The transition table agrees with the tz database, for instants and for
// local times (skipped and repeated ones included), in zones with DST,
// half-hour offsets, historic changes and none.
TEST(SqlTimeZoneTest, TableAgreesWithTzDatabase) {
  std::mt19937_64 rng(42);
  const int64_t s1900 = -2208988800LL, s2200 = 7258118400LL;
  for (const char* name :
       {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
        "America/Sao_Paulo", "Pacific/Apia", "Europe/Dublin", "Asia/Tokyo"}) {
    auto tz = TimeZone::Make(name);
    ASSERT_TRUE(tz.ok()) << name;
    const date::time_zone* z = date::locate_zone(name);
    std::uniform_int_distribution<int64_t> any(s1900 + 86400 * 2, s2200 - 86400 * 2);
    for (int i = 0; i < 20000; ++i) {
      const int64_t us = any(rng) * 1000000 + static_cast<int64_t>(rng() % 1000000);
      const auto sys = date::floor<std::chrono::seconds>(
          date::sys_time<std::chrono::microseconds>(std::chrono::microseconds(us)));
      ASSERT_EQ((*tz)->OffsetAt(us), z->get_info(sys).offset.count()) << name << " " << us;
      // Local times near a transition are the interesting ones.
      const date::sys_info info = z->get_info(sys);
      const int64_t near = info.begin.time_since_epoch().count() * 1000000 +
                           static_cast<int64_t>(rng() % 7200000000ULL) - 3600000000LL;
      for (int64_t local : {us, near}) {
        const auto lt =
            date::local_time<std::chrono::microseconds>(std::chrono::microseconds(local));
        const date::local_info li = z->get_info(date::floor<std::chrono::seconds>(lt));
        const auto off =
            li.result == date::local_info::ambiguous ? li.second.offset : li.first.offset;
        ASSERT_EQ((*tz)->ToUtc(local), local - off.count() * 1000000) << name << " " << local;
      }
    }
  }
}

}  // namespace
}  // namespace tp::storage::sql
