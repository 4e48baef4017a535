#include "http/data_json.hpp"

#include <nlohmann/json.hpp>

namespace drover {

using nlohmann::json;

json to_json(const user_info& u) {
  return {{"id", format_user_id(u.id)}, {"name", u.name},
          {"node", u.node.empty() ? json(nullptr) : json(u.node)},
          {"backlog", u.queued + u.stored}, {"queued", u.queued}, {"stored", u.stored},
          {"consumed", u.consumed}, {"sent", u.sent}, {"created_ms", u.created_ms}};
}

json to_json(const std::vector<user_info>& users) {
  auto arr = json::array();
  for (auto& u : users)
    arr.push_back(to_json(u));
  return {{"users", std::move(arr)}};
}

json to_json(const send_receipt& r) {
  return {{"id", r.id}, {"dest", format_user_id(r.dest)},
          {"node", r.node.empty() ? json(nullptr) : json(r.node)}, {"state", "queued"}};
}

json to_json(const recv_batch& b) {
  auto arr = json::array();
  for (auto& it : b.items)
    arr.push_back({{"id", it.id}, {"data_type", it.data_type},
                   {"sender", format_user_id(it.sender)}, {"level", to_string(it.level)},
                   {"data", it.body}, {"created_ms", it.created_ms}});
  return {{"user", format_user_id(b.user)}, {"items", std::move(arr)},
          {"cursor", b.items.empty() ? json(nullptr) : json(b.items.back().id)}};
}

json to_json(const delivery_info& d) {
  auto events = json::array();
  for (auto& e : d.events)
    events.push_back({{"kind", e.kind}, {"at_ms", e.at_ms}, {"detail", e.detail}});
  return {{"id", d.item.id}, {"kind", "delivery"}, {"sender", format_user_id(d.item.sender)},
          {"dest", format_user_id(d.item.user)}, {"data_type", d.item.data_type},
          {"level", to_string(d.item.level)}, {"state", to_string(d.state)},
          {"node", d.node.empty() ? json(nullptr) : json(d.node)}, {"attempts", d.attempts},
          {"size", d.item.body.size()}, {"created_ms", d.item.created_ms},
          {"history", std::move(events)}};
}

} // namespace drover
