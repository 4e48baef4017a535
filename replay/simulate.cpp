// See simulate.hpp. This file runs the one-process simulation and has the
// pure helpers; --processes is in simulate_processes.cpp. The cluster is a generated scenario (one producer per
// group, so every producer is active and pushes its own job) on the normal
// scheduler; the wait loop only reads atomics the nodes share with it.
// Latencies come from the store's task rows once the actors have stopped.
#include "replay/simulate.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ostream>
#include <thread>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/producer.hpp"
#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "replay/cluster.hpp"
#include "replay/commands.hpp"
#include "store/task_store.hpp"

namespace drover::replay {

namespace {

using clock_type = std::chrono::steady_clock;

scenario make_scenario(const replay_commands& c, const std::string& type,
                       const std::string& payload) {
  scenario s;
  s.name = "simulate";
  for (uint32_t i = 1; i <= c.consumers; ++i)
    s.cluster.consumers.push_back(consumer_def{fmt::format("c{}", i), {}, c.capacity, true});
  for (uint32_t i = 1; i <= c.producers; ++i) {
    job_def j;
    j.name = fmt::format("sim{}", i);
    j.tasks = c.tasks / c.producers + (i == 1 ? c.tasks % c.producers : 0);
    j.spec.type = type;
    j.spec.payload = payload;
    producer_def p{fmt::format("p{}", i), fmt::format("g{}", i), j, true};
    if (j.tasks > 0)
      s.cluster.producers.push_back(std::move(p));
  }
  return s;
}

uint64_t executed(const sim_cluster& cl) {
  uint64_t n = 0;
  for (auto& [name, m] : cl.members)
    n += m.executed->load();
  return n;
}

/// 0 all jobs ended well, 1 one did not, -1 still running.
int jobs_result(const sim_cluster& cl) {
  int code = 0;
  for (auto& [name, m] : cl.members) {
    if (m.is_consumer)
      continue;
    int c = m.outcome->exit_code.load();
    if (c < 0)
      return -1;
    code = std::max(code, c == 0 ? 0 : 1);
  }
  return code;
}

void draw_bar(std::ostream& err, uint64_t done, uint64_t total, double secs) {
  int width = 40;
  int full = total == 0 ? width : static_cast<int>(width * std::min(1.0, double(done) / total));
  err << fmt::format("\r[{}{}] {}/{} {:.1f} s", std::string(full, '#'),
                     std::string(width - full, '.'), std::min(done, total), total, secs)
      << std::flush;
}

std::string fmt_latency(const char* what, const latency_summary& l) {
  return fmt::format("{}: p50 {:.0f} ms, p90 {:.0f} ms, p99 {:.0f} ms, max {:.0f} ms\n", what,
                     l.p50, l.p90, l.p99, l.max);
}

std::string json_latency(const latency_summary& l) {
  return fmt::format("{{\"p50_ms\":{},\"p90_ms\":{},\"p99_ms\":{},\"max_ms\":{}}}", l.p50,
                     l.p90, l.p99, l.max);
}

} // namespace

latency_summary summarize(std::vector<int64_t> ms) {
  latency_summary out;
  if (ms.empty())
    return out;
  std::sort(ms.begin(), ms.end());
  auto rank = [&](double p) {
    auto i = static_cast<size_t>(std::ceil(p * ms.size()));
    return static_cast<double>(ms[std::min(ms.size(), std::max<size_t>(i, 1)) - 1]);
  };
  out.p50 = rank(0.50);
  out.p90 = rank(0.90);
  out.p99 = rank(0.99);
  out.max = static_cast<double>(ms.back());
  out.count = ms.size();
  return out;
}

std::optional<latency_buckets> histogram_percentiles(const std::string& text,
                                                     const std::string& name) {
  std::vector<std::pair<double, uint64_t>> buckets; // (le in ms, cumulative count)
  const std::string prefix = name + "_bucket{le=\"";
  for (size_t pos = text.find(prefix); pos != std::string::npos;
       pos = text.find(prefix, pos + 1)) {
    if (pos > 0 && text[pos - 1] != '\n')
      continue;
    auto le_begin = pos + prefix.size();
    auto le_end = text.find('"', le_begin);
    auto value = text.find(' ', le_end);
    if (le_end == std::string::npos || value == std::string::npos)
      return std::nullopt;
    auto le = text.substr(le_begin, le_end - le_begin);
    double ms = le == "+Inf" ? latency_buckets::infinite : std::stod(le) * 1000.0;
    buckets.emplace_back(ms, std::stoull(text.substr(value + 1)));
  }
  if (buckets.empty() || buckets.back().second == 0)
    return std::nullopt;
  latency_buckets out;
  out.count = buckets.back().second;
  auto at = [&](double p) {
    auto rank = static_cast<uint64_t>(std::ceil(p * out.count));
    for (auto& [le, cumulative] : buckets)
      if (cumulative >= rank)
        return le;
    return latency_buckets::infinite;
  };
  out.p50 = at(0.50);
  out.p90 = at(0.90);
  out.p99 = at(0.99);
  return out;
}

result<sim_type> parse_sim_type(const std::string& text) {
  auto colon = text.find(':');
  auto type = text.substr(0, colon);
  auto payload = colon == std::string::npos ? std::string{} : text.substr(colon + 1);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), v);
  bool number = !payload.empty() && ec == std::errc{} && end == payload.data() + payload.size();
  if ((type == "noop" && colon == std::string::npos)
      || ((type == "sleep" || type == "burn") && number))
    return sim_type{type, payload};
  return error{ec::bad_input, "--type must be noop, sleep:MS or burn:US, got '" + text + "'"};
}

int run_simulate(const replay_commands& c, std::ostream& out, std::ostream& err) {
  auto parsed = parse_sim_type(c.type);
  if (!parsed) {
    err << "drover simulate: " << parsed.err().message << "\n";
    return 2;
  }
  const std::string& type = parsed->type;
  const std::string& payload = parsed->payload;
  if (c.sim_processes)
    return run_simulate_processes(c, type, payload, out, err);
  auto s = make_scenario(c, type, payload);
  set_log_level(log_level::warn);
  std::shared_ptr<task_store> db;
  task_id last_task = 0;
  int code = 1;
  double secs = 0;
  bool tty = ::isatty(STDERR_FILENO) == 1 && !c.json;
  {
    caf::actor_system_config cfg;
    add_drover_types(cfg);
    caf::actor_system sys{cfg};
    sim_cluster cl{sys, s, false};
    if (auto e = cl.start_core()) {
      err << "drover simulate: " << e.message << "\n";
      return 2;
    }
    auto t0 = clock_type::now();
    for (auto& [name, m] : cl.members)
      cl.start(name);
    while ((code = jobs_result(cl)) < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100)); // a UI refresh, not logic
      secs = std::chrono::duration<double>(clock_type::now() - t0).count();
      if (tty)
        draw_bar(err, executed(cl), c.tasks, secs);
    }
    secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (tty)
      draw_bar(err, c.tasks, c.tasks, secs), err << "\n";
    db = cl.db;
    // Members first, and wait for them: a consumer that outlives the
    // manager would log that it lost it.
    caf::scoped_actor self{sys};
    for (auto& [name, m] : cl.members) {
      std::lock_guard<std::mutex> guard{m.role->mtx};
      for (auto* a : {&m.supervisor, &m.role->current})
        if (*a) {
          caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
          self->wait_for(*a);
        }
      m.supervisor = nullptr;
    }
    cl.stop_all();
  } // the actor system is gone: the store is ours to read
  last_task = c.tasks;
  std::vector<int64_t> to_start, to_done;
  int64_t first_ms = INT64_MAX, last_ms = 0;
  for (task_id id = 1; id <= last_task; ++id) {
    auto got = db->get(id);
    if (!got || got->t.finished_ms == 0)
      continue;
    const task& t = got->t;
    to_start.push_back((t.started_ms ? t.started_ms : t.finished_ms) - t.created_ms);
    to_done.push_back(t.finished_ms - t.created_ms);
    first_ms = std::min(first_ms, t.created_ms);
    last_ms = std::max(last_ms, t.finished_ms);
  }
  if (last_ms > first_ms) // the manager's ms clock: finer than the 100 ms wait loop
    secs = (last_ms - first_ms) / 1000.0;
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  double peak_mb = ru.ru_maxrss / 1024.0;
  auto start = summarize(to_start), done = summarize(to_done);
  double tput = secs > 0 ? c.tasks / secs : 0;
  if (c.json) {
    out << fmt::format("{{\"consumers\":{},\"producers\":{},\"tasks\":{},\"type\":\"{}\","
                       "\"ok\":{},\"seconds\":{:.3f},\"tasks_per_s\":{:.0f},"
                       "\"submit_to_start\":{},\"submit_to_done\":{},\"peak_rss_mb\":{:.1f}}}\n",
                       c.consumers, c.producers, c.tasks, c.type, code == 0 ? "true" : "false",
                       secs, tput, json_latency(start), json_latency(done), peak_mb);
  } else {
    out << fmt::format("{} tasks ({}) on {} consumers, {} producers: {}\n", c.tasks, c.type,
                       c.consumers, c.producers, code == 0 ? "all succeeded" : "NOT all succeeded");
    out << fmt::format("throughput: {:.0f} tasks/s ({:.3f} s from the first submit to the last ACK)\n", tput, secs);
    out << fmt_latency("submit -> start", start) << fmt_latency("submit -> done", done);
    out << fmt::format("peak memory (RSS): {:.1f} MB\n", peak_mb);
  }
  return code;
}

} // namespace drover::replay
