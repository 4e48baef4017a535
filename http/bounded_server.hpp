// cpp-httplib's server with a bound on the request head. 0.11 reads header
// lines into a map until the blank line, with no limit on their number, so
// one connection could stream headers until memory runs out. bounded_server
// serves each connection through its own stream, which counts the head's
// bytes and lines as the library reads them (one byte at a time) and fails
// the read past the limits; the request then gets 431 and the connection
// closes. Used by http_server only.
#pragma once

#include <cstddef>

#include "http/httplib_abi.hpp"

namespace drover {

/// Most header fields one request may send (431 beyond): browsers and
/// clients send 10-20; 100 leaves room for proxies.
constexpr std::size_t max_header_fields = 100;
/// Most bytes of a request line plus its headers (431 beyond).
constexpr std::size_t max_head_bytes = std::size_t{64} << 10;

class bounded_server : public httplib::Server {
private:
  bool process_and_close_socket(socket_t sock) override;
};

/// True while the request this thread is reading went past a head limit;
/// the error handler answers it with 431.
bool request_head_too_large();

} // namespace drover
