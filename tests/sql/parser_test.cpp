// Tests for the SQL lexer and parser: precedence, round trips through ToSql,
// and error messages with their byte positions.
#include "storage/sql/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/sql/ast.h"
#include "storage/sql/lexer.h"

namespace tp::storage::sql {
namespace {

std::string Canon(const std::string& sql) {
  auto e = ParseExpression(sql);
  if (!e.ok()) return "ERROR: " + e.status().message();
  std::string printed = ToSql(**e);
  auto again = ParseExpression(printed);  // canonical text parses to the same tree
  EXPECT_TRUE(again.ok()) << printed;
  if (again.ok()) {
    EXPECT_EQ(ToSql(**again), printed);
  }
  return printed;
}

std::string Stmt(const std::string& sql) {
  auto s = Parse(sql);
  if (!s.ok()) return "ERROR: " + s.status().message();
  std::string printed = ToSql(**s);
  auto again = Parse(printed);
  EXPECT_TRUE(again.ok()) << printed << ": " << again.status().message();
  if (again.ok()) {
    EXPECT_EQ(ToSql(**again), printed);
  }
  return printed;
}

ParseError Error(const std::string& sql) {
  ParseError error;
  auto s = Parse(sql, &error);
  EXPECT_FALSE(s.ok()) << sql;
  if (!s.ok()) {
    EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s.status().message(), error.message);
  }
  return error;
}

TEST(SqlParserTest, ArithmeticPrecedence) {
  EXPECT_EQ(Canon("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(Canon("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(Canon("a * b / c % d"), "(((a * b) / c) % d)");
  EXPECT_EQ(Canon("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(Canon("-a * b"), "((-a) * b)");
  EXPECT_EQ(Canon("- - a"), "(-(-a))");
  EXPECT_EQ(Canon("+a"), "a");
  EXPECT_EQ(Canon("-a::int"), "(-CAST(a AS int))");
  EXPECT_EQ(Canon("a || b + c"), "(a || (b + c))");
  EXPECT_EQ(Canon("a || b || c"), "((a || b) || c)");
}

TEST(SqlParserTest, LogicalPrecedence) {
  EXPECT_EQ(Canon("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(Canon("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(Canon("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(Canon("a = 1 OR b <> 2 AND c != 3"), "((a = 1) OR ((b <> 2) AND (c <> 3)))");
  EXPECT_EQ(Canon("a < b + 1"), "(a < (b + 1))");
  EXPECT_EQ(Canon("a <= 1 and b >= 2 and c > 3 and d < 4"),
            "((((a <= 1) AND (b >= 2)) AND (c > 3)) AND (d < 4))");
  EXPECT_EQ(Canon("a || b = c"), "((a || b) = c)");
}

TEST(SqlParserTest, Predicates) {
  EXPECT_EQ(Canon("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(Canon("a + 1 IS NOT NULL"), "((a + 1) IS NOT NULL)");
  EXPECT_EQ(Canon("NOT a IS NULL"), "(NOT (a IS NULL))");
  EXPECT_EQ(Canon("a IN (1, 2, 3)"), "(a IN (1, 2, 3))");
  EXPECT_EQ(Canon("a NOT IN ('x')"), "(a NOT IN ('x'))");
  EXPECT_EQ(Canon("a BETWEEN 1 AND 2 AND b"), "((a BETWEEN 1 AND 2) AND b)");
  EXPECT_EQ(Canon("a NOT BETWEEN b - 1 AND b + 1"), "(a NOT BETWEEN (b - 1) AND (b + 1))");
  EXPECT_EQ(Canon("name LIKE 'a%'"), "(name LIKE 'a%')");
  EXPECT_EQ(Canon("name NOT ILIKE 'a' || '%'"), "(name NOT ILIKE ('a' || '%'))");
}

TEST(SqlParserTest, Literals) {
  EXPECT_EQ(Canon("42"), "42");
  EXPECT_EQ(Canon("1.50"), "1.50");
  EXPECT_EQ(Canon(".5"), ".5");
  EXPECT_EQ(Canon("1E3"), "1e3");
  EXPECT_EQ(Canon("2.5e-2"), "2.5e-2");
  EXPECT_EQ(Canon("'it''s'"), "'it''s'");
  EXPECT_EQ(Canon("true AND FALSE"), "(TRUE AND FALSE)");
  EXPECT_EQ(Canon("NULL"), "NULL");
  auto big = ParseExpression("99999999999999999999");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(static_cast<const Literal&>(**big).literal_kind, LiteralKind::kDecimal);
  auto i = ParseExpression("9223372036854775807");
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(static_cast<const Literal&>(**i).int_value, 9223372036854775807);
  auto f = ParseExpression("1.5e3");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(static_cast<const Literal&>(**f).float_value, 1500.0);
}

TEST(SqlParserTest, ColumnsAndIdentifiers) {
  EXPECT_EQ(Canon("Amount"), "amount");
  EXPECT_EQ(Canon("t.Amount"), "t.amount");
  EXPECT_EQ(Canon("s.t.a"), "s.t.a");
  EXPECT_EQ(Canon("\"Mixed Case\""), "\"Mixed Case\"");
  EXPECT_EQ(Canon("\"a\"\"b\""), "\"a\"\"b\"");
  EXPECT_EQ(Canon("\"select\""), "\"select\"");
  EXPECT_EQ(Canon("\"lower\""), "lower");
  EXPECT_EQ(Canon("t.\"from\""), "t.\"from\"");
}

TEST(SqlParserTest, CaseCastFunctions) {
  EXPECT_EQ(Canon("CASE WHEN a > 1 THEN 'big' ELSE 'small' END"),
            "CASE WHEN (a > 1) THEN 'big' ELSE 'small' END");
  EXPECT_EQ(Canon("case a when 1 then 'one' when 2 then 'two' end"),
            "CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END");
  EXPECT_EQ(Canon("CAST(a AS DECIMAL(10, 2))"), "CAST(a AS decimal(10, 2))");
  EXPECT_EQ(Canon("a::varchar || 'x'"), "(CAST(a AS varchar) || 'x')");
  EXPECT_EQ(Canon("a::int::text"), "CAST(CAST(a AS int) AS text)");
  EXPECT_EQ(Canon("CAST(x AS double precision)"), "CAST(x AS double precision)");
  EXPECT_EQ(Canon("DATE '2024-01-31'"), "CAST('2024-01-31' AS date)");
  EXPECT_EQ(Canon("TIMESTAMPTZ '2024-01-31 10:00'"), "CAST('2024-01-31 10:00' AS timestamptz)");
  EXPECT_EQ(Canon("a // 2 * 3 % b"), "(((a // 2) * 3) % b)");
  EXPECT_EQ(Canon("count(*)"), "count(*)");
  EXPECT_EQ(Canon("COUNT(DISTINCT user_id)"), "count(DISTINCT user_id)");
  EXPECT_EQ(Canon("coalesce(a, b, 0)"), "coalesce(a, b, 0)");
  EXPECT_EQ(Canon("now()"), "now()");
  EXPECT_EQ(Canon("left(s, 2)"), "\"left\"(s, 2)");
  EXPECT_EQ(Canon("sum(x) OVER (PARTITION BY a, b ORDER BY ts DESC NULLS LAST)"),
            "sum(x) OVER (PARTITION BY a, b ORDER BY ts DESC NULLS LAST)");
  EXPECT_EQ(Canon("row_number() over (order by ts)"), "row_number() OVER (ORDER BY ts)");
  EXPECT_EQ(Canon("rank() OVER ()"), "rank() OVER ()");
  EXPECT_EQ(Canon("ts + INTERVAL '1 day'"), "(ts + INTERVAL '1 day')");
  EXPECT_EQ(Canon("EXTRACT(YEAR FROM ts)"), "EXTRACT(year FROM ts)");
  EXPECT_EQ(Canon("extract('month' from ts)"), "EXTRACT(month FROM ts)");
}

TEST(SqlParserTest, Positions) {
  auto e = ParseExpression("a + b * 2");
  ASSERT_TRUE(e.ok());
  const auto& add = static_cast<const Binary&>(**e);
  EXPECT_EQ(add.position, 2u);
  EXPECT_EQ(add.left->position, 0u);
  const auto& mul = static_cast<const Binary&>(*add.right);
  EXPECT_EQ(mul.position, 6u);
  EXPECT_EQ(mul.right->position, 8u);

  auto s = Parse("SELECT x AS y\nFROM  t WHERE z IS NULL");
  ASSERT_TRUE(s.ok());
  const SelectCore& core = (*s)->cores[0];
  EXPECT_EQ(core.items[0].position, 7u);
  EXPECT_EQ(core.from->position, 20u);
  EXPECT_EQ(core.where->position, 30u);  // the IS
  EXPECT_EQ(static_cast<const IsNull&>(*core.where).operand->position, 28u);
}

TEST(SqlParserTest, SelectStatements) {
  EXPECT_EQ(Stmt("select * from t"), "SELECT * FROM t");
  EXPECT_EQ(Stmt("SELECT DISTINCT a AS x, b y, t.* FROM s.t AS u;"),
            "SELECT DISTINCT a AS x, b AS y, t.* FROM s.t AS u");
  EXPECT_EQ(Stmt("SELECT 1"), "SELECT 1");
  EXPECT_EQ(Stmt("SELECT a FROM t1 JOIN t2 ON t1.id = t2.id LEFT OUTER JOIN t3 c ON c.k = t1.k"),
            "SELECT a FROM t1 INNER JOIN t2 ON (t1.id = t2.id) LEFT JOIN t3 AS c ON (c.k = t1.k)");
  EXPECT_EQ(Stmt("SELECT a FROM x, y CROSS JOIN z"), "SELECT a FROM x CROSS JOIN y CROSS JOIN z");
  EXPECT_EQ(Stmt("SELECT s.n FROM (SELECT count(*) AS n FROM t) s"),
            "SELECT s.n FROM (SELECT count(*) AS n FROM t) AS s");
  EXPECT_EQ(Stmt("SELECT k, sum(v) FROM t WHERE v > 0 GROUP BY k HAVING sum(v) > 10 "
                 "ORDER BY 2 DESC, k ASC NULLS FIRST LIMIT 10 OFFSET 20"),
            "SELECT k, sum(v) FROM t WHERE (v > 0) GROUP BY k HAVING (sum(v) > 10) "
            "ORDER BY 2 DESC, k ASC NULLS FIRST LIMIT 10 OFFSET 20");
  EXPECT_EQ(Stmt("WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b"),
            "WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b");
  EXPECT_EQ(Stmt("SELECT a FROM t UNION ALL SELECT b FROM u UNION ALL SELECT 3 ORDER BY 1 LIMIT 5"),
            "SELECT a FROM t UNION ALL SELECT b FROM u UNION ALL SELECT 3 ORDER BY 1 LIMIT 5");
  EXPECT_EQ(Stmt("SELECT \"Order\" FROM \"My Table\" \"T\""),
            "SELECT \"Order\" FROM \"My Table\" AS \"T\"");
  auto s = Parse("SELECT a FROM t UNION ALL SELECT b FROM u");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->cores.size(), 2u);
}

TEST(SqlParserTest, Comments) {
  EXPECT_EQ(Stmt("-- leading\nSELECT a /* inline\n comment */ FROM t -- trailing"),
            "SELECT a FROM t");
  EXPECT_EQ(Canon("1 -- one\n+ 2"), "(1 + 2)");
  EXPECT_EQ(Canon("4/*x*//2"), "(4 / 2)");
}

TEST(SqlParserTest, LexerErrors) {
  ParseError e = Error("SELECT 'abc FROM t");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("unterminated string literal"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("position 8"), std::string::npos) << e.message;

  e = Error("SELECT \"abc");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("unterminated quoted identifier"), std::string::npos);

  e = Error("SELECT 1 /* never closed");
  EXPECT_EQ(e.position, 9u);
  EXPECT_NE(e.message.find("unterminated /* comment"), std::string::npos);

  e = Error("SELECT 12abc");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("bad number \"12abc\""), std::string::npos) << e.message;

  e = Error("SELECT 1.2.3");
  EXPECT_EQ(e.position, 7u);
  e = Error("SELECT 1e+ 2");
  EXPECT_EQ(e.position, 7u);
  EXPECT_NE(e.message.find("exponent"), std::string::npos);

  e = Error("SELECT a @ b");
  EXPECT_EQ(e.position, 9u);
  EXPECT_EQ(Error("SELECT \"\"").position, 7u);
}

TEST(SqlParserTest, ParserErrors) {
  ParseError e = Error("SELECT a AS x FORM t");
  EXPECT_EQ(e.message,
            "syntax error at or near \"FORM\" (position 15): "
            "expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or end of query");
  EXPECT_EQ(e.position, 14u);

  e = Error("SELECT a FROM WHERE x = 1");
  EXPECT_EQ(e.message,
            "syntax error at or near \"WHERE\" (position 15): expected table name or subquery");

  e = Error("SELECT a FROM");
  EXPECT_EQ(e.message,
            "syntax error at end of query (position 14): expected table name or subquery");

  e = Error("SELECT a FROM t WHERE x = 1 GRUOP BY a");
  EXPECT_EQ(e.message,
            "syntax error at or near \"GRUOP\" (position 29): "
            "expected GROUP BY, ORDER BY, LIMIT or end of query");

  e = Error("SELECT 1 +");
  EXPECT_EQ(e.message, "syntax error at end of query (position 11): expected expression");
  e = Error("SELECT (1 + 2");
  EXPECT_EQ(e.position, 13u);
  EXPECT_NE(e.message.find("expected an operator or )"), std::string::npos) << e.message;
  e = Error("SELECT FROM t");
  EXPECT_EQ(e.message, "syntax error at or near \"FROM\" (position 8): expected expression");
  e = Error("SELECT a FROM t UNION SELECT b FROM u");
  EXPECT_EQ(e.position, 22u);
  EXPECT_NE(e.message.find("only UNION ALL"), std::string::npos);
  e = Error("SELECT CASE WHEN a THEN b");
  EXPECT_NE(e.message.find("expected WHEN, ELSE or END"), std::string::npos) << e.message;
  e = Error("SELECT a IS 5");
  EXPECT_EQ(e.position, 12u);
  e = Error("SELECT x FROM t ORDER BY x NULLS MIDDLE");
  EXPECT_NE(e.message.find("expected FIRST or LAST"), std::string::npos);
  e = Error("SELECT (SELECT 1)");
  EXPECT_NE(e.message.find("not supported"), std::string::npos);
  e = Error("SELECT a FROM t LIMIT 1 OFFSET 2 LIMIT 3");
  EXPECT_EQ(e.position, 33u);
  e = Error("UPDATE t SET a = 1");
  EXPECT_EQ(e.message, "syntax error at or near \"UPDATE\" (position 1): expected SELECT");
  e = Error("SELECT a FROM t JOIN u");
  EXPECT_NE(e.message.find("expected ON"), std::string::npos) << e.message;
}

// Every prefix of a query that uses most of the grammar either parses or
// fails with a position inside the text; none crashes.
TEST(SqlParserTest, EveryPrefixParsesOrFailsInBounds) {
  const std::string sql =
      "WITH c AS (SELECT a, b FROM t WHERE a IS NOT NULL) "
      "SELECT DISTINCT c.a AS \"A\", sum(b::decimal(10, 2)) OVER (PARTITION BY a ORDER BY b "
      "DESC NULLS LAST), CASE WHEN a NOT IN (1, 2) THEN 'x''y' ELSE NULL END, "
      "EXTRACT(year FROM ts + INTERVAL '1 day') FROM c LEFT JOIN (SELECT * FROM u) u ON c.a = "
      "u.a WHERE a BETWEEN -1 AND 2.5e3 OR s ILIKE '%z' -- done\n GROUP BY 1 HAVING count(*) > 1 "
      "UNION ALL SELECT 1, 2, 3, 4 FROM v ORDER BY 1 LIMIT 10 OFFSET 5;";
  ASSERT_TRUE(Parse(sql).ok());
  for (size_t n = 0; n < sql.size(); ++n) {
    ParseError error;
    auto s = Parse(std::string_view(sql).substr(0, n), &error);
    if (!s.ok()) {
      EXPECT_LE(error.position, n) << n;
    }
  }
}

TEST(SqlParserTest, ErrorsInsideSubqueriesPointIntoThem) {
  ParseError e = Error("WITH c AS (SELECT a FROM t WHERE) SELECT * FROM c");
  EXPECT_EQ(e.message, "syntax error at or near \")\" (position 33): expected expression");
  e = Error("SELECT * FROM (SELECT a FROM t x y) s");
  EXPECT_EQ(e.position, 33u);
  EXPECT_NE(e.message.find("or )"), std::string::npos) << e.message;
  e = Error("SELECT f(a b)");
  EXPECT_EQ(e.message, "syntax error at or near \"b\" (position 12): expected , or )");
}

TEST(SqlLexerTest, TokensCarryOffsets) {
  auto tokens = Tokenize("SELECT \"Ab\", x::int <> 'q''s'");
  ASSERT_TRUE(tokens.ok());
  const auto& t = *tokens;
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].text, "select");
  EXPECT_EQ(t[1].type, TokenType::kQuotedIdentifier);
  EXPECT_EQ(t[1].text, "Ab");
  EXPECT_EQ(t[1].position, 7u);
  EXPECT_EQ(t[1].length, 4u);
  EXPECT_EQ(t[4].text, "::");
  EXPECT_EQ(t[6].text, "<>");
  EXPECT_EQ(t[7].type, TokenType::kString);
  EXPECT_EQ(t[7].text, "q's");
  EXPECT_EQ(t[7].position, 23u);
  EXPECT_EQ(t[8].type, TokenType::kEnd);
  EXPECT_EQ(t[8].position, 29u);
}

}  // namespace
}  // namespace tp::storage::sql
