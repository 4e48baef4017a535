// Method + path pattern -> handler, for http_server: the first route whose
// method and regex match the whole path runs; a path no route has is 404,
// a path with routes for other methods is 405 with Allow. Nothing a
// handler throws escapes: 503 for out of memory, 500 otherwise.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace drover {

class router {
public:
  /// Adds `handler` for `method` (GET, POST, PUT, PATCH, DELETE) on paths
  /// that match `pattern` whole; its groups land in http_request::matches.
  void add(const std::string& method, const std::string& pattern, http_handler handler);

  /// Answers `req` into `res` (HEAD runs the GET route; the server drops the body).
  void dispatch(http_request& req, http_response& res) const;

private:
  struct entry {
    std::string method;
    std::regex pattern;
    http_handler handler;
  };
  std::vector<entry> routes_;
};

} // namespace drover
