// Every atom and message type that actors exchange, in one place, each with
// an inspect() so it can cross CAF's middleman. Include this only from actor
// .cpp files: it pulls in CAF, which costs ~10 s per translation unit.
// Register the types with add_drover_types() in every process.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/protocol_compact.hpp" // inspect() for task's compact strings
#include "actors/protocol_wire.hpp" // batches of specs, assignments, reports packed
#include "core/errors.hpp"
#include "core/manager_snapshot.hpp"
#include "core/membership.hpp"
#include "core/task.hpp"
#include "http/api_types.hpp" // the manager's query answers (rules_info, job_info, ...)
#include "rules/rule_set.hpp"
#include "store/task_store.hpp"
#include "actors/protocol_nodes.hpp" // inspect() of node_status inside node_info
#include "actors/protocol_snapshot.hpp" // inspect() of manager_snapshot and manager_stats

CAF_ERROR_CODE_ENUM(drover::ec, "drover")

namespace drover {

/// Converts drover's plain error value into a caf::error (category "drover"),
/// e.g. to hand it to a requester.
inline caf::error to_caf(const error& e) {
  return caf::error{e.code, e.message};
}

/// What an error says to a user: a drover error's own message, else CAF's
/// rendering of it.
inline std::string text_of(const caf::error& e, caf::actor_system& sys) {
  if (e.category() == caf::atom("drover") && e.context().match_elements<std::string>())
    return e.context().get_as<std::string>(0);
  return sys.render(e);
}

// -- atoms (at most 10 characters of [A-Za-z0-9_]) ---------------------------
using register_atom = caf::atom_constant<caf::atom("register")>;
using deregister_atom = caf::atom_constant<caf::atom("deregister")>;
using manager_atom = caf::atom_constant<caf::atom("manager")>;
using joined_atom = caf::atom_constant<caf::atom("joined")>;
using left_atom = caf::atom_constant<caf::atom("left")>;
using lost_atom = caf::atom_constant<caf::atom("lost")>;
using grace_atom = caf::atom_constant<caf::atom("grace")>;
using submit_atom = caf::atom_constant<caf::atom("submit")>;
using assign_atom = caf::atom_constant<caf::atom("assign")>;
using started_atom = caf::atom_constant<caf::atom("started")>;
using ack_atom = caf::atom_constant<caf::atom("ack")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using progress_atom = caf::atom_constant<caf::atom("progress")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using job_done_atom = caf::atom_constant<caf::atom("job_done")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using put_atom = caf::atom_constant<caf::atom("put")>;
using apply_atom = caf::atom_constant<caf::atom("apply")>;
using load_atom = caf::atom_constant<caf::atom("load")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using rules_atom = caf::atom_constant<caf::atom("rules")>;
using swap_atom = caf::atom_constant<caf::atom("swap")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using abort_atom = caf::atom_constant<caf::atom("abort")>; // manager -> member: (abort, epoch, refs)
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using job_atom = caf::atom_constant<caf::atom("job")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using activate_atom = caf::atom_constant<caf::atom("activate")>;
using alert_atom = caf::atom_constant<caf::atom("alert")>;
using metrics_atom = caf::atom_constant<caf::atom("metrics")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
// Users' handlers and graceful drain (consumer <-> manager, run.cpp -> consumer).
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using handback_atom = caf::atom_constant<caf::atom("handback")>;
using handlers_atom = caf::atom_constant<caf::atom("handlers")>;
// One consistent look at the manager (core/manager_snapshot.hpp).
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;

// -- messages ------------------------------------------------------------------

/// A producer's task list: list `seq` of the job the producer calls `origin`.
/// Pushing the same (origin, seq) twice stores it once, so a producer may
/// re-send a list whose acknowledgement it never saw.
struct task_list {
  std::string origin;      ///< producer-chosen job key, unique per job
  std::string job_name;
  std::string group;
  std::string producer;    ///< node that pushed it; empty for REST
  uint32_t seq = 0;
  bool last = false;       ///< no more lists follow for this job
  std::vector<task_spec> tasks;
};

/// What a promoted standby producer needs to finish a job its lost
/// predecessor had started: the lists already stored are not pushed again.
struct job_resume {
  job_id job = 0;
  std::string origin;
  std::string job_name;
  std::vector<uint32_t> stored;  ///< seqs of the lists the manager has
  bool sealed = false;           ///< the last list is among them
};

/// The manager's answer once a list is durable.
struct list_ack {
  job_id job = 0;
  uint32_t seq = 0;
  task_id first = 0;
  uint32_t count = 0;
  int64_t created_ms = 0;  ///< of the job: the middle part of external task ids
  bool resent = false;     ///< stored before: this answers the same list again
};

// assignment (core/assignment.hpp), task_report and lease_ref (core/task.hpp):
// what a consumer gets and reports; core/wire_codec.hpp packs batches of them.

/// Job progress: counts per state, plus tasks that no member can take.
struct job_progress {
  job_id job = 0;
  std::string name;
  uint64_t total = 0;
  bool sealed = false;     ///< the last list arrived: total is final
  std::array<uint64_t, task_state_count> by_state{};
  uint64_t unassignable = 0;
  int64_t created_ms = 0;
  int64_t finished_ms = 0;
};

// manager_stats and the snapshot types live in core/manager_snapshot.hpp.

/// A parsed, validated rule set on its way from the rules keeper to the
/// manager. Local only: it is never registered, so it cannot cross the
/// middleman (remote peers send YAML text instead).
struct rules_update {
  std::shared_ptr<const rule_set> rules;
};

// -- inspect (CAF 0.17 signature) ----------------------------------------------
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.node, x.role, x.tags,
           x.capacity, x.group, x.address, x.types, x.prefetch);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_spec& x) {
  return f(caf::meta::type_name("task_spec"), x.type, x.payload, x.prio, x.key,
           x.tags, x.dedupe_key, x.timeout_ms, x.max_attempts);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task& x) {
  return f(caf::meta::type_name("task"), x.id, x.job, x.spec, x.state,
           x.version, x.attempt, x.lease_version, x.consumer, x.result,
           x.created_ms, x.assigned_ms, x.started_ms, x.finished_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job& x) {
  return f(caf::meta::type_name("job"), x.id, x.name, x.group, x.origin,
           x.total, x.sealed, x.created_ms, x.producer, x.pushed_ms, x.cancelled);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_list& x) {
  return f(caf::meta::type_name("task_list"), x.origin, x.job_name, x.group,
           x.producer, x.seq, x.last, x.tasks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_resume& x) {
  return f(caf::meta::type_name("job_resume"), x.job, x.origin, x.job_name, x.stored,
           x.sealed);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_ack& x) {
  return f(caf::meta::type_name("list_ack"), x.job, x.seq, x.first, x.count, x.created_ms,
           x.resent);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, assignment& x) {
  return f(caf::meta::type_name("assignment"), x.id, x.lease, x.attempt,
           x.timeout_ms, x.type, x.payload);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_report& x) {
  return f(caf::meta::type_name("task_report"), x.id, x.lease, x.outcome,
           x.result, x.run_us, x.retryable, x.log);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lease_ref& x) {
  return f(caf::meta::type_name("lease_ref"), x.id, x.lease);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_progress& x) {
  return f(caf::meta::type_name("job_progress"), x.job, x.name, x.total,
           x.sealed, x.by_state, x.unassignable, x.created_ms, x.finished_ms);
}
// A summary for printing; rules_update is never serialized (see above).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rules_update& x) {
  std::string what = x.rules ? x.rules->source + " " + x.rules->hash : "<none>";
  return f(caf::meta::type_name("rules_update"), what);
}
// The manager's answers to the HTTP backend (http/api_types.hpp); they stay
// inside the manager's process but CAF still wants inspect().
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rules_info& x) {
  return f(caf::meta::type_name("rules_info"), x.source, x.version, x.hash, x.rules,
           x.since_ms, x.text);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_info& x) {
  return f(caf::meta::type_name("job_info"), x.id, x.name, x.group, x.total, x.sealed,
           x.by_state, x.unassignable, x.created_ms, x.started_ms, x.finished_ms,
           x.merge_task, x.merge_state, x.waiting, x.origin, x.producer, x.pushed_ms, x.push,
           x.cancelled, x.recent_rate);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, waiting_group& x) {
  return f(caf::meta::type_name("waiting_group"), x.why, x.type, x.detail, x.reason, x.tasks);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_page& x) {
  return f(caf::meta::type_name("job_page"), x.jobs, x.total);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(caf::meta::type_name("node_info"), x.member, x.state, x.inflight,
           x.last_heartbeat_ms, x.active, x.mode, x.has_status, x.status, x.since_ms,
           x.reason, x.mode_since_ms, x.mode_reason, x.executed, x.failed, x.released);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, health_info& x) {
  return f(caf::meta::type_name("health_info"), x.ready, x.detail);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alert_info& x) {
  return f(caf::meta::type_name("alert_info"), x.at_ms, x.node, x.text, x.kind);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, latency_histogram& x) {
  return f(caf::meta::type_name("latency_histogram"), x.counts, x.sum, x.count);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metrics_snapshot& x) {
  return f(caf::meta::type_name("metrics_snapshot"), x.tasks_by_state, x.queue_depth,
           x.retry_queue, x.assignments, x.acks, x.stale_rejected, x.retries,
           x.reassignments, x.timeouts, x.cancelled, x.alerts, x.ack_latency,
           x.members_by_role, x.nodes, x.commands, x.status_reports, x.policy_sleeps,
           x.policy_wakes, x.queue_capacity, x.standby_depth, x.standby_capacity,
           x.rejected, x.rejected_lists, x.dedupe_followers, x.merges_waiting, x.waiting);
}
// Store types travel only inside one process, but CAF still wants inspect().
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_change& x) {
  return f(caf::meta::type_name("task_change"), x.id, x.state, x.version,
           x.attempt, x.lease_version, x.consumer, x.result, x.assigned_ms,
           x.started_ms, x.finished_ms, x.event, x.detail, x.event_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_event& x) {
  return f(caf::meta::type_name("task_event"), x.kind, x.version, x.at_ms,
           x.detail);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_list& x) {
  return f(caf::meta::type_name("stored_list"), x.job, x.seq, x.first, x.count);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_counts& x) {
  return f(caf::meta::type_name("job_counts"), x.job, x.by_state);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_query& x) {
  return f(caf::meta::type_name("task_query"), x.job, x.any_state, x.state, x.offset, x.limit,
           x.max_result, x.search, x.key, x.id);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_summary& x) {
  return f(caf::meta::type_name("task_summary"), x.id, x.job, x.created_ms, x.state, x.attempt,
           x.max_attempts, x.type, x.consumer, x.key, x.result, x.result_bytes, x.finished_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_page& x) {
  return f(caf::meta::type_name("task_page"), x.tasks, x.total);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recovered_state& x) {
  return f(caf::meta::type_name("recovered_state"), x.jobs, x.unfinished,
           x.counts, x.lists, x.max_task_id, x.max_job_id, x.epoch);
}

/// Registers every type above (and drover's error category) with `cfg`.
/// Every process must call it: the type names are what goes over the wire.
void add_drover_types(caf::actor_system_config& cfg);

} // namespace drover
