// "Did you mean ...?" for config keys, column names, type names and time
// zones. Internal to the config files in app/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tp::app::config_internal {

// Levenshtein distance between a and b, comparing ASCII letters without
// regard to case.
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`: within edit distance 2 (1 for words of at
// most 3 bytes), or one of the two a prefix of the other (at least 2 bytes).
// Empty when nothing is close enough; a case-insensitive exact match wins.
std::string Suggest(std::string_view word, const std::vector<std::string>& candidates);

// `; did you mean "X"?` when Suggest finds X, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c" (the first `max_items`, then ", ...").
std::string JoinList(const std::vector<std::string>& items, size_t max_items = 20);

}  // namespace tp::app::config_internal
