// Producers run active–standby per group (DESIGN.md §6): the first to join a
// group is activated; the others wait. When the active one is lost (or
// leaves) and does not return within the grace, the standby that joined
// first is activated and told which jobs its predecessor pushed and which of
// their lists are stored, so it pushes only the missing ones: a job is never
// duplicated. Pushes are idempotent on (origin, seq) besides.
#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
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
  if (node.empty())
    return out;
  for (auto& [id, j] : st.table.jobs()) {
    if (j.meta.producer != node || (unsealed_only && j.meta.sealed))
      continue;
    out.push_back(resume_of(st, j));
  }
  return out;
}

/// `from`: the producer whose jobs it takes over; empty or `node` for none.
void activate(manager_ptr self, const std::string& node, std::vector<job_resume> resumes,
              const std::string& from = {}) {
  auto& st = self->state;
  auto* p = st.producers.member(node);
  if (p == nullptr)
    return;
  log_info("manager: producer {} is active in group {}{}", node, p->info.group,
           resumes.empty() ? std::string{}
                           : fmt::format(" (takes over {} jobs)", resumes.size()));
  if (!from.empty() && from != node)
    watch_event(self, event_type::producer_takeover, node,
                fmt::format("producer {} took over group {} from {} ({} jobs)", node,
                            p->info.group, from, resumes.size()),
                resumes.size());
  self->send(st.producer_handles[node], activate_atom::value, std::move(resumes));
}

} // namespace

job_resume resume_of(const manager_state& st, const job_record& j) {
  return job_resume{j.meta.id, j.meta.origin, j.meta.name, st.table.list_seqs(j.meta.id),
                    j.meta.sealed};
}

job_resume lookup_run(const manager_state& st, const std::string& origin) {
  auto* j = st.table.job(st.table.job_of_origin(origin));
  if (j == nullptr)
    return job_resume{0, origin, {}, {}, false};
  return resume_of(st, *j);
}

void on_producer_joined(manager_ptr self, const member_info& info, const caf::actor& hdl) {
  auto& st = self->state;
  auto h = st.producer_handles.find(info.node);
  bool same_process = h != st.producer_handles.end() && h->second == hdl;
  auto joined = st.producers.join(info, same_process);
  st.producer_handles[info.node] = hdl;
  st.stats.producers = st.producers.size();
  switch (joined.as) {
    case producer_groups::role::active:
      // The first of its group, or the first after an active one was lost
      // with no standby around: then it takes over that one's jobs.
      activate(self, info.node, jobs_pushed_by(st, joined.takes_over, true), joined.takes_over);
      break;
    case producer_groups::role::active_again:
      if (joined.back)
        log_info("manager: producer {} is back within the grace; it stays active", info.node);
      // Always: a producer that rejoined has paused its push (or is a new
      // process); it looks its run up again and continues.
      activate(self, info.node, jobs_pushed_by(st, info.node, false));
      break;
    case producer_groups::role::standby:
      log_info("manager: producer {} stands by in group {} (active: {})", info.node,
               info.group, joined.active);
      break;
  }
}

void on_producer_lost(manager_ptr self, const member_info& who, const char* why) {
  auto& st = self->state;
  auto lost = st.producers.lose(who.node);
  if (!lost)
    return;
  log_info("manager: producer {} {}{}", who.node, why,
           lost->was_active ? fmt::format("; a standby takes over in {} ms unless it returns",
                                         st.opts.grace.count())
                           : std::string{});
  self->delayed_send(self, st.opts.grace, activate_atom::value, who.node, lost->gen);
}

void on_producer_grace_expired(manager_ptr self, const std::string& node, uint64_t gen) {
  auto& st = self->state;
  auto* p = st.producers.member(node);
  if (p == nullptr)
    return;
  auto group = p->info.group;
  bool left_work = !jobs_pushed_by(st, node, true).empty();
  auto out = st.producers.expire(node, gen, left_work);
  if (!out)
    return; // it came back, or this timer is an old one
  st.producer_handles.erase(node);
  st.stats.producers = st.producers.size();
  if (!out->successor.empty())
    activate(self, out->successor, jobs_pushed_by(st, node, false), node);
  else if (out->orphaned)
    log_warn("manager: producer {} lost past the grace while pushing a job, and group {} "
             "has no standby; the next producer to join continues it", node, group);
}

} // namespace drover
