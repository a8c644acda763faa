#include "web/admin_api.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "web/static_assets.h"

namespace tp::web {

using json = nlohmann::json;

namespace {

constexpr std::string_view kSession = "/api/v1/session";
constexpr std::string_view kLogin = "/api/v1/login";
constexpr std::string_view kLogout = "/api/v1/logout";
constexpr std::string_view kDashboards = "/api/v1/dashboards";
constexpr std::string_view kTokens = "/api/v1/tokens";
constexpr std::string_view kRejected = "/api/v1/rejected";
constexpr std::string_view kReprocess = "/api/v1/rejected/reprocess";
constexpr std::string_view kStream = "/api/v1/stream";

// "/api/v1/dashboards/retail" under "/api/v1/dashboards" -> "retail"; "" for
// the collection itself; nullopt when `path` is not under `base`.
std::optional<std::string_view> Member(std::string_view path, std::string_view base) {
  if (!path.starts_with(base)) return std::nullopt;
  std::string_view rest = path.substr(base.size());
  if (rest.empty()) return rest;
  if (rest.front() != '/' || rest.size() == 1) return std::nullopt;
  return rest.substr(1);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

ApiAnswer MethodNotAllowed(std::string_view allow) {
  ApiAnswer a = ErrorAnswer(405, "method not allowed here; use " + std::string(allow));
  a.headers.emplace_back("Allow", std::string(allow));
  return a;
}

}  // namespace

ApiAnswer JsonAnswer(int status, const json& body) {
  ApiAnswer a;
  a.status = status;
  a.body = body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  return a;
}

ApiAnswer ErrorAnswer(int status, const std::string& message) {
  return JsonAnswer(status, json{{"error", message}});
}

std::vector<std::pair<std::string, std::string>> QueryParams(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    out.emplace_back(PercentDecode(part.substr(0, eq)),
                     eq == std::string_view::npos ? std::string() : PercentDecode(part.substr(eq + 1)));
  }
  return out;
}

Need RouteNeed(std::string_view path) {
  if (path == "/health" || path == "/ready" || path.starts_with("/api/v1/ingest/") ||
      path == kSession || path == kLogin) {
    return Need::kNothing;
  }
  if (path == "/metrics") return Need::kMetrics;
  if (path == "/api/v1/status" || path == "/api/v1/tables" || path == "/api/v1/query" ||
      path == kStream) {
    return Need::kRead;
  }
  if (path == "/" || path.starts_with("/assets/")) return Need::kPage;
  return Need::kAdmin;
}

bool IsAdminApiPath(std::string_view path) {
  return path == kSession || path == kLogin || path == kLogout || Member(path, kDashboards) ||
         Member(path, kTokens) || path == kRejected || path == kReprocess || path == kStream;
}

ApiAnswer AdminApi::Handle(const ApiRequest& r) {
  if (r.path == kSession) return r.method == "GET" ? Session(r) : MethodNotAllowed("GET");
  if (r.path == kLogin) return r.method == "POST" ? Login(r) : MethodNotAllowed("POST");
  if (r.path == kLogout) return r.method == "POST" ? Logout(r) : MethodNotAllowed("POST");
  if (auto name = Member(r.path, kDashboards)) {
    if (name->empty()) return r.method == "GET" ? backend_->Dashboards() : MethodNotAllowed("GET");
    if (r.method == "PUT") return backend_->SaveDashboard(*name, r.body);
    if (r.method == "DELETE") return backend_->DeleteDashboard(*name);
    return MethodNotAllowed("PUT, DELETE");
  }
  if (auto id = Member(r.path, kTokens)) {
    if (id->empty()) {
      if (r.method == "GET") return backend_->Tokens();
      if (r.method == "POST") return backend_->CreateToken(r.body);
      return MethodNotAllowed("GET, POST");
    }
    return r.method == "DELETE" ? backend_->RevokeToken(*id) : MethodNotAllowed("DELETE");
  }
  if (r.path == kRejected) return r.method == "GET" ? backend_->Rejected(r.query) : MethodNotAllowed("GET");
  if (r.path == kReprocess) {
    return r.method == "POST" ? backend_->Reprocess(r.body) : MethodNotAllowed("POST");
  }
  if (r.path == kStream) return r.method == "GET" ? backend_->StreamInfo() : MethodNotAllowed("GET");
  return ErrorAnswer(404, "no such endpoint: " + r.path);
}

ApiAnswer AdminApi::Session(const ApiRequest& r) {
  const AccessMode mode = auth_->Mode();
  json j{{"mode", AccessModeName(mode)}};
  auto csrf = auth_->CsrfFor(r.cookie, r.client);
  j["authenticated"] = csrf.has_value();
  if (csrf) j["csrf"] = *csrf;
  if (mode == AccessMode::kOpen) {
    j["banner"] = "No admin password is set: anyone who can reach " + auth_->options().listen_host +
                  " on this machine can use this page. Set one with `tillpipe passwd`.";
  } else if (mode == AccessMode::kRefused) {
    j["message"] = "No admin password is set and the server listens on " +
                   auth_->options().listen_host +
                   ": set one with `tillpipe passwd` on the server, then log in.";
  }
  return JsonAnswer(200, j);
}

ApiAnswer AdminApi::Login(const ApiRequest& r) {
  // A form on another site cannot send JSON without a CORS preflight this
  // server never grants, nor hide its Origin: no login CSRF.
  if (r.content_type.find("application/json") == std::string::npos) {
    return ErrorAnswer(415, "send the password as JSON: {\"password\": \"...\"} with Content-Type: "
                      "application/json");
  }
  if (!r.origin.empty() && !SameOrigin(r.origin, r.host)) {
    return ErrorAnswer(403, "log in from the admin page served by this server");
  }
  json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || !body.contains("password") ||
      !body["password"].is_string()) {
    return ErrorAnswer(400, "the body must be a JSON object {\"password\": \"...\"}");
  }
  auto result = auth_->LogIn(r.client, body["password"].get<std::string>());
  using K = AdminAuth::LoginResult::Kind;
  switch (result.kind) {
    case K::kOk: {
      ApiAnswer a = JsonAnswer(200, json{{"mode", "login"}, {"authenticated", true}, {"csrf", result.csrf}});
      a.headers.emplace_back("Set-Cookie", auth_->SessionCookie(result.session, r.secure));
      a.headers.emplace_back("Cache-Control", "no-store");
      return a;
    }
    case K::kWrong:
      return ErrorAnswer(401, "wrong password");
    case K::kLimited: {
      ApiAnswer a = ErrorAnswer(429, "too many failed logins from " + r.client + "; try again in " +
                                   std::to_string(result.retry_after_s) + " s");
      a.retry_after_s = result.retry_after_s;
      return a;
    }
    case K::kNoPassword:
      return ErrorAnswer(409, "no admin password is set; set one with `tillpipe passwd` on the server");
  }
  return ErrorAnswer(500, "login failed");
}

ApiAnswer AdminApi::Logout(const ApiRequest& r) {
  auth_->LogOut(r.cookie);
  ApiAnswer a = JsonAnswer(200, json{{"authenticated", false}});
  a.headers.emplace_back("Set-Cookie", AdminAuth::ClearedCookie(r.secure));
  return a;
}

}  // namespace tp::web
