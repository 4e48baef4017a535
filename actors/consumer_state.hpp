// The consumer's state and the functions its files share: consumer.cpp
// (the behavior: running, finishing, ACKing), consumer_nodes.cpp (status
// reports and commands), consumer_exec.cpp (executors, handler swaps, drain).
#pragma once

#include <memory>
#include <vector>

#include "actors/actor_names.hpp"
#include "actors/consumer.hpp"
#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "core/epoch_guard.hpp"
#include "core/lease_book.hpp"
#include "core/waiting_line.hpp"
#include "exec/executors.hpp"
#include "exec/handler_spec.hpp"

namespace drover {

struct consumer_state {
  consumer_options opts;
  caf::actor manager;                ///< null while the link finds it again
  member_link link;                  ///< registry + manager, reconnecting
  lease_book book;                   ///< attempts off the actor; reports until stored
  waiting_line waiting;              ///< leased beyond capacity (prefetch), not begun
  epoch_guard epochs;                ///< assignments of a deposed leader are refused
  std::vector<lease_ref> started;    ///< started off the actor, not yet sent
  bool flush_pending = false;
  bool ack_check_armed = false;      ///< the timer for overdue ACKs runs
  bool heartbeating = false;         ///< the heartbeat timer runs
  const assignment* current = nullptr; ///< the attempt inside an inline handler call
  node_agent agent;                  ///< status reports and commands (node_agent.hpp)
  bool reporting = false;            ///< the status timer runs
  std::unique_ptr<executors> exec;   ///< made when first needed
  std::shared_ptr<const handler_set> handlers; ///< users' handlers in force
  std::string handlers_text;         ///< the handlers file as last read
  std::string handlers_problem;      ///< what is wrong with it, logged once
  bool draining = false;
  static inline const char* name = actor_names::consumer;
};

using consumer_ptr = caf::stateful_actor<consumer_state>*;

// -- consumer.cpp --
/// Sends what started and what finished; reports stay in the book until
/// the manager confirms it stored them.
void flush(consumer_ptr self);
/// Registers again, so the manager learns what this consumer is and runs
/// now (after a config update, a handler swap, a worker pool's new types).
void register_self(consumer_ptr self);
/// The one place an attempt ends, whichever executor ran it: counted and
/// kept in the book until the manager confirms it. `off_actor`: it was
/// registered with book.started (a timer, the executors); false if it was
/// aborted or handed back meanwhile (the manager expects no report).
bool finish_attempt(consumer_ptr self, task_report r, bool off_actor);

/// Starts waiting tasks while a slot is free (none during a drain). True if
/// any started: a flush sends their start.
bool start_waiting(consumer_ptr self);
/// Every lease held: running, waiting and reports not confirmed.
std::vector<lease_ref> held_leases(const consumer_state& st);

// -- consumer_nodes.cpp --
int64_t clock_ms(consumer_ptr self);
void run_commands(consumer_ptr self, const std::vector<node_command>& cmds);
void send_status(consumer_ptr self);

// -- consumer_exec.cpp --
/// The executors, made on first use (they own a thread and child processes).
executors& executors_of(consumer_ptr self);
/// Starts the users' handlers given at start and the file watch.
void start_user_handlers(consumer_ptr self);
/// Re-reads the handlers file; swaps in a changed, valid set.
void poll_handlers(consumer_ptr self);
/// The types this consumer runs now: built-ins and users' handlers.
std::vector<std::string> served_types(consumer_ptr self);
void start_drain(consumer_ptr self, uint32_t timeout_ms);
/// Ends the drain once nothing runs (or `force`: the timeout passed).
void check_drained(consumer_ptr self, bool force);

} // namespace drover
