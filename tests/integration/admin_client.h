// Test helper: an admin API client for a server in open mode (loopback, no
// password), carrying the session's CSRF token on every call.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/server_process.h"
#include "web/http_client.h"

namespace tp::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A client that carries the open mode's CSRF token on writes.
struct Admin {
  web::HttpClient client;
  std::string csrf;
  explicit Admin(const ServerProcess& s) : client(s.Url()) {
    csrf = nlohmann::json::parse(client.Get("/api/v1/session")->body)["csrf"];
  }
  web::HttpResponse Call(const std::string& method, const std::string& path, const std::string& body = "",
                         Headers extra = {}) {
    extra.emplace_back("X-CSRF-Token", csrf);
    extra.emplace_back("Content-Type", "application/json");
    auto r = client.Request(method, path, body, extra);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : web::HttpResponse{};
  }
};

}  // namespace tp::testing
