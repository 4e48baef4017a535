#include "exec/worker_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include <fmt/format.h>

#include "core/log.hpp"
#include "exec/child_proc.hpp"
#include "exec/io_loop.hpp"
#include "exec/process_env.hpp"
#include "exec/spawn.hpp"
#include "exec/worker_protocol.hpp"

namespace drover {

namespace {

using ms = std::chrono::milliseconds;
constexpr size_t max_line = 8 << 20;   ///< a longer line is not protocol
constexpr ms max_backoff{30000};

enum class proc_state : uint8_t { down, starting, idle, busy, stopping };

int64_t steady_ms() {
  return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

uint64_t rss_bytes(pid_t pid) {
  std::ifstream in{fmt::format("/proc/{}/statm", pid)};
  uint64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::string clip(std::string_view s, size_t n = 200) {
  return s.size() <= n ? std::string{s} : std::string{s.substr(0, n)} + "...";
}

} // namespace

struct worker_pool::proc {
  std::unique_ptr<child_proc> child;
  proc_state state = proc_state::down;
  pid_t pid = 0;
  std::string partial;            ///< stdout bytes after the last newline
  std::string err_line;           ///< stderr bytes after the last newline
  tail_buffer err;                ///< its stderr, for a crash report
  std::set<std::string> types;
  bool has_task = false;
  bool answered = false;          ///< the attempt already has its outcome (timeout, cancel)
  exec_request task;
  tail_buffer log;                ///< stderr and log lines during the task
  std::chrono::steady_clock::time_point started;
  uint64_t tasks_done = 0;
  uint64_t task_timer = 0, ready_timer = 0, respawn_timer = 0, stop_timer = 0;
  std::string kill_reason;        ///< why we killed it, if we did
  bool expected_exit = false;     ///< we asked it to go: not a crash
};

worker_pool::worker_pool(io_loop& loop, group_record& groups, std::string name,
                         std::shared_ptr<const worker_spec> spec, hooks h)
  : loop_(loop), groups_(groups), name_(std::move(name)), spec_(std::move(spec)),
    hooks_(std::move(h)) {
  for (uint32_t i = 0; i < spec_->processes; ++i)
    procs_.push_back(std::make_unique<proc>());
}

worker_pool::~worker_pool() {
  for (auto& p : procs_)
    for (auto t : {p->task_timer, p->ready_timer, p->respawn_timer, p->stop_timer})
      loop_.cancel(t);
  procs_.clear(); // each child_proc kills its group
}

void worker_pool::start() {
  for (auto& p : procs_)
    spawn(*p);
}

void worker_pool::spawn(proc& p) {
  p.respawn_timer = 0;
  if (retiring_)
    return;
  p = proc{}; // a fresh process: nothing of the last one carries over
  child_proc::hooks h;
  h.on_stdout = [this, &p](const char* data, size_t n) {
    p.partial.append(data, n);
    size_t from = 0;
    for (auto nl = p.partial.find('\n'); nl != std::string::npos && p.kill_reason.empty();
         nl = p.partial.find('\n', from)) {
      on_line(p, std::string_view{p.partial}.substr(from, nl - from));
      from = nl + 1;
    }
    p.partial.erase(0, p.kill_reason.empty() ? from : p.partial.size());
    if (p.partial.size() > max_line)
      kill_for(p, "wrote a line longer than 8 MiB");
  };
  h.on_stderr = [this, &p](const char* data, size_t n) {
    p.err.append(data, n);
    if (p.has_task)
      p.log.append(data, n);
    p.err_line.append(data, n);
    for (auto nl = p.err_line.find('\n'); nl != std::string::npos; nl = p.err_line.find('\n')) {
      log_info("worker {}[{}]: {}", name_, p.pid, clip(std::string_view{p.err_line}.substr(0, nl), 2000));
      p.err_line.erase(0, nl + 1);
    }
    if (p.err_line.size() > 4096)
      p.err_line.clear();
  };
  h.on_exit = [this, &p](int code, int status) { on_exit(p, code, status); };
  auto plan = plan_for(spec_->proc, nullptr);
  if (auto err = child_proc::start(loop_, groups_, plan, std::move(h), p.child)) {
    log_error("worker pool {}: {}", name_, err.message);
    p.kill_reason = err.message;
    return crashed(p);
  }
  p.pid = p.child->pid();
  p.state = proc_state::starting;
  p.ready_timer = loop_.after(ms(spec_->ready_timeout_ms), [this, &p] {
    p.ready_timer = 0;
    kill_for(p, fmt::format("sent no ready line within {} ms", spec_->ready_timeout_ms));
  });
}

void worker_pool::on_line(proc& p, std::string_view line) {
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  worker_msg m;
  if (auto err = parse_worker_line(line, m))
    return kill_for(p, fmt::format("wrote a line that is not the worker protocol ({}): {}",
                                   err.message, clip(line)));
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

void worker_pool::on_exit(proc& p, int exit_kind, int exit_value) {
  for (auto* t : {&p.task_timer, &p.ready_timer, &p.stop_timer}) {
    loop_.cancel(*t);
    *t = 0;
  }
  auto how = describe_exit(exit_kind, exit_value);
  auto reason = p.kill_reason.empty() ? "exited (" + how + ")" : p.kill_reason + " (" + how + ")";
  if (auto line = p.err.last_line(); !line.empty() && p.kill_reason.empty())
    reason += "; its last stderr line: " + line; // often the cause (a traceback's end)
  if (p.has_task && !p.answered) {
    auto o = failed_outcome(p.task, fmt::format("worker lost: {} process {} {}", name_, p.pid,
                                                 reason));
    o.log = p.log.empty() ? p.err.take() : p.log.take();
    hooks_.done(std::move(o));
  }
  bool expected = p.expected_exit && p.kill_reason.empty();
  p.child.reset();
  p.state = proc_state::down;
  p.has_task = false;
  if (retiring_) {
    bool all_down = std::all_of(procs_.begin(), procs_.end(),
                                [](auto& q) { return q->state == proc_state::down; });
    if (all_down && gone_)
      std::exchange(gone_, nullptr)();
    return;
  }
  if (expected)
    return spawn(p);
  log_warn("worker pool {}: process {} {}", name_, p.pid, reason);
  p.kill_reason = reason;
  crashed(p);
}

void worker_pool::crashed(proc& p) {
  p.state = proc_state::down;
  auto delay = max_backoff;
  if (crashes_.allow(steady_ms())) {
    delay = std::min(ms(100 << std::min<uint32_t>(backoff_step_, 9)), max_backoff);
    ++backoff_step_;
  } else if (!alerted_) {
    alerted_ = true;
    warming_ = false;
    bool none_ready = std::none_of(procs_.begin(), procs_.end(), [](auto& q) {
      return q->state == proc_state::idle || q->state == proc_state::busy;
    });
    auto text = fmt::format("worker pool {} is crash-looping: {} process exits within 60 s "
                            "(last: {}); restarts continue every 30 s{}",
                            name_, crashes_.recent() + 1, p.kill_reason,
                            none_ready ? "; its task types are withdrawn until a process is "
                                         "ready again"
                                       : "");
    log_error("ALERT: {}", text);
    if (none_ready) {
      types_.clear();
      hooks_.types_changed();
      fail_queue("worker pool " + name_ + " is crash-looping; see the consumer's log");
    }
    if (hooks_.alert)
      hooks_.alert(text);
  }
  p.respawn_timer = loop_.after(delay, [this, &p] { spawn(p); });
}

void worker_pool::update_types() {
  auto before = types_.size();
  for (auto& q : procs_) // sticky: a process being replaced does not withdraw them
    if (q->state == proc_state::idle || q->state == proc_state::busy)
      types_.insert(q->types.begin(), q->types.end());
  if (types_.size() != before)
    hooks_.types_changed();
}

void worker_pool::fail_queue(const std::string& why) {
  auto q = std::move(queue_);
  queue_.clear();
  for (auto& r : q)
    hooks_.done(failed_outcome(r, why));
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

std::vector<exec_request> worker_pool::retire(std::function<void()> gone) {
  retiring_ = true;
  gone_ = std::move(gone);
  std::vector<exec_request> left{std::make_move_iterator(queue_.begin()),
                                 std::make_move_iterator(queue_.end())};
  queue_.clear();
  for (auto& pp : procs_) {
    auto& p = *pp;
    loop_.cancel(p.respawn_timer);
    p.respawn_timer = 0;
    if (p.state == proc_state::idle) {
      p.state = proc_state::busy; // recycle_if_due stops it (retiring)
      recycle_if_due(p);
    } else if (p.state == proc_state::starting) {
      p.expected_exit = true;
      p.child->terminate(ms(spec_->proc.kill_grace_ms));
    }
  }
  bool all_down = std::all_of(procs_.begin(), procs_.end(),
                              [](auto& q) { return q->state == proc_state::down; });
  if (all_down && gone_)
    loop_.post(std::exchange(gone_, nullptr));
  return left;
}

size_t worker_pool::busy() const {
  return static_cast<size_t>(std::count_if(procs_.begin(), procs_.end(),
                                           [](auto& q) { return q->has_task; }));
}

} // namespace drover
