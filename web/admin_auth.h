// Who may use the admin page and the admin API (web/admin_api.h), and the
// admin password file. Beast-free; the server asks Authorize() per request.
//
// Access modes (AccessMode), from the listen address and the password file:
//   open     loopback listener, no password: everything answers, the page
//            shows a banner. Admin requests must name a loopback Host (so a
//            web page cannot reach the server through DNS rebinding).
//   login    a password is set: the page and the admin API need a session
//            (cookie from POST /api/v1/login) or, for reads, an API token;
//            state-changing requests also need the session's CSRF token in
//            X-CSRF-Token.
//   refused  another address and no password: the page and the admin API
//            answer 403 saying how to set one; ingest keeps working.
//            Requests from this machine (a loopback peer) are served as in
//            open mode, so `tillpipe query` on the server's host still works.
// The password file is re-read when it changes, so `tillpipe passwd` takes
// effect on a running server (and ends every session).
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "stream/status.h"

namespace tp::web {

// A yescrypt hash ("$y$...") of `password`, with a fresh random salt.
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash` (any scheme libcrypt knows).
bool VerifyPassword(std::string_view password, const std::string& hash);
// Writes the password file atomically (mode 0600): a comment and the hash.
Status WritePasswordFile(const std::filesystem::path& file, const std::string& hash);
// The hash in a password file; NotFound when it does not exist.
Result<std::string> ReadPasswordFile(const std::filesystem::path& file);
// Compares secrets in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// `bytes` random bytes from the kernel, as lowercase hex.
std::string RandomHex(size_t bytes);

enum class AccessMode { kOpen, kLogin, kRefused };
std::string_view AccessModeName(AccessMode m);

struct AuthOptions {
  std::filesystem::path password_file;  // empty: no password can be set
  std::string listen_host = "127.0.0.1";
  std::chrono::seconds session_idle{8 * 3600};      // a session unused this long ends
  std::chrono::seconds session_max{7 * 24 * 3600};  // and any session after this long
  int max_sessions = 256;                           // the oldest go first
  // Login attempts: at most this many failures per client address within
  // the window (and 10x that from all addresses), then 429 until the
  // oldest failure leaves the window.
  int max_failures = 5;
  std::chrono::seconds failure_window{15 * 60};
  // Checks an API token (`Authorization: Bearer ...`) for `scope` ("read"
  // or "ingest"); unset = no tokens.
  std::function<bool(std::string_view token, std::string_view scope)> check_token;
};

// What the server knows of a request, for Authorize().
struct RequestView {
  std::string_view method;
  std::string_view path;
  std::string_view host;           // Host header
  std::string_view origin;         // Origin header (may be empty)
  std::string_view cookie;         // Cookie header
  std::string_view csrf;           // X-CSRF-Token header
  std::string_view authorization;  // Authorization header
  std::string_view client;         // the peer's IP address
};

enum class Need {
  kNothing,  // /health, the login call, ...
  kMetrics,  // GET /metrics: open on loopback, else a session or a read token
  kPage,     // the page's files: served unless refused (they hold no data)
  kRead,     // admin reads (status, tables, query): a session or a read token
  kAdmin,    // the page and state-changing admin calls: a session (+ CSRF)
};

struct Denial {
  int status = 403;  // 401, 403 or 429
  std::string message;
};

class AdminAuth {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AdminAuth(AuthOptions options);

  AccessMode Mode();
  const AuthOptions& options() const { return options_; }

  // nullopt = allowed.
  std::optional<Denial> Authorize(const RequestView& r, Need need);
  // True for methods that change state (everything but GET and HEAD).
  static bool StateChanging(std::string_view method) { return method != "GET" && method != "HEAD"; }

  struct LoginResult {
    enum class Kind { kOk, kWrong, kLimited, kNoPassword } kind = Kind::kWrong;
    std::string session;  // the cookie value (kOk)
    std::string csrf;     // the session's CSRF token (kOk)
    int retry_after_s = 0;
  };
  // Checks the password (yescrypt: tens of milliseconds, so call it off the
  // io threads) unless `client` is over its failure budget.
  LoginResult LogIn(std::string_view client, std::string_view password);
  // Ends the session named by the Cookie header; false when there was none.
  bool LogOut(std::string_view cookie_header);
  // The CSRF token for the request's session (login mode) or of the server
  // (open mode, and refused mode for a loopback `client`); nullopt when the
  // request has no session.
  std::optional<std::string> CsrfFor(std::string_view cookie_header, std::string_view client);

  // Set-Cookie values.
  std::string SessionCookie(const std::string& session, bool secure) const;
  static std::string ClearedCookie(bool secure);
  static constexpr std::string_view kCookieName = "tillpipe_session";

  // For tests: pretend this much time passed.
  void AdvanceClockForTest(std::chrono::seconds s);

 private:
  struct Session {
    std::string csrf;
    Clock::time_point created, last_used;
  };
  Clock::time_point Now() const { return Clock::now() + skew_; }
  void RefreshPasswordLocked();
  std::optional<std::string> SessionCsrfLocked(std::string_view cookie_header);
  bool TokenAllows(std::string_view authorization, std::string_view scope) const;
  void PruneFailuresLocked(Clock::time_point now);

  AuthOptions options_;
  const bool loopback_;
  const std::string open_csrf_;  // open mode: one token for the server's life

  std::mutex mu_;
  Clock::duration skew_{};               // GUARDED_BY(mu_)
  std::string hash_;                     // GUARDED_BY(mu_) "" = no password
  std::optional<std::filesystem::file_time_type> hash_mtime_;  // GUARDED_BY(mu_)
  Clock::time_point hash_checked_{};     // GUARDED_BY(mu_)
  std::map<std::string, Session> sessions_;  // GUARDED_BY(mu_) by SHA-256 of the id
  std::map<std::string, std::deque<Clock::time_point>, std::less<>> failures_;  // by client
  std::deque<Clock::time_point> all_failures_;  // GUARDED_BY(mu_)
};

// True when an Origin header ("http://host:port") names the Host header's
// host:port, i.e. the request comes from a page this server served.
bool SameOrigin(std::string_view origin, std::string_view host);

// Reads one cookie's value from a Cookie header ("" when absent).
std::string_view CookieValue(std::string_view header, std::string_view name);

}  // namespace tp::web
