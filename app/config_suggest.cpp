#include "app/config_suggest.h"

#include <algorithm>
#include <cctype>

namespace tp::app::config_internal {
namespace {

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != Lower(prefix[i])) return false;
  }
  return true;
}

}  // namespace

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int subst = prev[j - 1] + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Suggest(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) return {};
  const int max_distance = word.size() <= 3 ? 1 : 2;
  std::string best;
  int best_score = 1 << 30;
  for (const std::string& c : candidates) {
    int d = EditDistance(word, c);
    int score;
    if (d <= max_distance) {
      score = d;
    } else if (word.size() >= 2 && (StartsWithNoCase(c, word) || StartsWithNoCase(word, c))) {
      // A prefix match ranks after every close spelling.
      score = max_distance + 1 +
              static_cast<int>(std::max(c.size(), word.size()) - std::min(c.size(), word.size()));
    } else {
      continue;
    }
    if (score < best_score) {
      best_score = score;
      best = c;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string s = Suggest(word, candidates);
  if (s.empty()) return {};
  return "; did you mean \"" + s + "\"?";
}

std::string JoinList(const std::vector<std::string>& items, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i == max_items) {
      out += ", ...";
      break;
    }
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

}  // namespace tp::app::config_internal
