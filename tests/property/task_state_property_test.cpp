// The task state machine (core/task_state) under any sequence of what the
// manager may do to one task: assign it, take a consumer's "started" or
// final report naming the current lease or an old one, reclaim it from a
// lost consumer, adopt a lease after a restart, cancel it, or force a move.
// Whatever the order:
// - every change raises the version, and nothing else changes it;
// - a report naming an old lease changes nothing;
// - a terminal task never moves again;
// - the attempt never passes max_attempts and only a retry raises it;
// - a move within an attempt is one is_legal allows; the only ways back to
//   PENDING are a retry, a reclaim or the lease's loss.
#include <string>
#include <vector>

#include "core/task_state.hpp"
#include "property.hpp"

namespace drover {
namespace {

enum class act { assign, started, ack, reclaim, adopt, cancel, advance };

struct step {
  act kind = act::assign;
  bool current_lease = true; ///< started/ack: the current lease, or an old one
  int outcome = 0;           ///< ack: task_outcome
  bool retryable = true;
  int target = 0;            ///< advance: task_state
  int lease_ahead = 0;       ///< adopt: lease = version + this (0: not newer)
};

rc::Gen<step> steps() {
  return rc::gen::build<step>(
    rc::gen::set(&step::kind, rc::gen::element(act::assign, act::started, act::ack, act::reclaim,
                                               act::adopt, act::cancel, act::advance)),
    rc::gen::set(&step::current_lease, rc::gen::weightedElement<bool>({{4, true}, {1, false}})),
    rc::gen::set(&step::outcome, rc::gen::inRange(0, 3)),
    rc::gen::set(&step::retryable, rc::gen::arbitrary<bool>()),
    rc::gen::set(&step::target, rc::gen::inRange(0, task_state_count)),
    rc::gen::set(&step::lease_ahead, rc::gen::inRange(0, 3)));
}

bool same(const task& a, const task& b) {
  return a.state == b.state && a.version == b.version && a.attempt == b.attempt
         && a.lease_version == b.lease_version && a.consumer == b.consumer;
}

} // namespace

TEST_CASE("the task state machine keeps its invariants under any sequence of events") {
  DROVER_PROPERTY("task_state invariants", [] {
    task t;
    t.spec.max_attempts = *rc::gen::inRange<uint32_t>(1, 4);
    auto script = *rc::gen::container<std::vector<step>>(steps());
    int64_t now = 1000;
    for (auto& s : script) {
      task before = t;
      uint64_t lease = s.current_lease ? t.lease_version : t.lease_version - 1;
      bool changed = true;
      bool retry = false;
      switch (s.kind) {
        case act::assign:
          changed = assign(t, "c1", ++now) == ec::none;
          break;
        case act::started: {
          auto eff = apply_started(t, lease, ++now);
          changed = eff != ack_effect::stale;
          if (!s.current_lease) // an old lease's report is always stale
            RC_ASSERT(!changed);
          break;
        }
        case act::ack: {
          auto eff = apply_ack(t, lease, static_cast<task_outcome>(s.outcome), "r", ++now,
                               s.retryable);
          changed = eff != ack_effect::stale;
          if (!s.current_lease)
            RC_ASSERT(!changed);
          retry = eff == ack_effect::retry;
          if (retry)
            RC_ASSERT(s.retryable && before.attempt < t.spec.max_attempts);
          if (eff == ack_effect::succeeded)
            RC_ASSERT(t.state == task_state::succeeded);
          break;
        }
        case act::reclaim:
          reclaim(t);
          changed = !same(t, before);
          break;
        case act::adopt:
          changed = adopt_lease(t, "c2", before.version + s.lease_ahead, ++now);
          if (changed)
            RC_ASSERT(before.state == task_state::pending && s.lease_ahead > 0);
          break;
        case act::cancel:
          changed = cancel(t, ++now) == ec::none;
          RC_ASSERT(changed == !is_terminal(before.state));
          break;
        case act::advance: {
          auto next = static_cast<task_state>(s.target);
          changed = advance(t, next, before.version) == ec::none;
          RC_ASSERT(changed == is_legal(before.state, next));
          break;
        }
      }
      if (!changed) {
        RC_ASSERT(same(t, before)); // refused or stale: nothing moved
        continue;
      }
      RC_ASSERT(!is_terminal(before.state)); // terminal tasks never move
      RC_ASSERT(t.version > before.version);
      RC_ASSERT(t.attempt == before.attempt + (retry ? 1u : 0u));
      RC_ASSERT(t.attempt <= t.spec.max_attempts);
      if (t.state == task_state::pending) // back to the queue: no consumer holds it
        RC_ASSERT(t.consumer.empty());
      else if (s.kind == act::ack && before.state == task_state::assigned)
        RC_ASSERT(is_legal(task_state::running, t.state)); // started and ended at once
      else if (s.kind != act::cancel && s.kind != act::adopt)
        RC_ASSERT(is_legal(before.state, t.state));
      if (t.state == task_state::assigned || t.state == task_state::running)
        RC_ASSERT(t.lease_version <= t.version);
    }
  });
}

} // namespace drover
