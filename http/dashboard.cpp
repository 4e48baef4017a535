// Serves the embedded dashboard files (http/dashboard.hpp). Only names in
// the generated table can be served, so no path from a request ever reaches
// the file system.
#include "http/dashboard.hpp"

#include <cstring>

#include "http/routes.hpp"

namespace drover {

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  auto n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

void reply_asset(http_response& res, const web_asset& a) {
  res.status = 200;
  res.set_content(std::string{reinterpret_cast<const char*>(a.data), a.size},
                  web_content_type(a.name));
  // The files change only with the binary: revalidate rather than run an
  // old app.js against a newer API after an upgrade.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  // Everything the page loads comes from this server (no CDN: it works offline and leaks nothing).
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
}

} // namespace

const web_asset* find_web_asset(const std::string& name) {
  for (std::size_t i = 0; i < web_asset_count; ++i)
    if (name == web_assets[i].name)
      return &web_assets[i];
  return nullptr;
}

const char* web_content_type(const std::string& name) {
  if (ends_with(name, ".html"))
    return "text/html; charset=utf-8";
  if (ends_with(name, ".css"))
    return "text/css; charset=utf-8";
  if (ends_with(name, ".js") || ends_with(name, ".mjs"))
    return "text/javascript; charset=utf-8";
  if (ends_with(name, ".svg"))
    return "image/svg+xml";
  if (ends_with(name, ".png"))
    return "image/png";
  if (ends_with(name, ".ico"))
    return "image/x-icon";
  return "application/octet-stream";
}

void add_dashboard(router& routes) {
  routes.add("GET", "/", [](const http_request&, http_response& res) {
    if (auto* a = find_web_asset("index.html"))
      return reply_asset(res, *a);
    reply_error(res, 404, "not_found", "this build has no dashboard (web/index.html)");
  });
  routes.add("GET", R"(/web/([A-Za-z0-9._-]+))", [](const http_request& req, http_response& res) {
    auto name = req.matches[1];
    if (auto* a = find_web_asset(name))
      return reply_asset(res, *a);
    reply_error(res, 404, "not_found", "no dashboard file '" + name + "'");
  });
}

} // namespace drover
