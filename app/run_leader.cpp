#include "app/run_leader.hpp"

#include <caf/all.hpp>

#include "actors/protocol_leader.hpp"
#include "core/log.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

namespace drover {

bool is_shared_store(const std::string& spec) {
  return spec.rfind("postgres://", 0) == 0 || spec.rfind("postgresql://", 0) == 0;
}

std::optional<uint64_t> take_win(leader_handoff& h) {
  std::lock_guard<std::mutex> guard{h.mtx};
  auto out = h.won;
  h.won.reset();
  return h.deposed ? std::nullopt : out;
}

void adopt_leader_side(leader_handoff& h, std::vector<caf::actor> actors) {
  std::lock_guard<std::mutex> guard{h.mtx};
  if (h.deposed) {
    for (auto& a : actors)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    return;
  }
  h.leader_side = std::move(actors);
}

void step_down_now(leader_handoff& h, const std::string& why) {
  std::lock_guard<std::mutex> guard{h.mtx};
  if (h.deposed)
    return;
  h.deposed = true;
  if (h.stop_code)
    *h.stop_code = deposed_exit_code; // before the manager stops: the wait loop reads it then
  log_error("manager: stepping down as leader: {}; this process exits with code {} (restart it "
            "to stand by)", why, deposed_exit_code);
  // kill, not user_shutdown: nothing of the old leader may run after this
  // (an exit message is handled before anything else waiting in a mailbox).
  for (auto& a : h.leader_side)
    caf::anon_send_exit(a, caf::exit_reason::kill);
}

caf::actor start_elector(caf::actor_system& sys, std::shared_ptr<shared_lease> lease,
                         std::shared_ptr<leader_handoff> h, std::shared_ptr<leader_gate> gate,
                         caf::actor registry) {
  elector_options eo;
  eo.lease = std::move(lease);
  eo.hooks.lead = [h, registry](uint64_t epoch) {
    caf::anon_send(registry, leader_atom::value); // members wait for the manager it loads
    std::lock_guard<std::mutex> guard{h->mtx};
    h->won = epoch;
  };
  eo.hooks.step_down = [h](const std::string& why) { step_down_now(*h, why); };
  eo.hooks.leader_seen = [gate, registry](const leader_address& leader) {
    gate->stand_by(leader);
    caf::anon_send(registry, leader_atom::value, leader.registry);
    if (!leader.registry.empty())
      log_info("manager: standing by; the leader's registry is at {}", leader.registry);
  };
  return spawn_elector(sys, std::move(eo));
}

error fence_store(task_store& store, schedule_store* schedules, uint64_t epoch) {
  if (epoch == 0)
    return {ec::bad_input, "a leader epoch is never 0"};
  store.set_fence(epoch); // before the store actor exists: its first write is fenced
  if (schedules != nullptr)
    schedules->set_fence(epoch);
  return {};
}

} // namespace drover
