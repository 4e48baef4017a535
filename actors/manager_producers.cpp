// Producers run active–standby per group (DESIGN.md §6): the first to join a
// group is activated; the others wait. When the active one is lost (or
// leaves) and does not return within the grace, the standby that joined
// first is activated and told which jobs its predecessor pushed and which of
// their lists are stored, so it pushes only the missing ones: a job is never
// duplicated. Pushes are idempotent on (origin, seq) besides.
#include "actors/manager_state.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// The jobs `node` pushed, with the seqs of their stored lists. A standby
/// that waited gets all of them (a job that is complete is then not run
/// again); a producer joining later only the ones whose push was cut short.
/// Producers continue their run by its identity (lookup); this list is
/// what the activation tells besides, for logs and older producers.
std::vector<job_resume> jobs_pushed_by(const manager_state& st, const std::string& node,
                                       bool unsealed_only) {
  std::vector<job_resume> out;
  for (auto& [id, j] : st.jobs) {
    if (j.meta.producer != node || node.empty() || (unsealed_only && j.meta.sealed))
      continue;
    out.push_back(resume_of(st, j));
  }
  return out;
}

void activate(manager_ptr self, producer_entry& p, std::vector<job_resume> resumes) {
  auto& st = self->state;
  st.active_producer[p.info.group] = p.info.node;
  log_info("manager: producer {} is active in group {}{}", p.info.node, p.info.group,
           resumes.empty() ? std::string{}
                           : fmt::format(" (takes over {} jobs)", resumes.size()));
  self->send(p.handle, activate_atom::value, std::move(resumes));
}

/// The earliest-joined live producer of `group` other than `except`.
producer_entry* first_standby(manager_state& st, const std::string& group,
                              const std::string& except) {
  producer_entry* best = nullptr;
  for (auto& [node, p] : st.producers)
    if (p.info.group == group && node != except && !p.lost
        && (best == nullptr || p.joined < best->joined))
      best = &p;
  return best;
}

} // namespace

job_resume resume_of(const manager_state& st, const job_entry& j) {
  job_resume r{j.meta.id, j.meta.origin, j.meta.name, {}, j.meta.sealed};
  auto id = j.meta.id;
  for (auto i = st.lists.lower_bound({id, 0}); i != st.lists.end() && i->first.first == id; ++i)
    r.stored.push_back(i->first.second);
  return r;
}

job_resume lookup_run(const manager_state& st, const std::string& origin) {
  auto i = st.job_by_origin.find(origin);
  if (i == st.job_by_origin.end())
    return job_resume{0, origin, {}, {}, false};
  auto j = st.jobs.find(i->second);
  if (j == st.jobs.end())
    return job_resume{0, origin, {}, {}, false};
  return resume_of(st, j->second);
}

void on_producer_joined(manager_ptr self, const member_info& info, const caf::actor& hdl) {
  auto& st = self->state;
  auto i = st.producers.find(info.node);
  bool back = i != st.producers.end() && i->second.lost;
  bool same_process = i != st.producers.end() && i->second.handle == hdl;
  auto& p = st.producers[info.node];
  if (!same_process) {
    p.handle = hdl;
    p.joined = ++st.producer_joins;
  }
  p.info = info;
  p.lost = false;
  ++p.lost_gen; // a grace timer still running is now stale
  st.stats.producers = st.producers.size();
  auto active = st.active_producer.find(info.group);
  if (active == st.active_producer.end()) {
    // The first of its group, or the first after an active one was lost with
    // no standby around: then it takes over that one's jobs.
    std::vector<job_resume> resumes;
    if (auto o = st.orphaned_by.find(info.group); o != st.orphaned_by.end()) {
      resumes = jobs_pushed_by(st, o->second, true);
      st.orphaned_by.erase(o);
    }
    activate(self, p, std::move(resumes));
  } else if (active->second == info.node) {
    if (back)
      log_info("manager: producer {} is back within the grace; it stays active", info.node);
    // Always: a producer that rejoined has paused its push (or is a new
    // process); it looks its run up again and continues.
    activate(self, p, jobs_pushed_by(st, info.node, false));
  } else {
    log_info("manager: producer {} stands by in group {} (active: {})", info.node,
             info.group, active->second);
  }
}

void on_producer_lost(manager_ptr self, const member_info& who, const char* why) {
  auto& st = self->state;
  auto i = st.producers.find(who.node);
  if (i == st.producers.end())
    return;
  auto& p = i->second;
  p.lost = true;
  auto gen = ++p.lost_gen;
  auto active = st.active_producer.find(p.info.group);
  bool was_active = active != st.active_producer.end() && active->second == who.node;
  log_info("manager: producer {} {}{}", who.node, why,
           was_active ? fmt::format("; a standby takes over in {} ms unless it returns",
                                    st.opts.grace.count())
                      : std::string{});
  self->delayed_send(self, st.opts.grace, activate_atom::value, who.node, gen);
}

void on_producer_grace_expired(manager_ptr self, const std::string& node, uint64_t gen) {
  auto& st = self->state;
  auto i = st.producers.find(node);
  if (i == st.producers.end() || !i->second.lost || i->second.lost_gen != gen)
    return; // it came back, or this timer is an old one
  auto group = i->second.info.group;
  st.producers.erase(i);
  st.stats.producers = st.producers.size();
  auto active = st.active_producer.find(group);
  if (active == st.active_producer.end() || active->second != node)
    return; // a standby left: nothing to hand over
  st.active_producer.erase(active);
  if (auto* next = first_standby(st, group, node)) {
    activate(self, *next, jobs_pushed_by(st, node, false));
  } else if (!jobs_pushed_by(st, node, true).empty()) {
    st.orphaned_by[group] = node;
    log_warn("manager: producer {} lost past the grace while pushing a job, and group {} "
             "has no standby; the next producer to join continues it", node, group);
  }
}

} // namespace drover
