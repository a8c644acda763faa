// Log lines on standard error. Under systemd, standard error is a stream to
// journald, and JOURNAL_STREAM holds its "device:inode" (systemd.exec(5));
// then every line starts with its syslog priority "<N>" (sd-daemon(3)), so
// the journal keeps each line's level (`journalctl -p err`). On a terminal,
// in a file or under another supervisor there is no prefix.
#pragma once

#include <string>
#include <string_view>

namespace tp::app {

enum class Priority { kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

// True when `journal_stream` (JOURNAL_STREAM's value, may be null) names the
// file `fd` is open on.
bool IsJournalStream(const char* journal_stream, int fd);

// "tillpipe: " + each line of `text`, with "<N>" in front of every line
// when `journal`; ends with a newline.
std::string FormatLogLines(Priority priority, std::string_view text, bool journal);

// "<N>" when `fd` is journald's stream (JOURNAL_STREAM), else "": for
// output that is not a log line, such as `tillpipe validate`'s errors in
// the unit's ExecStartPre.
std::string PriorityPrefix(Priority priority, int fd);

// Writes `text` to standard error, one write per call.
void LogLine(Priority priority, std::string_view text);

}  // namespace tp::app
