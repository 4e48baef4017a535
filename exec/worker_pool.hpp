// Runs `worker` handlers: N long-lived processes of one program speaking
// JSON lines (exec/worker_protocol.hpp), one task at a time each. A process
// that dies mid-task fails that attempt ("worker lost", retried by the
// task's policy) and is started again with backoff; too many deaths in a
// minute raise an alert (as a supervisor does) and withdraw the pool's
// types until a process is ready again. A line that is not protocol gets
// its process killed, its task failed with the reason. Processes are
// replaced after max_tasks_per_process tasks or above max_rss. Loop thread
// only. No CAF here.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/restart_window.hpp"
#include "exec/handler_spec.hpp"
#include "exec/outcome.hpp"

namespace drover {

class io_loop;
class group_record;

class worker_pool {
public:
  struct hooks {
    std::function<void(exec_outcome)> done;
    std::function<void()> types_changed;     ///< the types it serves changed
    std::function<void(std::string)> alert;  ///< a crash loop
  };

  worker_pool(io_loop& loop, group_record& groups, std::string name,
              std::shared_ptr<const worker_spec> spec, hooks h);
  /// Kills every process at once (no outcomes).
  ~worker_pool();

  /// Starts the processes.
  void start();
  /// Types the ready processes serve (restricted by the spec's `types`).
  const std::set<std::string>& types() const { return types_; }
  /// True until the first process said ready or the pool gave up.
  bool warming_up() const { return warming_; }
  const std::string& name() const { return name_; }
  const std::string& fingerprint() const { return fingerprint_; }
  void set_fingerprint(std::string fp) { fingerprint_ = std::move(fp); }

  /// Queues `r`; a free process of its type takes it.
  void submit(exec_request r);
  /// Drops a queued attempt or tells the process running it to stop.
  void cancel(task_id id, uint64_t lease);
  /// The pool is being replaced: returns its queued attempts, lets running
  /// ones finish, then shuts its processes down; `gone` runs when the last
  /// one exited.
  std::vector<exec_request> retire(std::function<void()> gone);
  size_t busy() const;

private:
  struct proc;
  void spawn(proc& p);
  void on_line(proc& p, std::string_view line);
  void on_exit(proc& p, int exit_kind, int exit_value);
  void on_ready(proc& p, std::vector<std::string> types);
  void on_result(proc& p, struct worker_msg& m);
  void dispatch();
  void give(proc& p, exec_request r);
  void end_task(proc& p);
  void recycle_if_due(proc& p);
  void kill_for(proc& p, std::string why);
  void crashed(proc& p);
  void update_types();
  void fail_queue(const std::string& why);

  io_loop& loop_;
  group_record& groups_;
  std::string name_;
  std::shared_ptr<const worker_spec> spec_;
  hooks hooks_;
  std::string fingerprint_;
  std::vector<std::unique_ptr<proc>> procs_;
  std::deque<exec_request> queue_;
  std::set<std::string> types_;
  restart_window crashes_{5, 60000};
  uint32_t backoff_step_ = 0;   ///< consecutive crashes: 100 ms << step, at most 30 s
  bool warming_ = true;
  bool alerted_ = false;
  bool retiring_ = false;
  std::function<void()> gone_;
};

} // namespace drover
