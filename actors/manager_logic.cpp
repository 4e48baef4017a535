// What the manager does with each message: the task table, job progress,
// dispatch by credit, ACKs and recovery (membership: manager_membership.cpp). Decisions come from
// core/ (task_state, queues); this file moves tasks and records changes.
#include <algorithm>

#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "core/backoff.hpp"
#include "core/epoch_guard.hpp"
#include "core/log.hpp"
#include "core/task_state.hpp"

namespace drover {

void check_done(manager_ptr self, job_record& j) {
  merge_check(self, j); // a held merge step may be due now
  if (!task_table::complete_if_done(j, now_ms(self)))
    return;
  auto& st = self->state;
  auto w = st.watchers.find(j.meta.id);
  auto waiting = st.done_waiters.find(j.meta.id);
  if (w == st.watchers.end() && waiting == st.done_waiters.end())
    return;
  auto p = progress_of(st, j);
  if (waiting != st.done_waiters.end()) {
    for (auto& rp : waiting->second)
      rp.deliver(p);
    st.done_waiters.erase(waiting);
  }
  if (w != st.watchers.end()) {
    for (auto& watcher : w->second)
      self->send(watcher, job_done_atom::value, p);
    st.watchers.erase(w);
  }
}

void add_watcher(manager_ptr self, job_record& j, caf::actor watcher) {
  if (j.done)
    self->send(watcher, job_done_atom::value, progress_of(self->state, j));
  else
    self->state.watchers[j.meta.id].push_back(std::move(watcher));
}

namespace {

void add_waiter(manager_ptr self, job_record& j, job_waiter rp) {
  if (j.done)
    rp.deliver(progress_of(self->state, j));
  else
    self->state.done_waiters[j.meta.id].push_back(std::move(rp));
}

std::chrono::milliseconds retry_backoff(uint32_t attempt) {
  // attempt is the one about to run (>= 2): 100 ms, 200 ms, ... up to 30 s.
  return backoff_delay(backoff_policy{std::chrono::milliseconds{100},
                                      std::chrono::milliseconds{30000}},
                       attempt - 1);
}

/// The candidates rules/ chooses from, in line with the consumers; the
/// assigner hears when the members changed, or whose credit did.
std::vector<candidate>& candidates_of(manager_state& st) {
  auto& cands = st.consumers.candidates();
  if (st.consumers.take_rebuilt())
    st.chooser.members_changed();
  else
    for (auto slot : st.consumers.refreshed())
      st.chooser.load_changed(slot);
  return cands;
}

void send_outbox(manager_ptr self, consumer_link& l) {
  if (l.outbox.empty())
    return;
  send_confirms(l); // in the same burst: the consumer wakes once for both
  self->send(l.handle, assign_atom::value, std::move(l.outbox));
  l.outbox = {};
}

} // namespace

int64_t now_ms(manager_ptr self) {
  auto since_epoch = self->clock().now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count()
         + self->state.opts.wall_offset_ms;
}

job_progress progress_of(const manager_state& st, const job_record& j) {
  job_progress p;
  p.job = j.meta.id;
  fill_job_figures(st, j, p);
  return p;
}

void flush_changes(manager_ptr self) {
  auto& st = self->state;
  if (st.changes.empty())
    return;
  self->send(st.opts.store, apply_atom::value, std::move(st.changes));
  st.changes = {};
}

recovery_counts recover(manager_ptr self, recovered_state& rs) {
  auto& st = self->state;
  st.table.recover(rs);
  // Above every lease of an earlier load and, in a cluster, of an earlier
  // leader: members refuse assignments from an older epoch (core/epoch_guard).
  st.lease_floor = lease_floor_of(std::max(rs.epoch, st.opts.leader_epoch));
  auto now = now_ms(self);
  uint64_t leased = 0;
  for (auto& t : rs.unfinished) {
    if (t.state != task_state::pending) {
      recover_lease(self, t, now); // its consumer may outlive the old manager
      ++leased;
    } else {
      enqueue_new(st, t); // merges held, dedupe followers attached
    }
    st.table.add_recovered(std::move(t));
  }
  st.stats.tasks = st.table.size();
  for (auto id : st.table.job_ids())
    check_done(self, *st.table.job(id));
  recovery_counts found{rs.jobs.size(), st.table.size(), leased};
  log_info("manager: recovered {} jobs, {} unfinished tasks ({} were leased)", found.jobs,
           found.unfinished, found.leased);
  start_restart_grace(self, !rs.unfinished.empty());
  return found;
}

caf::result<list_ack> submit(manager_ptr self, task_list& list, job_waiter* waiter) {
  auto& st = self->state;
  if (list.origin.empty())
    return caf::error{ec::bad_input, std::string{"a task list needs an origin (job key)"}};
  for (auto& spec : list.tasks)
    if (spec.type.empty() || spec.max_attempts == 0)
      return caf::error{ec::bad_input,
                        std::string{"every task needs a type and max_attempts >= 1"}};
  // One reading of the clock: a new job's tasks carry its creation time,
  // the middle part of the task ids its submitter is told (read twice, a
  // millisecond boundary between the readings gave ids that named no task).
  auto now = now_ms(self);
  auto [opened, is_new] = st.table.open_job(list.origin);
  auto& entry = *opened;
  auto jid = entry.meta.id;
  if (is_new)
    entry.meta = job{jid, list.job_name, list.group, list.origin, 0, false, now,
                     list.producer, 0, false};
  if (auto* l = st.table.list(jid, list.seq)) {
    if (waiter != nullptr)
      add_waiter(self, entry, *waiter);
    return list_ack{jid, list.seq, l->first, l->count, entry.meta.created_ms,
                    true}; // re-sent list
  }
  if (entry.meta.sealed && !entry.meta.cancelled && !st.table.has_lists(jid))
    return caf::error{ec::overloaded, fmt::format("job {} with this key is being stored right "
                                                  "now; ask again in a moment", jid)};
  if (entry.meta.cancelled || entry.meta.sealed)
    return caf::error{ec::bad_input,
                      fmt::format("job {} was {}; it takes no more task lists (start a new "
                                  "run of it with another --run key)",
                                  jid, entry.meta.cancelled ? "cancelled" : "sealed")};
  prio_counts need{}; // backpressure: refused whole before anything is stored
  if (auto refused = admit(st, list, need)) {
    if (is_new)
      st.table.forget_job(jid); // refused whole: no trace of it stays
    return refused;
  }
  auto count = static_cast<uint32_t>(list.tasks.size());
  auto first = st.table.take_ids(count);
  std::vector<task> fresh;
  fresh.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    task t;
    t.id = first + i;
    t.job = jid;
    t.spec = std::move(list.tasks[i]);
    if (t.spec.timeout_ms == 0)
      t.spec.timeout_ms = st.opts.default_timeout_ms;
    t.created_ms = now;
    fresh.push_back(std::move(t));
  }
  // The store sees the job as it will be once this list is in; concurrent
  // lists of one job are written in order, so the last total is right.
  entry.meta.total += count;
  entry.meta.sealed = entry.meta.sealed || list.last;
  if (!list.producer.empty()) // a run may change hands: the latest pusher shows
    entry.meta.producer = list.producer;
  entry.meta.pushed_ms = now;
  auto seq = list.seq;
  auto last = list.last; // a sealed job refuses new lists: unsealed before this one
  // Submit and wait answers with the job's end instead (its promise is
  // the one made first; this one then stays empty).
  auto rp = self->make_response_promise<list_ack>();
  auto wait = waiter != nullptr ? *waiter : job_waiter{};
  self->request(st.opts.store, caf::infinite, put_atom::value, entry.meta, seq,
                std::move(fresh))
    .then(
      [=](std::vector<task>& stored) mutable {
        auto& st = self->state;
        st.admissions.release(need);
        for (auto& t : stored)
          enqueue_new(st, t);
        st.table.add_list(stored_list{jid, seq, first, count}, stored);
        st.stats.tasks += count;
        // The assignments go out before the answer: a lone task's way to
        // its consumer is the one a waiting client's latency is made of.
        dispatch(self);
        auto* j = st.table.job(jid);
        rp.deliver(list_ack{jid, seq, first, count, j ? j->meta.created_ms : 0, false});
        if (wait.pending()) {
          if (j != nullptr)
            add_waiter(self, *j, wait);
          else
            wait.deliver(caf::error{ec::unknown_job, "no job " + std::to_string(jid)});
        }
        if (j != nullptr)
          check_done(self, *j);
        flush_changes(self);
      },
      [=](caf::error& err) mutable {
        // Nothing was stored: undo the prospective total so a re-send fits.
        self->state.admissions.release(need);
        if (auto* j = self->state.table.job(jid)) {
          j->meta.total -= count;
          if (last)
            j->meta.sealed = false;
        }
        log_error("manager: storing list {} of job {} failed: {}", seq, jid,
                  self->system().render(err));
        watch_event(self, event_type::store_error, "",
                    fmt::format("storing list {} of job {} failed: {}", seq, jid,
                                self->system().render(err)));
        if (wait.pending())
          wait.deliver(err);
        rp.deliver(std::move(err));
      });
  return rp;
}

void requeue_unassignable(manager_state& st) {
  st.queues.unpark_all([&](task_id id) -> std::optional<priority> {
    auto* t = st.table.get(id);
    if (t == nullptr || t->state != task_state::pending)
      return std::nullopt;
    return t->spec.prio;
  });
}

void dispatch(manager_ptr self) {
  auto& st = self->state;
  if (st.queues.empty() || st.consumers.empty() || st.holding)
    return;
  auto now = now_ms(self);
  auto& cands = candidates_of(st);
  while (auto next = st.queues.pop()) {
    auto id = *next;
    auto* queued = st.table.get(id);
    if (queued == nullptr || queued->state != task_state::pending)
      continue; // cancelled or finished while queued
    auto* j = st.table.job(queued->job);
    auto& t = *queued;
    auto ch = st.chooser.choose(t, j ? std::string_view{j->meta.name} : std::string_view{},
                                cands);
    if (ch.status != choice_status::chosen) {
      if (ch.status == choice_status::unassignable) { // wait for a fitting member
        st.queues.park(id, t.job, t.spec.prio, ch.why, t.spec.type, t.spec.tags,
                        ch.matched ? std::string_view{ch.matched->name} : std::string_view{});
        continue;
      }
      st.queues.push_front(id, t.spec.prio); // everyone that fits is busy
      break;
    }
    auto& c = st.consumers.member_of(ch.index);
    auto& link = st.links[c.info.node];
    if (link.outbox.empty())
      st.filled_links.push_back(&link);
    ++cands[ch.index].inflight;
    st.chooser.load_changed(static_cast<size_t>(ch.index));
    auto leased = st.table.edit(id);
    if (leased->version < st.lease_floor) // above any lease an earlier manager gave (epoch)
      leased->version = st.lease_floor;
    assign(*leased, c.info.node, now);
    leased.commit();
    if (j != nullptr && j->started_ms == 0)
      j->started_ms = now;
    ++c.inflight;
    ++st.stats.assigned;
    link.outbox.push_back(assignment{t.id, t.lease_version, t.attempt,
                                   t.spec.timeout_ms, t.spec.type, t.spec.payload});
    if (t.spec.timeout_ms > 0) // first checked then; counted from the start (check_timeout)
      self->delayed_send(self, std::chrono::milliseconds(t.spec.timeout_ms),
                         timeout_atom::value, t.id, t.lease_version);
    st.changes.push_back(change_of(t));
    if (link.outbox.size() >= st.opts.max_batch)
      send_outbox(self, link);
  }
  // Only the links this pass filled: a pass costs the same with 4 members or 10,000.
  for (auto* l : st.filled_links)
    send_outbox(self, *l);
  st.filled_links.clear();
}

void on_reports(manager_ptr self, const std::string& node,
                std::vector<task_report>& reports) {
  auto& st = self->state;
  auto* c = st.consumers.find(node);
  auto now = now_ms(self);
  uint64_t run_us = 0, runs = 0; // the consumer's lease window follows them
  for (auto& r : reports) {
    ++st.stats.acks;
    auto edit = st.table.edit(r.id);
    if (!edit) { // finished long ago, or never ours
      ++st.stats.stale;
      continue;
    }
    auto& t = *edit;
    auto effect = apply_ack(t, r.lease, r.outcome, std::move(r.result), now, r.retryable);
    if (effect == ack_effect::stale) {
      ++st.stats.stale;
      st.changes.push_back(change_of(t, event_kind::stale_ack,
                                     fmt::format("from {} for lease {}", node, r.lease), now));
      continue;
    }
    if (!r.log.empty()) // the attempt's stderr / worker log, in its history
      st.changes.push_back(change_of(t, event_kind::attempt_log, std::move(r.log), now));
    if (c != nullptr)
      c->release();
    st.ack_latency.observe(static_cast<double>(now - t.assigned_ms) / 1000.0);
    st.chooser.record_run(node, t.spec.type, r.run_us / 1000.0); // for fastest/weighted
    run_us += r.run_us;
    ++runs;
    settle(self, edit, effect, now);
  }
  if (c != nullptr)
    c->run_times.add(run_us, runs);
  dispatch(self);
}

void settle(manager_ptr self, task_edit& edit, ack_effect effect, int64_t now) {
  auto& st = self->state;
  edit.commit();
  auto& t = *edit;
  watch_attempt(st, t.consumer.view(), effect); // per node, and the series' rates
  if (effect == ack_effect::retry) {
    ++st.stats.retries;
    st.queues.retry_scheduled(); // fires once: on_retry_due counts it down
    st.changes.push_back(change_of(t, event_kind::retried, t.result, now));
    self->delayed_send(self, retry_backoff(t.attempt), retry_atom::value, t.id, t.version);
    return;
  }
  auto event = effect == ack_effect::succeeded ? event_kind::none
               : effect == ack_effect::failed  ? event_kind::failed
                                               : event_kind::timed_out;
  st.changes.push_back(change_of(t, event, {}, now));
  dedupe_settled(self, t, now); // followers end like their leader
  auto job = t.job;
  st.table.retire(edit); // terminal: the store has it from now on
  if (auto* j = st.table.job(job))
    check_done(self, *j);
}

void on_started(manager_ptr self, const std::string&, const std::vector<lease_ref>& refs) {
  auto& st = self->state;
  auto now = now_ms(self);
  for (auto& r : refs) {
    auto t = st.table.edit(r.id);
    if (t && apply_started(*t, r.lease, now) == ack_effect::started) {
      t.commit();
      st.changes.push_back(change_of(*t));
    }
  }
}

void on_retry_due(manager_ptr self, task_id id, uint64_t version) {
  auto& st = self->state;
  st.queues.retry_fired();
  auto* t = st.table.get(id);
  if (t == nullptr || t->state != task_state::pending || t->version != version)
    return;
  st.queues.push(id, t->spec.prio);
  dispatch(self);
}

} // namespace drover
