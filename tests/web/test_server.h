// Test fixture of the web tests: an HttpServer on a free loopback port over
// a backend of the test's own (a fake that records what the handlers ask).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "web/http_client.h"
#include "web/http_server.h"

namespace tp::web::testing {

template <typename Backend>
struct TestServer {
  Backend backend;
  std::unique_ptr<HttpServer> server;
  explicit TestServer(ServerOptions o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    auto s = HttpServer::Start(o, &backend);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server = std::move(*s);
  }
  Url url() const { return Url{"127.0.0.1", server->port(), ""}; }
};

}  // namespace tp::web::testing
