// Admin access over real HTTP (web/admin_auth.h, web/admin_api.h): login,
// logout, sessions, CSRF refusals, login rate limiting, the three access
// modes, and that no admin API answers without a session once a password
// is set.
#include "web/admin_auth.h"

#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/common/poll.h"
#include "tests/common/temp_dir.h"
#include "web/http_client.h"
#include "web/http_server.h"

namespace tp::web {
namespace {

using json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kPassword[] = "correct horse battery";

class AdminBackend : public Backend {
 public:
  bool Ready() const override { return true; }
  bool HasTable(std::string_view) const override { return true; }
  std::vector<std::string> TableNames() const override { return {"orders"}; }
  void Ingest(const IngestCall& call, std::function<void(IngestAnswer)> done) override {
    IngestAnswer a;
    a.accepted = static_cast<uint32_t>(call.records->size());
    done(a);
  }
  QueryAnswer Query(std::string_view, bool, const std::atomic<bool>*) override {
    return {200, "{\"rows\":[[1]]}\n", "application/json", 0, {}};
  }
  std::string StatusJson() const override { return "{\"version\":\"test\"}"; }
  std::string TablesJson() const override { return "{\"tables\":[]}"; }
  std::string MetricsText() const override { return "tillpipe_test 1\n"; }
};

// A server on `host` whose password file is in a temp dir (set or not).
struct AdminServer {
  tp::testing::TempDir dir;
  AdminBackend backend;
  std::unique_ptr<HttpServer> server;
  std::string host;
  explicit AdminServer(bool with_password, std::string listen = "127.0.0.1") : host(listen) {
    if (with_password) {
      auto hash = HashPassword(kPassword);
      EXPECT_TRUE(hash.ok());
      EXPECT_TRUE(WritePasswordFile(dir.path() / "admin.passwd", *hash).ok());
    }
    ServerOptions o;
    o.host = listen;
    o.port = 0;
    o.auth.password_file = dir.path() / "admin.passwd";
    auto s = HttpServer::Start(o, &backend);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server = std::move(*s);
  }
  HttpClient Client() const { return HttpClient(Url{host, server->port(), ""}); }
};

// The session cookie ("name=value") from a Set-Cookie header.
std::string CookieOf(const HttpResponse& r) {
  std::string set = r.Header("Set-Cookie");
  return set.substr(0, set.find(';'));
}

HttpResponse Must(Result<HttpResponse> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : HttpResponse{};
}

HttpResponse Login(HttpClient& c, std::string_view password, Headers extra = {}) {
  extra.emplace_back("Content-Type", "application/json");
  return Must(c.Post("/api/v1/login", json{{"password", password}}.dump(), extra));
}

TEST(AdminAuth, NoAdminApiAnswersWithoutASessionOnceAPasswordIsSet) {
  AdminServer s(/*with_password=*/true);
  HttpClient c = s.Client();
  for (const char* path : {"/api/v1/status", "/api/v1/tables"}) {
    auto r = Must(c.Get(path));
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_NE(r.body.find("log in"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Must(c.Post("/api/v1/query", R"({"sql":"SELECT 1"})")).status, 401);
  EXPECT_EQ(Must(c.Post("/api/v1/logout", "")).status, 401);
  // The page itself loads (it shows the login form); ingest, health and
  // (on loopback) metrics need no session.
  EXPECT_EQ(Must(c.Get("/")).status, 200);
  EXPECT_EQ(Must(c.Get("/health")).status, 200);
  EXPECT_EQ(Must(c.Get("/metrics")).status, 200);
  EXPECT_EQ(Must(c.Post("/api/v1/ingest/orders", "{\"a\":1}\n")).status, 200);
  auto session = json::parse(Must(c.Get("/api/v1/session")).body);
  EXPECT_EQ(session["mode"], "login");
  EXPECT_EQ(session["authenticated"], false);
  EXPECT_FALSE(session.contains("csrf"));
}

TEST(AdminAuth, LoginSessionCsrfAndLogout) {
  AdminServer s(true);
  HttpClient c = s.Client();
  auto wrong = Login(c, "not the password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Header("Set-Cookie"), "");

  auto ok = Login(c, kPassword);
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string set_cookie = ok.Header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "no TLS, no Secure: " << set_cookie;
  const std::string cookie = CookieOf(ok);
  EXPECT_EQ(cookie.size(), std::string("tillpipe_session=").size() + 64) << "256 random bits";
  const std::string csrf = json::parse(ok.body)["csrf"];

  Headers with_cookie{{"Cookie", cookie}};
  auto status = Must(c.Request("GET", "/api/v1/status", "", with_cookie));
  EXPECT_EQ(status.status, 200);
  EXPECT_EQ(status.body, s.backend.StatusJson());
  EXPECT_EQ(Must(c.Request("POST", "/api/v1/query", R"({"sql":"SELECT 1"})", with_cookie)).status, 200);
  auto session = json::parse(Must(c.Request("GET", "/api/v1/session", "", with_cookie)).body);
  EXPECT_EQ(session["authenticated"], true);
  EXPECT_EQ(session["csrf"], csrf);

  // A state-changing call without the CSRF token, or with another, is refused.
  EXPECT_EQ(Must(c.Request("POST", "/api/v1/logout", "", with_cookie)).status, 403);
  EXPECT_EQ(Must(c.Request("POST", "/api/v1/logout", "",
                           {{"Cookie", cookie}, {"X-CSRF-Token", std::string(64, '0')}}))
                .status,
            403);
  // ... and so is one from another site's page, token or not.
  auto cross = Must(c.Request("POST", "/api/v1/logout", "",
                              {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://evil.example"}}));
  EXPECT_EQ(cross.status, 403);
  EXPECT_NE(cross.body.find("another site"), std::string::npos) << cross.body;
  EXPECT_EQ(Must(c.Request("GET", "/api/v1/status", "", with_cookie)).status, 200) << "still logged in";

  auto out = Must(c.Request("POST", "/api/v1/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}));
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Must(c.Request("GET", "/api/v1/status", "", with_cookie)).status, 401) << "session ended";
}

TEST(AdminAuth, SecureCookieBehindTls) {
  AdminServer s(true);
  HttpClient c = s.Client();
  auto ok = Login(c, kPassword, {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_NE(ok.Header("Set-Cookie").find("; Secure"), std::string::npos) << ok.Header("Set-Cookie");
}

TEST(AdminAuth, LoginRefusesFormsAndOtherSites) {
  AdminServer s(true);
  HttpClient c = s.Client();
  auto form = Must(c.Post("/api/v1/login", "password=x", {{"Content-Type", "application/x-www-form-urlencoded"}}));
  EXPECT_EQ(form.status, 415);
  auto other = Login(c, kPassword, {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Header("Set-Cookie"), "");
}

TEST(AdminAuth, LoginAttemptsAreRateLimited) {
  AdminServer s(true);
  HttpClient c = s.Client();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login(c, "wrong").status, 401) << i;
  auto limited = Login(c, kPassword);  // even the right password waits now
  EXPECT_EQ(limited.status, 429);
  const int retry = std::stoi(limited.Header("Retry-After").empty() ? "0" : limited.Header("Retry-After"));
  EXPECT_GT(retry, 800);
  EXPECT_LE(retry, 15 * 60 + 1);
  EXPECT_EQ(limited.Header("Set-Cookie"), "");
}

// The window in AdminAuth itself: failures age out, a success clears them.
TEST(AdminAuth, FailureWindowAgesOut) {
  tp::testing::TempDir dir;
  ASSERT_TRUE(WritePasswordFile(dir.path() / "p", *HashPassword(kPassword)).ok());
  AuthOptions o;
  o.password_file = dir.path() / "p";
  o.max_failures = 2;
  AdminAuth auth(o);
  using K = AdminAuth::LoginResult::Kind;
  EXPECT_EQ(auth.LogIn("10.0.0.1", "x").kind, K::kWrong);
  EXPECT_EQ(auth.LogIn("10.0.0.1", "y").kind, K::kWrong);
  EXPECT_EQ(auth.LogIn("10.0.0.1", kPassword).kind, K::kLimited);
  EXPECT_EQ(auth.LogIn("10.0.0.2", kPassword).kind, K::kOk) << "other clients are not locked out";
  auth.AdvanceClockForTest(std::chrono::seconds(15 * 60 + 1));
  EXPECT_EQ(auth.LogIn("10.0.0.1", kPassword).kind, K::kOk);
}

TEST(AdminAuth, SessionsExpireWhenIdle) {
  tp::testing::TempDir dir;
  ASSERT_TRUE(WritePasswordFile(dir.path() / "p", *HashPassword(kPassword)).ok());
  AuthOptions o;
  o.password_file = dir.path() / "p";
  AdminAuth auth(o);
  auto r = auth.LogIn("10.0.0.1", kPassword);
  ASSERT_EQ(r.kind, AdminAuth::LoginResult::Kind::kOk);
  const std::string cookie = "a=b; tillpipe_session=" + r.session;
  RequestView v{"GET", "/api/v1/status", "127.0.0.1:8080", "", cookie, "", "", "10.0.0.1"};
  EXPECT_FALSE(auth.Authorize(v, Need::kRead).has_value());
  auth.AdvanceClockForTest(o.session_idle + std::chrono::seconds(1));
  auto d = auth.Authorize(v, Need::kRead);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->status, 401);
}

TEST(AdminAuth, NewPasswordEndsSessions) {
  AdminServer s(true);
  HttpClient c = s.Client();
  auto ok = Login(c, kPassword);
  ASSERT_EQ(ok.status, 200);
  Headers with_cookie{{"Cookie", CookieOf(ok)}};
  EXPECT_EQ(Must(c.Request("GET", "/api/v1/tables", "", with_cookie)).status, 200);
  ASSERT_TRUE(WritePasswordFile(s.dir.path() / "admin.passwd", *HashPassword("another password")).ok());
  // The file is checked once a second.
  EXPECT_EQ(tp::testing::StatusOnceNot200(
                [&] { return Must(c.Request("GET", "/api/v1/tables", "", with_cookie)).status; }),
            401);
  EXPECT_EQ(Login(c, kPassword).status, 401);
  EXPECT_EQ(Login(c, "another password").status, 200);
}

TEST(AdminAuth, OpenOnLoopbackWithoutPasswordShowsBannerAndGuardsHostAndCsrf) {
  AdminServer s(/*with_password=*/false);
  HttpClient c = s.Client();
  auto session = json::parse(Must(c.Get("/api/v1/session")).body);
  EXPECT_EQ(session["mode"], "open");
  EXPECT_EQ(session["authenticated"], true);
  EXPECT_NE(session["banner"].get<std::string>().find("tillpipe passwd"), std::string::npos);
  EXPECT_EQ(Must(c.Get("/api/v1/status")).status, 200);
  EXPECT_EQ(Must(c.Get("/")).status, 200);
  // A page on another site that rebinds its name to 127.0.0.1 sends its own Host.
  auto rebound = Must(c.Request("GET", "/api/v1/status", "", {{"Host", "evil.example:8080"}}));
  EXPECT_EQ(rebound.status, 403);
  EXPECT_EQ(Must(c.Request("GET", "/api/v1/status", "", {{"Host", "localhost:8080"}})).status, 200);
  // Writes still need the (server-wide) CSRF token.
  EXPECT_EQ(Must(c.Post("/api/v1/logout", "")).status, 403);
  EXPECT_EQ(Must(c.Post("/api/v1/logout", "", {{"X-CSRF-Token", session["csrf"].get<std::string>()}})).status, 200);
  // No password: login says how to set one.
  auto login = Login(c, "anything");
  EXPECT_EQ(login.status, 409);
  EXPECT_NE(login.body.find("tillpipe passwd"), std::string::npos);
}

// A non-loopback IPv4 address of this machine, or "".
std::string OtherLocalAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
    if (!std::string(buf).starts_with("127.")) found = buf;
  }
  freeifaddrs(list);
  return found;
}

TEST(AdminAuth, RefusedBeyondLoopbackWithoutPasswordButIngestWorks) {
  const std::string addr = OtherLocalAddress();
  if (addr.empty()) GTEST_SKIP() << "this machine has no non-loopback IPv4 address to listen on";
  AdminServer s(/*with_password=*/false, addr);
  HttpClient c = s.Client();  // the peer address is `addr`: not loopback
  for (const char* path : {"/", "/api/v1/status", "/api/v1/tables", "/metrics"}) {
    auto r = Must(c.Get(path));
    EXPECT_EQ(r.status, 403) << path;
    EXPECT_NE(r.body.find("tillpipe passwd"), std::string::npos) << path << ": " << r.body;
  }
  EXPECT_EQ(json::parse(Must(c.Get("/api/v1/session")).body)["mode"], "refused");
  EXPECT_EQ(Must(c.Post("/api/v1/ingest/orders", "{\"a\":1}\n")).status, 200);
  // From this machine itself the API still answers (tillpipe query on the host).
  AdminServer local(false, "0.0.0.0");
  HttpClient lc(Url{"127.0.0.1", local.server->port(), ""});
  EXPECT_EQ(Must(lc.Get("/api/v1/status")).status, 200);
}

TEST(AdminAuth, PasswordFileRoundTrip) {
  tp::testing::TempDir dir;
  auto hash = HashPassword(kPassword);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$y$")) << *hash;
  EXPECT_NE(*hash, *HashPassword(kPassword)) << "a fresh salt each time";
  ASSERT_TRUE(WritePasswordFile(dir.path() / "p", *hash).ok());
  EXPECT_EQ(std::filesystem::status(dir.path() / "p").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto read = ReadPasswordFile(dir.path() / "p");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, *hash);
  EXPECT_TRUE(VerifyPassword(kPassword, *read));
  EXPECT_FALSE(VerifyPassword("correct horse batter", *read));
  EXPECT_EQ(ReadPasswordFile(dir.path() / "missing").status().code(), Status::Code::kNotFound);
}

TEST(AdminAuth, CookieValue) {
  EXPECT_EQ(CookieValue("a=1; tillpipe_session=abc; b=2", "tillpipe_session"), "abc");
  EXPECT_EQ(CookieValue("tillpipe_session_x=1", "tillpipe_session"), "");
  EXPECT_EQ(CookieValue("", "tillpipe_session"), "");
}

}  // namespace
}  // namespace tp::web
