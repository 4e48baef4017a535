// Scenario keys of a job's `dedupe_key`, `split` (range or list)
// and `merge`, and the cluster's `queues:` bounds.
//   submit: { job: sum, type: echo, split: { range: { from: 0, to: 100, shards: 4 } },
//             merge: { type: echo, payload: total } }
//   cluster: { queues: { normal: 10, standby: 5 } }
#include <fmt/format.h>

#include "config/options.hpp"
#include "core/dedupe.hpp"
#include "core/job_split.hpp"
#include "replay/cluster.hpp"
#include "replay/scenario_parts.hpp"

namespace drover::replay {

namespace {

void read_split(yaml_reader& r, const field& f, job_def& out) {
  split_spec s;
  auto& n = f.value;
  if (!r.check_map(n, f.mark(), "a split", {"range", "list"}) || n.size() != 1)
    return r.fail(f.mark(), "'split' takes one of range, list");
  if (auto l = find(n, "list")) {
    s.how = split_spec::kind::list;
    if (auto v = r.read_list(l, "list"))
      s.items = std::move(*v);
  } else if (auto g = find(n, "range")) {
    s.how = split_spec::kind::range;
    if (!r.check_map(g.value, g.mark(), "a range", {"from", "to", "shards"}))
      return;
    uint64_t from = 0, to = 0;
    if (auto v = r.read_uint(find(g.value, "from"), "from", 0, INT64_MAX))
      from = *v;
    if (auto v = r.read_uint(find(g.value, "to"), "to", 0, INT64_MAX))
      to = *v;
    if (auto v = r.read_uint(find(g.value, "shards"), "shards", 0, 100000))
      s.shards = *v;
    s.from = static_cast<int64_t>(from);
    s.to = static_cast<int64_t>(to);
  }
  if (auto parts = split_payloads(s, 100000))
    out.parts = std::move(*parts);
  else
    r.fail(f.mark(), parts.err().message);
}

} // namespace

void read_job_extras(yaml_reader& r, const YAML::Node& n, job_def& out) {
  if (auto key = r.read_string(find(n, "dedupe_key"), "dedupe_key")) {
    if (key->compare(0, reserved_key_prefix.size(), reserved_key_prefix) == 0)
      r.fail(find(n, "dedupe_key").mark(), "dedupe_key: keys starting with drover: are reserved");
    out.spec.dedupe_key = *key;
  }
  if (auto f = find(n, "split"))
    read_split(r, f, out);
  if (auto f = find(n, "merge")) {
    out.merge = true;
    if (r.check_map(f.value, f.mark(), "a merge", {"type", "payload"})) {
      if (auto v = r.read_string(find(f.value, "type"), "type"))
        out.merge_type = *v;
      if (auto v = r.read_string(find(f.value, "payload"), "payload"))
        out.merge_payload = *v;
    }
  }
  if (!out.parts.empty() || out.merge)
    out.tasks = (out.parts.empty() ? out.tasks : out.parts.size()) + (out.merge ? 1 : 0);
}

void read_cluster_queues(yaml_reader& r, const field& f, cluster_def& out) {
  if (!f)
    return;
  auto q = read_queue_limits(f.value, out.queues);
  if (!q)
    return r.fail(f.mark(), q.err().message);
  out.queues = *q;
  if (auto why = validate(out.queues); !why.empty())
    r.fail(f.mark(), why);
}

std::string extras_unsupported_in_processes(const scenario& s) {
  auto uses = [](const job_def& j) { return has_parts(j) || !j.spec.dedupe_key.empty(); };
  bool any = s.cluster.queues.capacity != queue_limits{}.capacity
             || s.cluster.queues.standby != queue_limits{}.standby;
  for (auto& a : s.timeline)
    any = any || (a.kind == action_kind::submit && uses(a.job));
  for (auto& p : s.cluster.producers)
    any = any || (p.job && uses(*p.job));
  if (!any)
    return {};
  return s.path + ": queues, dedupe_key, split and merge cannot be played with --processes "
                  "yet; use --clock=virtual or --clock=real\n";
}

bool has_parts(const job_def& j) { return !j.parts.empty() || j.merge; }

std::vector<task_spec> specs_of(const job_def& j) {
  const auto& spec = j.spec;
  std::vector<task_spec> out;
  if (j.parts.empty()) {
    out.assign(j.tasks - (j.merge ? 1 : 0), spec);
  } else {
    for (auto& p : j.parts) {
      out.push_back(spec);
      out.back().payload = p;
    }
  }
  if (j.merge) {
    task_spec m = spec;
    m.type = j.merge_type;
    m.payload = j.merge_payload;
    m.dedupe_key = merge_marker;
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace drover::replay
