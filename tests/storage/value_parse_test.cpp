#include "storage/value_parse.h"

#include <gtest/gtest.h>

namespace tp::storage {
namespace {

int64_t Utc(std::string_view s) {
  auto t = ParseIsoDateTime(s);
  EXPECT_TRUE(t.ok()) << s << ": " << t.status().ToString();
  return t.ok() ? CivilToUtcMicros(*t) : 0;
}

TEST(ValueParse, TimestampsWithOffsets) {
  EXPECT_EQ(Utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Utc("2026-11-21T18:03:12Z"), 1795284192LL * 1000000);
  EXPECT_EQ(Utc("2026-11-21T15:03:12-03:00"), 1795284192LL * 1000000);
  EXPECT_EQ(Utc("2026-11-21T20:03:12+0200"), 1795284192LL * 1000000);
  EXPECT_EQ(Utc("2026-11-21 18:03:12.123456Z"), 1795284192LL * 1000000 + 123456);
  EXPECT_EQ(Utc("2026-11-21T18:03:12.5Z"), 1795284192LL * 1000000 + 500000);
  EXPECT_EQ(Utc("2026-11-21T18:03:12.123456789Z"), 1795284192LL * 1000000 + 123456);  // truncated
  EXPECT_EQ(Utc("1969-12-31T23:59:59.5Z"), -500000);
  EXPECT_EQ(Utc("1900-01-01T00:00:00Z"), -2208988800LL * 1000000);
  EXPECT_EQ(Utc("2024-02-29T00:00:00Z"), 1709164800LL * 1000000);  // leap day
  auto naive = ParseIsoDateTime("2026-11-21T18:03");
  ASSERT_TRUE(naive.ok());
  EXPECT_FALSE(naive->has_offset);
}

TEST(ValueParse, BadTimestampsSayWhatIsExpected) {
  for (const char* bad : {"", "2026-13-01T00:00:00Z", "2026-02-30", "2025-02-29", "21/11/2026",
                          "2026-11-21T25:00:00Z", "2026-11-21T18:03:12Zjunk", "2026-11-21T18"}) {
    auto t = ParseIsoDateTime(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_NE(t.status().message().find("2026-11-21T18:03:12Z"), std::string::npos);
    }
  }
}

TEST(ValueParse, Dates) {
  EXPECT_EQ(*ParseDate("1970-01-01"), 0);
  EXPECT_EQ(*ParseDate("1969-12-31"), -1);
  EXPECT_EQ(*ParseDate("2026-11-21"), 20778);  // checked with Python's datetime
  EXPECT_FALSE(ParseDate("2026-11-21T10:00:00Z").ok());
}

TEST(ValueParse, DecimalsAreExact) {
  EXPECT_EQ(*ParseDecimal("129.90", 12, 2), 12990);
  EXPECT_EQ(*ParseDecimal("129.9", 12, 2), 12990);
  EXPECT_EQ(*ParseDecimal("0.1", 12, 2), 10);
  EXPECT_EQ(*ParseDecimal("-0.5", 12, 2), -50);
  EXPECT_EQ(*ParseDecimal(".5", 12, 2), 50);
  EXPECT_EQ(*ParseDecimal("7", 12, 2), 700);
  EXPECT_EQ(*ParseDecimal("1e3", 12, 2), 100000);
  EXPECT_EQ(*ParseDecimal("1.5E-1", 12, 2), 15);
  EXPECT_EQ(*ParseDecimal("0.120", 12, 2), 12);  // trailing zeros are fine
  EXPECT_EQ(*ParseDecimal("0007.5", 4, 1), 75);
  EXPECT_EQ(*ParseDecimal("999999999999999999", 18, 0), 999999999999999999LL);
  EXPECT_EQ(*ParseDecimal("-999999999999999999", 18, 0), -999999999999999999LL);
  EXPECT_EQ(*ParseDecimal("0.999999999999999999", 18, 18), 999999999999999999LL);
  EXPECT_EQ(*ParseDecimal("9999999999.99", 12, 2), 999999999999LL);
}

TEST(ValueParse, DecimalsRefuseRoundingAndOverflow) {
  auto r = ParseDecimal("0.125", 12, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 2 digits after the point"), std::string::npos);
  r = ParseDecimal("10000000000.00", 12, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not fit"), std::string::npos);
  EXPECT_FALSE(ParseDecimal("1000000000000000000", 18, 0).ok());
  for (const char* bad : {"", ".", "abc", "1.2.3", "1e", "--1", "1,5"}) {
    EXPECT_FALSE(ParseDecimal(bad, 12, 2).ok()) << bad;
  }
}

TEST(ValueParse, Int64) {
  EXPECT_EQ(*ParseInt64("42"), 42);
  EXPECT_EQ(*ParseInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(ParseInt64("9223372036854775808").ok());
  EXPECT_FALSE(ParseInt64("1.5").ok());
  EXPECT_FALSE(ParseInt64("1e3").ok());
  EXPECT_FALSE(ParseInt64("").ok());
}

}  // namespace
}  // namespace tp::storage
