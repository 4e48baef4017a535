// nlohmann::json throws; parse_worker_line is its one boundary here.
#include "exec/worker_protocol.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace drover {

namespace {

using json = nlohmann::json;

/// The string field `key`; the error reads "\"key\" must be a string".
result<std::string> get_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return error{ec::bad_input, fmt::format("\"{}\" must be a string", key)};
  return it->get<std::string>();
}

error bad(const std::string& why) {
  return {ec::bad_input, why};
}

result<worker_msg> parse_ready(const json& j) {
  worker_msg out;
  auto it = j.find("types");
  if (it == j.end() || !it->is_array() || it->empty())
    return bad("a ready line needs \"types\": a non-empty list of task type names");
  for (auto& t : *it) {
    if (!t.is_string() || t.get_ref<const std::string&>().empty())
      return bad("each of \"types\" must be a non-empty string");
    out.types.push_back(t.get<std::string>());
  }
  out.kind = worker_msg_kind::ready;
  return out;
}

result<worker_msg> parse_result(const json& j) {
  worker_msg out;
  auto id = get_string(j, "id");
  if (!id)
    return bad("a result " + id.err().message);
  out.id = std::move(*id);
  auto ok = j.find("ok");
  if (ok == j.end() || !ok->is_boolean())
    return bad("a result needs \"ok\": true or false");
  out.kind = worker_msg_kind::result;
  out.ok = ok->get<bool>();
  if (out.ok) {
    auto r = j.find("result");
    if (r == j.end() || r->is_null())
      out.result.clear();
    else
      out.result = r->is_string() ? r->get<std::string>() : r->dump(); // lenient: JSON text
    return out;
  }
  auto e = j.find("error");
  if (e == j.end() || !e->is_object())
    return bad("a result with \"ok\": false needs \"error\": {type, message, retryable}");
  out.error_type = e->value("type", std::string{"Error"});
  out.error_message = e->value("message", std::string{});
  auto retry = e->find("retryable");
  out.retryable = retry == e->end() || !retry->is_boolean() || retry->get<bool>();
  return out;
}

} // namespace

result<worker_msg> parse_worker_line(std::string_view line) {
  json j;
  try {
    j = json::parse(line.begin(), line.end());
  } catch (const json::exception&) {
    return bad("not JSON");
  }
  if (!j.is_object())
    return bad("not a JSON object");
  auto kind = get_string(j, "t");
  if (!kind)
    return bad("no \"t\" (ready, result, progress or log)");
  const std::string& t = *kind;
  try {
    if (t == "ready")
      return parse_ready(j);
    if (t == "result")
      return parse_result(j);
    worker_msg out;
    if (t == "progress") {
      out.kind = worker_msg_kind::progress;
      if (auto id = get_string(j, "id"))
        out.id = std::move(*id);
      out.done = j.value("done", int64_t{0});
      out.total = j.value("total", int64_t{0});
      return out;
    }
    if (t == "log") {
      out.kind = worker_msg_kind::log;
      if (auto id = get_string(j, "id")) // optional: a log line may belong to no task
        out.id = std::move(*id);
      out.level = j.value("level", std::string{"info"});
      auto msg = get_string(j, "msg");
      if (!msg)
        return bad("a log line " + msg.err().message);
      out.msg = std::move(*msg);
      return out;
    }
  } catch (const json::exception& e) { // a field of the wrong type
    return bad(fmt::format("a {} line has a field of the wrong type ({})", t, e.what()));
  }
  return bad(fmt::format("unknown \"t\": \"{}\" (a worker sends ready, result, progress or log)",
                         t));
}

void append_json_string(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += "\\u00"; out.push_back(hex[c >> 4]); out.push_back(hex[c & 15]);
      }
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      // A whole, valid UTF-8 sequence is copied; anything else is U+FFFD.
      size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      bool valid = n > 0 && i + n <= s.size();
      for (size_t k = 1; valid && k < n; ++k)
        valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (valid && n == 3) {
        auto c1 = static_cast<unsigned char>(s[i + 1]);
        valid = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
      } else if (valid && n == 4) {
        auto c1 = static_cast<unsigned char>(s[i + 1]);
        valid = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
      }
      if (valid) {
        out.append(s.data() + i, n);
        i += n;
        continue;
      }
      out += "\xEF\xBF\xBD";
    }
    ++i;
  }
  out.push_back('"');
}

std::string task_line(const exec_request& r) {
  std::string out;
  out.reserve(96 + r.type.size() + r.payload.size());
  out += "{\"t\":\"task\",\"id\":\"";
  out += std::to_string(r.id);
  out += "\",\"attempt\":";
  out += std::to_string(r.attempt);
  out += ",\"lease\":";
  out += std::to_string(r.lease);
  out += ",\"type\":";
  append_json_string(out, r.type);
  out += ",\"deadline_ms\":";
  out += std::to_string(r.deadline_ms);
  out += ",\"payload\":";
  append_json_string(out, r.payload);
  out += "}\n";
  return out;
}

std::string cancel_line(task_id id) {
  return "{\"t\":\"cancel\",\"id\":\"" + std::to_string(id) + "\"}\n";
}

std::string shutdown_line() {
  return "{\"t\":\"shutdown\"}\n";
}

} // namespace drover
