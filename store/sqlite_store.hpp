// The durable task_store: one SQLite file in WAL mode (DESIGN.md §7). The
// common path of a task lives in columns of its row; rare lifecycle events
// are rows of `events`. Written only by the store actor's thread.
#pragma once

#include <memory>
#include <string>

#include "store/durability.hpp"
#include "store/task_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace drover {

class sqlite_store final : public task_store {
public:
  /// Opens or creates the store at `path`, migrating an older schema.
  /// store_corrupt / store_failure if the file is
  /// not a usable drover store; such a file is left untouched.
  /// `d`: fsync each commit (disk) or only write it (process).
  static result<std::unique_ptr<sqlite_store>> open(const std::string& path,
                                                    durability d = durability::disk);
  ~sqlite_store() override;

  /// PRAGMA synchronous as this connection reports it (2 FULL, 1 NORMAL).
  int synchronous() const;

  error put_tasks(const job& j, uint32_t seq,
                  const std::vector<task>& tasks) override;
  error put_job(const job& j) override;
  error apply(const std::vector<task_change>& changes) override;
  result<recovered_state> load() override;
  result<task_with_events> get(task_id id) override;
  result<task_page> list_tasks(const task_query& q) override;

private:
  struct stmt_deleter {
    void operator()(sqlite3_stmt* st) const;
  };
  using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_deleter>;

  sqlite_store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  error prepare_all();
  error prepare(stmt_ptr& st, const char* sql);
  error fail(const char* what) const;
  error run(sqlite3_stmt* st, const char* what); // step to DONE, then reset
  error write_tasks(const job& j, uint32_t seq, const std::vector<task>& tasks);
  error write_changes(const std::vector<task_change>& changes);
  error commit_or_rollback(error err, const char* what);
  error load_jobs(recovered_state& out);
  error load_counts(recovered_state& out); // the terminal rows, before load_tasks()
  error load_tasks(recovered_state& out);
  /// The ids of q's page and the total it is a page of; SQLITE_DONE or the error.
  int page_ids(const task_query& q, std::vector<task_id>& ids, uint64_t& total);
  /// page_ids() of a search or of every job (store/sqlite_task_search.cpp).
  int page_ids_filtered(const task_query& q, std::vector<task_id>& ids, uint64_t& total);

  sqlite3* db_;
  std::string path_;
  // Prepared once, reused by every call (a prepare costs more than a step).
  stmt_ptr begin_, commit_, rollback_, upsert_job_, update_job_, insert_list_, insert_task_,
    update_task_, insert_event_, select_task_, select_events_;
};

} // namespace drover
