// The store actor: sole owner of the task_store and of the schedule_store
// (the same SQLite file), on its own thread (detached) so disk I/O never
// blocks CAF's scheduler and the file has one writer thread. Group commit:
// changes queue up
// and are written in one transaction when the actor has drained what already
// waited in its mailbox, so a busy manager gets large transactions and an
// idle one gets prompt commits.
// Receives: (put_atom, job, seq, tasks) -> tasks once durable;
// (put_atom, job) -> () once the job's row is updated (seal, cancel);
// (apply_atom, changes) no reply; (load_atom) -> recovered_state;
// (get_atom, task_id) -> (task, events); (get_atom, task_query) -> task_page
// (a page of a job's tasks); (flush_atom) -> commit now; (sync_atom) -> ()
// once the changes sent before it are committed. Schedules (the scheduler):
// (put_atom, schedule_record) saves, no reply (a failure is logged);
// (sch_del_atom, id) -> () once removed; (sch_list_atom) -> every record.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

namespace drover {

class task_store;
class schedule_store;

/// Spawns the store actor on its own thread; it owns `db` (and `schedules`,
/// if given) from now on. `own_thread` = false for a store that never
/// blocks (memory) and for tests on the deterministic scheduler.
/// `on_fenced` (may be null) hears the first write the database refused
/// because another manager process leads now (ec::fenced): the leader
/// must step down at once. Called on the store actor's thread.
caf::actor spawn_store_actor(caf::actor_system& sys, std::shared_ptr<task_store> db,
                             bool own_thread = true,
                             std::shared_ptr<schedule_store> schedules = nullptr,
                             std::function<void(const std::string&)> on_fenced = nullptr);

} // namespace drover
