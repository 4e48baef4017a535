// `drover replay --processes`: every member of the scenario is its own
// `drover run` process of this binary (child.hpp) on 127.0.0.1, with one
// registry+manager process (memory store, REST on 127.0.0.1:0). `kill` is
// SIGKILL, `restart` a new process with the same node name. Submits, rule
// swaps and cancels go through REST, as an operator's would, and the
// cluster is read only through REST (probe_http.hpp). The timeline plays on
// the wall clock (wall_clock.hpp). Actions that cannot be done to a process
// from outside (crash, partition, heal, deregister, slow) are refused
// before anything starts.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/api_client.hpp"
#include "replay/child.hpp"
#include "replay/engine.hpp"
#include "replay/observe.hpp"
#include "replay/probe_http.hpp"
#include "replay/process_actions.hpp"
#include "replay/wall_clock.hpp"

namespace drover::replay {

namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using steady = std::chrono::steady_clock;

std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ",") + x;
  return out;
}

std::vector<std::string> job_flags(const job_def& j) {
  const auto& s = j.spec;
  std::vector<std::string> out{"--job=" + j.name, fmt::format("--tasks={}", j.tasks),
                               "--type=" + s.type.str(),
                               std::string{"--priority="} + to_string(s.prio),
                               fmt::format("--max-attempts={}", s.max_attempts),
                               fmt::format("--timeout={}", s.timeout_ms),
                               fmt::format("--list-size={}", j.list_size)};
  if (!s.payload.empty())
    out.push_back("--payload=" + s.payload.str());
  return out;
}

/// True when no task of the scenario can time out, so the timeout counter
/// (which REST does not show) is known to be 0.
bool no_timeouts(const scenario& s) {
  if (s.cluster.default_timeout_ms != 0)
    return false;
  for (auto& p : s.cluster.producers)
    if (p.job && p.job->spec.timeout_ms != 0)
      return false;
  for (auto& a : s.timeline)
    if (a.kind == action_kind::submit && a.job.spec.timeout_ms != 0)
      return false;
  return true;
}

struct proc_run : wall_driver {
  const scenario& s;
  const real_options& o;
  replay_result& res;
  scratch dir{"replay"};
  std::string exe = self_exe();
  std::unique_ptr<child> core;
  std::map<std::string, std::vector<std::unique_ptr<child>>> nodes; ///< incarnations, newest last
  std::unique_ptr<api_client> api;
  std::string registry;
  observer obs{res.trace, res.outcome};
  steady::time_point t0 = steady::now();
  int64_t t0_unix_ms = 0;
  rest_extras extras;
  std::unique_ptr<rest_probe> prober; ///< once the manager's REST is up

  proc_run(const scenario& sc, const real_options& opts, replay_result& r)
    : s(sc), o(opts), res(r) {
    if (no_timeouts(s))
      extras.timeouts = 0;
  }

  int64_t now_ms() override {
    return std::chrono::duration_cast<milliseconds>(steady::now() - t0).count();
  }

  cluster_probe& probe() override { return *prober; }

  child* current(const std::string& name) {
    auto i = nodes.find(name);
    return i == nodes.end() || i->second.empty() ? nullptr : i->second.back().get();
  }

  bool all_done(const snapshot& now) override {
    if (!jobs_all_done(now))
      return false;
    for (auto& p : s.cluster.producers) // a running producer's job must be pushed first
      if (auto* c = current(p.name); c != nullptr && c->running() && p.job
                                     && now.job_states.count(p.job->name) == 0)
        return false;
    return true;
  }

  std::vector<std::string> member_args(const std::string& name) {
    auto& c = s.cluster;
    std::vector<std::string> a{exe, "run", "--registry=" + registry, "--node=" + name,
                               fmt::format("--heartbeat={}", c.heartbeat_ms),
                               fmt::format("--heartbeat-misses={}", c.heartbeat_misses),
                               fmt::format("--max-restarts={}", c.max_restarts),
                               fmt::format("--restart-window={}", c.restart_window_ms)};
    for (auto& con : c.consumers)
      if (con.name == name) {
        a.push_back("--role=consumer");
        a.push_back(fmt::format("--capacity={}", con.capacity));
        a.push_back("--prefetch=" + con.prefetch);
        if (!con.tags.empty())
          a.push_back("--tags=" + joined(con.tags));
      }
    for (auto& p : c.producers)
      if (p.name == name) {
        a.insert(a.end(), {"--role=producer", "--group=" + p.group, "--quiet"});
        if (p.job)
          for (auto& f : job_flags(*p.job))
            a.push_back(f);
      }
    return a;
  }

  child& start(const std::string& name) {
    if (auto* c = current(name); c != nullptr && c->running()) {
      c->signal(SIGKILL); // a restart of a running node is a new process
      c->wait(seconds(5));
    }
    auto& list = nodes[name];
    auto label = fmt::format("{}.{}", name, list.size() + 1);
    auto args = member_args(name);
    args.push_back("--ready-file=" + ready_path(dir.path(), label));
    list.push_back(std::make_unique<child>(args, dir.path(), label));
    return *list.back();
  }

  error start_cluster() {
    if (exe.empty() || dir.path().empty())
      return {ec::unreachable, "cannot find /proc/self/exe or make a scratch folder"};
    auto& c = s.cluster;
    std::vector<std::string> args{exe, "run", "--role=registry,manager",
                                  "--listen=127.0.0.1:0", "--http=127.0.0.1:0", "--store=memory",
                                  fmt::format("--grace={}", c.grace_ms),
                                  fmt::format("--heartbeat={}", c.heartbeat_ms),
                                  fmt::format("--heartbeat-misses={}", c.heartbeat_misses),
                                  fmt::format("--default-timeout={}", c.default_timeout_ms),
                                  "--rules-poll=0"};
    if (!s.rules_path.empty())
      args.push_back("--rules=" + std::filesystem::absolute(s.rules_path).string());
    args.push_back("--ready-file=" + ready_path(dir.path(), "manager"));
    core = std::make_unique<child>(args, dir.path(), "manager");
    auto up = wait_ready(*core, ready_path(dir.path(), "manager"), seconds(10));
    if (!up)
      return {ec::unreachable, "the registry+manager process did not start within 10 s; logs in "
                                 + dir.path() + ":\n" + core->err()};
    registry = fmt::format("127.0.0.1:{}", up->registry_port);
    api = std::make_unique<api_client>(client_options{
      fmt::format("http://127.0.0.1:{}", up->http_port), "", true,
      static_cast<uint32_t>(o.reply_ms), ""});
    prober = std::make_unique<rest_probe>(*api, extras);
    for (auto& group : {names(c.consumers), names(c.producers)})
      for (auto& m : group) {
        auto& ch = start(m);
        if (!wait_ready(ch, ready_path(dir.path(), ch.name()), seconds(10)))
          return {ec::unreachable, fmt::format("{} did not register within 10 s; logs in {}:\n{}",
                                               m, dir.path(), ch.err())};
      }
    return {};
  }

  template <class Defs>
  static std::vector<std::string> names(const Defs& defs) {
    std::vector<std::string> out;
    for (auto& d : defs)
      if (d.start)
        out.push_back(d.name);
    return out;
  }

  void apply(const action& a) override {
    process_action_context ctx{
      *api, obs, res.outcome, now_ms(),
      [this](const std::string& name) -> child& { return start(name); },
      [this](const std::string& name) { return current(name); },
      [this] {
        (void)take_or_abort(*prober, now_ms(), obs, res.outcome); // refreshes the jobs
        return prober->jobs();
      }};
    process_actions transport{ctx};
    dispatch(transport, a, ctx.now_ms, obs, res.outcome);
  }

  error run() {
    if (auto err = start_cluster())
      return err;
    t0 = steady::now();
    t0_unix_ms = std::chrono::duration_cast<milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    for (auto& [name, list] : nodes)
      obs.line(0, fmt::format("start {} (pid {})", name, list.back()->pid()));
    play_on_wall_clock(*this, s, o, obs, res.outcome);
    if (res.outcome.aborted.empty()
        && take_final(*prober, now_ms(), obs, res.outcome))
      if (auto err = prober->tasks(t0_unix_ms, res.outcome.tasks))
        res.outcome.aborted = err.message;
    obs.line(now_ms(), "end");
    stop();
    return {};
  }

  /// SIGTERM to every member, then the core, each wait bounded. The
  /// consumers write how many tasks they ran to their ready file on the
  /// way out; a SIGKILLed one cannot, and then `executed` stays unobserved.
  void stop() {
    for (auto& [name, list] : nodes)
      list.back()->signal(SIGTERM);
    int64_t executed = 0;
    bool known = true;
    for (auto& entry : nodes) {
      auto& node = entry.first;
      bool consumer = std::any_of(s.cluster.consumers.begin(), s.cluster.consumers.end(),
                                  [&](const consumer_def& c) { return c.name == node; });
      for (auto& inc : entry.second) {
        inc->wait(seconds(10));
        if (!consumer)
          continue;
        auto doc = read_ready(inc->ready_file());
        bool counted = doc && doc->exited && doc->executed >= 0;
        known = known && counted && inc->status() == 0;
        if (counted)
          executed += doc->executed;
      }
    }
    core->signal(SIGTERM);
    core->wait(seconds(10));
    if (known && res.outcome.aborted.empty())
      res.outcome.final.counters["executed"] = static_cast<uint64_t>(executed);
  }
};

} // namespace

result<replay_result> replay_processes(const scenario& s, const real_options& o) {
  if (auto why = unsupported_in_processes(s); !why.empty())
    return error{ec::bad_input, why.substr(0, why.size() - 1)};
  replay_result out;
  out.clock_note = fmt::format(
    "processes: every member a drover run process, kill = SIGKILL, state read over REST "
    "(timed expectations +-{} ms; the trace has wall-clock times and differs from run to run)",
    o.tolerance_ms);
  out.outcome.tolerance_ms = o.tolerance_ms;
  out.outcome.producers_observed = false;
  error err;
  {
    proc_run run{s, o, out};
    try {
      err = run.run();
    } catch (const std::exception& e) { // a reply that is not the JSON expected
      out.outcome.aborted = std::string{"unexpected reply: "} + e.what();
    }
    if (err || !out.outcome.aborted.empty())
      run.dir.keep();
    if (!out.outcome.aborted.empty())
      out.outcome.aborted += "; logs kept in " + run.dir.path();
  } // every process still running is SIGKILLed here
  if (err)
    return err;
  judge(s, out);
  return out;
}

} // namespace drover::replay
