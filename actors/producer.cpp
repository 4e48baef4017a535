#include "actors/producer.hpp"

#include <chrono>
#include <cstdio>
#include <set>

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_nodes.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

using clock_type = std::chrono::steady_clock;

struct producer_state {
  producer_options opts;
  caf::actor manager;
  std::string origin;
  uint32_t lists_total = 0;
  uint32_t next_seq = 0;
  uint32_t in_flight = 0;
  uint32_t acked = 0;
  job_id job = 0;
  bool active = false;              ///< the manager activated us; standbys never push
  bool heartbeating = false;
  node_agent agent;                 ///< status reports (#9); producers run no commands
  bool reporting = false;
  std::set<uint32_t> stored;        ///< seqs a lost predecessor already pushed
  caf::actor_clock::time_point started;
  std::chrono::milliseconds full_backoff{0}; ///< issue 10: wait before re-pushing a refused list
  static inline const char* name = "producer";
};

using producer_ptr = caf::stateful_actor<producer_state>*;

void finish(producer_ptr self, int code, const std::string& why) {
  if (!why.empty())
    log_error("producer {}: {}", self->state.opts.info.node, why);
  // Leaving on purpose is not a loss: the manager starts no takeover alarm.
  self->send(self->state.opts.registry, deregister_atom::value, self->state.opts.info);
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
  if (ok == p.total)
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
  self->request(st.manager, std::chrono::seconds(10), watch_atom::value, st.job)
    .then([] {}, [=](caf::error& err) {
      finish(self, 1, "cannot watch the job: " + self->system().render(err));
    });
  if (st.opts.print_progress)
    self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
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
  self->request(st.manager, std::chrono::seconds(60), submit_atom::value, make_list(self, seq))
    .then(
      [=](const list_ack& ack) {
        auto& st = self->state;
        --st.in_flight;
        st.full_backoff = std::chrono::milliseconds{0};
        st.job = ack.job;
        if (++st.acked < st.lists_total)
          return push_lists(self);
        watch_job(self);
      },
      [=](caf::error& err) {
        if (err.category() == caf::atom("drover") && err.code() == static_cast<uint8_t>(ec::overloaded)) {
          auto& st = self->state;
          st.full_backoff = std::min(std::max(st.full_backoff * 2, std::chrono::milliseconds{100}),
                                     std::chrono::milliseconds{5000});
          log_info("producer {}: the manager's queues are full; list {} again in {} ms",
                   st.opts.info.node, seq, st.full_backoff.count());
          self->delayed_send(self, st.full_backoff, retry_atom::value, seq);
          return;
        }
        finish(self, 1, "the manager did not store a task list: "
                          + self->system().render(err));
      });
}

void push_lists(producer_ptr self) {
  auto& st = self->state;
  while (st.stored.count(st.next_seq) > 0) // pushed by the producer we replace
    ++st.next_seq;
  while (st.in_flight < st.opts.window && st.next_seq < st.lists_total) {
    // The last list seals the job: send it only once every other list is
    // stored, so a list refused for full queues (issue 10) and sent again
    // later cannot arrive after the job already counts as complete.
    if (st.next_seq + 1 == st.lists_total && st.acked + 1 < st.lists_total)
      break;
    auto seq = st.next_seq++;
    ++st.in_flight;
    while (st.stored.count(st.next_seq) > 0)
      ++st.next_seq;
    send_list(self, seq);
  }
}

/// Runs the job, continuing `resume` (a lost predecessor's job of the same
/// name) when given: its origin, and only the lists not stored yet.
void start_job(producer_ptr self, const job_resume* resume) {
  auto& st = self->state;
  st.started = self->clock().now();
  st.lists_total = static_cast<uint32_t>((st.opts.tasks + st.opts.list_size - 1)
                                         / st.opts.list_size);
  if (resume != nullptr) {
    st.origin = resume->origin;
    st.job = resume->job;
    st.stored.insert(resume->stored.begin(), resume->stored.end());
    st.acked = static_cast<uint32_t>(st.stored.size());
    log_info("producer {}: continuing job {} ({} of {} lists already stored)",
             st.opts.info.node, resume->job, st.acked, st.lists_total);
    if (st.acked >= st.lists_total)
      return watch_job(self);
  } else {
    auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    st.origin = fmt::format("{}_{}", st.opts.info.node, wall_ms);
  }
  push_lists(self);
}

/// The manager made us the active producer of our group.
void on_activate(producer_ptr self, const std::vector<job_resume>& resumes) {
  auto& st = self->state;
  if (st.active)
    return; // already running
  st.active = true;
  log_info("producer {}: active in group {}", st.opts.info.node, st.opts.info.group);
  if (st.opts.tasks == 0)
    return;
  const job_resume* mine = nullptr; // the latest job of our name
  for (auto& r : resumes)
    if (r.job_name == st.opts.job_name && (mine == nullptr || r.job > mine->job))
      mine = &r;
  start_job(self, mine);
}

void register_self(producer_ptr self) {
  self->request(self->state.opts.registry, std::chrono::seconds(30), register_atom::value,
                self->state.opts.info)
    .then(
      [=](const caf::actor& mgr) {
        auto& st = self->state;
        if (st.manager != mgr) {
          st.manager = mgr;
          self->monitor(mgr);
        }
        if (!st.active)
          log_info("producer {}: registered in group {}; waiting to be activated",
                   st.opts.info.node, st.opts.info.group);
        if (!st.heartbeating && st.opts.heartbeat.count() > 0) {
          st.heartbeating = true;
          self->delayed_send(self, st.opts.heartbeat, heartbeat_atom::value);
        }
        if (!st.reporting && st.opts.status_every.count() > 0) {
          st.reporting = true;
          self->send(self, nstatus_atom::value); // the first report at once
        }
      },
      [=](caf::error& err) {
        finish(self, 2, "registration failed: " + self->system().render(err));
      });
}

caf::behavior producer(producer_ptr self, producer_options opts) {
  self->state.opts = std::move(opts);
  self->state.agent = node_agent{self->state.opts.node};
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.manager.address())
      finish(self, 1, "lost the manager: " + self->system().render(dm.reason));
  });
  self->set_default_handler(caf::print_and_drop);
  register_self(self);
  return {
    [=](activate_atom, const std::vector<job_resume>& resumes) { on_activate(self, resumes); },
    [=](heartbeat_atom) {
      auto& st = self->state;
      send_heartbeat(self, st.opts.registry, st.opts.info, st.opts.heartbeat,
                     [=] { register_self(self); });
    },
    [=](job_done_atom, const job_progress& p) { on_done(self, p); },
    [=](nstatus_atom) { // a status report; the backlog is the lists not yet stored
      auto& st = self->state;
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   self->clock().now().time_since_epoch()).count();
      if (st.manager)
        self->send(st.manager, nstatus_atom::value,
                   st.agent.report(st.opts.info,
                                   st.lists_total > st.acked ? st.lists_total - st.acked : 0,
                                   now));
      self->delayed_send(self, st.opts.status_every, nstatus_atom::value);
    },
    [](const std::vector<node_command>&) { /* the manager's (empty) reply */ },
    [=](retry_atom, uint32_t seq) { send_list(self, seq); }, // issue 10: queues were full
    [=](tick_atom) {
      self->request(self->state.manager, std::chrono::seconds(5), progress_atom::value,
                    self->state.job)
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
