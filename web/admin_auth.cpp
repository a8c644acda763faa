#include "web/admin_auth.h"

#include <crypt.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "stream/sha256.h"
#include "web/static_assets.h"

namespace tp::web {

namespace fs = std::filesystem;

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// "host:port", "[v6]:port" or "host" -> host.
std::string_view HostOf(std::string_view authority) {
  if (authority.starts_with('[')) {
    auto end = authority.find(']');
    return end == std::string_view::npos ? authority : authority.substr(0, end + 1);
  }
  auto colon = authority.rfind(':');
  return colon == std::string_view::npos ? authority : authority.substr(0, colon);
}

int SecondsUntil(AdminAuth::Clock::time_point t, AdminAuth::Clock::time_point now) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
  return static_cast<int>(std::max<int64_t>(1, s + 1));
}

}  // namespace

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
    // EINTR: retry; getrandom never returns short for <= 256 bytes otherwise.
  }
  return ToHex(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.empty()) return Status::InvalidArgument("the password is empty");
  if (password.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("the password contains a NUL byte");
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // count 0: libcrypt's default cost for yescrypt; NULL rbytes: it reads
  // the kernel's random source itself.
  if (crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting) == nullptr) {
    return Status::IOError(std::string("libcrypt cannot make a yescrypt salt: ") + std::strerror(errno));
  }
  crypt_data data{};
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), setting, &data, sizeof data);
  if (out == nullptr || out[0] == '*') {
    return Status::IOError(std::string("libcrypt cannot hash with yescrypt: ") + std::strerror(errno));
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (hash.empty() || password.find('\0') != std::string_view::npos) return false;
  crypt_data data{};
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), hash.c_str(), &data, sizeof data);
  return out != nullptr && out[0] != '*' && ConstantTimeEquals(out, hash);
}

Status WritePasswordFile(const fs::path& file, const std::string& hash) {
  const fs::path tmp = file.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IOError("cannot write " + tmp.string() + ": " + std::strerror(errno) +
                           "; check that its directory exists and is writable");
  }
  const std::string text =
      "# tillpipe admin password (yescrypt). Set it with `tillpipe passwd`; delete this file to\n"
      "# remove the password.\n" +
      hash + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return Status::IOError("cannot write " + file.string() + ": " + std::strerror(err));
  }
  return Status::OK();
}

Result<std::string> ReadPasswordFile(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    if (!fs::exists(file)) return Status::NotFound("no password file " + file.string());
    return Status::IOError("cannot read " + file.string() + ": " + std::strerror(errno));
  }
  std::string line;
  while (std::getline(in, line)) {
    std::string_view l = Trim(line);
    if (l.empty() || l.starts_with('#')) continue;
    if (!l.starts_with('$')) {
      return Status::InvalidArgument(file.string() + ": not a password hash; set it again with "
                                     "`tillpipe passwd`");
    }
    return std::string(l);
  }
  return Status::NotFound(file.string() + " holds no hash");
}

std::string_view AccessModeName(AccessMode m) {
  switch (m) {
    case AccessMode::kOpen: return "open";
    case AccessMode::kLogin: return "login";
    case AccessMode::kRefused: return "refused";
  }
  return "?";
}

bool SameOrigin(std::string_view origin, std::string_view host) {
  if (auto s = origin.find("://"); s != std::string_view::npos) origin = origin.substr(s + 3);
  return origin == host;
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view part = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && Trim(part.substr(0, eq)) == name) {
      return Trim(part.substr(eq + 1));
    }
  }
  return {};
}

AdminAuth::AdminAuth(AuthOptions options)
    : options_(std::move(options)),
      loopback_(IsLoopbackHost(options_.listen_host)),
      open_csrf_(RandomHex(32)) {}

void AdminAuth::AdvanceClockForTest(std::chrono::seconds s) {
  std::lock_guard lock(mu_);
  skew_ += s;
}

void AdminAuth::RefreshPasswordLocked() {
  const Clock::time_point now = Now();
  if (hash_checked_ != Clock::time_point{} && now - hash_checked_ < std::chrono::seconds(1)) return;
  hash_checked_ = now;
  if (options_.password_file.empty()) return;
  std::error_code ec;
  auto mtime = fs::last_write_time(options_.password_file, ec);
  std::optional<fs::file_time_type> seen;
  if (!ec) seen = mtime;
  if (seen == hash_mtime_) return;
  hash_mtime_ = seen;
  auto h = ReadPasswordFile(options_.password_file);
  std::string next = h.ok() ? *h : "";
  if (next != hash_) sessions_.clear();  // a new password ends every session
  hash_ = std::move(next);
}

AccessMode AdminAuth::Mode() {
  std::lock_guard lock(mu_);
  RefreshPasswordLocked();
  if (!hash_.empty()) return AccessMode::kLogin;
  return loopback_ ? AccessMode::kOpen : AccessMode::kRefused;
}

std::optional<std::string> AdminAuth::SessionCsrfLocked(std::string_view cookie_header) {
  std::string_view id = CookieValue(cookie_header, kCookieName);
  if (id.empty()) return std::nullopt;
  auto it = sessions_.find(Sha256::HexHash(id));
  if (it == sessions_.end()) return std::nullopt;
  const Clock::time_point now = Now();
  if (now - it->second.last_used > options_.session_idle || now - it->second.created > options_.session_max) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.csrf;
}

bool AdminAuth::TokenAllows(std::string_view authorization, std::string_view scope) const {
  if (!options_.check_token || authorization.size() <= 7) return false;
  std::string_view scheme = authorization.substr(0, 7);
  bool bearer = true;
  for (size_t i = 0; i < 7; ++i) {
    bearer &= std::tolower(static_cast<unsigned char>(scheme[i])) == "bearer "[i];
  }
  return bearer && options_.check_token(Trim(authorization.substr(7)), scope);
}

std::optional<Denial> AdminAuth::Authorize(const RequestView& r, Need need) {
  if (need == Need::kNothing) return std::nullopt;
  const AccessMode mode = Mode();
  const bool changes = StateChanging(r.method) && need == Need::kAdmin;
  // A browser names the page's origin on cross-site and same-site writes
  // alike; a write whose Origin is another host is refused whatever it carries.
  if (changes && !r.origin.empty() && !SameOrigin(r.origin, r.host)) {
    return Denial{403, "the request comes from another site (Origin " + std::string(r.origin) +
                           "); use the admin page served by this server"};
  }
  if (need == Need::kMetrics && loopback_) return std::nullopt;
  if (need == Need::kPage && mode != AccessMode::kRefused) return std::nullopt;
  if (need != Need::kAdmin && TokenAllows(r.authorization, "read")) return std::nullopt;

  switch (mode == AccessMode::kRefused && IsLoopbackHost(r.client) ? AccessMode::kOpen : mode) {
    case AccessMode::kOpen: {
      if (!r.host.empty() && !IsLoopbackHost(HostOf(r.host))) {
        return Denial{403, "the Host header \"" + std::string(r.host) +
                               "\" is not a loopback name; open the page as http://127.0.0.1:PORT/ "
                               "(with no admin password set, only loopback names are served)"};
      }
      if (changes && !ConstantTimeEquals(r.csrf, open_csrf_)) {
        return Denial{403, "missing or wrong X-CSRF-Token; reload the admin page"};
      }
      return std::nullopt;
    }
    case AccessMode::kRefused:
      return Denial{403, "no admin password is set and the server listens on " +
                             options_.listen_host +
                             ", not loopback: set one with `tillpipe passwd` (then log in), or "
                             "listen on 127.0.0.1. Ingest keeps working."};
    case AccessMode::kLogin: {
      std::lock_guard lock(mu_);
      auto csrf = SessionCsrfLocked(r.cookie);
      if (!csrf) {
        return Denial{401, need == Need::kAdmin
                               ? "log in first (POST /api/v1/login, or the admin page)"
                               : "log in first, or send Authorization: Bearer <read token>"};
      }
      if (changes && !ConstantTimeEquals(r.csrf, *csrf)) {
        return Denial{403, "missing or wrong X-CSRF-Token; reload the admin page"};
      }
      return std::nullopt;
    }
  }
  return Denial{403, "refused"};
}

void AdminAuth::PruneFailuresLocked(Clock::time_point now) {
  const auto cutoff = now - options_.failure_window;
  while (!all_failures_.empty() && all_failures_.front() <= cutoff) all_failures_.pop_front();
  for (auto it = failures_.begin(); it != failures_.end();) {
    auto& q = it->second;
    while (!q.empty() && q.front() <= cutoff) q.pop_front();
    it = q.empty() ? failures_.erase(it) : std::next(it);
  }
}

AdminAuth::LoginResult AdminAuth::LogIn(std::string_view client, std::string_view password) {
  LoginResult r;
  std::string hash;
  {
    std::lock_guard lock(mu_);
    RefreshPasswordLocked();
    if (hash_.empty()) {
      r.kind = LoginResult::Kind::kNoPassword;
      return r;
    }
    const Clock::time_point now = Now();
    PruneFailuresLocked(now);
    auto it = failures_.find(client);
    const int global_max = options_.max_failures * 10;
    if (it != failures_.end() && static_cast<int>(it->second.size()) >= options_.max_failures) {
      r.kind = LoginResult::Kind::kLimited;
      r.retry_after_s = SecondsUntil(it->second.front() + options_.failure_window, now);
      return r;
    }
    if (static_cast<int>(all_failures_.size()) >= global_max) {
      r.kind = LoginResult::Kind::kLimited;
      r.retry_after_s = SecondsUntil(all_failures_.front() + options_.failure_window, now);
      return r;
    }
    hash = hash_;
  }
  const bool ok = VerifyPassword(password, hash);  // slow: outside the lock
  std::lock_guard lock(mu_);
  const Clock::time_point now = Now();
  if (!ok) {
    failures_[std::string(client)].push_back(now);
    all_failures_.push_back(now);
    r.kind = LoginResult::Kind::kWrong;
    return r;
  }
  failures_.erase(std::string(client));
  if (static_cast<int>(sessions_.size()) >= options_.max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
  }
  r.kind = LoginResult::Kind::kOk;
  r.session = RandomHex(32);  // 256 bits
  r.csrf = RandomHex(32);
  sessions_[Sha256::HexHash(r.session)] = Session{r.csrf, now, now};
  return r;
}

bool AdminAuth::LogOut(std::string_view cookie_header) {
  std::string_view id = CookieValue(cookie_header, kCookieName);
  if (id.empty()) return false;
  std::lock_guard lock(mu_);
  return sessions_.erase(Sha256::HexHash(id)) > 0;
}

std::optional<std::string> AdminAuth::CsrfFor(std::string_view cookie_header,
                                              std::string_view client) {
  const AccessMode mode = Mode();
  if (mode == AccessMode::kOpen) return open_csrf_;
  if (mode == AccessMode::kRefused) {
    if (IsLoopbackHost(client)) return open_csrf_;
    return std::nullopt;
  }
  std::lock_guard lock(mu_);
  return SessionCsrfLocked(cookie_header);
}

std::string AdminAuth::SessionCookie(const std::string& session, bool secure) const {
  return std::string(kCookieName) + "=" + session + "; Path=/; Max-Age=" +
         std::to_string(options_.session_max.count()) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string AdminAuth::ClearedCookie(bool secure) {
  return std::string(kCookieName) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace tp::web
