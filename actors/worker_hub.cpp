// See actors/worker_hub.hpp. The hub routes; core/worker_desk decides.
#include "actors/worker_hub.hpp"

#include <map>
#include <unordered_map>

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_workers.hpp"
#include "actors/worker_stand_in.hpp"
#include "core/log.hpp"
#include "core/worker_desk.hpp"

namespace drover {

namespace {

/// How long the hub waits for the manager to judge and store completions.
constexpr auto judge_timeout = std::chrono::seconds(30);

struct hub_state {
  worker_hub_options opts;
  worker_desk desk;
  std::map<std::string, caf::actor> stand_ins;
  std::unordered_map<uint64_t, poll_reply> parked; ///< by poll id
  uint64_t next_poll = 0;
  static inline const char* name = "worker_hub";
};

using hub_ptr = caf::stateful_actor<hub_state>*;

int64_t unix_now_ms() { // HTTP workers compare lease expiry with their own wall clock
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::vector<lease_ref> refs_of(const std::vector<worker_task>& ts) {
  std::vector<lease_ref> out;
  for (auto& t : ts)
    out.push_back(lease_ref{t.id, t.lease});
  return out;
}

/// Answers parked polls; an answer its client no longer takes goes back to
/// the desk, which may hand it to the next parked poll.
void deliver(hub_ptr self, const std::string& worker, std::vector<worker_desk::delivery> ds) {
  auto& st = self->state;
  while (!ds.empty()) {
    std::vector<worker_desk::delivery> again;
    for (auto& d : ds) {
      auto i = st.parked.find(d.poll_id);
      bool taken = false;
      if (i != st.parked.end()) {
        auto reply = std::move(i->second);
        st.parked.erase(i);
        taken = (*reply.send)(d.tasks);
      }
      if (!taken)
        for (auto& more : st.desk.returned(worker, std::move(d.tasks), unix_now_ms()))
          again.push_back(std::move(more));
    }
    ds = std::move(again);
  }
}

member_info member_of(const worker_poll& p, uint32_t capacity) {
  return member_info{p.worker, member_role::worker, p.tags, capacity, "", "", p.types};
}

void on_poll(hub_ptr self, worker_poll& p, poll_reply& reply) {
  auto& st = self->state;
  auto id = ++st.next_poll;
  auto now = unix_now_ms();
  auto ans = st.desk.poll(p, id, now);
  if (ans.step == worker_desk::join_step::spawn) {
    log_info("worker hub: worker {} polls for {} (first time)", p.worker,
             fmt::join(p.types, ","));
    auto hdl = spawn_worker_stand_in(
      self->system(), stand_in_options{member_of(p, st.desk.capacity_of(p.worker)), self,
                                       st.opts.registry, st.opts.link, st.opts.heartbeat});
    self->link_to(hdl); // they end with the hub, or the process would wait for them
    st.stand_ins[p.worker] = hdl;
  } else if (ans.step == worker_desk::join_step::rejoin) {
    self->send(st.stand_ins[p.worker], register_atom::value,
               member_of(p, st.desk.capacity_of(p.worker)));
  }
  if (ans.parked) {
    st.parked.emplace(id, std::move(reply));
    self->delayed_send(self, std::chrono::milliseconds(p.wait_ms), wexpire_atom::value,
                       p.worker, id);
    return;
  }
  if (!(*reply.send)(ans.tasks))
    deliver(self, p.worker, st.desk.returned(p.worker, std::move(ans.tasks), now));
}

void on_leased(hub_ptr self, const std::string& worker, std::vector<assignment>& batch) {
  auto& st = self->state;
  if (st.desk.away(worker)) { // gone since: back to the queue at once
    std::vector<lease_ref> refs;
    for (auto& a : batch)
      refs.push_back(lease_ref{a.id, a.lease});
    self->send(st.opts.manager, handback_atom::value, worker, std::move(refs),
               std::string{"the worker was lost before it took them"});
    return;
  }
  std::vector<worker_task> tasks;
  tasks.reserve(batch.size());
  for (auto& a : batch)
    tasks.push_back(worker_task{a.id, a.lease, a.attempt, std::move(a.type),
                                std::move(a.payload), 0, 0});
  deliver(self, worker, st.desk.leased(worker, std::move(tasks), unix_now_ms()));
}

caf::result<std::vector<uint8_t>> on_done(hub_ptr self, std::vector<worker_result>& results) {
  auto& st = self->state;
  auto now = unix_now_ms();
  std::vector<task_report> reports;
  reports.reserve(results.size());
  std::vector<lease_ref> refs;
  for (auto& r : results) {
    (void)st.desk.holder(r.id, r.lease, now); // a sign of life of its worker
    task_report rep;
    rep.id = r.id;
    rep.lease = r.lease;
    rep.outcome = r.ok ? task_outcome::succeeded : task_outcome::failed;
    rep.result = std::move(r.result);
    rep.retryable = r.retryable;
    reports.push_back(std::move(rep));
    refs.push_back(lease_ref{r.id, r.lease});
  }
  auto rp = self->make_response_promise<std::vector<uint8_t>>();
  self->request(st.opts.manager, judge_timeout, ack_atom::value, worker_atom::value,
                std::move(reports))
    .then(
      [=](std::vector<uint8_t>& verdicts) mutable {
        for (auto& r : refs) // judged either way: the worker is done with it
          self->state.desk.settled(r.id, r.lease);
        rp.deliver(std::move(verdicts));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

void on_tick(hub_ptr self) {
  auto& st = self->state;
  auto out = st.desk.tick(unix_now_ms());
  for (auto& l : out.lost) {
    log_info("worker hub: worker {} silent past its lease: lost; {} queued tasks go back",
             l.worker, l.queued.size());
    if (auto i = st.stand_ins.find(l.worker); i != st.stand_ins.end())
      self->send(i->second, deregister_atom::value);
    if (!l.queued.empty())
      self->send(st.opts.manager, handback_atom::value, l.worker, refs_of(l.queued),
                 std::string{"the worker was lost before it took them"});
  }
  std::map<std::string, std::vector<lease_ref>> expired;
  for (auto& e : out.expired)
    expired[e.worker].push_back(lease_ref{e.id, e.lease});
  for (auto& [worker, refs] : expired) {
    log_info("worker hub: worker {} polls but sent no heartbeat for {} tasks past their lease "
             "and the grace: they go back",
             worker, refs.size());
    self->send(st.opts.manager, handback_atom::value, worker, std::move(refs),
               std::string{"its lease expired without a heartbeat"});
  }
  for (auto& w : out.dropped) {
    if (auto i = st.stand_ins.find(w); i != st.stand_ins.end()) {
      self->unlink_from(i->second); // its end is no reason for the hub's
      self->send_exit(i->second, caf::exit_reason::user_shutdown);
      st.stand_ins.erase(i);
    }
  }
  self->delayed_send(self, st.opts.tick, tick_atom::value);
}

caf::behavior worker_hub(hub_ptr self, worker_hub_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.desk = worker_desk{st.opts.grace.count()};
  ignore_strays(self, "worker hub");
  self->delayed_send(self, st.opts.tick, tick_atom::value);
  return {
    [=](wpoll_atom, worker_poll& p, poll_reply& reply) { on_poll(self, p, reply); },
    [=](wexpire_atom, const std::string& worker, uint64_t id) {
      auto& s = self->state;
      if (!s.desk.expire_poll(worker, id))
        return;
      auto i = s.parked.find(id);
      if (i == s.parked.end())
        return;
      auto reply = std::move(i->second);
      s.parked.erase(i);
      (*reply.send)({});
    },
    [=](assign_atom, const std::string& worker, std::vector<assignment>& batch) {
      on_leased(self, worker, batch);
    },
    [=](abort_atom, const std::string& worker, const std::vector<lease_ref>& refs) {
      for (auto& r : refs)
        self->state.desk.aborted(worker, r.id, r.lease);
    },
    [=](joined_atom, const std::string& worker, const caf::actor& mgr) {
      // Like a consumer after (re)joining: what it holds, so the manager
      // keeps those leases instead of moving them.
      std::vector<lease_ref> refs;
      for (auto& [id, lease] : self->state.desk.leases_of(worker))
        refs.push_back(lease_ref{id, lease});
      self->send(mgr, leases_atom::value, worker, std::move(refs));
    },
    [=](wbeat_atom, task_id id, uint64_t lease) -> caf::result<worker_beat> {
      if (auto beat = self->state.desk.heartbeat(id, lease, unix_now_ms()))
        return *beat;
      return caf::error{ec::stale_version,
                        fmt::format("task {} is not leased as {} to any worker now: it "
                                    "finished, or it was reassigned after its worker was lost; "
                                    "drop it",
                                    id, lease)};
    },
    [=](wdone_atom, std::vector<worker_result>& results) { return on_done(self, results); },
    [=](get_atom, wview_atom) { return self->state.desk.views(); },
    [=](tick_atom) { on_tick(self); },
  };
}

} // namespace

caf::actor spawn_worker_hub(caf::actor_system& sys, worker_hub_options opts) {
  return sys.spawn(worker_hub, std::move(opts));
}

} // namespace drover
