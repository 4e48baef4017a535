#include "exec/exec_runner.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "exec/child_proc.hpp"
#include "exec/io_loop.hpp"
#include "exec/process_env.hpp"

namespace drover {

struct exec_runner::job {
  std::shared_ptr<const exec_spec> spec;
  exec_request req;
  std::unique_ptr<child_proc> child;
  std::string out;
  uint64_t out_total = 0;
  tail_buffer err;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  uint64_t timeout_timer = 0;
  bool timed_out = false;
  bool cancelled = false;
};

namespace {

std::string span_text(int64_t ms) {
  if (ms % 60000 == 0 && ms >= 60000)
    return fmt::format("{}m", ms / 60000);
  if (ms % 1000 == 0)
    return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

} // namespace

exec_runner::exec_runner(io_loop& loop, group_record& groups, sink done)
  : loop_(loop), groups_(groups), done_(std::move(done)) {}

exec_runner::~exec_runner() {
  for (auto& [id, j] : jobs_)
    loop_.cancel(j->timeout_timer);
  jobs_.clear(); // each child_proc kills its group on destruction
}

void exec_runner::start(std::shared_ptr<const exec_spec> spec, exec_request r) {
  if (auto old = jobs_.find(r.id); old != jobs_.end()) // an older lease of the same task
    jobs_.erase(old);
  auto j = std::make_unique<job>();
  j->spec = std::move(spec);
  j->req = std::move(r);
  auto* jp = j.get();
  child_proc::hooks h;
  h.on_stdout = [jp](const char* data, size_t n) {
    jp->out_total += n;
    auto room = jp->spec->max_output - std::min<uint64_t>(jp->out.size(), jp->spec->max_output);
    jp->out.append(data, std::min<uint64_t>(room, n));
  };
  h.on_stderr = [jp](const char* data, size_t n) { jp->err.append(data, n); };
  h.on_exit = [this, jp](int code, int status) { finish(*jp, code, status); };
  auto plan = plan_for(j->spec->proc, &j->req);
  plan.stdin_pipe = j->spec->stdin_payload;
  auto child = child_proc::start(loop_, groups_, plan, std::move(h));
  if (!child) {
    done_(failed_outcome(j->req, child.err().message));
    return;
  }
  j->child = std::move(*child);
  if (j->spec->stdin_payload) {
    j->child->write(j->req.payload);
    j->child->close_stdin();
  }
  if (auto ms = j->spec->proc.timeout_ms; ms > 0)
    j->timeout_timer = loop_.after(std::chrono::milliseconds(ms), [jp] {
      jp->timeout_timer = 0;
      jp->timed_out = true;
      jp->child->terminate(std::chrono::milliseconds(jp->spec->proc.kill_grace_ms));
    });
  auto id = j->req.id;
  jobs_[id] = std::move(j);
}

void exec_runner::cancel(task_id id, uint64_t lease) {
  auto i = jobs_.find(id);
  if (i == jobs_.end() || i->second->req.lease != lease)
    return;
  auto& j = *i->second;
  j.cancelled = true;
  loop_.cancel(j.timeout_timer);
  j.timeout_timer = 0;
  j.child->terminate(std::chrono::milliseconds(j.spec->proc.kill_grace_ms));
}

void exec_runner::finish(job& j, int exit_kind, int exit_value) {
  loop_.cancel(j.timeout_timer);
  exec_outcome o;
  o.id = j.req.id;
  o.lease = j.req.lease;
  o.run_us = static_cast<uint32_t>(std::min<int64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now()
                                                          - j.started).count(), UINT32_MAX));
  auto exit_text = describe_exit(exit_kind, exit_value);
  if (j.timed_out) {
    o.outcome = task_outcome::timed_out;
    o.result = fmt::format("timed out after {} ({})", span_text(j.spec->proc.timeout_ms),
                           exit_text);
  } else if (exit_kind == CLD_EXITED && exit_value == 0) {
    o.result = std::move(j.out);
    if (j.out_total > j.spec->max_output)
      o.result += fmt::format("\n[drover: stdout truncated: kept the first {} of {} bytes]",
                              j.spec->max_output, j.out_total);
  } else {
    o.outcome = task_outcome::failed;
    o.result = exit_text;
    if (auto line = j.err.last_line(); !line.empty())
      o.result += ": " + line;
    auto& codes = j.spec->no_retry_exit_codes;
    o.retryable = !(exit_kind == CLD_EXITED
                    && std::find(codes.begin(), codes.end(), exit_value) != codes.end());
  }
  o.log = j.err.take();
  bool report = !j.cancelled;
  auto id = j.req.id;
  jobs_.erase(id); // destroys j and its child: nothing of j after this
  if (report)
    done_(std::move(o));
}

} // namespace drover
