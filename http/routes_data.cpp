// The multi-user data endpoints: check the input (headers, ids, sizes), make
// one data_backend call, encode the answer. Bad input is a 4xx naming what
// to fix, before anything reaches the courier.
//   POST/GET /v1/users[/{id}], POST /v1/send_data/{type},
//   GET /v1/recv_data?user=&max=, POST /v1/recv_data/ack
//   GET /v1/tasks/{id} for a delivery id (serve_delivery, via the jobs routes)
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "http/backend_data.hpp"
#include "http/data_json.hpp"
#include "http/json_codec.hpp"
#include "http/routes.hpp"
#include "http/status.hpp"

namespace drover {

namespace {

using Request = http_request;
using Response = http_response;
using nlohmann::json;

constexpr uint32_t max_read = 1000;

bool user_from(const std::string& text, const char* what, Response& res, uint64_t& id) {
  if (auto parsed = parse_user_id(text)) {
    id = *parsed;
    return true;
  }
  reply_error(res, 400, "bad_input", std::string{what} + ": '" + text
                                       + "' is not a user id (expected u<N>)");
  return false;
}

bool data_type_ok(const std::string& t, Response& res) {
  bool ok = !t.empty() && t.size() <= 64;
  for (char c : t)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok)
    reply_error(res, 400, "bad_input", "data type '" + t + "': use 1-64 of A-Z a-z 0-9 _ - .");
  return ok;
}

const std::string* header(const Request& req, const char* name, std::string& keep) {
  if (!req.has_header(name))
    return nullptr;
  keep = req.get_header_value(name);
  return &keep;
}

void send_data(const Request& req, Response& res, data_backend& b) {
  auto type = req.matches[1];
  if (!data_type_ok(type, res))
    return;
  std::string ua, level, dest;
  auto headers = parse_send_headers(header(req, "USER-AGENT", ua), header(req, "LEVEL", level),
                                    header(req, "DES-USER", dest));
  if (!headers)
    return reply_error(res, 400, "bad_input", headers.err().message);
  send_request sr = std::move(*headers);
  if (req.body.size() > b.max_data())
    return reply_error(res, 413, "data_too_large",
                       "the data has " + std::to_string(req.body.size())
                         + " bytes; the limit is " + std::to_string(b.max_data())
                         + " (--max-data)");
  sr.data_type = type;
  sr.body = req.body;
  auto r = b.send_data(std::move(sr));
  if (!reply_failed(res, r))
    reply_json(res, 201, to_json(r.value()));
}

void recv_data(const Request& req, Response& res, data_backend& b) {
  uint64_t user = 0;
  uint64_t max = 100;
  bool have_user = false;
  for (auto& [key, value] : req.params) {
    if (key == "user") {
      if (!user_from(value, "user", res, user))
        return;
      have_user = true;
    } else if (key == "max") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), max);
      if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || max < 1
          || max > max_read)
        return reply_error(res, 400, "bad_input", "max: expected an integer from 1 to "
                                                    + std::to_string(max_read) + ", got '"
                                                    + value + "'");
    } else {
      return reply_error(res, 400, "bad_input", "unknown query parameter '" + key
                                                  + "' (allowed: user, max)");
    }
  }
  if (!have_user)
    return reply_error(res, 400, "bad_input", "user is missing: GET /v1/recv_data?user=u<N>");
  reply_value(res, b.recv_data(user, static_cast<uint32_t>(max)));
}

/// Parses a JSON object body; writes a 400 and returns false if it is not one.
bool object_body(const Request& req, Response& res, json& out) {
  if (!json_typed(req, res))
    return false;
  try {
    out = json::parse(req.body);
  } catch (const json::parse_error& e) {
    reply_error(res, 400, "bad_input", std::string{"the body is not JSON: "} + e.what());
    return false;
  }
  if (out.is_object())
    return true;
  reply_error(res, 400, "bad_input", "the body must be a JSON object");
  return false;
}

bool string_field(const json& j, const char* key, Response& res, std::string& out) {
  auto i = j.find(key);
  if (i != j.end() && i->is_string() && !i->get<std::string>().empty()) {
    out = i->get<std::string>();
    return true;
  }
  reply_error(res, 400, "bad_input", std::string{"field '"} + key
                                       + "' is missing or not a non-empty string");
  return false;
}

void ack_data(const Request& req, Response& res, data_backend& b) {
  json j;
  std::string user_text, last;
  uint64_t user = 0;
  if (!object_body(req, res, j) || !string_field(j, "user", res, user_text)
      || !string_field(j, "last", res, last) || !user_from(user_text, "user", res, user))
    return;
  auto r = b.ack_data(user, last);
  if (!reply_failed(res, r))
    reply_json(res, 200, {{"user", user_text}, {"consumed", r.value()}});
}

void create_user(const Request& req, Response& res, data_backend& b) {
  json j;
  std::string name;
  if (!object_body(req, res, j) || !string_field(j, "name", res, name))
    return;
  if (name.size() > 128)
    return reply_error(res, 400, "bad_input", "name: at most 128 bytes");
  auto r = b.create_user(name);
  if (reply_failed(res, r))
    return;
  res.set_header("Location", "/v1/users/" + format_user_id(r->id));
  reply_json(res, 201, to_json(r.value()));
}

} // namespace

void add_data_routes(const route_adder& add, data_backend& b) {
  auto* bk = &b;
  add("POST", "/v1/users",
      [bk](const Request& req, Response& res) { create_user(req, res, *bk); });
  add("GET", "/v1/users", [bk](const Request&, Response& res) {
    reply_value(res, bk->list_users());
  });
  add("GET", R"(/v1/users/([^/]+))", [bk](const Request& req, Response& res) {
    uint64_t id = 0;
    if (!user_from(req.matches[1], "user id", res, id))
      return;
    reply_value(res, bk->get_user(id));
  });
  add("POST", R"(/v1/send_data/([^/]+))",
      [bk](const Request& req, Response& res) { send_data(req, res, *bk); });
  add("GET", "/v1/recv_data",
      [bk](const Request& req, Response& res) { recv_data(req, res, *bk); });
  add("POST", "/v1/recv_data/ack",
      [bk](const Request& req, Response& res) { ack_data(req, res, *bk); });
}

bool serve_delivery(const std::string& id, Response& res, data_backend& b) {
  if (!looks_like_delivery_id(id))
    return false;
  auto r = b.get_delivery(id);
  if (!r && r.err().code == ec::unknown_task)
    return false; // maybe a task id of the same shape
  reply_value(res, r);
  return true;
}

} // namespace drover
