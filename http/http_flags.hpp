// The REST server's flags of `drover run` as server options: the flags
// themselves are config/http_flags.hpp (resolved with the others from
// flags, DROVER_* and the config file); app/ calls resolve_http_flags.
#pragma once

#include "config/http_flags.hpp"
#include "config/options.hpp"
#include "core/errors.hpp"
#include "http/server.hpp"

namespace drover {

/// What the flags ask for: `enabled` false for --http=off; otherwise the
/// endpoint to bind and the server options. ec::bad_input naming the flag.
error resolve_http_flags(const http_flags& flags, bool& enabled, endpoint& where,
                         http_server_options& opts);

} // namespace drover
