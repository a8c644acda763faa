// SQL lexer: splits query text into tokens that carry their byte offsets.
//
// Unquoted identifiers and keywords are lower-cased (ASCII); "double quoted"
// identifiers keep their case and may contain "" for a quote. 'Strings' use ''
// for a quote. Numbers are integers (42), decimals (1.50, .5) or floats (1e3,
// 2.5E-2). Comments (-- to end of line, /* ... */) and whitespace are skipped.
// Errors name the problem and the byte position where it starts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "stream/status.h"

namespace tp::storage::sql {

// Where and why parsing failed; `position` is a byte offset into the SQL text.
struct ParseError {
  std::string message;
  size_t position = 0;
};

enum class TokenType {
  kIdentifier,        // text lower-cased; may be a keyword
  kQuotedIdentifier,  // text as written, without the quotes
  kString,            // text is the value, '' already unescaped
  kInteger,           // digits only
  kDecimal,           // digits with a '.'
  kFloat,             // with an exponent
  kOperator,          // + - * / // % || = <> != < <= > >= :: ( ) , . ;
  kEnd,
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;
  size_t position = 0;  // byte offset of the first character
  size_t length = 0;    // bytes in the source, quotes included
};

// 1-based character (UTF-8 code point) position of a byte offset: what
// error messages and the HTTP API report (PostgreSQL's convention).
size_t CharacterPosition(std::string_view sql, size_t byte_offset);

// True for words that cannot be used as unquoted column, table or alias names.
bool IsReservedKeyword(std::string_view word);

// The tokens of `sql`, always ending with a kEnd token. On failure returns
// InvalidArgument and, when `error` is not null, fills it in.
Result<std::vector<Token>> Tokenize(std::string_view sql, ParseError* error = nullptr);

}  // namespace tp::storage::sql
