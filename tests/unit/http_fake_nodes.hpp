// Test support: an in-memory nodes_backend. A node is known (status and
// commands answer) once it has an entry in `reports`.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/backend_nodes.hpp"

namespace drover {
namespace http_test {

class fake_nodes : public nodes_backend {
public:
  std::mutex mtx;
  std::vector<node_info> node_list;
  std::optional<error> fail_all; ///< nodes() answers this error
  std::map<std::string, std::vector<node_status>> reports; ///< by node; known nodes
  std::map<std::string, std::vector<node_command>> commands;

  result<std::vector<node_info>> nodes() override {
    std::lock_guard<std::mutex> g{mtx};
    if (fail_all)
      return *fail_all;
    return node_list;
  }

  result<std::vector<node_status>> node_history(const std::string& node,
                                                int64_t since_ms) override {
    std::lock_guard<std::mutex> g{mtx};
    auto i = reports.find(node);
    if (i == reports.end())
      return error{ec::unknown_member, "no node '" + node + "'"};
    std::vector<node_status> out;
    for (auto& s : i->second)
      if (s.at_ms > since_ms)
        out.push_back(s);
    return out;
  }

  result<node_command> post_node_command(const std::string& node,
                                         const std::string& command) override {
    std::lock_guard<std::mutex> g{mtx};
    if (reports.count(node) == 0)
      return error{ec::unknown_member, "no node '" + node + "'"};
    auto k = parse_command_kind(command);
    if (!k)
      return error{ec::bad_input, "unknown command '" + command + "'"};
    node_command c;
    c.id = commands[node].size() + 1;
    c.node = node;
    c.kind = *k;
    c.by = "rest";
    commands[node].push_back(c);
    return c;
  }

  result<std::vector<node_command>> node_commands(const std::string& node) override {
    std::lock_guard<std::mutex> g{mtx};
    if (reports.count(node) == 0)
      return error{ec::unknown_member, "no node '" + node + "'"};
    return commands[node];
  }
};

} // namespace http_test
} // namespace drover
