// See http/node_json.hpp.
#include "http/node_json.hpp"

namespace drover {

using nlohmann::json;

json to_json(const node_status& s) {
  json updates = json::array();
  for (auto& u : s.commands)
    updates.push_back({{"id", u.id}, {"state", to_string(u.state)}, {"reason", u.reason}});
  return {{"at_ms", s.at_ms},
          {"cpu_percent", s.cpu_pct},
          {"memory_percent", s.mem_pct},
          {"disk_percent", s.disk_pct},
          {"net_in_bytes_per_s", s.net_in_bps},
          {"net_out_bytes_per_s", s.net_out_bps},
          {"task_backlog", s.task_backlog},
          {"user_backlog", s.user_backlog},
          {"cache_entries", s.cache_entries},
          {"node_mode", to_string(s.mode)},
          {"command_updates", std::move(updates)}};
}

json to_json(const node_command& c) {
  return {{"id", c.id},
          {"node", c.node},
          {"command", to_string(c.kind)},
          {"state", to_string(c.state)},
          {"reason", c.reason},
          {"by", c.by},
          {"created_ms", c.created_ms},
          {"sent_ms", c.sent_ms},
          {"finished_ms", c.finished_ms}};
}

json commands_json(const std::string& node, const std::vector<node_command>& cs) {
  json arr = json::array();
  for (auto& c : cs)
    arr.push_back(to_json(c));
  return {{"node", node}, {"commands", std::move(arr)}};
}

json history_json(const std::string& node, int64_t since_ms,
                  const std::vector<node_status>& ss) {
  json arr = json::array();
  for (auto& s : ss)
    arr.push_back(to_json(s));
  return {{"node", node}, {"since_ms", since_ms}, {"reports", std::move(arr)}};
}

void add_node_fields(json& entry, const node_info& n) {
  if (n.member.role == member_role::consumer) {
    entry["mode"] = to_string(n.mode);
    entry["mode_since_ms"] = n.mode_since_ms;
    entry["mode_reason"] = n.mode_reason;
  }
  entry["status"] = n.has_status ? to_json(n.status) : json(nullptr);
}

result<std::string> parse_command_request(const std::string& body) {
  auto bad = [](std::string what) {
    return error{ec::bad_input, what + R"(; send {"command": "<name>"}, name one of )"
                                  + command_names()};
  };
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return bad("the body is not valid JSON");
  if (!j.is_object())
    return bad("the body must be a JSON object");
  for (auto& item : j.items())
    if (item.key() != "command")
      return bad("unknown field '" + item.key() + "'");
  auto c = j.find("command");
  if (c == j.end() || !c->is_string())
    return bad(c == j.end() ? "\"command\" is missing" : "\"command\" must be a string");
  if (!parse_command_kind(c->get<std::string>()))
    return bad("unknown command '" + c->get<std::string>() + "'");
  return c->get<std::string>();
}

} // namespace drover
