#include "actors/producer.hpp"

#include <chrono>
#include <cstdio>
#include <set>

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_nodes.hpp"
#include "core/backoff.hpp"
#include "core/job_identity.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

using clock_type = std::chrono::steady_clock;

struct producer_state {
  producer_options opts;
  caf::actor manager;               ///< null while the link finds it again
  member_link link;                 ///< registry + manager, reconnecting
  std::string origin;               ///< the run's identity (core/job_identity.hpp)
  uint32_t lists_total = 0;
  uint32_t next_seq = 0;
  uint32_t in_flight = 0;
  job_id job = 0;
  bool active = false;              ///< the manager activated us; standbys never push
  uint64_t push_gen = 0;            ///< answers of an older push (before a loss) are ignored
  bool heartbeating = false;
  node_agent agent;                 ///< status reports; producers run no commands
  bool reporting = false;
  std::set<uint32_t> stored;        ///< seqs the manager has (acknowledged or found stored)
  bool started_clock = false;
  bool ticking = false;             ///< the progress timer runs
  caf::actor_clock::time_point started;
  uint32_t full_failures = 0;       ///< lists refused in a row for full queues (backoff)
  static inline const char* name = "producer";
};

using producer_ptr = caf::stateful_actor<producer_state>*;

void finish(producer_ptr self, int code, const std::string& why) {
  if (!why.empty())
    log_error("producer {}: {}", self->state.opts.info.node, why);
  // Leaving on purpose is not a loss: the manager starts no takeover alarm.
  if (auto& reg = self->state.link.registry())
    self->send(reg, deregister_atom::value, self->state.opts.info);
  self->state.opts.outcome->exit_code = code;
  self->quit();
}

double elapsed_s(producer_ptr self) {
  return std::chrono::duration<double>(self->clock().now() - self->state.started).count();
}

void print_progress(producer_ptr self, const job_progress& p, const char* prefix) {
  auto ok = p.by_state[static_cast<int>(task_state::succeeded)];
  uint64_t done = 0;
  for (int s = 3; s < task_state_count; ++s)
    done += p.by_state[s];
  std::printf("%sjob %llu: %llu/%llu done, %llu succeeded, %llu failed, %llu pending, "
              "%llu running, %.2f s\n",
              prefix, static_cast<unsigned long long>(p.job),
              static_cast<unsigned long long>(done), static_cast<unsigned long long>(p.total),
              static_cast<unsigned long long>(ok),
              static_cast<unsigned long long>(done - ok),
              static_cast<unsigned long long>(p.by_state[0]),
              static_cast<unsigned long long>(p.by_state[1] + p.by_state[2]), elapsed_s(self));
  std::fflush(stdout);
}

void on_done(producer_ptr self, const job_progress& p) {
  auto ok = p.by_state[static_cast<int>(task_state::succeeded)];
  auto secs = elapsed_s(self);
  if (self->state.opts.print_progress) {
    print_progress(self, p, "");
    std::printf("throughput: %.0f tasks/s (%llu tasks in %.3f s, submit to last ACK)\n",
                secs > 0 ? p.total / secs : 0.0, static_cast<unsigned long long>(p.total),
                secs);
    std::fflush(stdout);
  }
  if (p.total < self->state.opts.tasks)
    finish(self, 1, fmt::format("job {} was sealed with {} of the {} tasks of this run "
                                "(its push was cut short and ended by request)",
                                p.job, p.total, self->state.opts.tasks));
  else if (ok == p.total)
    finish(self, 0, {});
  else
    finish(self, 1, fmt::format("job {} ended with {} of {} tasks not succeeded", p.job,
                                p.total - ok, p.total));
}

/// Every list is stored: wait for the job to complete.
void watch_job(producer_ptr self) {
  auto& st = self->state;
  if (st.opts.print_progress)
    std::printf("job %llu: %llu tasks stored, %.2f s\n", static_cast<unsigned long long>(st.job),
                static_cast<unsigned long long>(st.opts.tasks), elapsed_s(self));
  std::fflush(stdout);
  auto gen = st.push_gen;
  self->request(st.manager, std::chrono::seconds(10), watch_atom::value, st.job)
    .then([] {}, [=](caf::error& err) {
      if (gen == self->state.push_gen) // else the manager went away: asked again once back
        finish(self, 1, "cannot watch the job: " + self->system().render(err));
    });
  if (st.opts.print_progress && !st.ticking) {
    st.ticking = true;
    self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
  }
}

/// List `seq` of the job; the same tasks every time it is built.
task_list make_list(producer_ptr self, uint32_t seq) {
  auto& st = self->state;
  task_list list;
  list.origin = st.origin;
  list.job_name = st.opts.job_name;
  list.group = st.opts.info.group;
  list.producer = st.opts.info.node;
  list.seq = seq;
  list.last = seq + 1 == st.lists_total;
  auto begin = uint64_t{list.seq} * st.opts.list_size;
  auto count = std::min<uint64_t>(st.opts.list_size, st.opts.tasks - begin);
  if (st.opts.specs.empty())
    list.tasks.assign(count, st.opts.spec);
  else
    list.tasks.assign(st.opts.specs.begin() + begin, st.opts.specs.begin() + begin + count);
  return list;
}

void push_lists(producer_ptr self);

/// Sends list `seq`; a list refused because the manager's queues are full
/// (ec::overloaded, nothing stored) is sent again after a growing backoff.
void send_list(producer_ptr self, uint32_t seq) {
  auto& st = self->state;
  auto gen = st.push_gen;
  self->request(st.manager, std::chrono::seconds(60), submit_atom::value, make_list(self, seq))
    .then(
      [=](const list_ack& ack) {
        auto& st = self->state;
        if (gen != st.push_gen)
          return; // from before a loss: the run is looked up again
        --st.in_flight;
        st.full_failures = 0;
        st.job = ack.job;
        st.stored.insert(seq);
        if (st.stored.size() < st.lists_total)
          return push_lists(self);
        watch_job(self);
      },
      [=](caf::error& err) {
        auto& st = self->state;
        if (gen != st.push_gen)
          return;
        if (is_drover_error(err, static_cast<uint8_t>(ec::overloaded))) {
          auto wait = backoff_delay(backoff_policy{std::chrono::milliseconds{100},
                                                   std::chrono::milliseconds{5000}, {}},
                                    ++st.full_failures);
          log_info("producer {}: the manager's queues are full; list {} again in {} ms",
                   st.opts.info.node, seq, wait.count());
          self->delayed_send(self, wait, retry_atom::value, seq, gen);
          return;
        }
        if (err == caf::sec::request_timeout) { // the link tells if the manager is gone
          log_warn("producer {}: list {} not acknowledged in time; sending it again",
                   st.opts.info.node, seq);
          return send_list(self, seq);
        }
        finish(self, 1, "the manager did not store a task list: "
                          + self->system().render(err));
      });
}

void push_lists(producer_ptr self) {
  auto& st = self->state;
  while (st.stored.count(st.next_seq) > 0) // pushed before (by us or another producer)
    ++st.next_seq;
  while (st.in_flight < st.opts.window && st.next_seq < st.lists_total) {
    // The last list seals the job: send it only once every other list is
    // stored, so a list refused for full queues and sent again
    // later cannot arrive after the job already counts as complete.
    if (st.next_seq + 1 == st.lists_total && st.stored.size() + 1 < st.lists_total)
      break;
    auto seq = st.next_seq++;
    ++st.in_flight;
    while (st.stored.count(st.next_seq) > 0)
      ++st.next_seq;
    send_list(self, seq);
  }
}

/// Continues the run as the manager has it: lists it stored are not pushed
/// again; a sealed run is only watched until its result.
void continue_run(producer_ptr self, const job_resume& r) {
  auto& st = self->state;
  st.stored.clear();
  st.stored.insert(r.stored.begin(), r.stored.end());
  st.next_seq = 0;
  st.in_flight = 0;
  if (r.job == 0) {
    log_info("producer {}: starting run {} ({} lists)", st.opts.info.node, st.origin,
             st.lists_total);
    return push_lists(self);
  }
  st.job = r.job;
  if (r.sealed) {
    log_info("producer {}: run {} is job {}, already stored whole; waiting for its result",
             st.opts.info.node, st.origin, r.job);
    return watch_job(self);
  }
  log_info("producer {}: continuing run {} as job {} ({} of {} lists already stored)",
           st.opts.info.node, st.origin, r.job, st.stored.size(), st.lists_total);
  if (st.stored.size() >= st.lists_total)
    return watch_job(self); // every list is in; the last one seals it
  push_lists(self);
}

/// Asks the manager what it has of our run, then continues it.
void resume_run(producer_ptr self) {
  auto& st = self->state;
  auto gen = ++st.push_gen; // anything still in flight belongs to the old push
  if (!st.manager)
    return; // asked again when the link is back
  if (!st.started_clock) {
    st.started_clock = true;
    st.started = self->clock().now();
  }
  st.lists_total = static_cast<uint32_t>((st.opts.tasks + st.opts.list_size - 1)
                                         / st.opts.list_size);
  self->request(st.manager, std::chrono::seconds(30), lookup_atom::value, st.origin)
    .then(
      [=](const job_resume& r) {
        if (gen == self->state.push_gen)
          continue_run(self, r);
      },
      [=](caf::error& err) {
        if (gen != self->state.push_gen)
          return;
        log_warn("producer {}: cannot look up run {}: {}; asking again in 1 s",
                 self->state.opts.info.node, self->state.origin, self->system().render(err));
        self->delayed_send(self, std::chrono::seconds(1), activate_atom::value);
      });
}

/// The manager made us the active producer of our group (again).
void on_activate(producer_ptr self) {
  auto& st = self->state;
  if (!st.active)
    log_info("producer {}: active in group {}", st.opts.info.node, st.opts.info.group);
  st.active = true;
  if (st.opts.tasks > 0)
    resume_run(self);
}

void on_joined(producer_ptr self, const caf::actor& mgr) {
  auto& st = self->state;
  st.manager = mgr;
  if (st.active) {
    // The manager's activation came before the registry's answer (two
    // actors of its process, no order between them): the run waited for
    // the link, and goes on now.
    log_info("producer {}: registered in group {}, active", st.opts.info.node, st.opts.info.group);
    if (st.opts.tasks > 0)
      resume_run(self);
  } else {
    log_info("producer {}: registered in group {}; waiting to be activated", st.opts.info.node,
             st.opts.info.group);
  }
  if (!st.heartbeating && st.opts.heartbeat.count() > 0) {
    st.heartbeating = true;
    self->delayed_send(self, st.opts.heartbeat, heartbeat_atom::value);
  }
  if (!st.reporting && st.opts.status_every.count() > 0) {
    st.reporting = true;
    self->send(self, nstatus_atom::value); // the first report at once
  }
}

/// The manager or the registry went away: stop pushing; the manager that
/// comes back activates one producer of the group, which continues the run.
void on_lost(producer_ptr self) {
  auto& st = self->state;
  st.manager = nullptr;
  st.active = false;
  ++st.push_gen;
  st.in_flight = 0;
}

void start_link(producer_ptr self) {
  auto& st = self->state;
  member_link::hooks h;
  h.join = member_link::registering(self, [=] { return self->state.opts.info; });
  h.joined = [=](const caf::actor& mgr, bool) { on_joined(self, mgr); };
  h.lost = [=] { on_lost(self); };
  h.gave_up = [=](const std::string& why) { finish(self, 1, why); };
  st.link.start(self, "producer " + st.opts.info.node, st.opts.link, st.opts.registry,
                std::move(h));
}

caf::behavior producer(producer_ptr self, producer_options opts) {
  self->state.opts = std::move(opts);
  auto& o = self->state.opts;
  self->state.origin = job_origin(o.info.group, o.job_name, o.run, o.idempotency_key);
  self->state.agent = node_agent{self->state.opts.node};
  self->set_down_handler([=](caf::down_msg& dm) { self->state.link.on_down(dm); });
  ignore_strays(self, "producer " + self->state.opts.info.node);
  start_link(self);
  return {
    [=](activate_atom, const std::vector<job_resume>&) { on_activate(self); },
    [=](activate_atom) { // the look-up failed: ask again if still active
      if (self->state.active)
        resume_run(self);
    },
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.link.registry(), st.opts.info, st.opts.heartbeat,
                     [=] { self->state.link.rejoin(); },
                     [=](bool answered) { self->state.link.on_heartbeat(answered); });
    },
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
    [=](job_done_atom, const job_progress& p) {
      if (p.job == self->state.job)
        on_done(self, p);
    },
    [=](nstatus_atom) { // a status report; the backlog is the lists not yet stored
      auto& st = self->state;
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   self->clock().now().time_since_epoch()).count();
      auto stored = static_cast<uint32_t>(st.stored.size());
      if (st.manager)
        self->send(st.manager, nstatus_atom::value,
                   st.agent.report(st.opts.info,
                                   st.lists_total > stored ? st.lists_total - stored : 0,
                                   now));
      self->delayed_send(self, st.opts.status_every, nstatus_atom::value);
    },
    [](const std::vector<node_command>&) { /* the manager's (empty) reply */ },
    [=](retry_atom, uint32_t seq, uint64_t gen) { // the manager's queues were full
      if (gen == self->state.push_gen)
        send_list(self, seq);
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (st.manager && st.job != 0)
        self->request(st.manager, std::chrono::seconds(5), progress_atom::value, st.job)
          .then([=](const job_progress& p) { print_progress(self, p, ""); },
                [](caf::error&) { /* the next tick asks again */ });
      self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_producer(caf::actor_system& sys, producer_options opts) {
  return sys.spawn(producer, std::move(opts));
}

} // namespace drover
