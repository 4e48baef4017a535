// The nodes backend of a real process: members, status reports and
// commands from the manager, with last-heartbeat times from the registry.
#include <algorithm>
#include <map>

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_nodes.hpp"
#include "app/http_backend.hpp"
#include "app/http_backend_calls.hpp"
#include "http/backend_nodes.hpp"
#include "http/worker_backend.hpp"

namespace drover {

namespace {

class caf_nodes : public nodes_backend {
public:
  caf_nodes(caf::actor_system& sys, const caf_backend_options& o, worker_backend* workers)
    : calls_(sys, manager_wording()), manager_(o.manager), registry_(o.registry),
      timeout_(o.timeout), workers_(workers) {}

  result<std::vector<node_info>> nodes() override {
    auto members = calls_.ask<std::vector<node_info>>(manager_, timeout_, get_atom::value,
                                                      members_atom::value);
    if (!members || !registry_)
      return members;
    auto seen = calls_.ask<std::vector<node_info>>(registry_, timeout_, get_atom::value,
                                                   members_atom::value);
    if (!seen)
      return members; // heartbeat times are a bonus; the members are the answer
    std::map<std::pair<member_role, std::string>, int64_t> last;
    for (auto& n : seen.value())
      last[{n.member.role, n.member.node}] = n.last_heartbeat_ms;
    for (auto& n : members.value())
      if (auto i = last.find({n.member.role, n.member.node}); i != last.end())
        n.last_heartbeat_ms = i->second;
    add_worker_contacts(members.value());
    return members;
  }

  /// An HTTP worker's heartbeat age is that of its last request (its
  /// stand-in heartbeats the registry while the worker's lease runs).
  void add_worker_contacts(std::vector<node_info>& nodes) {
    if (!workers_)
      return;
    auto views = workers_->workers();
    if (!views)
      return;
    std::map<std::string, int64_t> contact;
    for (auto& v : views.value())
      contact[v.worker] = std::max(v.last_poll_ms, v.last_heartbeat_ms);
    for (auto& n : nodes)
      if (auto i = contact.find(n.member.node);
          n.member.role == member_role::worker && i != contact.end())
        n.last_heartbeat_ms = i->second;
  }

  result<std::vector<node_status>> node_history(const std::string& node,
                                                int64_t since_ms) override {
    return calls_.ask<std::vector<node_status>>(manager_, timeout_, nstatus_atom::value,
                                                get_atom::value, node, since_ms);
  }

  result<node_command> post_node_command(const std::string& node,
                                         const std::string& command) override {
    return calls_.ask<node_command>(manager_, timeout_, ncommand_atom::value, node, command);
  }

  result<std::vector<node_command>> node_commands(const std::string& node) override {
    return calls_.ask<std::vector<node_command>>(manager_, timeout_, ncommand_atom::value,
                                                 get_atom::value, node);
  }

private:
  actor_calls calls_;
  caf::actor manager_;
  caf::actor registry_;
  std::chrono::milliseconds timeout_;
  worker_backend* workers_; ///< may be null: no HTTP workers here
};

} // namespace

std::unique_ptr<nodes_backend> make_caf_nodes(caf::actor_system& sys,
                                              const caf_backend_options& o,
                                              worker_backend* workers) {
  return std::make_unique<caf_nodes>(sys, o, workers);
}

} // namespace drover
