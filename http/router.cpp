// router: see http/router.hpp.
#include "http/router.hpp"

#include <exception>
#include <new>

#include "http/status.hpp"

namespace drover {

namespace {

void reply_error_body(http_response& res, int status, const std::string& name,
                      const std::string& detail) {
  res.status = status;
  res.set_content(error_body(name, detail), "application/json");
}

void run_guarded(const http_handler& handler, const http_request& req, http_response& res) {
  try {
    handler(req, res);
  } catch (const std::bad_alloc&) {
    res = http_response{};
    reply_error_body(res, 503, "overloaded", "out of memory while serving the request; retry later");
    res.set_header("Retry-After", "1");
  } catch (const std::exception& e) {
    res = http_response{};
    reply_error_body(res, 500, "internal", e.what());
  } catch (...) {
    res = http_response{};
    reply_error_body(res, 500, "internal", "unknown exception");
  }
}

} // namespace

void router::add(const std::string& method, const std::string& pattern, http_handler handler) {
  routes_.push_back({method, std::regex{pattern}, std::move(handler)});
}

void router::dispatch(http_request& req, http_response& res) const {
  const std::string& method = req.method == "HEAD" ? std::string{"GET"} : req.method;
  std::smatch m;
  for (const auto& r : routes_) {
    if (r.method != method || !std::regex_match(req.path, m, r.pattern))
      continue;
    req.matches.assign(m.begin(), m.end());
    return run_guarded(r.handler, req, res);
  }
  std::string allow;
  for (const char* candidate : {"GET", "POST", "PUT", "PATCH", "DELETE"}) { // a stable order
    bool match = false;
    for (const auto& r : routes_)
      match = match || (r.method == candidate && std::regex_match(req.path, r.pattern));
    if (match)
      allow += (allow.empty() ? "" : ", ") + std::string{candidate};
  }
  if (allow.empty())
    return reply_error_body(res, 404, "not_found",
                            "no endpoint " + req.method + " " + req.path + " (see http/API.md)");
  res.set_header("Allow", allow);
  reply_error_body(res, 405, "method_not_allowed",
                   req.method + " " + req.path + " is not supported; use " + allow);
}

} // namespace drover
