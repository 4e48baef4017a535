// The mailbox: the node-side actor of multi-user data scheduling.
// Each consumer process runs one. It keeps a bounded, durable queue per user
// bound to this node (store/user_queue.hpp, its own SQLite file), takes the
// courier's batches (answering per item: stored / full), serves reads in
// order and deletes only what the user acknowledged. It finds the courier
// through the registry, says hello (getting its routing id and its users),
// and fetches the topology every `topology_every` and when told it changed.
// It outlives the manager: when the courier or the registry goes away it
// finds them again with backoff (actors/member_link.hpp). The queue file is
// written by a store worker (actors/store_worker.hpp), never on a scheduler
// thread; the mailbox publishes the node's item count in `backlog`.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "core/user_backlog.hpp"
#include "store/durability.hpp"

namespace drover {

struct mailbox_options {
  std::string node;                 ///< the consumer node's name
  std::string path = ":memory:";    ///< the queue file
  durability sync = durability::disk; ///< fsync each commit, or only write it
  uint32_t bound = 1000;            ///< items per user queue
  std::chrono::milliseconds topology_every{5000};
  std::chrono::milliseconds ask_timeout{5000};
  caf::actor registry;              ///< where to find the courier
  link_options link;                ///< reconnecting; link.registry is set from `registry`
  caf::actor courier;               ///< or the courier itself (tests)
  /// Where this node's status reports read its item count; null: nowhere.
  std::shared_ptr<user_backlog> backlog;
};

/// Spawns the mailbox (on the scheduler: remote nodes know it) and its store
/// worker; `io_thread` gives the worker a thread of its own (a queue file;
/// false for ":memory:" and tests on the test scheduler). Null (and logged)
/// if its file cannot be opened.
caf::actor spawn_mailbox(caf::actor_system& sys, mailbox_options opts, bool io_thread);

/// The queue file of `node` under `dir`: DIR/mailbox-NODE.db.
std::string mailbox_path(const std::string& dir, const std::string& node);

} // namespace drover
