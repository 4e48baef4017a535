// `drover simulate --processes`: every node its own `drover run` process of
// this binary on 127.0.0.1 (child.hpp), one registry+manager with the
// --store given (memory by default), N consumers, M producers (one group and job each). Nothing
// is read from inside a process: the figures are the producers' own
// "throughput:" lines, the consumers' task counts (their ready files' exit records),
// and the manager's REST API (--http=127.0.0.1:0): jobs' times, the ACK
// latency histogram of /metrics, and the times of a sample of tasks.
#include <algorithm>
#include <csignal>
#include <ostream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/api_client.hpp"
#include "replay/child.hpp"
#include "replay/commands.hpp"
#include "replay/simulate.hpp"

namespace drover::replay {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using json = nlohmann::json;

constexpr size_t max_sampled_tasks = 1000;

/// The last `n` lines of `text`, indented, for a failure message.
std::string tail(const std::string& text, size_t n = 5) {
  size_t pos = text.size();
  for (size_t i = 0; i <= n && pos > 0; ++i)
    pos = text.rfind('\n', pos - 1);
  auto part = text.substr(pos == std::string::npos ? 0 : pos + 1);
  std::string out;
  for (size_t b = 0; b < part.size();) {
    auto e = part.find('\n', b);
    out += "    " + part.substr(b, e - b) + "\n";
    b = e == std::string::npos ? part.size() : e + 1;
  }
  return out;
}

std::string line_with(const std::string& text, const std::string& marker) {
  auto p = text.rfind(marker);
  if (p == std::string::npos)
    return {};
  return text.substr(p, text.find('\n', p) - p);
}

/// The tasks a stopped consumer ran, from its ready file's exit record;
/// -1 if it has none (it did not exit cleanly).
int64_t executed_of(const child& consumer) {
  auto doc = read_ready(consumer.ready_file());
  return doc && doc->exited ? doc->executed : -1;
}

std::string fmt_le(double ms) {
  return ms == latency_buckets::infinite ? std::string{"> 5 s"} : fmt::format("<= {:g} ms", ms);
}

struct sim_procs {
  const replay_commands& c;
  std::string type, payload;
  std::ostream& out;
  std::ostream& err;
  scratch dir{"simulate"};
  std::string exe = self_exe();
  std::unique_ptr<child> manager;
  std::vector<std::unique_ptr<child>> consumers, producers;
  std::string registry, server;

  sim_procs(const replay_commands& cmds, std::string t, std::string p, std::ostream& o,
            std::ostream& e)
    : c(cmds), type(std::move(t)), payload(std::move(p)), out(o), err(e) {}

  int fail(const std::string& what, const child* who) {
    dir.keep();
    err << "drover simulate --processes: " << what << "\n";
    if (who != nullptr)
      err << "  " << who->name() << " stderr ends with:\n" << tail(who->err());
    err << "  logs kept in " << dir.path() << "\n";
    return 1;
  }

  int run() {
    if (exe.empty() || dir.path().empty())
      return fail("cannot find /proc/self/exe or make a scratch folder", nullptr);
    manager = std::make_unique<child>(
      std::vector<std::string>{exe, "run", "--role=registry,manager", "--listen=127.0.0.1:0",
                               "--http=127.0.0.1:0", "--store=" + c.store,
                               "--ready-file=" + ready_path(dir.path(), "manager")},
      dir.path(), "manager");
    auto up = wait_ready(*manager, ready_path(dir.path(), "manager"), seconds(10));
    if (!up)
      return fail("the registry+manager process did not start within 10 s", manager.get());
    registry = fmt::format("127.0.0.1:{}", up->registry_port);
    server = fmt::format("http://127.0.0.1:{}", up->http_port);
    for (uint32_t i = 1; i <= c.consumers; ++i) {
      auto name = fmt::format("c{}", i);
      consumers.push_back(std::make_unique<child>(
        std::vector<std::string>{exe, "run", "--role=consumer", "--registry=" + registry,
                                 "--node=" + name, fmt::format("--capacity={}", c.capacity),
                                 "--prefetch=" + c.prefetch,
                                 "--ready-file=" + ready_path(dir.path(), name)},
        dir.path(), name));
    }
    for (auto& con : consumers)
      if (!wait_ready(*con, ready_path(dir.path(), con->name()), seconds(10)))
        return fail(con->name() + " did not register within 10 s", con.get());
    auto t0 = std::chrono::steady_clock::now();
    for (uint32_t i = 1; i <= c.producers; ++i) {
      auto n = c.tasks / c.producers + (i == 1 ? c.tasks % c.producers : 0);
      if (n == 0)
        continue;
      std::vector<std::string> args{exe, "run", "--role=producer", "--registry=" + registry,
                                    fmt::format("--node=p{}", i), fmt::format("--group=g{}", i),
                                    fmt::format("--job=sim{}", i), fmt::format("--tasks={}", n),
                                    "--type=" + type};
      if (!payload.empty())
        args.push_back("--payload=" + payload);
      producers.push_back(std::make_unique<child>(args, dir.path(), fmt::format("p{}", i)));
    }
    auto deadline = t0 + seconds(c.time_limit_s);
    for (auto& p : producers) {
      auto rest = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (p->wait(std::max(rest, milliseconds(0))) < 0)
        return fail(fmt::format("{} did not finish within --time-limit={} s", p->name(),
                                c.time_limit_s), p.get());
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report(wall);
  }

  int report(double wall) {
    client_options co;
    co.server = server;
    co.json = true;
    co.request_timeout_ms = 5000;
    api_client api{co};
    // The jobs' own times on the manager's clock: first creation to last end.
    int64_t first = INT64_MAX, last = 0;
    auto jobs = api.get("/v1/jobs?offset=0&limit=1000");
    if (jobs.status != 200)
      return fail("GET /v1/jobs failed: " + jobs.err.message + jobs.body, manager.get());
    auto page = json::parse(jobs.body); // named: a temporary would die before the loop
    for (auto& j : page["jobs"]) {
      first = std::min(first, j["created_ms"].get<int64_t>());
      last = std::max(last, j["finished_ms"].get<int64_t>());
    }
    auto metrics = api.get("/metrics");
    std::optional<latency_buckets> read_ack;
    if (metrics.status == 200)
      read_ack = histogram_percentiles(metrics.body, "drover_ack_latency_seconds");
    bool have_ack = read_ack.has_value();
    latency_buckets ack = read_ack.value_or(latency_buckets{});
    // Per-task times from an even sample of the tasks (ids 1..T).
    std::vector<int64_t> to_start, to_done;
    auto step = std::max<uint64_t>(1, c.tasks / max_sampled_tasks);
    for (uint64_t id = 1; id <= c.tasks && to_done.size() < max_sampled_tasks; id += step) {
      auto r = api.get("/v1/tasks/" + std::to_string(id));
      if (r.status != 200)
        continue;
      auto t = json::parse(r.body);
      auto created = t["created_ms"].get<int64_t>(), started = t["started_ms"].get<int64_t>(),
           finished = t["finished_ms"].get<int64_t>();
      if (finished == 0)
        continue;
      to_start.push_back((started ? started : finished) - created);
      to_done.push_back(finished - created);
    }
    // Consumers write how many tasks they ran to their ready file on the way out.
    int64_t executed = 0;
    std::string per_consumer;
    for (auto& con : consumers)
      con->signal(SIGTERM);
    for (auto& con : consumers) {
      con->wait(seconds(10));
      auto n = executed_of(*con);
      executed += std::max<int64_t>(n, 0);
      per_consumer += fmt::format("{}{} {}", per_consumer.empty() ? "" : ", ", con->name(),
                                  n < 0 ? std::string{"?"} : std::to_string(n));
    }
    manager->signal(SIGTERM);
    manager->wait(seconds(10));
    bool ok = std::all_of(producers.begin(), producers.end(),
                          [](auto& p) { return p->status() == 0; });
    double secs = last > first ? (last - first) / 1000.0 : wall;
    double tput = secs > 0 ? c.tasks / secs : 0;
    long rss_c = 0, rss_p = 0;
    for (auto& x : consumers)
      rss_c = std::max(rss_c, x->peak_rss_kb());
    for (auto& x : producers)
      rss_p = std::max(rss_p, x->peak_rss_kb());
    auto start = summarize(to_start), done = summarize(to_done);
    auto bound = [&](double ms) { return have_ack ? fmt::format("{}", ms) : std::string{"null"}; };
    if (c.json) {
      out << fmt::format(
        "{{\"mode\":\"processes\",\"consumers\":{},\"producers\":{},\"tasks\":{},\"type\":\"{}\","
        "\"ok\":{},\"seconds\":{:.3f},\"tasks_per_s\":{:.0f},\"wall_s\":{:.3f},\"executed\":{},"
        "\"ack_latency_le_ms\":{{\"p50\":{},\"p90\":{},\"p99\":{},\"count\":{}}},"
        "\"sampled_tasks\":{},\"submit_to_start\":{{\"p50_ms\":{},\"p90_ms\":{},\"p99_ms\":{},"
        "\"max_ms\":{}}},\"submit_to_done\":{{\"p50_ms\":{},\"p90_ms\":{},\"p99_ms\":{},"
        "\"max_ms\":{}}},\"peak_rss_mb\":{{\"manager\":{:.1f},\"consumer_max\":{:.1f},"
        "\"producer_max\":{:.1f}}}}}\n",
        c.consumers, producers.size(), c.tasks, c.type, ok ? "true" : "false", secs, tput, wall,
        executed, bound(ack.p50), bound(ack.p90), bound(ack.p99),
        ack.count, to_done.size(), start.p50, start.p90, start.p99, start.max, done.p50, done.p90,
        done.p99, done.max, manager->peak_rss_kb() / 1024.0, rss_c / 1024.0, rss_p / 1024.0);
      return ok ? 0 : 1;
    }
    out << fmt::format("{} tasks ({}) on {} consumer processes, {} producer processes: {}\n",
                       c.tasks, c.type, c.consumers, producers.size(),
                       ok ? "all succeeded" : "NOT all succeeded");
    out << fmt::format("throughput: {:.0f} tasks/s ({:.3f} s from the first job's creation to "
                       "the last job's end, on the manager's clock)\n", tput, secs);
    for (auto& p : producers)
      out << fmt::format("  {}: {}\n", p->name(), line_with(p->out(), "throughput:"));
    out << fmt::format("wall clock: {:.3f} s from starting the producer processes to the last "
                       "one's exit (process start-up and connecting included)\n", wall);
    out << fmt::format("executed (consumers' own counts): {} ({})\n", executed, per_consumer);
    if (have_ack)
      out << fmt::format("assignment -> ACK, all {} ACKs (manager's histogram, so bucket bounds "
                         "only): p50 {}, p90 {}, p99 {}\n", ack.count, fmt_le(ack.p50),
                         fmt_le(ack.p90), fmt_le(ack.p99));
    else
      out << "assignment -> ACK: not measured (GET /metrics gave no histogram)\n";
    out << fmt::format("submit -> start and submit -> done: measured on {} of {} tasks only "
                       "(an even sample, GET /v1/tasks/ID; the manager's clock)\n",
                       to_done.size(), c.tasks);
    out << "  submit -> start: " << fmt::format("p50 {:.0f} ms, p90 {:.0f} ms, p99 {:.0f} ms, "
                                                "max {:.0f} ms\n", start.p50, start.p90,
                                                start.p99, start.max);
    out << "  submit -> done:  " << fmt::format("p50 {:.0f} ms, p90 {:.0f} ms, p99 {:.0f} ms, "
                                                "max {:.0f} ms\n", done.p50, done.p90, done.p99,
                                                done.max);
    out << fmt::format("peak memory (RSS): manager {:.1f} MB, consumers up to {:.1f} MB, "
                       "producers up to {:.1f} MB\n", manager->peak_rss_kb() / 1024.0,
                       rss_c / 1024.0, rss_p / 1024.0);
    return ok ? 0 : 1;
  }
};

} // namespace

int run_simulate_processes(const replay_commands& c, const std::string& type,
                           const std::string& payload, std::ostream& out, std::ostream& err) {
  sim_procs run{c, type, payload, out, err};
  try {
    return run.run(); // the children are SIGKILLed and reaped if still running
  } catch (const std::exception& e) { // e.g. a reply that is not the JSON we expect
    return run.fail(std::string{"unexpected reply: "} + e.what(), run.manager.get());
  }
}

} // namespace drover::replay
