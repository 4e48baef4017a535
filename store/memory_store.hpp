// The non-durable task_store: maps (tasks in an id_table) with the same semantics as
// sqlite_store (list bookkeeping, version guard, recovery view). Used for
// explicit `--store memory` runs and as the fake in tests.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/id_table.hpp"
#include "store/memory_records.hpp"
#include "store/task_store.hpp"

namespace drover {

class memory_store final : public task_store {
public:
  error put_tasks(const job& j, uint32_t seq,
                  const std::vector<task>& tasks) override;
  error put_job(const job& j) override;
  error apply(const std::vector<task_change>& changes) override;
  result<recovered_state> load() override;
  result<task_with_events> get(task_id id) override;
  result<task_page> list_tasks(const task_query& q) override;

private:
  /// The columns a known job's later writes change (as sqlite's upsert).
  static void update_job(job& stored, const job& j);
  /// Task `id` whole, from its parts; `spec` is its entry in specs_.
  task whole(task_id id, const stored_spec& spec) const;
  std::map<job_id, job> jobs_;                       // ordered: load() lists by id
  std::unordered_map<std::string, job_id> origins_;  // the UNIQUE(origin) of sqlite
  std::map<std::pair<job_id, uint32_t>, stored_list> lists_;
  // A task in two parts (store/memory_records.hpp), in dense pages: no node
  // per task (W5). progress_ holds only tasks a change reached. Never erased.
  id_table<stored_spec> specs_;
  id_table<stored_progress> progress_;
  std::unordered_map<task_id, std::vector<task_event>> events_;
  task_id max_task_id_ = 0;
  uint64_t epoch_ = 0;  // loads so far
};

} // namespace drover
