// The desk of remote HTTP workers: who polls, what the manager leased to
// each, which polls wait, which leases were handed out, who went silent.
// Pure: time comes in as `now` (unix ms), and the hub actor
// (actors/worker_hub.hpp) turns the answers into replies and messages. The
// manager stays the judge of leases (its version check fences every
// completion); the desk only routes and decides when a worker is lost.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/worker_types.hpp"

namespace drover {

class worker_desk {
public:
  /// `grace_ms`: the manager's grace; a lost worker's leases are forgotten
  /// here once it passed, as the manager moves them then.
  explicit worker_desk(int64_t grace_ms = 0) : grace_ms_(grace_ms) {}

  /// What the hub must tell the cluster after a poll.
  enum class join_step : uint8_t {
    none,     ///< a known, live worker as before
    spawn,    ///< a new worker: register it as a member
    rejoin,   ///< back after it was lost, or its types/tags/capacity changed
  };
  struct poll_answer {
    join_step step = join_step::none;
    bool parked = false;              ///< else answer `tasks` now (maybe none)
    std::vector<worker_task> tasks;
  };
  /// A poll arrives. Answers at once with what is queued for the worker, or
  /// at once with nothing if wait_ms is 0, else parks it as `poll_id`.
  poll_answer poll(const worker_poll& p, uint64_t poll_id, int64_t now);

  /// A parked poll's answer: `poll_id` gets `tasks`.
  struct delivery {
    uint64_t poll_id = 0;
    std::vector<worker_task> tasks;
  };
  /// The manager leased `batch` (expiry fields unset) to `worker`; parked
  /// polls are served first come, first served. Unknown worker: nothing.
  std::vector<delivery> leased(const std::string& worker, std::vector<worker_task> batch,
                               int64_t now);
  /// The answer of `poll_id` could not be sent (its client left): the tasks
  /// go back to the head of the queue and maybe to another parked poll.
  std::vector<delivery> returned(const std::string& worker, std::vector<worker_task> tasks,
                                 int64_t now);
  /// The poll's wait ran out: true if it was still parked (answer it empty).
  bool expire_poll(const std::string& worker, uint64_t poll_id);
  /// The manager aborted the lease (cancel, timeout): a queued task is
  /// dropped, a handed-out one says so at its next heartbeat.
  void aborted(const std::string& worker, task_id id, uint64_t lease);

  /// A heartbeat names `lease` of task `id`: the renewed lease, or none if
  /// no worker holds it.
  std::optional<worker_beat> heartbeat(task_id id, uint64_t lease, int64_t now);
  /// The worker holding `lease` of `id`, or "" (an old or unknown lease);
  /// its request counts as a sign of life.
  std::string holder(task_id id, uint64_t lease, int64_t now);
  /// The manager judged a completion of (id, lease): forget the lease.
  void settled(task_id id, uint64_t lease);

  /// What time did: workers silent past their lease are lost (their
  /// queued, never handed-out leases go back to the manager at once), lost
  /// ones past the grace are forgotten. A live worker that keeps polling
  /// but stops heartbeating one task loses that task alone: its lease
  /// expired and the grace passed, so the manager moves it (the worker's
  /// later heartbeat and completion of it get 409).
  struct lost_worker {
    std::string worker;
    std::vector<worker_task> queued;  ///< hand these back
  };
  struct expired_lease {
    std::string worker;
    task_id id = 0;
    uint64_t lease = 0;
  };
  struct tick_result {
    std::vector<lost_worker> lost;
    std::vector<std::string> dropped;
    std::vector<expired_lease> expired;  ///< hand these back
  };
  tick_result tick(int64_t now);

  /// Every lease (id, lease) the worker holds or has queued, for its lease
  /// report when it (re)joins.
  std::vector<std::pair<task_id, uint64_t>> leases_of(const std::string& worker) const;
  /// The member capacity the worker registers with.
  uint32_t capacity_of(const std::string& worker) const;
  std::vector<worker_view> views() const;
  bool knows(const std::string& worker) const { return workers_.count(worker) > 0; }
  /// Unknown, or silent past its lease: what the manager leases it now goes back.
  bool away(const std::string& worker) const {
    auto i = workers_.find(worker);
    return i == workers_.end() || i->second.lost;
  }

private:
  struct parked_poll {
    uint64_t id = 0;
    uint32_t max = 1;
  };
  struct worker_entry {
    worker_poll info;
    std::deque<worker_task> queue;  ///< leased by the manager, not handed out
    std::deque<parked_poll> polls;  ///< waiting, oldest first
    uint64_t held = 0;
    int64_t last_poll_ms = 0;
    int64_t last_beat_ms = 0;
    int64_t last_contact_ms = 0;
    bool lost = false;
    int64_t lost_since_ms = 0;
  };
  struct held_lease {
    uint64_t lease = 0;
    std::string worker;
    bool cancel = false;
    int64_t expires_ms = 0;  ///< renewed by the task's heartbeats
  };

  std::vector<worker_task> hand_out(worker_entry& w, uint32_t max, int64_t now);
  std::vector<delivery> serve_parked(worker_entry& w, int64_t now);
  void forget(std::unordered_map<task_id, held_lease>::iterator i);
  void expire_leases(int64_t now, std::vector<expired_lease>& out);

  int64_t grace_ms_;
  std::map<std::string, worker_entry> workers_;
  std::unordered_map<task_id, held_lease> held_;
};

/// The capacity a poll asks for: its own, or twice its batch (bounded).
uint32_t effective_capacity(const worker_poll& p);

} // namespace drover
