// The request head, read by drover itself: where it ends (a read at a
// time, with limits on its size and field count), the request line and
// fields, and the framing checks made before any body byte is read. Pure
// functions over bytes; http/connection_read.cpp feeds them from the socket.
// Strict on purpose: no chunked bodies, no repeated framing headers, no
// folded lines, so no two readers can disagree on where a request ends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace drover {

/// Most header fields one request may send (431 beyond): browsers and
/// clients send 10-20; 100 leaves room for proxies.
constexpr std::size_t max_header_fields = 100;
/// Most bytes of a request line plus its headers (431 beyond).
constexpr std::size_t max_head_bytes = std::size_t{64} << 10;

/// Why a request is refused before it reaches a route: a status and the
/// JSON error's name and detail. Empty (false) when there is nothing to refuse.
struct refusal {
  int status = 0;
  std::string name;
  std::string detail;
  explicit operator bool() const { return status != 0; }
};

/// The 431 for a head past max_header_fields or max_head_bytes.
refusal head_too_large();

/// Finds the end of a head as bytes arrive, looking at each byte once.
class head_scanner {
public:
  enum class state { more, done, too_large };
  /// `in` holds the head's bytes so far (it only grows between calls).
  state scan(std::string_view in);
  /// The head's length, blank line included, once scan() said done.
  std::size_t size() const { return pos_; }

private:
  std::size_t pos_ = 0;
  std::size_t lines_ = 0;
  std::size_t line_len_ = 0;
};

/// What the server needs to read the body and keep the connection.
struct framing {
  std::size_t content_length = 0;
  bool keep_alive = true;       ///< HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive
  bool expect_continue = false; ///< "Expect: 100-continue"
};

/// Parses a whole head (request line, fields, blank line) into `req`
/// (method, target, path, params, headers) and `f`; a 400/405/431/505
/// refusal for anything malformed.
refusal parse_head(std::string_view head, http_request& req, framing& f);

/// The checks on a parsed head before its body is read, in this order:
/// repeated headers that must appear once (400), Transfer-Encoding (411:
/// a body needs Content-Length), a Content-Length that is not a number
/// (400). Sets f.content_length; a length over `max_body` is the caller's
/// 413, after the token check.
refusal check_framing(const http_request& req, framing& f);

/// The 413 for a body over `max_body`.
refusal body_too_large(std::size_t max_body);

/// Percent-decodes `text`; `plus_is_space` for query strings. A '%' not
/// followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text, bool plus_is_space);

} // namespace drover
