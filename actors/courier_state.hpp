// The courier's state and the functions its message handlers share
// (actors/courier.cpp: requests; actors/courier_flow.cpp: delivery, retry,
// membership). Include only from those files.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

#include "actors/courier.hpp"
#include "actors/protocol_data.hpp"
#include "actors/store_worker.hpp"
#include "core/grace.hpp"
#include "core/queue_bounds.hpp"
#include "rules/hash_ring.hpp"
#include "store/data_store.hpp"

namespace drover {

/// One destination user's deliveries. Items leave `queued` only in order,
/// so no item overtakes an earlier one waiting for a retry.
struct courier_lane {
  std::deque<uint64_t> queued;  ///< seqs not yet stored on the user's node
  std::deque<uint64_t> stored;  ///< seqs stored there, not yet consumed
  uint64_t inflight = 0;        ///< token of the batch carrying its head; 0 none
  bool backing_off = false;
  bool in_ready = false;
  uint32_t fails = 0;           ///< consecutive failed attempts
  uint64_t gen = 0;             ///< retry timers of older generations are stale
};

struct courier_node {
  caf::actor mailbox;           ///< null while the node is lost
  uint64_t route = 0;           ///< routing id given at its first hello
  grace_period grace;           ///< lost: down, grace running
};

struct courier_state {
  courier_options opts;
  caf::actor store;                                  ///< store worker owning the data_store
  uint64_t accepting = 0;                            ///< sends waiting for their write
  std::map<uint64_t, user_info> users;
  std::unordered_map<uint64_t, delivery_info> open;  ///< unconsumed, by seq
  std::unordered_map<std::string, uint64_t> ids;     ///< external id -> seq (open ones)
  std::map<uint64_t, courier_lane> lanes;            ///< by destination user
  std::map<std::string, courier_node> nodes;
  hash_ring ring;
  std::vector<std::string> ring_nodes;               ///< slot -> node (live nodes only)
  bounded_queues ready;                              ///< users whose lane can go, by LEVEL
  std::vector<delivery_change> changes;              ///< written by flush()
  std::set<uint64_t> dirty_users;
  uint64_t next_seq = 0;
  uint64_t next_user = 0;
  uint64_t next_route = 0;
  uint64_t next_token = 0;
  uint64_t version = 1;                              ///< of nodes + bindings
  uint64_t batches = 0;                              ///< deliver messages sent (tests)
  std::minstd_rand rng;
  static inline const char* name = "courier";
};

using courier_ptr = caf::stateful_actor<courier_state>*;

int64_t courier_now_ms(courier_ptr self);
/// Records a change of delivery `d` (already updated) with an event.
void record(courier_ptr self, const delivery_info& d, const char* kind, std::string detail);
/// Writes queued changes and touched users in one transaction.
void flush(courier_ptr self);
/// Puts the user's lane in the ready queue if it can go now.
void enqueue(courier_state& st, uint64_t user);
/// Sends what is ready, in batches per destination node.
void dispatch(courier_ptr self);
/// The user's counters filled from its lane.
user_info user_view(const courier_state& st, const user_info& u);
/// The live consumer node the hash ring gives `user`; empty if none lives.
std::string pick_node(const courier_state& st, uint64_t user);
/// What a mailbox learns: the live nodes and the users bound to `node`.
topology topology_for(const courier_state& st, const std::string& node);

// -- handlers: delivery, retry, membership (courier_flow.cpp) ----------------
void on_retry(courier_ptr self, uint64_t user, uint64_t gen);
topology on_hello(courier_ptr self, const std::string& node);
void on_mailbox_down(courier_ptr self, const caf::down_msg& dm);
/// The node's mailbox went down, or the registry declared the node lost
/// (missed heartbeats): its users move after the grace unless it returns.
void on_node_lost(courier_ptr self, const std::string& node, const char* why);
void on_grace_expired(courier_ptr self, const std::string& node, uint64_t gen);
/// After a consumption freed room: a lane held back by a full queue goes now.
void kick(courier_ptr self, uint64_t user);
/// Loads users and unconsumed deliveries; bound nodes get the grace to say hello.
void recover(courier_ptr self, data_snapshot& snap);

} // namespace drover
