#include "web/ndjson.h"

#include <gtest/gtest.h>

#include "web/http_client.h"

namespace tp::web {
namespace {

// Records point into the body, so it is kept alive until the next call.
NdjsonResult Check(std::string body, size_t max_errors = 10) {
  static NdjsonValidator v;
  static std::string keep;
  keep = std::move(body);
  NdjsonValidator::PadForParsing(keep);
  return v.Validate(keep, max_errors);
}

TEST(Ndjson, SplitsObjectsAndSkipsBlankLines) {
  auto r = Check("{\"a\":1}\n\n  \n{\"b\":\"x\\ny\"}\r\n{\"c\":[1,2]}");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0], "{\"a\":1}");
  EXPECT_EQ(r.records[1], "{\"b\":\"x\\ny\"}");  // CR stripped
  EXPECT_EQ(r.records[2], "{\"c\":[1,2]}");
}

TEST(Ndjson, ReportsBadLinesWithNumbersAndReasons) {
  auto r = Check("{\"a\":1}\n{\"a\":\n[1,2]\n\"str\"\n{\"a\":1} trailing\n{\"ok\":true}\n");
  EXPECT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.bad_lines, 4u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[1].line, 3u);
  EXPECT_NE(r.errors[1].reason.find("expected a JSON object, got a JSON array"), std::string::npos);
  EXPECT_EQ(r.errors[2].line, 4u);
  EXPECT_NE(r.errors[2].reason.find("string"), std::string::npos);
  EXPECT_EQ(r.errors[3].line, 5u);
}

TEST(Ndjson, CapsErrorListButCountsAll) {
  std::string body;
  for (int i = 0; i < 50; ++i) body += "nope\n";
  auto r = Check(body, 10);
  EXPECT_EQ(r.errors.size(), 10u);
  EXPECT_EQ(r.bad_lines, 50u);
  EXPECT_EQ(r.errors[9].line, 10u);
}

TEST(Ndjson, RejectsInvalidUtf8) {
  auto r = Check("{\"a\":\"\xff\xfe\"}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].reason.find("UTF-8"), std::string::npos);
}

TEST(Ndjson, EmptyBodyHasNoRecords) {
  auto r = Check("\n\n");
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(r.errors.empty());
}

TEST(HttpUrl, ParsesForms) {
  auto u = ParseUrl("http://127.0.0.1:9000/base/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_EQ(u->base_path, "/base");
  u = ParseUrl("localhost:81");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 81);
  u = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_FALSE(ParseUrl("https://x").ok());
  EXPECT_FALSE(ParseUrl("http://x:99999").ok());
  EXPECT_FALSE(ParseUrl("http://:80").ok());
}

}  // namespace
}  // namespace tp::web
