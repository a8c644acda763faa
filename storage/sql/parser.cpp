// SQL parser; see parser.h. One method per grammar rule. A failing rule
// records the first error in `error_` and returns null (or false); callers
// stop as soon as they see that.
#include "storage/sql/parser.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tp::storage::sql {
namespace {

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), tokens_(std::move(tokens)) {}

  std::unique_ptr<SelectStatement> ParseWholeStatement() {
    auto statement = ParseStatement();
    if (!statement) return nullptr;
    AcceptOp(";");
    if (Peek().type != TokenType::kEnd) {
      Fail(ClausesAfter(*statement) + " or end of query");
      return nullptr;
    }
    return statement;
  }

  ExprPtr ParseWholeExpression() {
    auto expr = ParseExpr();
    if (!expr) return nullptr;
    if (Peek().type != TokenType::kEnd) {
      Fail("an operator or end of expression");
      return nullptr;
    }
    return expr;
  }

  const ParseError& error() const { return *error_; }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  static bool IsWord(const Token& t, std::string_view word) {
    return t.type == TokenType::kIdentifier && t.text == word;
  }
  static bool IsOp(const Token& t, std::string_view op) {
    return t.type == TokenType::kOperator && t.text == op;
  }
  bool IsWord(std::string_view word) const { return IsWord(Peek(), word); }
  bool IsOp(std::string_view op) const { return IsOp(Peek(), op); }
  bool AcceptWord(std::string_view word) {
    if (!IsWord(word)) return false;
    Next();
    return true;
  }
  bool AcceptOp(std::string_view op) {
    if (!IsOp(op)) return false;
    Next();
    return true;
  }
  // Records "syntax error at or near <token>: expected <expected>" at the
  // current token; keeps the first error only.
  void Fail(const std::string& expected) {
    if (error_) return;
    const Token& t = Peek();
    std::string message;
    if (t.type == TokenType::kEnd) {
      message = "syntax error at end of query";
    } else {
      message =
          "syntax error at or near \"" + std::string(sql_.substr(t.position, t.length)) + "\"";
    }
    message += " (position " + std::to_string(CharacterPosition(sql_, t.position)) +
               "): expected " + expected;
    error_ = ParseError{std::move(message), t.position};
  }
  bool ExpectWord(std::string_view word, std::string expected = "") {
    if (AcceptWord(word)) return true;
    if (expected.empty()) {
      for (char c : word) expected.push_back(static_cast<char>(c - 'a' + 'A'));
    }
    Fail(expected);
    return false;
  }
  bool ExpectOp(std::string_view op, std::string expected = "") {
    if (AcceptOp(op)) return true;
    Fail(expected.empty() ? std::string(op) : expected);
    return false;
  }
  // True when the current token can be a (table, column or alias) name.
  bool AtName() const {
    const Token& t = Peek();
    return t.type == TokenType::kQuotedIdentifier ||
           (t.type == TokenType::kIdentifier && !IsReservedKeyword(t.text));
  }
  std::optional<std::string> ParseName(const std::string& what) {
    if (!AtName()) {
      Fail(what);
      return std::nullopt;
    }
    return Next().text;
  }
  // [AS] alias
  bool ParseOptionalAlias(std::string* alias) {
    if (AcceptWord("as")) {
      auto name = ParseName("alias");
      if (!name) return false;
      *alias = *name;
    } else if (AtName()) {
      *alias = Next().text;
    }
    return true;
  }

  // What may follow the statement parsed so far, for error messages.
  static std::string ClausesAfter(const SelectStatement& s) {
    std::vector<std::string> list;
    const SelectCore& core = s.cores.back();
    const bool tail = !s.order_by.empty() || s.limit || s.offset;
    if (!tail) {
      bool grouped = !core.group_by.empty() || core.having;
      if (!core.from && !core.where && !grouped) list.push_back("FROM");
      if (!core.where && !grouped) list.push_back("WHERE");
      if (!grouped) list.push_back("GROUP BY");
      if (!core.group_by.empty() && !core.having) list.push_back("HAVING");
      list.push_back("ORDER BY");
    }
    if (!s.limit && !s.offset) list.push_back("LIMIT");
    if (s.limit && !s.offset) list.push_back("OFFSET");
    std::string out;
    for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
    return out;
  }

  // ---- statements ----
  std::unique_ptr<SelectStatement> ParseStatement() {
    if (++depth_ > kMaxDepth) {
      Fail("queries nested at most " + std::to_string(kMaxDepth) + " levels deep");
      return nullptr;
    }
    auto statement = ParseStatementBody();
    --depth_;
    return statement;
  }

  std::unique_ptr<SelectStatement> ParseStatementBody() {
    auto s = std::make_unique<SelectStatement>();
    s->position = Peek().position;
    if (AcceptWord("with")) {
      do {
        CommonTableExpr cte;
        cte.position = Peek().position;
        auto name = ParseName("name of WITH query");
        if (!name || !ExpectWord("as") || !ExpectOp("(")) return nullptr;
        cte.name = *name;
        cte.query = ParseStatement();
        if (!cte.query) return nullptr;
        if (!ExpectOp(")", ClausesAfter(*cte.query) + " or )")) return nullptr;
        s->ctes.push_back(std::move(cte));
      } while (AcceptOp(","));
    }
    while (true) {
      if (!ParseSelectCore(s.get())) return nullptr;
      if (!AcceptWord("union")) break;
      if (!ExpectWord("all", "ALL (only UNION ALL is supported)")) return nullptr;
    }
    if (AcceptWord("order")) {
      if (!ExpectWord("by") || !ParseOrderList(&s->order_by)) return nullptr;
    }
    if (AcceptWord("limit")) {
      s->limit = ParseExpr();
      if (!s->limit) return nullptr;
    }
    if (AcceptWord("offset")) {
      s->offset = ParseExpr();
      if (!s->offset) return nullptr;
    }
    return s;
  }

  bool ParseSelectCore(SelectStatement* s) {
    SelectCore core;
    core.position = Peek().position;
    if (!ExpectWord("select")) return false;
    if (AcceptWord("distinct")) {
      core.distinct = true;
    } else {
      AcceptWord("all");
    }
    do {
      SelectItem item;
      item.position = Peek().position;
      if (IsOp("*")) {
        item.expr = std::make_unique<Star>(Next().position);
      } else {
        item.expr = ParseExpr();
        if (!item.expr || !ParseOptionalAlias(&item.alias)) return false;
      }
      core.items.push_back(std::move(item));
    } while (AcceptOp(","));
    if (AcceptWord("from")) {
      core.from = ParseFromList();
      if (!core.from) return false;
    }
    if (AcceptWord("where")) {
      core.where = ParseExpr();
      if (!core.where) return false;
    }
    if (AcceptWord("group")) {
      if (!ExpectWord("by") || !ParseExprList(&core.group_by)) return false;
    }
    if (AcceptWord("having")) {
      core.having = ParseExpr();
      if (!core.having) return false;
    }
    s->cores.push_back(std::move(core));
    return true;
  }

  TableRefPtr ParseFromList() {
    TableRefPtr left = ParseTableRef();
    while (left) {
      auto join = std::make_unique<JoinRef>(Peek().position);
      bool needs_on = true;
      if (AcceptOp(",")) {
        join->type = JoinType::kCross;
        needs_on = false;
      } else if (AcceptWord("cross")) {
        if (!ExpectWord("join")) return nullptr;
        join->type = JoinType::kCross;
        needs_on = false;
      } else if (AcceptWord("inner")) {
        if (!ExpectWord("join")) return nullptr;
      } else if (AcceptWord("left")) {
        AcceptWord("outer");
        if (!ExpectWord("join")) return nullptr;
        join->type = JoinType::kLeft;
      } else if (!AcceptWord("join")) {
        break;
      }
      // The joins of a FROM list make a left-deep tree that the binder and
      // ToSql recurse through; the binder reads at most 1000 tables anyway.
      if (++joins_ > kMaxJoins) {
        Fail("at most " + std::to_string(kMaxJoins) + " joins in one query");
        return nullptr;
      }
      join->left = std::move(left);
      join->right = ParseTableRef();
      if (!join->right) return nullptr;
      if (needs_on) {
        if (!ExpectWord("on")) return nullptr;
        join->condition = ParseExpr();
        if (!join->condition) return nullptr;
      }
      left = std::move(join);
    }
    return left;
  }

  TableRefPtr ParseTableRef() {
    const size_t position = Peek().position;
    if (AcceptOp("(")) {
      auto ref = std::make_unique<SubqueryRef>(position);
      if (!IsWord("select") && !IsWord("with")) {
        Fail("SELECT or WITH");
        return nullptr;
      }
      ref->query = ParseStatement();
      if (!ref->query || !ExpectOp(")", ClausesAfter(*ref->query) + " or )") ||
          !ParseOptionalAlias(&ref->alias)) {
        return nullptr;
      }
      return ref;
    }
    auto ref = std::make_unique<BaseTable>(position);
    auto name = ParseName("table name or subquery");
    if (!name) return nullptr;
    ref->names.push_back(*name);
    while (AcceptOp(".")) {
      auto part = ParseName("table name");
      if (!part) return nullptr;
      ref->names.push_back(*part);
    }
    if (!ParseOptionalAlias(&ref->alias)) return nullptr;
    return ref;
  }

  bool ParseExprList(std::vector<ExprPtr>* out) {
    do {
      ExprPtr e = ParseExpr();
      if (!e) return false;
      out->push_back(std::move(e));
    } while (AcceptOp(","));
    return true;
  }

  bool ParseOrderList(std::vector<OrderItem>* out) {
    do {
      OrderItem item;
      item.expr = ParseExpr();
      if (!item.expr) return false;
      if (AcceptWord("asc")) {
        item.direction = SortDirection::kAscending;
      } else if (AcceptWord("desc")) {
        item.direction = SortDirection::kDescending;
      }
      if (AcceptWord("nulls")) {
        if (AcceptWord("first")) {
          item.nulls = NullsOrder::kFirst;
        } else if (AcceptWord("last")) {
          item.nulls = NullsOrder::kLast;
        } else {
          Fail("FIRST or LAST");
          return false;
        }
      }
      out->push_back(std::move(item));
    } while (AcceptOp(","));
    return true;
  }

  // ---- expressions, lowest precedence first ----
  // Nesting and operator counts are bounded so that no query, however
  // built, can recurse deep enough (here, in the binder or the evaluator)
  // to overflow a thread's stack.
  static constexpr int kMaxDepth = 200;
  static constexpr int kMaxOperators = 2000;

  ExprPtr ParseExpr() {
    if (++depth_ > kMaxDepth) {
      Fail("an expression nested at most " + std::to_string(kMaxDepth) + " levels deep");
      return nullptr;
    }
    ExprPtr e = ParseOr();
    --depth_;
    return e;
  }

  // Counts one more operator that wraps the expression parsed so far
  // (binary operators, IS, IN, BETWEEN, LIKE, ::), whose chains the loops
  // below build without recursing; false (and an error) past the limit.
  bool CountOperator() {
    if (++operators_ > kMaxOperators) {
      Fail("at most " + std::to_string(kMaxOperators) + " operators in one query");
      return false;
    }
    return true;
  }

  ExprPtr MakeBinary(size_t position, BinaryOp op, ExprPtr left, ExprPtr right) {
    if (!CountOperator()) return nullptr;
    return std::make_unique<Binary>(position, op, std::move(left), std::move(right));
  }

  ExprPtr ParseOr() {
    ExprPtr left = ParseAnd();
    while (left && IsWord("or")) {
      size_t position = Next().position;
      ExprPtr right = ParseAnd();
      if (!right) return nullptr;
      left = MakeBinary(position, BinaryOp::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseAnd() {
    ExprPtr left = ParseNot();
    while (left && IsWord("and")) {
      size_t position = Next().position;
      ExprPtr right = ParseNot();
      if (!right) return nullptr;
      left = MakeBinary(position, BinaryOp::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseNot() {
    if (IsWord("not")) {
      size_t position = Next().position;
      if (++depth_ > kMaxDepth) {
        Fail("an expression nested at most " + std::to_string(kMaxDepth) + " levels deep");
        return nullptr;
      }
      ExprPtr operand = ParseNot();
      --depth_;
      if (!operand) return nullptr;
      return std::make_unique<Unary>(position, UnaryOp::kNot, std::move(operand));
    }
    return ParseComparison();
  }

  static std::optional<BinaryOp> ComparisonOp(const Token& t) {
    if (t.type != TokenType::kOperator) return std::nullopt;
    if (t.text == "=") return BinaryOp::kEqual;
    if (t.text == "<>" || t.text == "!=") return BinaryOp::kNotEqual;
    if (t.text == "<") return BinaryOp::kLess;
    if (t.text == "<=") return BinaryOp::kLessEqual;
    if (t.text == ">") return BinaryOp::kGreater;
    if (t.text == ">=") return BinaryOp::kGreaterEqual;
    return std::nullopt;
  }

  ExprPtr ParseComparison() {
    ExprPtr left = ParseConcat();
    while (left) {
      const size_t position = Peek().position;
      if (auto op = ComparisonOp(Peek())) {
        Next();
        ExprPtr right = ParseConcat();
        if (!right) return nullptr;
        left = MakeBinary(position, *op, std::move(left), std::move(right));
        continue;
      }
      if (AcceptWord("is")) {
        if (!CountOperator()) return nullptr;
        auto is_null = std::make_unique<IsNull>(position);
        is_null->negated = AcceptWord("not");
        if (!ExpectWord("null", is_null->negated ? "NULL" : "NULL or NOT NULL")) return nullptr;
        is_null->operand = std::move(left);
        left = std::move(is_null);
        continue;
      }
      bool negated = false;
      if (IsWord("not") && (IsWord(Peek(1), "in") || IsWord(Peek(1), "between") ||
                            IsWord(Peek(1), "like") || IsWord(Peek(1), "ilike"))) {
        Next();
        negated = true;
      }
      if ((IsWord("in") || IsWord("between") || IsWord("like") || IsWord("ilike")) &&
          !CountOperator()) {
        return nullptr;
      }
      if (AcceptWord("in")) {
        auto in = std::make_unique<InList>(position);
        in->negated = negated;
        in->operand = std::move(left);
        if (!ExpectOp("(")) return nullptr;
        if (IsWord("select") || IsWord("with")) {
          Fail("a list of values (IN (SELECT ...) is not supported yet)");
          return nullptr;
        }
        if (!ParseExprList(&in->list) || !ExpectOp(")", ", or )")) return nullptr;
        left = std::move(in);
      } else if (AcceptWord("between")) {
        auto between = std::make_unique<Between>(position);
        between->negated = negated;
        between->operand = std::move(left);
        between->low = ParseConcat();
        if (!between->low || !ExpectWord("and")) return nullptr;
        between->high = ParseConcat();
        if (!between->high) return nullptr;
        left = std::move(between);
      } else if (IsWord("like") || IsWord("ilike")) {
        auto like = std::make_unique<Like>(position);
        like->case_insensitive = Next().text == "ilike";
        like->negated = negated;
        like->operand = std::move(left);
        like->pattern = ParseConcat();
        if (!like->pattern) return nullptr;
        left = std::move(like);
      } else {
        break;
      }
    }
    return left;
  }

  ExprPtr ParseConcat() {
    ExprPtr left = ParseAdditive();
    while (left && IsOp("||")) {
      size_t position = Next().position;
      ExprPtr right = ParseAdditive();
      if (!right) return nullptr;
      left =
          MakeBinary(position, BinaryOp::kConcat, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseAdditive() {
    ExprPtr left = ParseMultiplicative();
    while (left && (IsOp("+") || IsOp("-"))) {
      const Token& t = Next();
      BinaryOp op = t.text == "+" ? BinaryOp::kAdd : BinaryOp::kSubtract;
      ExprPtr right = ParseMultiplicative();
      if (!right) return nullptr;
      left = MakeBinary(t.position, op, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseMultiplicative() {
    ExprPtr left = ParseUnary();
    while (left && (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%"))) {
      const Token& t = Next();
      BinaryOp op = t.text == "*"    ? BinaryOp::kMultiply
                    : t.text == "/"  ? BinaryOp::kDivide
                    : t.text == "//" ? BinaryOp::kIntegerDivide
                                     : BinaryOp::kModulo;
      ExprPtr right = ParseUnary();
      if (!right) return nullptr;
      left = MakeBinary(t.position, op, std::move(left), std::move(right));
    }
    return left;
  }

  ExprPtr ParseUnary() {
    if (IsOp("-")) {
      size_t position = Next().position;
      if (++depth_ > kMaxDepth) {
        Fail("an expression nested at most " + std::to_string(kMaxDepth) + " levels deep");
        return nullptr;
      }
      ExprPtr operand = ParseUnary();
      --depth_;
      if (!operand) return nullptr;
      return std::make_unique<Unary>(position, UnaryOp::kNegate, std::move(operand));
    }
    if (AcceptOp("+")) {
      if (++depth_ > kMaxDepth) {
        Fail("an expression nested at most " + std::to_string(kMaxDepth) + " levels deep");
        return nullptr;
      }
      ExprPtr operand = ParseUnary();
      --depth_;
      return operand;
    }
    return ParsePostfixCast();
  }

  ExprPtr ParsePostfixCast() {
    ExprPtr e = ParsePrimary();
    while (e && IsOp("::")) {
      if (!CountOperator()) return nullptr;
      auto cast = std::make_unique<Cast>(Next().position);
      cast->operand = std::move(e);
      if (!ParseType(&cast->type)) return nullptr;
      e = std::move(cast);
    }
    return e;
  }

  bool ParseType(TypeName* type) {
    const Token& t = Peek();
    type->position = t.position;
    if (t.type != TokenType::kIdentifier && t.type != TokenType::kQuotedIdentifier) {
      Fail("type name");
      return false;
    }
    type->name = Next().text;
    if (type->name == "double" && AcceptWord("precision")) type->name = "double precision";
    if (AcceptOp("(")) {
      do {
        const Token& m = Peek();
        int64_t value = 0;
        auto [end, ec] = std::from_chars(m.text.data(), m.text.data() + m.text.size(), value);
        if (m.type != TokenType::kInteger || ec != std::errc()) {
          Fail("integer type modifier");
          return false;
        }
        (void)end;
        Next();
        type->modifiers.push_back(value);
      } while (AcceptOp(","));
      if (!ExpectOp(")", ", or )")) return false;
    }
    return true;
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.type) {
      case TokenType::kInteger: {
        auto lit = std::make_unique<Literal>(t.position, LiteralKind::kInteger);
        lit->text = t.text;
        auto [end, ec] =
            std::from_chars(t.text.data(), t.text.data() + t.text.size(), lit->int_value);
        (void)end;
        if (ec != std::errc()) lit->literal_kind = LiteralKind::kDecimal;  // too big for int64
        Next();
        return lit;
      }
      case TokenType::kDecimal:
      case TokenType::kFloat: {
        auto lit = std::make_unique<Literal>(
            t.position, t.type == TokenType::kFloat ? LiteralKind::kFloat : LiteralKind::kDecimal);
        lit->text = t.text;
        if (t.type == TokenType::kFloat) lit->float_value = std::strtod(t.text.c_str(), nullptr);
        Next();
        return lit;
      }
      case TokenType::kString: {
        auto lit = std::make_unique<Literal>(t.position, LiteralKind::kString);
        lit->text = t.text;
        Next();
        return lit;
      }
      case TokenType::kQuotedIdentifier:
        return ParseNameExpr();
      case TokenType::kIdentifier:
        return ParseWordExpr();
      case TokenType::kOperator:
        if (IsOp("(")) {
          Next();
          if (IsWord("select") || IsWord("with")) {
            Fail("expression (subqueries in expressions are not supported yet)");
            return nullptr;
          }
          ExprPtr e = ParseExpr();
          if (!e || !ExpectOp(")", "an operator or )")) return nullptr;
          return e;
        }
        break;
      case TokenType::kEnd:
        break;
    }
    Fail("expression");
    return nullptr;
  }

  // An expression that starts with an unquoted word: a keyword construct, a
  // typed literal, a column or a function call.
  ExprPtr ParseWordExpr() {
    const Token& t = Peek();
    const std::string& w = t.text;
    if (w == "true" || w == "false") {
      auto lit = std::make_unique<Literal>(t.position, LiteralKind::kBool);
      lit->bool_value = w == "true";
      Next();
      return lit;
    }
    if (w == "null") {
      auto lit = std::make_unique<Literal>(t.position, LiteralKind::kNull);
      Next();
      return lit;
    }
    if (w == "case") return ParseCase();
    if (w == "cast") {
      auto cast = std::make_unique<Cast>(Next().position);
      if (!ExpectOp("(")) return nullptr;
      cast->operand = ParseExpr();
      if (!cast->operand || !ExpectWord("as") || !ParseType(&cast->type) || !ExpectOp(")")) {
        return nullptr;
      }
      return cast;
    }
    if (w == "extract") {
      auto extract = std::make_unique<Extract>(Next().position);
      if (!ExpectOp("(")) return nullptr;
      const Token& field = Peek();
      if (field.type != TokenType::kIdentifier && field.type != TokenType::kString) {
        Fail("a date part such as year, month or day");
        return nullptr;
      }
      extract->field = Next().text;
      for (char& c : extract->field) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      if (!ExpectWord("from")) return nullptr;
      extract->operand = ParseExpr();
      if (!extract->operand || !ExpectOp(")")) return nullptr;
      return extract;
    }
    if (w == "interval") {
      auto interval = std::make_unique<IntervalLiteral>(Next().position);
      if (Peek().type != TokenType::kString) {
        Fail("a quoted interval such as '1 day'");
        return nullptr;
      }
      interval->text = Next().text;
      return interval;
    }
    if ((w == "date" || w == "timestamp" || w == "timestamptz" || w == "time") &&
        Peek(1).type == TokenType::kString) {
      auto cast = std::make_unique<Cast>(t.position);
      cast->type.name = w;
      cast->type.position = t.position;
      Next();
      auto lit = std::make_unique<Literal>(Peek().position, LiteralKind::kString);
      lit->text = Next().text;
      cast->operand = std::move(lit);
      return cast;
    }
    if (IsReservedKeyword(w) && !((w == "left" || w == "right") && IsOp(Peek(1), "("))) {
      Fail("expression");
      return nullptr;
    }
    return ParseNameExpr();
  }

  // name [. name]* [. *] or name(args) [OVER (...)].
  ExprPtr ParseNameExpr() {
    const Token& first = Next();
    const size_t position = first.position;
    if (IsOp("(")) return ParseFunctionCall(first.text, position);
    auto column = std::make_unique<ColumnRef>(position);
    column->names.push_back(first.text);
    while (AcceptOp(".")) {
      if (IsOp("*") && column->names.size() == 1) {
        Next();
        auto star = std::make_unique<Star>(position);
        star->table = column->names[0];
        return star;
      }
      const Token& part = Peek();
      if (part.type != TokenType::kIdentifier && part.type != TokenType::kQuotedIdentifier) {
        Fail(column->names.size() == 1 ? "column name or *" : "column name");
        return nullptr;
      }
      column->names.push_back(Next().text);
    }
    if (column->names.size() > 3) {
      pos_--;
      Fail("at most three dotted names (schema.table.column)");
      return nullptr;
    }
    return column;
  }

  ExprPtr ParseFunctionCall(std::string name, size_t position) {
    auto call = std::make_unique<FunctionCall>(position);
    call->name = std::move(name);
    Next();  // (
    if (AcceptOp("*")) {
      call->star = true;
    } else if (!IsOp(")")) {
      if (AcceptWord("distinct")) {
        call->distinct = true;
      } else {
        AcceptWord("all");
      }
      if (!ParseExprList(&call->args)) return nullptr;
    }
    if (!ExpectOp(")", call->star ? ")" : ", or )")) return nullptr;
    if (IsWord("over")) {
      call->over = std::make_unique<WindowSpec>();
      call->over->position = Next().position;
      if (!ExpectOp("(")) return nullptr;
      if (AcceptWord("partition")) {
        if (!ExpectWord("by") || !ParseExprList(&call->over->partition_by)) return nullptr;
      }
      if (AcceptWord("order")) {
        if (!ExpectWord("by") || !ParseOrderList(&call->over->order_by)) return nullptr;
      }
      if (!ExpectOp(")", call->over->order_by.empty()
                             ? "PARTITION BY, ORDER BY or )"
                             : ") (window frames are not supported yet)")) {
        return nullptr;
      }
    }
    return call;
  }

  ExprPtr ParseCase() {
    auto c = std::make_unique<Case>(Next().position);
    if (!IsWord("when")) {
      c->operand = ParseExpr();
      if (!c->operand) return nullptr;
    }
    while (AcceptWord("when")) {
      WhenClause when;
      when.condition = ParseExpr();
      if (!when.condition || !ExpectWord("then")) return nullptr;
      when.result = ParseExpr();
      if (!when.result) return nullptr;
      c->whens.push_back(std::move(when));
    }
    if (c->whens.empty()) {
      Fail("WHEN");
      return nullptr;
    }
    if (AcceptWord("else")) {
      c->else_result = ParseExpr();
      if (!c->else_result) return nullptr;
    }
    if (!ExpectWord("end", "WHEN, ELSE or END")) return nullptr;
    return c;
  }

  int depth_ = 0;      // ParseExpr/ParseUnary recursion
  int operators_ = 0;  // operators so far (CountOperator)
  static constexpr int kMaxJoins = 1000;
  int joins_ = 0;      // JoinRefs so far
  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::optional<ParseError> error_;
};

}  // namespace

Result<std::unique_ptr<SelectStatement>> Parse(std::string_view sql, ParseError* error) {
  auto tokens = Tokenize(sql, error);
  if (!tokens.ok()) return tokens.status();
  Parser parser(sql, std::move(*tokens));
  auto statement = parser.ParseWholeStatement();
  if (!statement) {
    if (error != nullptr) *error = parser.error();
    return Status::InvalidArgument(parser.error().message);
  }
  return statement;
}

Result<ExprPtr> ParseExpression(std::string_view sql, ParseError* error) {
  auto tokens = Tokenize(sql, error);
  if (!tokens.ok()) return tokens.status();
  Parser parser(sql, std::move(*tokens));
  auto expr = parser.ParseWholeExpression();
  if (!expr) {
    if (error != nullptr) *error = parser.error();
    return Status::InvalidArgument(parser.error().message);
  }
  return expr;
}

}  // namespace tp::storage::sql
