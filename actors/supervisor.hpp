// A process's root supervisor (DESIGN.md §6): one-for-one over the roles it
// starts. A child that stops with an error (a crash, an uncaught exception)
// is started again, at most `max_restarts` times in any `within`; past that
// the supervisor gives up on that role: it logs an alert, sends
// (alert, node, text) to `alert_to` (the registry, which forwards it to the
// manager), and leaves the other children running. A child that stops
// normally (a producer whose job is done) is not restarted. The supervisor
// stops when it has no children left, and stops them when it is told to exit.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace drover {

struct child_spec {
  std::string name;                                  ///< e.g. "consumer c1", for logs
  std::function<caf::actor(caf::actor_system&)> start;
};

struct supervisor_options {
  std::string node;                        ///< this process, for alerts
  uint32_t max_restarts = 5;
  std::chrono::milliseconds within{10000};
  caf::actor alert_to;                     ///< gets (alert, node, text); may be null
  std::vector<child_spec> children;
};

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_options opts);

/// The exit reason with which a child asks to be restarted (the node
/// command `restart`): its supervisor starts it again at once and
/// does not count it against max_restarts.
caf::error restart_request();
bool is_restart_request(const caf::error& reason);

} // namespace drover
