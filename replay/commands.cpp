// See commands.hpp. Flags are checked here; the work is in engine.cpp
// (replay) and simulate.cpp (simulate).
#include "replay/commands.hpp"

#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "core/lease_window.hpp"
#include "replay/engine.hpp"
#include "replay/simulate.hpp"

namespace drover::replay {

namespace {

int run_replay(const replay_commands& c) {
  bool clock_given = c.replay->get_option("--clock")->count() > 0;
  if (c.processes && clock_given && c.clock == "virtual") {
    std::cerr << "drover replay: --processes runs on the wall clock; drop --clock=virtual\n";
    return 2;
  }
  if (c.tolerance_ms >= 0 && c.clock != "real" && !c.processes) {
    std::cerr << "drover replay: --tolerance is for --clock=real only (virtual time is exact)\n";
    return 2;
  }
  auto loaded = load_scenario(c.file);
  if (!loaded) {
    std::cerr << loaded.err().message << "\n";
    return 2;
  }
  const scenario& s = *loaded;
  real_options ro;
  if (c.tolerance_ms >= 0)
    ro.tolerance_ms = c.tolerance_ms;
  auto played = c.processes         ? replay_processes(s, ro)
                : c.clock == "real" ? replay_real(s, ro)
                                    : replay_virtual(s);
  if (!played) {
    std::cerr << "drover replay: " << played.err().message << "\n";
    return 2;
  }
  const replay_result& r = *played;
  if (!c.trace_path.empty()) {
    std::ofstream out{c.trace_path, std::ios::binary | std::ios::trunc};
    out << r.trace;
    if (!out) {
      std::cerr << "drover replay: cannot write the trace to " << c.trace_path << "\n";
      return 2;
    }
  }
  if (!c.quiet)
    std::cout << r.trace << "\n";
  std::cout << format_report(s, r);
  return r.passed ? 0 : 1;
}

} // namespace

std::unique_ptr<replay_commands> add_replay_commands(CLI::App& app) {
  auto c = std::make_unique<replay_commands>();
  auto* rp = app.add_subcommand("replay", "play a scenario (scenarios/*.yaml) and check its "
                                          "expectations; exit 0 only if all hold");
  rp->add_option("FILE", c->file, "scenario YAML (see scenarios/README.md)")->required();
  rp->add_option("--clock", c->clock, "virtual: deterministic test scheduler, instant time, "
                                      "byte-identical trace; real: normal scheduler, wall-clock "
                                      "time, timed expectations within --tolerance")
    ->check(CLI::IsMember({"virtual", "real"}))
    ->capture_default_str();
  rp->add_option("--tolerance", c->tolerance_ms,
                 "ms a timed expectation may miss by on --clock=real or --processes "
                 "(default 100)")
    ->check(CLI::Range(int64_t{0}, int64_t{60000}));
  rp->add_flag("--processes", c->processes,
               "each member a `drover run` process on 127.0.0.1, kill = SIGKILL, state over "
               "REST (wall clock, --tolerance applies)");
  rp->add_option("--trace", c->trace_path, "also write the trace to this file");
  rp->add_flag("--quiet", c->quiet, "print only the report");
  c->replay = rp;

  auto* sim = app.add_subcommand("simulate", "a local cluster in one process: throughput, "
                                             "latency percentiles, peak memory");
  sim->add_option("--consumers", c->consumers, "consumers")->check(CLI::Range(1u, 10000u))
    ->capture_default_str();
  sim->add_option("--producers", c->producers, "producers, each with its own job")
    ->check(CLI::Range(1u, 64u))
    ->capture_default_str();
  sim->add_option("--tasks", c->tasks, "tasks in all")->check(CLI::Range(uint64_t{1}, uint64_t{100000000}))
    ->capture_default_str();
  sim->add_option("--type", c->type, "noop | sleep:MS | burn:US")->capture_default_str();
  sim->add_option("--capacity", c->capacity, "tasks each consumer runs at once")
    ->check(CLI::Range(1u, 100000u))
    ->capture_default_str();
  sim->add_option("--prefetch", c->prefetch,
                  "tasks each consumer may hold beyond --capacity while its tasks are short "
                  "(auto: 3 x --capacity; 0: none)")
    ->check([](const std::string& v) {
      auto p = parse_prefetch(v);
      return p ? std::string{} : p.err().message;
    })
    ->capture_default_str();
  sim->add_flag("--json", c->json, "one JSON object on stdout instead of text");
  sim->add_flag("--processes", c->sim_processes,
                "each node a `drover run` process of this binary on 127.0.0.1");
  sim->add_option("--time-limit", c->time_limit_s,
                  "--processes: seconds to wait for the producers before giving up")
    ->check(CLI::Range(1u, 86400u))
    ->capture_default_str();
  sim->add_option("--store", c->store,
                  "the manager's store: memory, sqlite:PATH (a new file) or postgres://...")
    ->capture_default_str();
  sim->add_option("--payload-bytes", c->payload_bytes,
                  "with --type=noop: a payload of this many bytes in every task")
    ->check(CLI::Range(uint64_t{0}, uint64_t{16} << 20))
    ->capture_default_str();
  sim->add_option("--queued", c->queued,
                  "a backlog of this many tasks, queued before the consumers join; the "
                  "figures then cover the backlog and --tasks together")
    ->check(CLI::Range(uint64_t{0}, uint64_t{100000000}))
    ->capture_default_str();
  c->simulate = sim;
  return c;
}

std::optional<int> run_replay_command(replay_commands& c) {
  if (c.replay != nullptr && c.replay->parsed())
    return run_replay(c);
  if (c.simulate != nullptr && c.simulate->parsed()) {
    return run_simulate(c, std::cout, std::cerr);
  }
  return std::nullopt;
}

} // namespace drover::replay
