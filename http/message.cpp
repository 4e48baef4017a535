// http_request / http_response helpers (http/message.hpp).
#include "http/message.hpp"

#include <algorithm>

#include "http/deferred_reply.hpp"

namespace drover {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string first_value(const header_map& headers, const std::string& name) {
  auto i = headers.find(name);
  return i == headers.end() ? std::string{} : i->second;
}

} // namespace

bool case_insensitive_less::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::string http_request::get_header_value(const std::string& name) const {
  return first_value(headers, name);
}

void http_response::set_header(const std::string& name, const std::string& value) {
  headers.erase(name);
  headers.emplace(name, value);
}

void http_response::set_content(std::string text, const std::string& content_type) {
  body = std::move(text);
  set_header("Content-Type", content_type);
}

std::string http_response::get_header_value(const std::string& name) const {
  return first_value(headers, name);
}

std::shared_ptr<deferred_reply> http_response::defer(std::chrono::milliseconds wait,
                                                     http_response on_timeout) {
  deferred = std::make_shared<deferred_reply>(deferred_reply::clock::now() + wait,
                                              std::move(on_timeout));
  return deferred;
}

} // namespace drover
