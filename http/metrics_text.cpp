// The Prometheus text writer (http/metrics_text.hpp). Label values from
// users (node names, task types, tags, rule names) go through label(), which
// escapes them; the others come from fixed enums.
#include "http/metrics_text.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace drover {

namespace {

/// Shortest text that reads back as the same double ("0.005", not
/// "0.0050000000000000001").
std::string number(double v) {
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v))
    return "NaN";
  char buf[128];
  // Fixed notation reads best ("0.0005", not "5e-04"); values too long for
  // it (tiny or huge) fall back to the shortest of either notation.
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (r.ec != std::errc{})
    r = std::to_chars(buf, buf + sizeof buf, v);
  return r.ec == std::errc{} ? std::string(buf, r.ptr) : "NaN";
}

std::string lower(const char* s) {
  std::string out{s};
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const std::string& name, const std::string& labels,
            const std::string& value) {
  out += name;
  if (!labels.empty())
    out += "{" + labels + "}";
  out += ' ';
  out += value;
  out += '\n';
}

void counter(std::string& out, const char* name, const char* help, uint64_t v) {
  family(out, name, "counter", help);
  sample(out, name, "", std::to_string(v));
}

void histogram(std::string& out, const char* name, const char* help,
               const latency_histogram& h) {
  family(out, name, "histogram", help);
  std::string base{name};
  uint64_t cumulative = 0; // Prometheus buckets count everything <= le
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    cumulative += h.counts[i];
    sample(out, base + "_bucket", "le=\"" + number(h.bounds[i]) + "\"",
           std::to_string(cumulative));
  }
  cumulative += h.counts[h.bounds.size()];
  sample(out, base + "_bucket", "le=\"+Inf\"", std::to_string(cumulative));
  sample(out, base + "_sum", "", number(h.sum));
  sample(out, base + "_count", "", std::to_string(h.count));
}

// -- nodes: status reports, commands, sleep/wake --

/// A label value: node names come from users, so \, " and newlines are escaped.
std::string label(const char* key, const std::string& v) {
  std::string out = std::string{key} + "=\"";
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + '"';
}

void node_gauge(std::string& out, const metrics_snapshot& m, const char* name,
                const char* help, double (*value)(const node_status&)) {
  family(out, name, "gauge", help);
  for (auto& n : m.nodes)
    if (n.has_status)
      sample(out, name, label("node", n.member.node), number(value(n.status)));
}

void write_nodes(std::string& out, const metrics_snapshot& m) {
  family(out, "drover_node_mode", "gauge",
         "1 for each consumer's mode (awake, asleep, draining) as the manager sees it.");
  for (auto& n : m.nodes)
    sample(out, "drover_node_mode",
           label("node", n.member.node) + ",mode=\"" + to_string(n.mode) + "\"", "1");
  node_gauge(out, m, "drover_node_cpu_percent", "CPU busy % in the last report interval.",
             [](const node_status& s) { return s.cpu_pct; });
  node_gauge(out, m, "drover_node_memory_percent", "Memory used % (MemAvailable).",
             [](const node_status& s) { return s.mem_pct; });
  node_gauge(out, m, "drover_node_disk_percent", "Disk used % of the node's working directory.",
             [](const node_status& s) { return s.disk_pct; });
  node_gauge(out, m, "drover_node_net_in_bytes_per_second", "Bytes/s received (all but lo).",
             [](const node_status& s) { return s.net_in_bps; });
  node_gauge(out, m, "drover_node_net_out_bytes_per_second", "Bytes/s sent (all but lo).",
             [](const node_status& s) { return s.net_out_bps; });
  node_gauge(out, m, "drover_node_task_backlog", "Tasks the node holds, unfinished.",
             [](const node_status& s) { return static_cast<double>(s.task_backlog); });
  node_gauge(out, m, "drover_node_user_backlog", "Messages in the node's per-user queues.",
             [](const node_status& s) { return static_cast<double>(s.user_backlog); });
  family(out, "drover_node_commands", "gauge", "Node commands by state.");
  for (int s = 0; s < command_state_count; ++s)
    sample(out, "drover_node_commands",
           std::string{"state=\""} + to_string(static_cast<command_state>(s)) + "\"",
           std::to_string(m.commands[s]));
  counter(out, "drover_node_status_reports_total", "Node status reports received.",
          m.status_reports);
  counter(out, "drover_policy_sleeps_total", "Consumers the idle policy put to sleep.",
          m.policy_sleeps);
  counter(out, "drover_policy_wakes_total", "Consumers the backlog policy woke.",
          m.policy_wakes);
}

} // namespace

std::string write_metrics(const metrics_snapshot& m) {
  std::string out;
  family(out, "drover_tasks", "gauge", "Tasks in the manager's table by state.");
  for (int s = 0; s < task_state_count; ++s)
    sample(out, "drover_tasks", "state=\"" + lower(to_string(static_cast<task_state>(s))) + "\"",
           std::to_string(m.tasks_by_state[s]));
  family(out, "drover_queue_depth", "gauge", "Pending tasks waiting in each priority queue.");
  for (int p = 0; p < priority_count; ++p)
    sample(out, "drover_queue_depth", "priority=\"" + std::string{to_string(static_cast<priority>(p))} + "\"",
           std::to_string(m.queue_depth[p]));
  family(out, "drover_retry_queue_depth", "gauge", "Failed attempts waiting out their backoff.");
  sample(out, "drover_retry_queue_depth", "", std::to_string(m.retry_queue));
  counter(out, "drover_assignments_total", "Tasks assigned to consumers since the manager started.",
          m.assignments);
  counter(out, "drover_acks_total", "Task results applied since the manager started.", m.acks);
  counter(out, "drover_stale_updates_rejected_total",
          "Updates rejected because they named an old task version.", m.stale_rejected);
  counter(out, "drover_retries_total", "Failed attempts sent back for another try.", m.retries);
  counter(out, "drover_reassignments_total", "Tasks moved away from a lost consumer.",
          m.reassignments);
  counter(out, "drover_timeouts_total", "Attempts that ran past their timeout_ms.", m.timeouts);
  counter(out, "drover_cancelled_total", "Tasks cancelled since the manager started.",
          m.cancelled);
  counter(out, "drover_alerts_total", "Supervisors that gave up on a role (see /v1/alerts).",
          m.alerts);
  histogram(out, "drover_ack_latency_seconds",
            "Time from sending an assignment to applying its ACK.", m.ack_latency);
  family(out, "drover_members", "gauge", "Registered members by role.");
  for (int r = 0; r < member_role_count; ++r)
    sample(out, "drover_members", "role=\"" + std::string{to_string(static_cast<member_role>(r))} + "\"",
           std::to_string(m.members_by_role[r]));
  write_nodes(out, m);
  // -- bounded queues, standby, backpressure, dedupe, merge --
  auto per_priority = [&](const char* name, const char* type, const char* help,
                          const std::array<uint64_t, priority_count>& v) {
    family(out, name, type, help);
    for (int p = 0; p < priority_count; ++p)
      sample(out, name, "priority=\"" + std::string{to_string(static_cast<priority>(p))} + "\"",
             std::to_string(v[p]));
  };
  per_priority("drover_queue_capacity", "gauge", "Bound of each priority queue.",
               m.queue_capacity);
  per_priority("drover_standby_depth", "gauge",
               "Tasks waiting in the standby queue for room in their priority queue.",
               m.standby_depth);
  family(out, "drover_standby_capacity", "gauge", "Bound of the standby (overflow) queue.");
  sample(out, "drover_standby_capacity", "", std::to_string(m.standby_capacity));
  per_priority("drover_rejected_tasks_total", "counter",
               "Submitted tasks refused because the queues were full (HTTP 429).", m.rejected);
  counter(out, "drover_rejected_lists_total", "Task lists refused because the queues were full.",
          m.rejected_lists);
  family(out, "drover_dedupe_followers", "gauge",
         "Tasks waiting on a running task with the same dedupe_key.");
  sample(out, "drover_dedupe_followers", "", std::to_string(m.dedupe_followers));
  family(out, "drover_merges_waiting", "gauge", "Merge tasks held until their parts succeed.");
  sample(out, "drover_merges_waiting", "", std::to_string(m.merges_waiting));
  family(out, "drover_unassignable_tasks", "gauge",
         "Pending tasks no live consumer can take, by reason (no_type, no_tags, rule, "
         "no_consumer), task type and detail (wanted tags or rule name).");
  for (const auto& g : m.waiting)
    sample(out, "drover_unassignable_tasks",
           label("reason", g.why) + "," + label("type", g.type) + "," + label("detail", g.detail),
           std::to_string(g.tasks));
  return out;
}

} // namespace drover
