// SQL lexer; see lexer.h.
#include "storage/sql/lexer.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace tp::storage::sql {
namespace {

constexpr std::string_view kReserved[] = {
    "all",   "and",       "as",       "asc",    "between", "by",     "case",    "cast",
    "cross", "desc",      "distinct", "else",   "end",     "except", "extract", "false",
    "fetch", "for",       "from",     "full",   "group",   "having", "ilike",   "in",
    "inner", "intersect", "interval", "into",   "is",      "join",   "left",    "like",
    "limit", "natural",   "not",      "null",   "offset",  "on",     "or",      "order",
    "outer", "over",      "right",    "select", "then",    "true",   "union",   "using",
    "when",  "where",     "window",   "with",
};

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c) || c == '$'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

Status Fail(std::string_view sql, ParseError* error, std::string message, size_t position) {
  message += " (position " + std::to_string(CharacterPosition(sql, position)) + ")";
  if (error != nullptr) *error = ParseError{message, position};
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

size_t CharacterPosition(std::string_view sql, size_t byte_offset) {
  size_t chars = 1;
  for (size_t i = 0; i < byte_offset && i < sql.size(); ++i) {
    if ((static_cast<unsigned char>(sql[i]) & 0xC0) != 0x80) ++chars;
  }
  // Continuation bytes at the offset itself belong to the character before.
  return chars;
}

bool IsReservedKeyword(std::string_view word) {
  return std::find(std::begin(kReserved), std::end(kReserved), word) != std::end(kReserved);
}

Result<std::vector<Token>> Tokenize(std::string_view sql, ParseError* error) {
  std::vector<Token> tokens;
  size_t i = 0;
  const size_t n = sql.size();
  while (true) {
    // Whitespace and comments.
    while (i < n) {
      char c = sql[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++i;
      } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
        while (i < n && sql[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
        size_t end = sql.find("*/", i + 2);
        if (end == std::string_view::npos) return Fail(sql, error, "unterminated /* comment", i);
        i = end + 2;
      } else {
        break;
      }
    }
    Token token;
    token.position = i;
    if (i >= n) {
      tokens.push_back(token);
      return tokens;
    }
    const char c = sql[i];
    if (IsIdentStart(c)) {
      size_t start = i;
      while (i < n && IsIdentChar(sql[i])) token.text.push_back(Lower(sql[i++]));
      token.type = TokenType::kIdentifier;
      token.length = i - start;
    } else if (c == '"' || c == '\'') {
      const bool is_string = c == '\'';
      size_t start = i++;
      while (true) {
        if (i >= n) {
          return Fail(sql, error,
                      is_string ? "unterminated string literal" : "unterminated quoted identifier",
                      start);
        }
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            token.text.push_back(c);
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        token.text.push_back(sql[i++]);
      }
      if (!is_string && token.text.empty())
        return Fail(sql, error, "zero-length quoted identifier", start);
      token.type = is_string ? TokenType::kString : TokenType::kQuotedIdentifier;
      token.length = i - start;
    } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(sql[i + 1]))) {
      size_t start = i;
      token.type = TokenType::kInteger;
      while (i < n && IsDigit(sql[i])) ++i;
      if (i < n && sql[i] == '.') {
        token.type = TokenType::kDecimal;
        ++i;
        while (i < n && IsDigit(sql[i])) ++i;
      }
      if (i < n && (sql[i] == 'e' || sql[i] == 'E')) {
        token.type = TokenType::kFloat;
        ++i;
        if (i < n && (sql[i] == '+' || sql[i] == '-')) ++i;
        if (i >= n || !IsDigit(sql[i])) {
          return Fail(sql, error,
                      "bad number \"" + std::string(sql.substr(start, i - start)) +
                          "\": exponent has no digits",
                      start);
        }
        while (i < n && IsDigit(sql[i])) ++i;
      }
      if (i < n && (IsIdentChar(sql[i]) || sql[i] == '.')) {
        size_t end = i;
        while (end < n && (IsIdentChar(sql[end]) || sql[end] == '.')) ++end;
        return Fail(sql, error, "bad number \"" + std::string(sql.substr(start, end - start)) + "\"",
                    start);
      }
      token.text = std::string(sql.substr(start, i - start));
      for (char& ch : token.text) ch = Lower(ch);
      token.length = i - start;
    } else {
      static constexpr std::array<std::string_view, 7> kTwoChar = {
          "||", "<>", "!=", "<=", ">=", "::", "//"};
      std::string_view two = sql.substr(i, 2);
      if (std::find(kTwoChar.begin(), kTwoChar.end(), two) != kTwoChar.end()) {
        token.text = std::string(two);
      } else if (std::string_view("+-*/%=<>(),.;").find(c) != std::string_view::npos) {
        token.text = std::string(1, c);
      } else {
        return Fail(sql, error,
                    "syntax error at or near \"" + std::string(1, c) + "\": unexpected character",
                    i);
      }
      token.type = TokenType::kOperator;
      token.length = token.text.size();
      i += token.length;
    }
    tokens.push_back(std::move(token));
  }
}

}  // namespace tp::storage::sql
