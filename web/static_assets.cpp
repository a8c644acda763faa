// Static files for the admin page. HTTP semantics from RFC 9110:
// If-None-Match (13.1.2: a list of entity tags or "*", compared weakly, so
// W/"x" matches "x"; a match answers 304 Not Modified) and Accept-Encoding
// (12.5.3: codings with optional ";q=" weights; q=0 means "not acceptable").
#include "web/static_assets.h"

#include <cctype>
#include <string>

namespace tp::web {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Calls fn(item) for each comma-separated item, trimmed; stops when fn
// returns true and returns true then.
template <typename Fn>
bool AnyItem(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view item = Trim(list.substr(0, comma));
    if (!item.empty() && fn(item)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  return AnyItem(if_none_match, [&](std::string_view tag) {
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag == etag;
  });
}

// Whether the coding's weight is zero ("gzip;q=0", "gzip; q=0.000").
bool ZeroWeight(std::string_view params) {
  const size_t q = params.find("q=");
  if (q == std::string_view::npos) return false;
  for (char c : params.substr(q + 2)) {
    if (c == '0' || c == '.') continue;
    if (c >= '1' && c <= '9') return false;
    break;
  }
  return true;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip = false, any = false;
  AnyItem(accept_encoding, [&](std::string_view item) {
    const size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    const bool ok = semi == std::string_view::npos || !ZeroWeight(item.substr(semi + 1));
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip = ok;
      return !ok;  // an explicit refusal settles it
    }
    if (coding == "*") any = ok;
    return false;
  });
  return gzip || (any && accept_encoding.find("gzip") == std::string_view::npos);
}

const internal::EmbeddedFile* Find(std::string_view name) {
  for (size_t i = 0; i < internal::kEmbeddedFileCount; ++i) {
    if (name == internal::kEmbeddedFiles[i].name) return &internal::kEmbeddedFiles[i];
  }
  return nullptr;
}

constexpr std::string_view kAssets = "/assets/";

}  // namespace

bool IsStaticPath(std::string_view path) { return path == "/" || path.starts_with(kAssets); }

StaticAnswer ServeStatic(std::string_view path, std::string_view if_none_match,
                         std::string_view accept_encoding) {
  StaticAnswer a;
  std::string_view name;
  if (path == "/") {
    name = "index.html";
  } else if (path.starts_with(kAssets)) {
    name = path.substr(kAssets.size());
  }
  const internal::EmbeddedFile* f = name.empty() ? nullptr : Find(name);
  if (f == nullptr) return a;
  a.headers = {{"ETag", f->etag},
               {"Cache-Control", "no-cache"},  // URLs carry no version: revalidate
               {"Vary", "Accept-Encoding"}};
  if (!if_none_match.empty() && EtagMatches(if_none_match, f->etag)) {
    a.status = 304;
    return a;
  }
  a.status = 200;
  // The gzip form only when it is smaller (images are compressed already).
  const bool gzip = f->gz.size < f->raw.size && AcceptsGzip(accept_encoding);
  const internal::Bytes& b = gzip ? f->gz : f->raw;
  a.body = std::string_view(b.data, b.size);
  a.headers.emplace_back("Content-Type", f->content_type);
  if (gzip) a.headers.emplace_back("Content-Encoding", "gzip");
  a.headers.emplace_back("X-Content-Type-Options", "nosniff");
  a.headers.emplace_back("Referrer-Policy", "no-referrer");
  a.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
                         "data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  return a;
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.starts_with("::ffff:")) host.remove_prefix(7);  // an IPv4 peer on an IPv6 socket
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace tp::web
