// The manager's behavior: routes each message to manager_logic.cpp and
// sends the resulting changes to the store. See manager.hpp for the contract.
#include "actors/manager.hpp"

#include "actors/admin_gate.hpp"
#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/protocol_workers.hpp"
#include "actors/rules_keeper.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

caf::behavior manager(manager_ptr self, manager_options opts) {
  self->state.opts = std::move(opts);
  self->state.queues.configure(self->state.opts.queues); // bounds, standby, weights
  // A stray or malformed message (e.g. from a peer of another version) is
  // logged and dropped; it must never take the manager down.
  self->set_default_handler(caf::print_and_drop);
  self->set_error_handler([=](caf::error& err) {
    log_warn("manager: ignored an error message: {}", self->system().render(err));
  });
  // Stopping: the ACKs already stored are answered now, not with
  // assignments that will not come (a draining consumer waits for them).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (!msg.reason)
      return; // as CAF's default: a normal exit of a linked actor is ignored
    send_all_confirms(self);
    self->quit(msg.reason);
  });
  self->state.chooser = assigner{self->state.opts.seed};
  self->state.chooser.use(self->state.opts.rules);
  self->state.chooser.track_loads(true); // candidates_of and dispatch report each change
  log_info("manager: rule set {} version {} hash {}", self->state.chooser.rules().source,
           self->state.chooser.rules().version, self->state.chooser.rules().hash);
  self->state.rules_since_ms = now_ms(self);
  self->state.rules_keeper = spawn_rules_keeper(
    self, rules_keeper_options{self->state.opts.rules_path, self->state.opts.rules_poll,
                               self->state.chooser.rules().hash});
  // Reload before serving: `await` holds every other message until then.
  auto load_started = std::chrono::steady_clock::now(); // for the log line only
  self->request(self->state.opts.store, caf::infinite, load_atom::value)
    .await([=](recovered_state& rs) {
             auto found = recover(self, rs);
             dispatch(self);
             flush_changes(self);
             auto took = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                                       - load_started);
             log_info("manager: ready after recovery in {:.3f} s", took.count());
             if (self->state.opts.on_ready)
               self->state.opts.on_ready(found);
           },
           [=](caf::error& err) {
             log_error("manager: cannot load the store: {}", self->system().render(err));
             self->quit(err);
           });
  start_node_policy(self); // sleep/wake of idle consumers, if enabled
  start_watch(self);       // the 1 s series for the dashboard
  return {
    // -- membership (from the registry) --
    [=](joined_atom, const member_info& info, const caf::actor& hdl) {
      on_joined(self, info, hdl);
      watch_joined(self, info); // after: the mode it comes back in is set
      flush_changes(self);
    },
    [=](lost_atom, const member_info& who) {
      watch_gone(self, who, presence::lost, "lost");
      on_lost(self, who, "was lost");
    },
    [=](lost_atom, const member_info& who, const std::string& why) { // from the registry
      watch_gone(self, who, presence::lost, why);
      on_lost(self, who, "was lost");
    },
    [=](left_atom, const member_info& who) {
      watch_gone(self, who, presence::left, "deregistered");
      on_lost(self, who, "deregistered");
    },
    [=](grace_atom, const std::string& node, uint64_t gen) {
      on_grace_expired(self, node, gen);
      flush_changes(self);
    },
    [=](activate_atom, const std::string& node, uint64_t gen) {
      on_producer_grace_expired(self, node, gen); // promote a standby
    },
    // -- task lists (from producers) --
    [=](submit_atom, task_list& list) -> caf::result<list_ack> {
      return submit(self, list);
    },
    // Submit and wait: one request, answered with the job's progress once
    // the job is done (a client that wants the result saves the list_ack
    // and the watch round trip).
    [=](submit_atom, watch_atom, task_list& list) -> caf::result<job_progress> {
      // Made first, it answers this request (submit's own stays empty).
      auto waiter = self->make_response_promise<job_progress>();
      auto stored = submit(self, list, &waiter);
      if (stored.flag == caf::rt_error)
        waiter.deliver(std::move(stored.err));
      return waiter;
    },
    [=](lookup_atom, const std::string& origin) { return lookup_run(self->state, origin); },
    // -- consumers --
    [=](ack_atom, const std::string& node, std::vector<task_report>& reports) {
      on_reports(self, node, reports);
      flush_changes(self);
      return when_stored(self, node); // the consumer forgets the reports only then
    },
    [=](flush_atom) { send_all_confirms(self); },
    [=](ack_atom, worker_atom, std::vector<task_report>& reports) { // HTTP workers: 200 or 409
      return on_worker_reports(self, reports);
    },
    [=](leases_atom, const std::string& node, const std::vector<lease_ref>& refs) {
      on_lease_report(self, node, refs);
      flush_changes(self);
    },
    [=](hold_atom) {
      end_restart_hold(self);
      flush_changes(self);
    },
    [=](drain_atom, const std::string& node) { on_drain(self, node); },
    [=](handback_atom, const std::string& node, const std::vector<lease_ref>& refs,
        const std::string& why) {
      on_handback(self, node, refs, why);
      flush_changes(self);
    },
    [=](started_atom, const std::string& node, const std::vector<lease_ref>& refs) {
      on_started(self, node, refs);
      flush_changes(self);
    },
    [=](timeout_atom, task_id id, uint64_t lease) {
      on_timeout(self, id, lease);
      flush_changes(self);
    },
    // -- administrative: only from this process (actors/admin_gate.hpp) --
    [=](cancel_atom, task_id id) -> caf::result<uint64_t> { // -> version after
      if (auto refused = refuse_foreign_admin(self, "cancel"))
        return refused;
      auto version = cancel_task(self, id);
      flush_changes(self);
      if (!version)
        return version.error();
      return *version;
    },
    [=](seal_atom, job_atom, job_id id) -> caf::result<job_info> {
      if (auto refused = refuse_foreign_admin(self, "seal"))
        return refused;
      auto r = seal_job(self, id);
      flush_changes(self);
      return r;
    },
    [=](cancel_atom, job_atom, job_id id) -> caf::result<uint64_t> {
      if (auto refused = refuse_foreign_admin(self, "cancel"))
        return refused;
      auto n = cancel_job(self, id);
      flush_changes(self);
      if (!n)
        return n.error();
      return *n;
    },
    [=](retry_atom, task_id id, uint64_t version) {
      on_retry_due(self, id, version);
      flush_changes(self);
    },
    // -- rules: parsed by the keeper, swapped here --
    [=](rules_atom, get_atom) -> caf::result<rules_info> {
      if (auto refused = refuse_foreign_admin(self, "rules get"))
        return refused;
      return describe_rules(self->state);
    },
    [=](rules_atom, apply_atom, std::string& yaml, std::string& source) -> caf::result<rules_info> {
      if (auto refused = refuse_foreign_admin(self, "rules apply"))
        return refused;
      auto rp = self->make_response_promise();
      rp.delegate(self->state.rules_keeper, rules_atom::value, apply_atom::value,
                  std::move(yaml), std::move(source));
      return caf::delegated<rules_info>{};
    },
    [=](swap_atom, rules_update& next) -> caf::result<rules_info> {
      if (auto refused = refuse_foreign_admin(self, "rules swap"))
        return refused;
      return swap_rules(self, std::move(next.rules));
    },
    // -- alerts from supervisors (through the registry) --
    [=](alert_atom, const std::string& node, const std::string& text) {
      ++self->state.stats.alerts;
      log_error("manager: ALERT from {}: {}", node, text);
      raise_alert(self, "supervisor", node, text);
    },
    // -- what operators look back on (manager_watch.cpp) --
    [=](sample_atom) { on_watch_tick(self); },
    [=](note_atom, uint8_t type, const std::string& node, const std::string& text,
        uint64_t count) {
      if (type < event_type_count)
        watch_event(self, static_cast<event_type>(type), node, text, count);
    },
    [=](events_atom, uint64_t after, uint32_t limit) {
      return query_events(self->state, after, limit);
    },
    [=](series_atom, int64_t since_ms) { return query_series(self->state, since_ms); },
    [=](card_atom) { return query_card(self); },
    [=](get_atom, members_atom, const std::string& node) { return query_node(self, node); },
    [=](forget_atom, const std::string& node) -> caf::result<std::vector<node_info>> {
      if (auto refused = refuse_foreign_admin(self, "forget"))
        return refused;
      return forget_member(self, node);
    },
    // -- queries --
    [=](progress_atom, job_id id) -> caf::result<job_progress> {
      auto* j = self->state.table.job(id);
      if (j == nullptr)
        return caf::error{ec::unknown_job, "no job " + std::to_string(id)};
      return progress_of(self->state, *j);
    },
    [=](watch_atom, job_id id) -> caf::result<void> {
      auto* j = self->state.table.job(id);
      if (j == nullptr)
        return caf::error{ec::unknown_job, "no job " + std::to_string(id)};
      add_watcher(self, *j, caf::actor_cast<caf::actor>(self->current_sender()));
      return caf::unit;
    },
    // -- queries for REST (app/http_backend.cpp) --
    [=](get_atom, job_atom, job_id id) { return query_job(self, id); },
    [=](get_atom, job_atom, uint64_t offset, uint32_t limit) {
      return query_jobs(self, offset, limit);
    },
    [=](get_atom, task_id id) {
      // The store has every task; send it what changed first, so the answer
      // includes this manager's latest transitions (one mailbox, in order).
      flush_changes(self);
      auto rp = self->make_response_promise();
      rp.delegate(self->state.opts.store, get_atom::value, id);
      return rp;
    },
    [=](get_atom, const task_query& q) -> caf::result<task_page> {
      // Finished tasks live only in the store: it answers, after the
      // changes this manager has not sent yet (one mailbox, in order).
      if (q.job != 0 && self->state.table.job(q.job) == nullptr) // 0: across jobs
        return caf::error{ec::unknown_job, "no job " + std::to_string(q.job)};
      flush_changes(self);
      auto rp = self->make_response_promise();
      rp.delegate(self->state.opts.store, get_atom::value, q);
      return rp;
    },
    [=](get_atom, members_atom) {
      auto out = query_members(self);
      add_node_views(self->state, out); // modes and latest status reports
      add_roster_views(self->state, out); // since when and why; the members gone
      return out;
    },
    [=](get_atom, alert_atom) {
      auto& a = self->state.alerts;
      return std::vector<alert_info>{a.begin(), a.end()};
    },
    [=](metrics_atom) {
      auto m = query_metrics(self);
      add_node_metrics(self, m); // nodes and commands
      return m;
    },
    [=](health_atom) { return health_info{true, "ready"}; }, // held back while recovering
    // -- node status, commands, sleep/wake (manager_nodes.cpp) --
    [=](nstatus_atom, node_status& s) { return on_node_status(self, s); },
    [=](nstatus_atom, get_atom, const std::string& node, int64_t since_ms) {
      return status_history(self, node, since_ms);
    },
    [=](ncommand_atom, const std::string& node, const std::string& kind)
      -> caf::result<node_command> {
      if (auto refused = refuse_foreign_admin(self, "node command"))
        return refused;
      return post_command(self, node, kind);
    },
    [=](ncommand_atom, get_atom, const std::string& node) { return list_commands(self, node); },
    [=](npolicy_atom) { on_policy_tick(self); },
    [=](snapshot_atom) {
      auto s = snapshot_of(self->state);
      s.at_ms = now_ms(self);
      return s;
    },
    [=](snapshot_atom, bool with_tasks) {
      auto s = snapshot_of(self->state, with_tasks);
      s.at_ms = now_ms(self);
      return s;
    },
    [=](stats_atom) { return stats_of(self->state); },
  };
}

} // namespace

caf::actor spawn_manager(caf::actor_system& sys, manager_options opts) {
  return sys.spawn(manager, std::move(opts));
}

} // namespace drover
