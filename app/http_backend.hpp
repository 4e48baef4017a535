// The REST server's backend in a real process: each call is a CAF request
// from the HTTP thread to the manager (or the registry, for heartbeat
// times), answered or timed out within `timeout`; CAF's scheduler threads
// never wait for HTTP. See http/backend.hpp for the contract.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "http/backend.hpp"

namespace drover {

struct caf_backend_options {
  caf::actor manager;
  caf::actor registry;                       ///< for last-heartbeat times; may be null
  std::string node;                          ///< the manager's node: prefix of task ids
  std::chrono::milliseconds timeout{10000};  ///< per request
  std::chrono::milliseconds submit_timeout{120000}; ///< storing a big job takes longer
  caf::actor courier = {};                   ///< data scheduling (#9); may be null
  std::size_t max_data = std::size_t{1} << 20; ///< bytes per send_data body
  caf::actor scheduler{};
  caf::actor worker_hub{};                   ///< remote HTTP workers (actors/worker_hub.hpp); may be null                    ///< schedules (issue #10 item 6); may be null
};

std::unique_ptr<http_backend> make_caf_backend(caf::actor_system& sys,
                                               caf_backend_options opts);

} // namespace drover
