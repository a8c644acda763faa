// The admin API: session (who am I, CSRF token), login and logout, and the
// admin resources the page edits. Beast-free: the server (http_server.cpp)
// copies what it needs of a request into an ApiRequest, checks access with
// AdminAuth::Authorize(RouteNeed(...)), and runs Handle() on its query pool
// (a login hashes for tens of milliseconds; admin calls touch the catalog).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/admin_auth.h"
#include "web/backend.h"

namespace tp::web {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::string query;   // after '?', may be empty
  std::string body;
  std::string content_type;
  std::string cookie;
  std::string host;
  std::string origin;
  std::string client;           // peer IP address
  bool secure = false;          // arrived over TLS (X-Forwarded-Proto: https)
};

// An answer with `body` as JSON; {"error": message} for ErrorAnswer.
ApiAnswer JsonAnswer(int status, const nlohmann::json& body);
ApiAnswer ErrorAnswer(int status, const std::string& message);

// The parameters of a query string ("a=1&b=x%20y"), percent-decoded, '+'
// as a space, in order.
std::vector<std::pair<std::string, std::string>> QueryParams(std::string_view query);

// What a route needs (see AdminAuth::Authorize).
Need RouteNeed(std::string_view path);
// True for the paths Handle() answers.
bool IsAdminApiPath(std::string_view path);

class AdminApi {
 public:
  AdminApi(AdminAuth* auth, Backend* backend) : auth_(auth), backend_(backend) {}
  // Access was checked already. May block (run it off the io threads).
  ApiAnswer Handle(const ApiRequest& r);

 private:
  ApiAnswer Session(const ApiRequest& r);
  ApiAnswer Login(const ApiRequest& r);
  ApiAnswer Logout(const ApiRequest& r);

  AdminAuth* auth_;
  Backend* backend_;
};

}  // namespace tp::web
