// worker_pool's processes: starting them, their ends (expected or a
// crash, with backoff and the crash-loop alert), and retiring the pool.
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

namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace

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
  auto child = child_proc::start(loop_, groups_, plan, std::move(h));
  if (!child) {
    log_error("worker pool {}: {}", name_, child.err().message);
    p.kill_reason = child.err().message;
    return crashed(p);
  }
  p.child = std::move(*child);
  p.pid = p.child->pid();
  p.state = proc_state::starting;
  p.ready_timer = loop_.after(ms(spec_->ready_timeout_ms), [this, &p] {
    p.ready_timer = 0;
    kill_for(p, fmt::format("sent no ready line within {} ms", spec_->ready_timeout_ms));
  });
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
