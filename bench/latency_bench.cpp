// W3: latency of one task at a time, submit -> result, as a
// client of the manager sees it. Each task is its own job of one noop task,
// sent with submit-and-wait: one request, answered once the job is done.
// --separate-watch: submit (answered once stored), watch, wait for
// job_done, as clients did before submit-and-wait.
// Prints "latency: p50 X us p99 Y us (N tasks)" after a short warm-up.
//
//   latency_bench --in-process [--tasks=N]
//       registry, manager (memory store), one consumer and this client in
//       one process, no middleman hop
//   latency_bench --registry=HOST:PORT [--tasks=N]
//       joins a running registry as a producer; the manager and consumer
//       run in other processes (bench/run.sh starts them)
//   --separate-watch: submit -> list_ack, watch -> ok, then job_done
//   --type=T (default noop), --handlers=FILE (in process: the consumer's
//       users' handlers, e.g. an exec of /bin/true; bench/exec_bench.sh)
// Exit 0 on success, 1 if a task failed or a wait ran out (10 s each).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <caf/io/all.hpp>

#include "actors/consumer.hpp"
#include "actors/manager.hpp"
#include "actors/protocol.hpp"
#include "actors/registry.hpp"
#include "actors/store_actor.hpp"
#include "app/remote.hpp"
#include "app/scheduler_tuning.hpp"
#include "core/log.hpp"
#include "exec/handler_spec.hpp"
#include "store/task_store.hpp"

using namespace drover;

namespace {

using clock_type = std::chrono::steady_clock;
constexpr auto wait_limit = std::chrono::seconds(10);

struct args {
  bool in_process = false;
  std::string registry;
  long tasks = 2000;
  std::string type = "noop";
  std::string handlers;
  bool separate_watch = false;
  tls_files tls; ///< --tls-cert, --tls-key, --tls-ca: join a cluster over mutual TLS
};

bool parse(int argc, char** argv, args& a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--in-process")
      a.in_process = true;
    else if (s.rfind("--registry=", 0) == 0)
      a.registry = s.substr(11);
    else if (s.rfind("--tasks=", 0) == 0)
      a.tasks = std::atol(s.c_str() + 8);
    else if (s == "--separate-watch")
      a.separate_watch = true;
    else if (s.rfind("--type=", 0) == 0)
      a.type = s.substr(7);
    else if (s.rfind("--handlers=", 0) == 0)
      a.handlers = s.substr(11);
    else if (s.rfind("--tls-cert=", 0) == 0)
      a.tls.cert = s.substr(11);
    else if (s.rfind("--tls-key=", 0) == 0)
      a.tls.key = s.substr(10);
    else if (s.rfind("--tls-ca=", 0) == 0)
      a.tls.ca = s.substr(9);
    else
      return false;
  }
  return a.tasks > 0 && (a.in_process != !a.registry.empty());
}

/// Waits (bounded) until the manager counts at least one consumer.
bool wait_for_consumer(caf::scoped_actor& self, const caf::actor& mgr) {
  auto deadline = clock_type::now() + wait_limit;
  while (clock_type::now() < deadline) {
    uint64_t consumers = 0;
    self->request(mgr, wait_limit, stats_atom::value)
      .receive([&](const manager_stats& s) { consumers = s.consumers; },
               [&](caf::error&) {});
    if (consumers > 0)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

bool all_succeeded(const job_progress& p) {
  return p.by_state[static_cast<int>(task_state::succeeded)] == p.total;
}

/// Submit and wait: one request, answered once the job is done. The wait is
/// bounded by the receive's own timeout (a request timeout would wake CAF's
/// clock thread on every task, in the figure measured).
bool submit_and_wait(caf::scoped_actor& self, const caf::actor& mgr, task_list list) {
  bool done = false;
  auto h = self->request(mgr, caf::infinite, submit_atom::value, watch_atom::value,
                         std::move(list));
  caf::blocking_actor::accept_one_cond once;
  self->varargs_receive(
    once, h.id(), [&](const job_progress& p) { done = all_succeeded(p); },
    [&](caf::error& err) {
      std::fprintf(stderr, "submit: %s\n", self->system().render(err).c_str());
    },
    caf::after(wait_limit) >> [&] { std::fprintf(stderr, "no answer within 10 s\n"); });
  return done;
}

/// Submit -> list_ack, watch -> ok, then job_done: two round trips.
bool submit_then_watch(caf::scoped_actor& self, const caf::actor& mgr, task_list list) {
  bool ok = true;
  job_id job = 0;
  self->request(mgr, wait_limit, submit_atom::value, std::move(list))
    .receive([&](const list_ack& ack) { job = ack.job; },
             [&](caf::error& err) {
               std::fprintf(stderr, "submit: %s\n", self->system().render(err).c_str());
               ok = false;
             });
  if (!ok)
    return false;
  self->request(mgr, wait_limit, watch_atom::value, job)
    .receive([] {},
             [&](caf::error& err) {
               std::fprintf(stderr, "watch: %s\n", self->system().render(err).c_str());
               ok = false;
             });
  if (!ok)
    return false;
  bool done = false;
  self->receive([&](job_done_atom, const job_progress& p) { done = all_succeeded(p); },
                caf::after(wait_limit) >>
                  [&] { std::fprintf(stderr, "no job_done within 10 s\n"); });
  return done;
}

/// One task, submit to job_done; false with a message on stderr if it failed.
bool one_task(caf::scoped_actor& self, const caf::actor& mgr, const std::string& origin,
              const std::string& type, bool separate_watch, double& took_us) {
  task_list list;
  list.origin = origin;
  list.job_name = "latency";
  list.group = "default";
  list.seq = 0;
  list.last = true;
  task_spec spec;
  spec.type = type;
  list.tasks.push_back(spec);
  auto t0 = clock_type::now();
  bool done = separate_watch ? submit_then_watch(self, mgr, std::move(list))
                             : submit_and_wait(self, mgr, std::move(list));
  took_us = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
  return done;
}

} // namespace

int main(int argc, char** argv) {
  args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr, "usage: latency_bench --in-process | --registry=HOST:PORT "
                         "[--tasks=N] [--separate-watch] [--type=T] [--handlers=FILE] [--tls-cert=F --tls-key=F --tls-ca=F]\n");
    return 2;
  }
  if (auto err = check_tls_files(a.tls)) {
    std::fprintf(stderr, "latency_bench: %s\n", err.message.c_str());
    return 2;
  }
  set_log_level(log_level::error);
  caf::actor_system_config cfg;
  configure_node_links(cfg, a.tls); // as drover run: TLS with certificates
  add_drover_types(cfg);
  tune_scheduler(cfg); // as drover run
  // A client waiting for one answer at a time: the middleman reads and
  // deserializes each answer and hands it to this thread itself, one
  // thread hop fewer than through a deserialization worker.
  cfg.set("middleman.workers", size_t{0});
  caf::actor_system sys{cfg};
  std::vector<caf::actor> mine; // stopped at the end
  caf::actor mgr;
  {
    caf::scoped_actor self{sys};
    if (a.in_process) {
      auto registry = spawn_registry(sys);
      std::shared_ptr<task_store> db = *open_store("memory"); // memory: cannot fail
      manager_options mo;
      mo.node = "manager";
      mo.store = spawn_store_actor(sys, std::move(db), false); // as drover run: memory stays on the scheduler
      mgr = spawn_manager(sys, std::move(mo));
      caf::anon_send(registry, manager_atom::value, mgr);
      consumer_options co;
      co.info = member_info{"c1", member_role::consumer, {}, 64, "default", {}};
      co.registry = registry;
      if (!a.handlers.empty()) {
        auto set = load_handlers(a.handlers, false, co.handlers.types());
        if (!set) {
          std::fprintf(stderr, "%s\n", set.err().message.c_str());
          return 2;
        }
        co.user_handlers = std::make_shared<handler_set>(std::move(*set));
      }
      auto consumer = spawn_consumer(sys, std::move(co));
      mine = {consumer, mgr, registry};
    } else {
      auto parsed = parse_endpoint(a.registry);
      if (!parsed) {
        std::fprintf(stderr, "%s\n", parsed.err().message.c_str());
        return 2;
      }
      endpoint ep = *parsed;
      auto connected = connect_to(sys, ep, std::chrono::seconds(5));
      if (!connected) {
        std::fprintf(stderr, "%s\n", connected.err().message.c_str());
        return 1;
      }
      caf::actor registry = *connected;
      member_info me{"latency-bench-" + std::to_string(::getpid()), member_role::producer,
                     {}, 0, "default", {}};
      self->request(registry, wait_limit, register_atom::value, me)
        .receive([&](const caf::actor& m) { mgr = m; },
                 [&](caf::error& err) {
                   std::fprintf(stderr, "register: %s\n", sys.render(err).c_str());
                 });
      if (!mgr)
        return 1;
    }
    if (!wait_for_consumer(self, mgr)) {
      std::fprintf(stderr, "no consumer joined within 10 s\n");
      return 1;
    }
    long warmup = std::min<long>(100, a.tasks / 10);
    std::vector<double> us;
    us.reserve(static_cast<size_t>(a.tasks));
    auto prefix = "lat-" + std::to_string(::getpid()) + "-";
    for (long i = 0; i < a.tasks + warmup; ++i) {
      double took = 0;
      if (!one_task(self, mgr, prefix + std::to_string(i), a.type, a.separate_watch, took)) {
        std::fprintf(stderr, "task %ld did not succeed\n", i);
        return 1;
      }
      if (i >= warmup)
        us.push_back(took);
    }
    std::sort(us.begin(), us.end());
    auto at = [&](double q) {
      return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))];
    };
    std::printf("latency: p50 %.0f us p99 %.0f us (%ld tasks, %s)\n", at(0.50), at(0.99),
                a.tasks, a.in_process ? "in process" : "across processes");
    std::fflush(stdout);
  }
  for (auto& h : mine)
    caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  return 0;
}
