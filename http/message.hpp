// drover's own HTTP request and response, what every route in http/ reads
// and writes: no server library leaks past http/server*.cpp. A route may
// also answer later, from any thread, through a deferred_reply
// (http/deferred_reply.hpp) without holding a thread while it waits.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace drover {

class deferred_reply;

/// Orders header names without regard to ASCII case (HTTP field names are
/// case-insensitive).
struct case_insensitive_less {
  bool operator()(const std::string& a, const std::string& b) const;
};

/// Header fields in arrival order per name; several values per name allowed.
using header_map = std::multimap<std::string, std::string, case_insensitive_less>;
/// Decoded query parameters ("?a=1&a=2&b" -> a:1, a:2, b:""), in key order.
using query_params = std::multimap<std::string, std::string>;

struct http_request {
  std::string method;                ///< as sent: GET, POST, ...
  std::string target;                ///< the request-target as sent (path and query)
  std::string path;                  ///< percent-decoded, without the query
  std::vector<std::string> matches;  ///< [0] the path, [i] the route pattern's i-th group
  query_params params;
  header_map headers;
  std::string body;
  std::string peer;                  ///< the client's address, e.g. 127.0.0.1

  bool has_header(const std::string& name) const { return headers.count(name) > 0; }
  /// The first value of `name`, or "" when absent.
  std::string get_header_value(const std::string& name) const;
  std::size_t get_header_value_count(const std::string& name) const { return headers.count(name); }
};

struct http_response {
  int status = 200;
  header_map headers;               ///< never Content-Length or Connection: the server adds them
  std::string body;

  /// Sets `name` to `value`, replacing every earlier value.
  void set_header(const std::string& name, const std::string& value);
  /// The body and its Content-Type.
  void set_content(std::string text, const std::string& content_type);
  /// The first value of `name`, or "".
  std::string get_header_value(const std::string& name) const;

  /// Parks the request: the server sends nothing now and holds no thread;
  /// whoever keeps the returned handle answers with complete(), from any
  /// thread, before `wait` passes; otherwise the server sends `on_timeout`.
  /// `wait` is capped by the server (http_server_options::max_park).
  std::shared_ptr<deferred_reply> defer(std::chrono::milliseconds wait, http_response on_timeout);
  /// Set by defer(); the server reads it after the route returns.
  std::shared_ptr<deferred_reply> deferred;
};

/// The handler of one route. Runs on one of the server's worker threads
/// and may block (a backend call up to its timeout).
using http_handler = std::function<void(const http_request&, http_response&)>;

} // namespace drover
