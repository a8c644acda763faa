// Log lines carry their syslog priority only when standard error is
// journald's stream (JOURNAL_STREAM names the very file), one prefix per line.
#include "app/journal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/common/temp_dir.h"

namespace tp::app {
namespace {

TEST(Journal, PrefixesEveryLineOnlyForTheJournal) {
  EXPECT_EQ(FormatLogLines(Priority::kInfo, "stream ready", false), "tillpipe: stream ready\n");
  EXPECT_EQ(FormatLogLines(Priority::kInfo, "stream ready", true), "<6>tillpipe: stream ready\n");
  EXPECT_EQ(FormatLogLines(Priority::kErr, "cannot open\nthe catalog\n", true),
            "<3>tillpipe: cannot open\n<3>tillpipe: the catalog\n");
  EXPECT_EQ(FormatLogLines(Priority::kWarning, "", true), "<4>tillpipe: \n");
}

TEST(Journal, RecognizesItsStreamByDeviceAndInode) {
  testing::TempDir dir;
  const std::string a = (dir.path() / "a").string(), b = (dir.path() / "b").string();
  int fa = ::open(a.c_str(), O_CREAT | O_WRONLY, 0600);
  int fb = ::open(b.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fa, 0);
  ASSERT_GE(fb, 0);
  struct stat st;
  ASSERT_EQ(::fstat(fa, &st), 0);
  const std::string id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  EXPECT_TRUE(IsJournalStream(id.c_str(), fa));
  EXPECT_FALSE(IsJournalStream(id.c_str(), fb))
      << "another file: a stream inherited from elsewhere";
  EXPECT_FALSE(IsJournalStream(nullptr, fa));
  EXPECT_FALSE(IsJournalStream("", fa));
  EXPECT_FALSE(IsJournalStream(id.c_str(), 999)) << "a closed descriptor";
  ::close(fa);
  ::close(fb);
}

}  // namespace
}  // namespace tp::app
