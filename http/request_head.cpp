// Reading a request head (http/request_head.hpp).
#include "http/request_head.hpp"

#include <cctype>
#include <limits>

namespace drover {

namespace {

refusal bad(std::string detail) { return {400, "bad_request", std::move(detail)}; }

bool is_tchar(unsigned char c) { // RFC 9110 §5.6.2 token characters
  return std::isalnum(c) || std::string_view{"!#$%&'*+-.^_`|~"}.find(static_cast<char>(c))
                              != std::string_view::npos;
}

bool is_token(std::string_view s) {
  for (unsigned char c : s)
    if (!is_tchar(c))
      return false;
  return !s.empty();
}

bool has_token(std::string_view list, std::string_view token) { // "close, Upgrade" has "close"
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string_view::npos)
      end = list.size();
    auto item = list.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    bool same = item.size() == token.size();
    for (std::size_t i = 0; same && i < item.size(); ++i)
      same = std::tolower(static_cast<unsigned char>(item[i])) == token[i];
    if (same)
      return true;
    start = end + 1;
  }
  return false;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

refusal parse_request_line(std::string_view line, http_request& req, bool& http10) {
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return bad("the request line must be METHOD TARGET HTTP/1.1");
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  static const std::string_view known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                           "OPTIONS", "TRACE", "CONNECT"};
  bool known_method = false;
  for (auto k : known)
    known_method = known_method || method == k;
  if (!known_method)
    return bad("method '" + std::string{method.substr(0, 32)}
               + "' is not an HTTP method (GET, POST, PUT, PATCH, DELETE)");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(version[5])
      || version[6] != '.' || !std::isdigit(version[7]))
    return bad("the request line must end in HTTP/1.1");
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return {505, "http_version_not_supported", "drover speaks HTTP/1.1 (and 1.0)"};
  http10 = version[7] == '0';
  if (target.empty() || target[0] != '/')
    return bad("the request target must be a path starting with '/'");
  for (unsigned char c : target)
    if (c <= 0x20 || c == 0x7f)
      return bad("the request target holds a control character or a space");
  req.method = std::string{method};
  req.target = std::string{target};
  auto q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  if (q == std::string_view::npos)
    return {};
  auto query = target.substr(q + 1);
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string_view::npos)
      end = query.size();
    auto pair = query.substr(start, end - start);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      req.params.emplace(percent_decode(pair.substr(0, eq), true),
                         eq == std::string_view::npos ? std::string{}
                                                      : percent_decode(pair.substr(eq + 1), true));
    }
    start = end + 1;
  }
  return {};
}

refusal parse_field(std::string_view line, http_request& req) {
  if (line[0] == ' ' || line[0] == '\t')
    return bad("a header line starts with a space (folded lines are not accepted)");
  auto colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
    return bad("a header line is not NAME: VALUE ('" + std::string{line.substr(0, 40)} + "')");
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return bad("header " + std::string{line.substr(0, colon)} + " holds a control character");
  req.headers.emplace(std::string{line.substr(0, colon)}, std::string{value});
  return {};
}

} // namespace

refusal head_too_large() {
  return {431, "header_fields_too_large",
          "more than " + std::to_string(max_header_fields) + " header fields or "
            + std::to_string(max_head_bytes) + " bytes of request line and headers"};
}

head_scanner::state head_scanner::scan(std::string_view in) {
  for (; pos_ < in.size();) {
    char c = in[pos_++];
    if (pos_ > max_head_bytes)
      return state::too_large;
    if (c == '\n') {
      if (line_len_ == 0 && lines_ > 0)
        return state::done;
      if (++lines_ > max_header_fields + 1) // + the request line
        return state::too_large;
      line_len_ = 0;
    } else if (c != '\r') {
      ++line_len_;
    }
  }
  return pos_ >= max_head_bytes ? state::too_large : state::more;
}

refusal parse_head(std::string_view head, http_request& req, framing& f) {
  bool first = true, http10 = false;
  while (!head.empty()) {
    auto nl = head.find('\n');
    auto line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      break; // the blank line
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos)
      return bad("a line of the request holds a bare CR or a NUL byte");
    auto r = first ? parse_request_line(line, req, http10) : parse_field(line, req);
    if (r)
      return r;
    first = false;
  }
  if (first)
    return bad("the request has no request line");
  auto connection = req.get_header_value("Connection");
  f.keep_alive = http10 ? has_token(connection, "keep-alive") : !has_token(connection, "close");
  f.expect_continue = has_token(req.get_header_value("Expect"), "100-continue");
  return {};
}

refusal check_framing(const http_request& req, framing& f) {
  // One value each: with two, which one counts would be up to each reader
  // (a proxy and drover could disagree on the length or the sender).
  for (const char* name : {"Content-Length", "Content-Type", "Transfer-Encoding", "Authorization",
                           "Host", "LEVEL", "USER-AGENT", "DES-USER", "Idempotency-Key"}) {
    if (auto n = req.get_header_value_count(name); n > 1)
      return bad("header " + std::string{name} + " appears " + std::to_string(n)
                 + " times; send it once");
  }
  if (req.has_header("Transfer-Encoding"))
    return {411, "length_required",
            "send the body with a Content-Length header; chunked bodies are not accepted"};
  f.content_length = 0; // no length: an empty body (RFC 9112 §6.3)
  if (!req.has_header("Content-Length"))
    return {};
  auto len = req.get_header_value("Content-Length");
  if (len.empty() || len.find_first_not_of("0123456789") != std::string::npos)
    return bad("Content-Length '" + len.substr(0, 40) + "' is not a number");
  auto digits = len.find_first_not_of('0');
  if (digits != std::string::npos && len.size() - digits > 18) // past 10^18: no body is that big
    f.content_length = std::numeric_limits<std::size_t>::max();
  else
    f.content_length = digits == std::string::npos ? 0 : std::stoull(len);
  return {};
}

refusal body_too_large(std::size_t max_body) {
  return {413, "body_too_large",
          "the body is larger than the limit of " + std::to_string(max_body) + " bytes (--max-body)"};
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

} // namespace drover
