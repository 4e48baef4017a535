#include "actors/elector.hpp"

#include <chrono>

#include <caf/all.hpp>

#include "actors/protocol_leader.hpp"
#include "core/log.hpp"

namespace drover {

lease_seen shared_lease::attempt() {
  std::lock_guard<std::mutex> guard{mtx_};
  lease_seen out;
  if (released_ || !lease_) {
    out.problem = "the lease was released (shutting down)";
    return out;
  }
  auto got = lease_->acquire_or_renew();
  if (!got) {
    out.problem = got.err().message;
    return out;
  }
  out.reached = true;
  out.mine = got->mine;
  out.epoch = got->epoch;
  out.address = got->address;
  return out;
}

error shared_lease::release() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (released_ || !lease_)
    return {};
  released_ = true;
  return lease_->release();
}

namespace {

using std::chrono::milliseconds;

int64_t clock_ms(caf::scheduled_actor* self) {
  return std::chrono::duration_cast<milliseconds>(self->clock().now().time_since_epoch())
    .count();
}

struct caller_state {
  static inline const char* name = "lease_caller";
};

/// Makes each attempt on its own thread and reports what it saw.
caf::behavior lease_caller(caf::stateful_actor<caller_state>* self,
                           std::shared_ptr<shared_lease> lease, caf::actor elector) {
  return {
    [=](elect_atom) {
      auto started = clock_ms(self);
      auto seen = lease->attempt();
      self->send(elector, elect_atom::value, seen.reached, seen.mine, seen.epoch, seen.address,
                 seen.problem, started);
    },
  };
}

struct elector_state {
  elector_options opts;
  leadership now;
  caf::actor caller;
  bool stepped_down = false; ///< nothing more to decide: the process is stopping
  std::string told_leader = "\x01"; ///< the leader last passed to leader_seen
  static inline const char* name = "elector";
};

using elector_ptr = caf::stateful_actor<elector_state>*;

void arm_deadline(elector_ptr self) {
  auto& st = self->state;
  auto left = local_deadline_ms(st.now, st.opts.timing) - clock_ms(self);
  self->delayed_send(self, milliseconds(std::max<int64_t>(0, left)), deadline_atom::value,
                     st.now.renewed_at_ms);
}

void step_down(elector_ptr self, const std::string& why) {
  auto& st = self->state;
  st.stepped_down = true;
  st.now.leading = false;
  if (st.opts.hooks.step_down)
    st.opts.hooks.step_down(why);
}

void tell_leader(elector_ptr self) {
  auto& st = self->state;
  if (st.told_leader == st.now.leader_address)
    return;
  st.told_leader = st.now.leader_address;
  if (st.opts.hooks.leader_seen)
    st.opts.hooks.leader_seen(decode_leader_address(st.now.leader_address));
}

void on_attempt(elector_ptr self, const lease_seen& seen, int64_t started) {
  auto& st = self->state;
  if (st.stepped_down)
    return;
  auto now = clock_ms(self);
  auto verdict = judge_attempt(st.now, seen, started, now, st.opts.timing);
  switch (verdict.step) {
    case lease_step::lead:
      log_info("elector: this process leads now (epoch {})", st.now.epoch);
      arm_deadline(self);
      if (st.opts.hooks.lead)
        st.opts.hooks.lead(st.now.epoch);
      break;
    case lease_step::keep_leading:
      arm_deadline(self);
      break;
    case lease_step::step_down:
      return step_down(self, verdict.why);
    case lease_step::stand_by:
      tell_leader(self);
      break;
  }
  self->delayed_send(st.caller, milliseconds(next_attempt_in_ms(st.now, started, now,
                                                                st.opts.timing)),
                     elect_atom::value);
}

caf::behavior elector(elector_ptr self, elector_options opts) {
  self->state.opts = std::move(opts);
  auto me = caf::actor_cast<caf::actor>(self);
  if (self->state.opts.own_thread)
    self->state.caller = self->spawn<caf::linked + caf::detached>(lease_caller,
                                                                  self->state.opts.lease, me);
  else
    self->state.caller = self->spawn<caf::linked>(lease_caller, self->state.opts.lease, me);
  self->send(self->state.caller, elect_atom::value);
  return {
    [=](elect_atom, bool reached, bool mine, uint64_t epoch, std::string& address,
        std::string& problem, int64_t started) {
      on_attempt(self, lease_seen{reached, mine, epoch, std::move(address), std::move(problem)},
                 started);
    },
    [=](deadline_atom, int64_t renewed_at) {
      auto& st = self->state;
      if (st.stepped_down || !st.now.leading || st.now.renewed_at_ms != renewed_at)
        return; // renewed since: a newer timer watches the new deadline
      if (past_deadline(st.now, clock_ms(self), st.opts.timing))
        step_down(self, "no renewal of the leader lease within "
                          + std::to_string(st.opts.timing.ttl_ms - st.opts.timing.margin_ms)
                          + " ms (the database is unreachable or too slow)");
    },
  };
}

} // namespace

caf::actor spawn_elector(caf::actor_system& sys, elector_options opts) {
  return sys.spawn(elector, std::move(opts));
}

} // namespace drover
