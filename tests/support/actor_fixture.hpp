// A CAF actor system on the deterministic test scheduler: nothing runs until
// the test calls sched.run(), and timers fire only when the test advances
// the virtual clock. Also: a fake consumer that records what it is sent,
// and a way to read an actor's state.
#pragma once

#include <memory>
#include <vector>

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "core/log.hpp"

namespace drover::testing {

struct actor_fixture {
  struct config : caf::actor_system_config {
    config() {
      set("scheduler.policy", caf::atom("testing"));
      set("logger.inline-output", true);
      add_drover_types(*this);
    }
  };

  config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
    dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  std::vector<caf::actor> spawned; ///< stopped at the end of the test

  actor_fixture() { set_log_level(log_level::error); }
  ~actor_fixture() {
    for (auto& a : spawned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  template <class Hdl>
  Hdl keep(Hdl h) {
    spawned.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  /// The state of a stateful actor, read in place (only safe between runs).
  template <class State>
  State& state_of(const caf::actor& hdl) {
    auto* ptr = caf::actor_cast<caf::abstract_actor*>(hdl);
    return dynamic_cast<caf::stateful_actor<State>&>(*ptr).state;
  }

  /// Advances virtual time and runs whatever became due.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    sched.run();
  }
};

/// What a fake consumer received.
struct inbox {
  std::vector<assignment> tasks;
  std::vector<lease_ref> aborts; ///< attempts the manager told it to drop
  std::vector<uint64_t> abort_epochs; ///< the epoch each abort message carried (empty ones too)
  size_t batches = 0;
};

/// An actor that accepts assignment batches and does nothing with them.
inline caf::actor spawn_fake_consumer(caf::actor_system& sys, std::shared_ptr<inbox> box) {
  return sys.spawn([box](caf::event_based_actor*) -> caf::behavior {
    return {
      [box](assign_atom, std::vector<assignment>& batch) {
        ++box->batches;
        for (auto& a : batch)
          box->tasks.push_back(std::move(a));
      },
      [box](abort_atom, uint64_t epoch, const std::vector<lease_ref>& refs) {
        box->abort_epochs.push_back(epoch);
        box->aborts.insert(box->aborts.end(), refs.begin(), refs.end());
      },
    };
  });
}

} // namespace drover::testing
