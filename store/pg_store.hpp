// The task_store on PostgreSQL (--store=postgres://...), for manager
// processes that share one database (DESIGN.md §13). Same semantics as
// sqlite_store: a list is acknowledged only after its transaction
// committed, apply() is one transaction per group (COPY into a temp table,
// one UPDATE ... FROM guarded by version), load() recovers.
//
// Fencing: with a fence epoch set (store_options::fence_epoch or
// set_fence()), every write transaction calls drover_fence(epoch) right
// before COMMIT, in the same round trip: it reads the term row
// (drover_term) FOR SHARE and raises unless the epoch is still ours, so the
// transaction rolls back and the call returns ec::fenced. Checking last
// (not first) is as safe - a change of term waits for the share lock, so
// any write that commits was checked against the current term - and keeps
// the lock for one round trip, so a paused leader never holds up a
// takeover. The leader's renewals touch only the lease row: never blocked.
//
// A dropped connection or a restarting server: the call reconnects and
// retries the whole transaction with backoff (50 ms doubling to 1 s) for up
// to store_options::retry_for_ms (20 s by default), then returns
// ec::unreachable. Retries are safe: lists are keyed (a re-sent list is
// stored once), changes are version-guarded, and each group of changes
// carries (writer, group number) recorded in applied_groups in the same
// transaction, so a group whose COMMIT reply was lost is not applied again
// (its event rows would be doubled). load()'s epoch bump is fenced too.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "store/task_store.hpp"

namespace drover {

class pg_connection;

class pg_store final : public task_store {
public:
  /// Connects, then creates or migrates the schema (store/pg_schema.hpp).
  static result<std::unique_ptr<pg_store>> open(const std::string& url, const store_options& o);
  ~pg_store() override;

  error put_tasks(const job& j, uint32_t seq, const std::vector<task>& tasks) override;
  error put_job(const job& j) override;
  error apply(const std::vector<task_change>& changes) override;
  result<recovered_state> load() override;
  result<task_with_events> get(task_id id) override;
  result<task_page> list_tasks(const task_query& q) override;
  void set_fence(uint64_t epoch) override { fence_ = epoch; }

  /// Fault injection for tests: the next COMMIT that succeeds is treated as
  /// if its reply never arrived (the connection is dropped and the call
  /// retries its whole transaction, as after a network cut at that moment).
  void drop_next_commit_reply() { drop_commit_reply_ = true; }

private:
  pg_store(std::unique_ptr<pg_connection> c, const store_options& o, int64_t writer);
  /// Runs `body` inside BEGIN .. (fence check) COMMIT, retrying as above.
  error write(const char* what, const std::function<error()>& body);
  /// Runs `body` (reads only), retrying as above.
  error read(const std::function<error()>& body);
  error retrying(const std::function<error()>& attempt);
  /// `rows`: the tasks as COPY text, made before the transaction opens.
  error write_tasks(const job& j, uint32_t seq, const std::vector<task>& tasks,
                    const std::string& rows);
  /// `rows`, `events`: the changes' COPY text (copy_text_of), made before
  /// the transaction opens.
  error write_changes(const std::string& rows, const std::string& events);
  error load_into(recovered_state& out);
  error page_into(const task_query& q, task_page& out);

  std::unique_ptr<pg_connection> conn_;
  store_options opts_;
  std::atomic<uint64_t> fence_;
  int64_t writer_ = 0;     ///< this store's id in applied_groups (a sequence value)
  int64_t group_ = 0;      ///< the number of the last group of changes apply() began
  bool drop_commit_reply_ = false;
};

} // namespace drover
