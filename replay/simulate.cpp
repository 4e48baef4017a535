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
#include "actors/protocol_links.hpp"
#include "core/log.hpp"
#include "replay/cluster.hpp"
#include "replay/commands.hpp"
#include "store/task_store.hpp"

namespace drover::replay {

namespace {

using clock_type = std::chrono::steady_clock;

/// The producer of --queued's backlog: started alone, before the consumers.
const char* const backlog_producer = "backlog";

scenario make_scenario(const replay_commands& c, const std::string& type,
                       const std::string& payload) {
  scenario s;
  s.name = "simulate";
  s.cluster.store = c.store;
  // Every task of the run may be queued at once: bounds that refused some
  // would measure the producers' backoff, not the cluster.
  for (auto& cap : s.cluster.queues.capacity)
    cap = std::max<uint64_t>(cap, c.queued + c.tasks);
  if (c.queued > 0) { // first: its tasks get the lowest ids
    job_def j;
    j.name = "backlog";
    j.tasks = c.queued;
    j.spec.type = type;
    j.spec.payload = payload;
    s.cluster.producers.push_back(producer_def{backlog_producer, "g0", j, true});
  }
  for (uint32_t i = 1; i <= c.consumers; ++i)
    s.cluster.consumers.push_back(
      consumer_def{fmt::format("c{}", i), {}, c.capacity, true, c.prefetch});
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

namespace {

int64_t steady_ms() { // the manager's clock in simulate (no wall offset)
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           clock_type::now().time_since_epoch())
    .count();
}

/// Polls the manager's snapshot until `done(snapshot)` holds; false after
/// `limit`, or once `failed()` says it never will.
template <class Done, class Failed>
bool wait_until(caf::actor_system& sys, sim_cluster& cl, std::chrono::seconds limit, Done done,
                Failed failed) {
  caf::scoped_actor self{sys};
  auto t0 = clock_type::now();
  for (bool ok = false; !ok;) {
    if (failed() || clock_type::now() - t0 > limit)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // a poll, not logic
    self->request(cl.manager, std::chrono::seconds(30), snapshot_atom::value)
      .receive([&](manager_snapshot& s) { ok = done(s); }, [&](caf::error&) {});
  }
  return true;
}

/// --queued: starts the backlog's producer alone and waits until the
/// manager holds all of its tasks in the queue. False if it never did.
bool queue_backlog(caf::actor_system& sys, sim_cluster& cl, uint64_t queued,
                   std::ostream& err, bool tty) {
  cl.start(backlog_producer);
  bool ok = wait_until(
    sys, cl, std::chrono::minutes(10),
    [&](const manager_snapshot& s) {
      if (tty)
        err << fmt::format("\rqueueing the backlog: {}/{}", s.queues.pending, queued)
            << std::flush;
      return s.queues.pending >= queued;
    },
    [&] { return jobs_result(cl) >= 0; }); // it ended: a list was refused
  if (tty)
    err << "\n";
  return ok;
}

/// Ids to read the times of: every one up to `limit`, else an even sample
/// that keeps the first and the last.
std::vector<task_id> sample_ids(task_id last, uint64_t limit) {
  std::vector<task_id> ids;
  auto step = std::max<uint64_t>(1, (last + limit - 1) / limit);
  for (task_id id = 1; id <= last; id += step)
    ids.push_back(id);
  if (!ids.empty() && ids.back() != last)
    ids.push_back(last);
  return ids;
}

} // namespace

int run_simulate(const replay_commands& c, std::ostream& out, std::ostream& err) {
  auto parsed = parse_sim_type(c.type);
  if (!parsed) {
    err << "drover simulate: " << parsed.err().message << "\n";
    return 2;
  }
  if (c.payload_bytes > 0 && parsed->type != "noop") {
    err << "drover simulate: --payload-bytes works with --type=noop only (the payload of "
           "sleep:MS and burn:US is their number)\n";
    return 2;
  }
  const std::string& type = parsed->type;
  const std::string payload =
    c.payload_bytes > 0 ? std::string(c.payload_bytes, 'x') : parsed->payload;
  if (c.sim_processes && c.queued > 0) {
    err << "drover simulate: --queued works in one process only (not with --processes)\n";
    return 2;
  }
  if (c.sim_processes)
    return run_simulate_processes(c, type, payload, out, err);
  auto s = make_scenario(c, type, payload);
  set_log_level(log_level::warn);
  std::shared_ptr<task_store> db;
  int code = 1;
  double secs = 0;
  int64_t consumers_ms = 0; // when the consumers joined, on the manager's clock
  double joined_s = 0;      // from starting the consumers to all of them joined
  bool tty = ::isatty(STDERR_FILENO) == 1 && !c.json;
  const uint64_t total = c.tasks + c.queued;
  {
    caf::actor_system_config cfg;
    add_drover_types(cfg);
    caf::actor_system sys{cfg};
    sim_cluster cl{sys, s, false};
    if (auto e = cl.start_core()) {
      err << "drover simulate: " << e.message << "\n";
      return 2;
    }
    if (c.queued > 0 && !queue_backlog(sys, cl, c.queued, err, tty)) {
      err << "drover simulate: the backlog of " << c.queued
          << " tasks did not get queued (refused by the queue bounds, or over 10 minutes)\n";
      cl.stop_all();
      return 1;
    }
    // The consumers join first (with a backlog, they start the run): the
    // figures are for work on a fleet that is there, not for its arrival.
    auto joining = clock_type::now();
    consumers_ms = steady_ms();
    for (auto& [name, m] : cl.members)
      if (m.is_consumer)
        cl.start(name);
    if (!wait_until(sys, cl, std::chrono::minutes(10),
                    [&](const manager_snapshot& s) { return s.consumers.size() >= c.consumers; },
                    [] { return false; })) {
      err << "drover simulate: not every consumer joined within 10 minutes\n";
      cl.stop_all();
      return 1;
    }
    joined_s = std::chrono::duration<double>(clock_type::now() - joining).count();
    auto t0 = clock_type::now();
    for (auto& [name, m] : cl.members)
      if (!m.is_consumer && name != backlog_producer)
        cl.start(name);
    while ((code = jobs_result(cl)) < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100)); // a UI refresh, not logic
      secs = std::chrono::duration<double>(clock_type::now() - t0).count();
      if (tty)
        draw_bar(err, executed(cl), total, secs);
    }
    secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    if (tty)
      draw_bar(err, total, total, secs), err << "\n";
    db = cl.db;
    caf::scoped_actor self{sys};
    // What the manager acted on reaches the database before it is read
    // below (a database store commits in groups, as `drover run` does).
    self->request(cl.store, std::chrono::seconds(30), sync_atom::value)
      .receive([] {}, [&](const caf::error&) {
        err << "drover simulate: the store did not confirm its last changes in 30 s\n";
      });
    // Members first, and wait for them: a consumer that outlives the
    // manager would log that it lost it.
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
  // Every task's times from a memory store; an even sample from a database
  // (a read each: PostgreSQL answers a few thousand a second).
  bool postgres = c.store.rfind("postgres", 0) == 0;
  auto ids = sample_ids(total, c.store == "memory" ? total : postgres ? 20000 : 200000);
  std::vector<int64_t> to_start, to_done;
  int64_t first_ms = INT64_MAX, last_ms = 0;
  for (task_id id : ids) {
    auto got = db->get(id);
    if (!got || got->t.finished_ms == 0)
      continue;
    const task& t = got->t;
    to_start.push_back((t.started_ms ? t.started_ms : t.finished_ms) - t.created_ms);
    to_done.push_back(t.finished_ms - t.created_ms);
    first_ms = std::min(first_ms, t.created_ms);
    last_ms = std::max(last_ms, t.finished_ms);
  }
  if (c.queued > 0) // the backlog was queued before: the run starts when the consumers join
    first_ms = consumers_ms;
  if (last_ms > first_ms) // the manager's ms clock: finer than the 100 ms wait loop
    secs = (last_ms - first_ms) / 1000.0;
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  double peak_mb = ru.ru_maxrss / 1024.0;
  auto start = summarize(to_start), done = summarize(to_done);
  double tput = secs > 0 ? total / secs : 0;
  if (c.json) {
    out << fmt::format("{{\"consumers\":{},\"producers\":{},\"tasks\":{},\"type\":\"{}\","
                       "\"store\":\"{}\",\"payload_bytes\":{},\"queued\":{},"
                       "\"ok\":{},\"seconds\":{:.3f},\"tasks_per_s\":{:.0f},"
                       "\"sampled_tasks\":{},\"joined_s\":{:.3f},"
                       "\"submit_to_start\":{},\"submit_to_done\":{},\"peak_rss_mb\":{:.1f}}}\n",
                       c.consumers, c.producers, c.tasks, c.type, c.store.substr(0, c.store.find(':')),
                       c.payload_bytes, c.queued, code == 0 ? "true" : "false", secs, tput,
                       to_done.size(), joined_s, json_latency(start), json_latency(done), peak_mb);
  } else {
    out << fmt::format("{} tasks ({}) on {} consumers, {} producers: {}\n", c.tasks, c.type,
                       c.consumers, c.producers, code == 0 ? "all succeeded" : "NOT all succeeded");
    if (c.queued > 0)
      out << fmt::format("backlog: {} more tasks queued before the consumers joined; the "
                         "figures cover all {}\n", c.queued, total);
    out << fmt::format("consumers joined in {:.3f} s (before the producers started)\n",
                       joined_s);
    out << fmt::format("throughput: {:.0f} tasks/s ({:.3f} s from the {} to the last ACK)\n",
                       tput, secs, c.queued > 0 ? "consumers' start" : "first submit");
    if (to_done.size() < total)
      out << fmt::format("latencies from {} of {} tasks (an even sample)\n", to_done.size(),
                         total);
    out << fmt_latency("submit -> start", start) << fmt_latency("submit -> done", done);
    out << fmt::format("peak memory (RSS): {:.1f} MB\n", peak_mb);
  }
  return code;
}

} // namespace drover::replay
