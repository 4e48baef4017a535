// The REST server's backends in a real process (http/backend.hpp), one per
// feature: each call is a CAF request from the HTTP thread to the actor that
// owns the answer (the manager; the registry for heartbeat times; the
// courier for data; the scheduler for schedules), answered or timed out
// within a bound; CAF's scheduler threads never wait for HTTP.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "http/backend.hpp"
#include "http/worker_backend.hpp"

namespace drover {

struct caf_backend_options {
  caf::actor manager;
  caf::actor registry;                       ///< for last-heartbeat times; may be null
  std::string node;                          ///< the manager's node: prefix of task ids
  std::chrono::milliseconds timeout{10000};  ///< per request
  std::chrono::milliseconds submit_timeout{120000}; ///< storing a big job takes longer
  caf::actor courier = {};                   ///< data scheduling; null: its calls answer 503
  std::size_t max_data = std::size_t{1} << 20; ///< bytes per send_data body
  caf::actor scheduler{};                    ///< schedules; null: their calls answer 503
  caf::actor worker_hub{};                   ///< remote HTTP workers (actors/worker_hub.hpp); may be null
};

/// Owns one backend per feature; bundle() hands them to http_server.
class caf_backends {
public:
  caf_backends(caf::actor_system& sys, const caf_backend_options& opts);
  ~caf_backends();
  caf_backends(const caf_backends&) = delete;
  caf_backends& operator=(const caf_backends&) = delete;

  /// Valid while this object lives.
  http_backends bundle() const;

private:
  std::unique_ptr<worker_backend> workers_; ///< first: the nodes backend reads its contacts
  std::unique_ptr<jobs_backend> jobs_;
  std::unique_ptr<rules_backend> rules_;
  std::unique_ptr<nodes_backend> nodes_;
  std::unique_ptr<monitor_backend> monitor_;
  std::unique_ptr<data_backend> data_;
  std::unique_ptr<schedules_backend> schedules_;
  std::unique_ptr<insight_backend> insight_;
};

} // namespace drover
