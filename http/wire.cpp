// http/wire.hpp.
#include "http/wire.hpp"

#include "http/status.hpp"

namespace drover {

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "Unknown";
}

std::string to_wire(const http_response& res, bool head_only, bool close) {
  std::string out;
  out.reserve(128 + res.headers.size() * 48 + (head_only ? 0 : res.body.size()));
  out += "HTTP/1.1 " + std::to_string(res.status) + " " + reason_phrase(res.status) + "\r\n";
  for (const auto& [name, value] : res.headers)
    out += name + ": " + value + "\r\n";
  // 1xx, 204 and 304 carry no body and no length (RFC 9110 §8.6).
  if (res.status >= 200 && res.status != 204 && res.status != 304)
    out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
  if (close)
    out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only && res.status >= 200 && res.status != 204 && res.status != 304)
    out += res.body;
  return out;
}

http_response refusal_response(const refusal& r) {
  http_response res;
  res.status = r.status;
  res.set_content(error_body(r.name, r.detail), "application/json");
  if (r.status == 429 || r.status == 503)
    res.set_header("Retry-After", "1");
  return res;
}

} // namespace drover
