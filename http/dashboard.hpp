// The web dashboard: web/* compiled into the binary (web/embed.cmake
// writes the byte arrays at build time) and served by the REST server. Open
// without a token, so the login field can load; its data comes from /v1.
#pragma once

#include <cstddef>
#include <string>

#include "http/router.hpp"

namespace drover {

/// One embedded file of web/, e.g. {"app.js", bytes, size}.
struct web_asset {
  const char* name;
  const unsigned char* data;  ///< NUL-terminated, `size` bytes before the NUL
  std::size_t size;
};

/// The table web/embed.cmake generates (build dir, web_assets.cpp).
extern const web_asset web_assets[];
extern const std::size_t web_asset_count;

/// The embedded file called `name` (no directories), or nullptr.
const web_asset* find_web_asset(const std::string& name);

/// Content-Type for a file name by its extension; octet-stream if unknown.
const char* web_content_type(const std::string& name);

/// Registers GET / (index.html) and GET /web/<file> on `routes`. An
/// unknown file is a JSON 404.
void add_dashboard(router& routes);

} // namespace drover
