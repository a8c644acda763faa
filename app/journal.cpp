#include "app/journal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tp::app {

bool IsJournalStream(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  struct stat st;
  if (::fstat(fd, &st) != 0) return false;
  const std::string want = std::to_string(static_cast<unsigned long long>(st.st_dev)) + ":" +
                           std::to_string(static_cast<unsigned long long>(st.st_ino));
  return want == journal_stream;
}

namespace {

std::string Tag(Priority priority) { return "<" + std::to_string(static_cast<int>(priority)) + ">"; }

}  // namespace

std::string FormatLogLines(Priority priority, std::string_view text, bool journal) {
  const std::string prefix = (journal ? Tag(priority) : std::string()) + "tillpipe: ";
  std::string out;
  for (;;) {
    const size_t nl = text.find('\n');
    out += prefix;
    out += text.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos || nl + 1 == text.size()) return out;
    text.remove_prefix(nl + 1);
  }
}

std::string PriorityPrefix(Priority priority, int fd) {
  return IsJournalStream(std::getenv("JOURNAL_STREAM"), fd) ? Tag(priority) : std::string();
}

void LogLine(Priority priority, std::string_view text) {
  static const bool journal = IsJournalStream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO);
  const std::string s = FormatLogLines(priority, text, journal);
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

}  // namespace tp::app
