// The admin page's static files (web/assets/ and Chart.js from Debian's
// libjs-chart.js), embedded into the binary at build time by
// web/embed_assets.cmake, each with its gzip form and an ETag. Beast-free:
// http_server.cpp turns a StaticAnswer into its response.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace tp::web {

namespace internal {
struct Bytes {
  const char* data;
  size_t size;
};
struct EmbeddedFile {
  const char* name;          // "index.html", "chart.min.js", ...
  const char* content_type;  // with "; charset=utf-8" for text
  const char* etag;          // quoted: "\"0123456789abcdef\""
  Bytes raw, gz;
};
extern const EmbeddedFile kEmbeddedFiles[];  // web_assets.cpp, generated
extern const size_t kEmbeddedFileCount;
}  // namespace internal

// Whether GET `path` asks for the page: "/" (index.html) or "/assets/NAME".
bool IsStaticPath(std::string_view path);

struct StaticAnswer {
  int status = 404;  // 200, 304 (the client's copy is current) or 404
  std::string_view body;  // empty unless 200 (gzipped when Content-Encoding says so)
  // Every header of a 200 or 304 answer (ETag, caching, encoding, type,
  // content security), to set as they are.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
};

// The answer to GET `path` for a request with these If-None-Match and
// Accept-Encoding header values ("" when absent).
StaticAnswer ServeStatic(std::string_view path, std::string_view if_none_match,
                         std::string_view accept_encoding);

// Whether the listen address `host` is loopback (127.0.0.0/8, ::1,
// "localhost"): only then is the page served while no admin password is set.
bool IsLoopbackHost(std::string_view host);

}  // namespace tp::web
