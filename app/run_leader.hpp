// Manager processes that share a PostgreSQL store (DESIGN.md §13): each
// starts fully (registry and REST up) as a standby, its elector competes
// for the lease, and the one that wins opens the store fenced with its
// epoch, loads and leads. A leader that must step down (its store write was
// fenced, or its local deadline passed) stops its manager at once and the
// process exits with deposed_exit_code; its supervisor (systemd's
// Restart=always) starts it again as a standby. Exiting drops every bit of
// leader state in one move: nothing half-deposed lingers in the process.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/elector.hpp"
#include "app/leader_gate.hpp"

namespace drover {

class schedule_store;
class task_store;

/// The exit code of a manager process that stopped leading.
constexpr int deposed_exit_code = 3;

/// True for a "postgres://..." or "postgresql://..." store: the managers
/// that share it elect a leader.
bool is_shared_store(const std::string& spec);

/// What the elector's hooks (on actor threads) hand to the main thread.
struct leader_handoff {
  std::mutex mtx;
  std::optional<uint64_t> won;          ///< the epoch to start leading in; the main thread takes it
  std::vector<caf::actor> leader_side;  ///< the manager and its store: stopped at once on a step-down
  std::atomic<bool> deposed{false};
  std::shared_ptr<std::atomic<int>> stop_code; ///< the process's exit code once a role stopped
};

/// The epoch this process just won, once (the main thread starts leading).
std::optional<uint64_t> take_win(leader_handoff& h);

/// Records the leader's actors; if the process stepped down meanwhile,
/// stops them at once instead.
void adopt_leader_side(leader_handoff& h, std::vector<caf::actor> actors);

/// A step-down: the leader's actors are killed now (no message of theirs
/// runs after), the process's exit code becomes deposed_exit_code, and the
/// one log line says why.
void step_down_now(leader_handoff& h, const std::string& why);

/// Spawns the elector over `lease`: a win goes to `h`, a step-down to
/// step_down_now, the leader seen while standing by to `gate` and
/// `registry` (which sends members on to the leader's registry).
caf::actor start_elector(caf::actor_system& sys, std::shared_ptr<shared_lease> lease,
                         std::shared_ptr<leader_handoff> h, std::shared_ptr<leader_gate> gate,
                         caf::actor registry);

/// Makes every write transaction of `store` and of `schedules` (may be
/// null) check the leader lease's `epoch` (ec::fenced once it changed). An
/// error if the store cannot be fenced.
error fence_store(task_store& store, schedule_store* schedules, uint64_t epoch);

} // namespace drover
