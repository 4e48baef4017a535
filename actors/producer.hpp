// The producer: registers with the registry, splits a job into task lists,
// pushes them to the manager (a few lists in flight, each acknowledged only
// once stored), then watches the job and reports when it is complete.
// With no job to run it just stays registered. Per group only the active
// producer pushes: it waits for the manager's activation first.
// A run has an identity (core/job_identity.hpp: group + job + --run, or an
// idempotency key): once active, the producer asks the manager for that run
// and continues it (pushing only the lists not stored yet) or, if it is
// complete, reports its result; it never stores a run twice, whichever
// producer of the group pushed it before. It outlives the manager
// (actors/member_link.hpp): it pauses while the manager is away.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "actors/node_agent.hpp"
#include "core/membership.hpp"
#include "core/task.hpp"

namespace drover {

/// How the producer's job ended, for the process exit code.
struct producer_outcome {
  std::atomic<int> exit_code{-1};   ///< -1 while running
};

struct producer_options {
  member_info info;                 ///< role producer, node, group
  caf::actor registry;
  link_options link;                ///< reconnecting; link.registry is set from `registry`
  std::chrono::milliseconds heartbeat{1000}; ///< to the registry; 0: none
  uint64_t tasks = 0;               ///< 0: no job, stay registered
  task_spec spec;                   ///< every task of the job looks like this
  std::vector<task_spec> specs;     ///< a job file's tasks (split, merge); overrides spec
  std::string job_name = "job";
  std::string run;                  ///< --run: a new run of the same job (e.g. a date)
  std::string idempotency_key;      ///< --idempotency-key: the run's identity, verbatim
  uint32_t list_size = 8192;        ///< tasks per list
  uint32_t window = 4;              ///< lists in flight at once
  bool print_progress = true;       ///< a line per second on stdout
  std::shared_ptr<producer_outcome> outcome = std::make_shared<producer_outcome>();
  // -- node status reports (actors/node_agent.hpp); producers take no commands --
  std::chrono::milliseconds status_every{0}; ///< reports to the manager; 0: none
  node_hooks node;                            ///< host sampler, user backlog
};

caf::actor spawn_producer(caf::actor_system& sys, producer_options opts);

} // namespace drover
