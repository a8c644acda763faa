// Name helpers for SQL error messages: case-insensitive comparison and the
// "did you mean" suggestion.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tp::storage::sql {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// The candidate closest to `name` by edit distance (case-insensitive) when
// it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);
// "a, b, c" (quoted names), at most `max` then ", ...".
std::string JoinNames(const std::vector<std::string>& names, size_t max = 12);

}  // namespace tp::storage::sql
