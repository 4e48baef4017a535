// The courier: the manager-side actor of multi-user data scheduling. It
// owns users and their binding to consumer nodes (hash ring, sticky,
// stored), accepts data for a user (durable before the answer), queues it by
// LEVEL, delivers it in batches per destination node to the nodes' mailboxes
// (actors/mailbox.hpp), retries failures with backoff, re-binds users whose
// node is lost past the grace, and keeps every delivery's lifecycle records.
// Receives: REST calls (app/http_backend_data.cpp), mailbox hellos and
// answers. Spawned next to the manager (app/run.cpp), off its hot path. Its
// SQLite file is written by a store worker (actors/store_worker.hpp), never
// on a scheduler thread; a request that writes is answered once written.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "store/durability.hpp"

namespace drover {

struct courier_options {
  std::string node = "manager";          ///< prefix of delivery ids
  std::string store_path = ":memory:";   ///< data_store file (store/data_store.hpp)
  durability sync = durability::disk;    ///< fsync each commit, or only write it
  std::chrono::milliseconds grace{1000}; ///< a lost node keeps its users this long
  std::chrono::milliseconds retry_base{100};
  std::chrono::milliseconds retry_cap{30000};
  std::chrono::milliseconds deliver_timeout{5000}; ///< per batch and per read/ack
  uint32_t lane_batch = 64;        ///< items of one user per batch
  uint32_t round_items = 4096;     ///< items per dispatch round, all nodes together
  uint64_t max_pending = 100000;   ///< unconsumed items in all; more is refused (429)
  uint64_t seed = 42;              ///< random digits of delivery ids
  int64_t wall_offset_ms = 0;      ///< actor clock -> unix ms (only for ids and records)
};

/// Spawns the courier (on the scheduler: remote mailboxes know it) and its
/// store worker, after loading the store on the calling thread; `io_thread`
/// gives the worker a thread of its own (a file; false for ":memory:" and
/// tests on the test scheduler). Returns a null handle and logs if the store
/// cannot be opened or read.
caf::actor spawn_courier(caf::actor_system& sys, courier_options opts, bool io_thread);

} // namespace drover
