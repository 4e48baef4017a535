// Everything that runs tasks off the consumer actor: a thread pool for
// in-process handlers that block or use a CPU, exec_runner (one process per
// task) and one worker_pool per `worker` handler, all processes on one I/O
// loop thread. The consumer calls in from its actor and hears back through
// `hooks` (from other threads: it turns them into messages to itself), so
// it only routes. Handler sets are swapped whole (use()); attempts already
// running finish on the handler they started with. No CAF here.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/handlers.hpp"
#include "exec/handler_spec.hpp"
#include "exec/outcome.hpp"

namespace drover {

struct executor_options {
  size_t threads = 64;                 ///< thread pool limit: the consumer's capacity
  std::string groups_file;             ///< record of process groups; empty: none
  std::vector<std::string> builtin;    ///< built-in type names, for "unknown type" replies
};

struct executor_hooks {
  /// Finished attempts, a batch at a time; called from other threads.
  std::function<void(std::vector<exec_outcome>)> done;
  /// The types the handlers serve changed (a swap, a worker's ready line).
  std::function<void()> types_changed;
  /// A worker pool is crash-looping: the text of the alert.
  std::function<void(std::string)> alert;
};

class executors {
public:
  executors(executor_options opts, executor_hooks hooks);
  /// Kills every child process and drops queued work (no outcomes).
  ~executors();
  executors(const executors&) = delete;
  executors& operator=(const executors&) = delete;

  /// Swaps in `set` (validated): exec handlers change for the next attempt,
  /// worker pools whose definition is unchanged keep running, the others
  /// are replaced (their running tasks finish first).
  void use(std::shared_ptr<const handler_set> set);
  /// Runs `r` by its type's exec or worker handler; an outcome always
  /// follows (a type no handler serves fails, naming the known ones). A
  /// type a starting worker pool may serve waits for its ready line.
  void start(exec_request r);
  /// start() for a batch, in one hop to the I/O thread.
  void start(std::vector<exec_request> batch);
  /// Runs an in-process handler on the thread pool.
  void run_in_pool(task_handler fn, exec_request r);
  /// Stops the attempt without an outcome (the manager aborted it).
  void cancel(task_id id, uint64_t lease);
  /// The types exec and worker handlers serve now, sorted.
  std::vector<std::string> types() const;
  /// How many handlers are declared (exec and worker).
  size_t handler_count() const;

private:
  struct loop_side;
  executor_hooks hooks_;
  size_t threads_;
  mutable std::mutex mtx_;
  std::vector<std::string> types_;     ///< snapshot, under mtx_
  size_t handler_count_ = 0;           ///< under mtx_
  std::unique_ptr<class thread_pool> pool_;
  std::unique_ptr<class io_loop> loop_;
  std::unique_ptr<loop_side> side_;    ///< touched on the loop thread only
};

} // namespace drover
