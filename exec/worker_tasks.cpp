// worker_pool's side of the protocol: lines from a worker (ready, result,
// progress, log, or garbage), handing tasks to free processes, timeouts,
// cancels and recycling.
#include "exec/worker_pool.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/log.hpp"
#include "exec/io_loop.hpp"
#include "exec/spawn.hpp"
#include "exec/worker_proc.hpp"
#include "exec/worker_protocol.hpp"

namespace drover {

using namespace worker_detail;

void worker_pool::on_line(proc& p, std::string_view line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  auto parsed = parse_worker_line(line);
  if (!parsed)
    return kill_for(p, fmt::format("wrote a line that is not the worker protocol ({}): {}",
                                   parsed.err().message, clip(line)));
  worker_msg& m = *parsed;
  if (p.state == proc_state::starting) {
    if (m.kind != worker_msg_kind::ready)
      return kill_for(p, fmt::format("must say ready first, said: {}", clip(line)));
    return on_ready(p, std::move(m.types));
  }
  switch (m.kind) {
    case worker_msg_kind::ready:
      log_warn("worker pool {}: process {} said ready again; ignored", name_, p.pid);
      return;
    case worker_msg_kind::result:
      if (!p.has_task || m.id != std::to_string(p.task.id)) {
        log_warn("worker pool {}: process {} sent a result for task {}, which it is not "
                 "running; ignored", name_, p.pid, clip(m.id, 40));
        return;
      }
      return on_result(p, m);
    case worker_msg_kind::progress:
      log_debug("worker pool {}: task {} progress {}/{}", name_, m.id, m.done, m.total);
      return;
    case worker_msg_kind::log:
      if (p.has_task && (m.id.empty() || m.id == std::to_string(p.task.id)))
        p.log.append(m.level + ": " + m.msg + "\n");
      log_debug("worker {}[{}] {}: {}", name_, p.pid, m.level, clip(m.msg, 2000));
      return;
  }
}

void worker_pool::on_ready(proc& p, std::vector<std::string> types) {
  loop_.cancel(p.ready_timer);
  p.ready_timer = 0;
  for (auto& t : types)
    if (spec_->types.empty()
        || std::find(spec_->types.begin(), spec_->types.end(), t) != spec_->types.end())
      p.types.insert(t);
  if (p.types.empty())
    return kill_for(p, fmt::format("is ready for [{}], none of which this handler's types "
                                   "[{}] allows", fmt::join(types, ", "),
                                   fmt::join(spec_->types, ", ")));
  p.state = proc_state::idle;
  if (warming_ || alerted_)
    log_info("worker pool {}: process {} ready for {}", name_, p.pid, fmt::join(p.types, ", "));
  alerted_ = false;
  warming_ = false;
  update_types();
  dispatch();
}

void worker_pool::on_result(proc& p, worker_msg& m) {
  if (!p.answered) {
    p.child->read_stderr_now(); // what it logged before this result belongs to this task
    exec_outcome o;
    o.id = p.task.id;
    o.lease = p.task.lease;
    o.run_us = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - p.started).count());
    if (m.ok) {
      o.result = std::move(m.result);
    } else {
      o.outcome = task_outcome::failed;
      o.result = m.error_message.empty() ? m.error_type : m.error_type + ": " + m.error_message;
      o.retryable = m.retryable;
    }
    if (!p.log.empty())
      o.log = p.log.take();
    hooks_.done(std::move(o));
  }
  backoff_step_ = 0; // it works: the next crash starts the backoff afresh
  end_task(p);
}

void worker_pool::end_task(proc& p) {
  loop_.cancel(p.task_timer);
  p.task_timer = 0;
  p.has_task = false;
  p.answered = false;
  ++p.tasks_done;
  if (p.state != proc_state::busy)
    return;
  p.state = proc_state::idle;
  recycle_if_due(p);
  if (p.state == proc_state::idle)
    dispatch();
}

void worker_pool::recycle_if_due(proc& p) {
  std::string why;
  if (retiring_)
    why = "its handler was replaced";
  else if (spec_->max_tasks_per_process > 0 && p.tasks_done >= spec_->max_tasks_per_process)
    why = fmt::format("it ran {} tasks (max_tasks_per_process)", p.tasks_done);
  else if (auto rss = spec_->max_rss > 0 ? rss_bytes(p.pid) : 0; rss > spec_->max_rss)
    why = fmt::format("its RSS {} MiB is above max_rss {} MiB", rss >> 20, spec_->max_rss >> 20);
  if (why.empty())
    return;
  log_info("worker pool {}: replacing process {}: {}", name_, p.pid, why);
  p.state = proc_state::stopping;
  p.expected_exit = true;
  p.child->write(shutdown_line());
  p.child->close_stdin();
  p.stop_timer = loop_.after(ms(spec_->proc.kill_grace_ms), [&p] {
    p.stop_timer = 0;
    if (p.child)
      p.child->terminate(ms(1000));
  });
}

void worker_pool::kill_for(proc& p, std::string why) {
  if (!p.kill_reason.empty() || !p.child)
    return;
  log_warn("worker pool {}: killing process {}: it {}", name_, p.pid, why);
  p.kill_reason = std::move(why);
  p.child->kill_group();
}

void worker_pool::submit(exec_request r) {
  queue_.push_back(std::move(r));
  dispatch();
}

void worker_pool::dispatch() {
  for (auto& pp : procs_) {
    if (queue_.empty())
      return;
    auto& p = *pp;
    if (p.state != proc_state::idle)
      continue;
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const exec_request& r) { return p.types.count(r.type) > 0; });
    if (it == queue_.end())
      continue;
    auto r = std::move(*it);
    queue_.erase(it);
    give(p, std::move(r));
  }
}

void worker_pool::give(proc& p, exec_request r) {
  p.state = proc_state::busy;
  p.has_task = true;
  p.answered = false;
  p.task = std::move(r);
  p.started = std::chrono::steady_clock::now();
  p.child->write(task_line(p.task));
  if (auto t = spec_->proc.timeout_ms; t > 0)
    p.task_timer = loop_.after(ms(t), [this, &p, t] {
      p.task_timer = 0;
      hooks_.done(exec_outcome{p.task.id, p.task.lease, task_outcome::timed_out,
                               fmt::format("timed out after {} ms", t), true, p.log.take(), 0});
      p.answered = true;
      p.child->write(cancel_line(p.task.id));
      p.task_timer = loop_.after(ms(spec_->proc.kill_grace_ms), [this, &p] {
        p.task_timer = 0;
        p.expected_exit = true;
        kill_for(p, "did not stop its task within kill_grace of the timeout");
      });
    });
}

void worker_pool::cancel(task_id id, uint64_t lease) {
  auto q = std::find_if(queue_.begin(), queue_.end(),
                        [&](const exec_request& r) { return r.id == id && r.lease == lease; });
  if (q != queue_.end()) {
    queue_.erase(q);
    return;
  }
  for (auto& pp : procs_) {
    auto& p = *pp;
    if (!p.has_task || p.task.id != id || p.task.lease != lease || p.answered)
      continue;
    p.answered = true; // aborted: the manager expects no outcome
    p.child->write(cancel_line(id));
    loop_.cancel(p.task_timer);
    p.task_timer = loop_.after(ms(spec_->proc.kill_grace_ms), [this, &p] {
      p.task_timer = 0;
      p.expected_exit = true;
      kill_for(p, "did not stop a cancelled task within kill_grace");
    });
  }
}

} // namespace drover
