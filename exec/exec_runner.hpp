// Runs `exec` handlers: one process per attempt, on the I/O loop. The
// payload goes to stdin, stdout (up to max_output, more is dropped and
// flagged) is the result, the last 64 KiB of stderr stay with the attempt.
// Exit 0 succeeds; another code or a signal fails the attempt, saying which;
// the handler's timeout and a cancel stop the group with SIGTERM, then
// SIGKILL after kill_grace. Loop thread only. No CAF here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "exec/handler_spec.hpp"
#include "exec/outcome.hpp"

namespace drover {

class io_loop;
class group_record;

class exec_runner {
public:
  using sink = std::function<void(exec_outcome)>;
  exec_runner(io_loop& loop, group_record& groups, sink done);
  /// Kills every group still running (no outcomes).
  ~exec_runner();

  void start(std::shared_ptr<const exec_spec> spec, exec_request r);
  /// Stops the attempt without an outcome (the manager aborted it).
  void cancel(task_id id, uint64_t lease);
  size_t running() const { return jobs_.size(); }

private:
  struct job;
  void finish(job& j, int exit_kind, int exit_value);

  io_loop& loop_;
  group_record& groups_;
  sink done_;
  std::unordered_map<task_id, std::unique_ptr<job>> jobs_;
};

} // namespace drover
