// See actors/node_agent.hpp.
#include "actors/node_agent.hpp"

#include <fmt/format.h>


namespace drover {

node_hooks with_defaults(node_hooks h) {
  if (!h.sample)
    h.sample = [](int64_t now_ms) { return read_host("/proc", ".", now_ms); };
  if (!h.user_backlog)
    h.user_backlog = [] { return uint64_t{0}; }; // no mailbox on this node
  return h;
}

node_agent::node_agent(node_hooks hooks) : hooks_(with_defaults(std::move(hooks))) {}

node_status node_agent::report(const member_info& info, uint64_t task_backlog,
                               int64_t now_ms) {
  auto now = hooks_.sample(now_ms);
  // The first report has no earlier sample: CPU and network read 0.
  auto f = figures_of(has_last_ ? last_ : host_sample{}, now);
  last_ = now;
  has_last_ = true;
  node_status s;
  s.node = info.node;
  s.role = info.role;
  s.cpu_pct = f.cpu_pct;
  s.mem_pct = f.mem_pct;
  s.disk_pct = f.disk_pct;
  s.net_in_bps = f.net_in_bps;
  s.net_out_bps = f.net_out_bps;
  s.task_backlog = task_backlog;
  s.user_backlog = hooks_.user_backlog();
  s.cache_entries = cache_.size();
  s.mode = mode_;
  s.fresh = fresh_;
  fresh_ = false;
  s.commands = std::move(updates_);
  updates_ = {};
  return s;
}

void node_agent::requeue(std::vector<command_update> updates) {
  updates.insert(updates.end(), updates_.begin(), updates_.end());
  updates_ = std::move(updates);
}

bool node_agent::apply(const node_command& c) {
  switch (c.kind) {
    case command_kind::clear_cache: {
      auto n = cache_.size();
      cache_.clear();
      record(c.id, command_state::done,
             fmt::format("dropped {} per-type run tallies", n));
      return true;
    }
    case command_kind::drain:
      mode_ = node_mode::draining;
      record(c.id, command_state::done, "takes no new work; finishing what it holds");
      return true;
    case command_kind::sleep:
      mode_ = node_mode::asleep;
      record(c.id, command_state::done, "asleep: no new work, still heartbeating");
      return true;
    case command_kind::wake:
      mode_ = node_mode::awake;
      record(c.id, command_state::done, "awake");
      return true;
    case command_kind::restart:
    case command_kind::update:
      return false;
  }
  return false;
}

void node_agent::record(uint64_t id, command_state s, std::string reason) {
  updates_.push_back(command_update{id, s, std::move(reason)});
}

void node_agent::count_run(const std::string& type, uint32_t run_us) {
  auto& t = cache_[type];
  ++t.runs;
  t.total_us += run_us;
}

} // namespace drover
