// The manager's task table: live tasks by id, jobs with their counts per
// state, the task lists stored per job, and the run identities (origin) that
// name jobs. It owns one invariant: a job's counts per state follow its
// tasks. A task changes only through an edit (task_edit), which moves the
// count of its job from the state it had to the state it ends in, so no
// caller can forget a count. Pure: no actors, time is an argument.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/id_table.hpp"
#include "core/task.hpp"
#include "store/task_store.hpp"

namespace drover {

/// A job as the manager holds it.
struct job_record {
  job meta;                          ///< meta.producer: node of its latest list (takeover)
  int64_t started_ms = 0;            ///< first assignment, unix ms
  std::array<uint64_t, task_state_count> by_state{};
  int64_t finished_ms = 0;
  bool done = false;                 ///< sealed and every task terminal
  task_id merge_task = 0;            ///< its merge step, if any (core/job_split.hpp)

  uint64_t count(task_state s) const { return by_state[static_cast<int>(s)]; }
  /// Tasks in a terminal state.
  uint64_t terminal() const;
};

class task_table;

/// One task being changed. When the edit ends (commit() or its destruction)
/// the task's job counts it in the state it is in now. Move-only; valid
/// while the task stays in the table.
class task_edit {
public:
  task_edit() = default;
  task_edit(task_edit&& other) noexcept;
  task_edit& operator=(task_edit&& other) noexcept;
  task_edit(const task_edit&) = delete;
  task_edit& operator=(const task_edit&) = delete;
  ~task_edit() { commit(); }

  explicit operator bool() const { return t_ != nullptr; }
  task& operator*() const { return *t_; }
  task* operator->() const { return t_; }
  /// The state the task had when the edit began (or at the last commit).
  task_state from() const { return from_; }
  /// Counts the task in its current state now; the edit stays open.
  void commit();

private:
  friend class task_table;
  task_edit(task_table* table, task* t) : table_(table), t_(t), from_(t->state) {}
  task_table* table_ = nullptr;
  task* t_ = nullptr;
  task_state from_ = task_state::pending;
};

class task_table {
public:
  // -- jobs ------------------------------------------------------------------

  job_record* job(job_id id);
  const job_record* job(job_id id) const;
  /// The job run `origin` names; a new one (next job id, meta.id and
  /// meta.origin set) if there is none: then the bool is true.
  std::pair<job_record*, bool> open_job(const std::string& origin);
  /// The id of the job `origin` names, 0 if none.
  job_id job_of_origin(const std::string& origin) const;
  /// Drops a job that was just opened for a list that was then refused; its
  /// id is given out again if no other job took a number meanwhile.
  void forget_job(job_id id);
  /// Job ids, ascending.
  std::vector<job_id> job_ids() const;
  std::size_t job_count() const { return jobs_.size(); }
  const std::unordered_map<job_id, job_record>& jobs() const { return jobs_; }
  /// Marks `j` done (at `now_ms`) if it is sealed and every task of it is
  /// terminal; true only the moment it becomes done.
  static bool complete_if_done(job_record& j, int64_t now_ms);

  // -- task lists ------------------------------------------------------------

  /// List `seq` of job `id`, or nullptr.
  const stored_list* list(job_id id, uint32_t seq) const;
  /// Whether any list of job `id` is stored.
  bool has_lists(job_id id) const;
  /// Seqs of the stored lists of job `id`, ascending.
  std::vector<uint32_t> list_seqs(job_id id) const;
  /// Ids of every task in job `id`'s stored lists, ascending.
  std::vector<task_id> list_task_ids(job_id id) const;
  std::size_t list_count() const { return lists_.size(); }

  // -- tasks -----------------------------------------------------------------

  /// Takes `count` task ids; returns the first.
  task_id take_ids(uint32_t count);
  /// Every task id below it was given out.
  task_id next_task() const { return next_task_; }
  /// A list was stored: its tasks are live and PENDING, counted in their job.
  void add_list(const stored_list& l, std::vector<task>& tasks);

  const task* get(task_id id) const { return tasks_.get(id); }
  bool contains(task_id id) const { return tasks_.count(id) != 0; }
  std::size_t size() const { return tasks_.size(); }
  bool empty() const { return tasks_.empty(); }
  /// Calls f(const task&) for every live task, ids ascending.
  template <class F>
  void for_each(F&& f) const {
    tasks_.for_each([&](task_id, const task& t) { f(t); });
  }
  /// Ids of the live tasks for which pred(const task&) holds, ascending.
  template <class Pred>
  std::vector<task_id> ids_where(Pred&& pred) const {
    std::vector<task_id> out;
    for_each([&](const task& t) {
      if (pred(t))
        out.push_back(t.id);
    });
    return out;
  }
  /// An edit of task `id`; empty if it is not live.
  task_edit edit(task_id id);
  /// The task of `e`, terminal now, leaves memory (the store has it); its
  /// counts are committed first. `e` is empty afterwards.
  void retire(task_edit& e);

  // -- recovery --------------------------------------------------------------

  /// Jobs, their counts and lists, and the next ids from what the store
  /// kept. The unfinished tasks are added with add_recovered().
  void recover(const recovered_state& rs);
  /// A task the store kept: live again, already counted in its job.
  void add_recovered(task t);

private:
  friend class task_edit;
  void moved(const task& t, task_state from);

  id_table<task> tasks_;
  std::unordered_map<job_id, job_record> jobs_;
  std::unordered_map<std::string, job_id> job_by_origin_;
  std::map<std::pair<job_id, uint32_t>, stored_list> lists_;
  task_id next_task_ = 1;
  job_id next_job_ = 1;
};

} // namespace drover
