#include "exec/child_proc.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "core/log.hpp"
#include "exec/group_record.hpp"
#include "exec/io_loop.hpp"

namespace drover {

namespace {

/// Read per wake-up of one pipe; the loop comes back while data is left.
constexpr int reads_per_event = 16;
/// After the leader exited, output pipes a stray descendant still holds are
/// given this long to close, then closed by us.
constexpr std::chrono::milliseconds drain_limit{2000};

} // namespace

child_proc::child_proc(io_loop& loop, group_record& groups, hooks h)
  : loop_(loop), groups_(groups), hooks_(std::move(h)) {}

child_proc::~child_proc() {
  if (!exited_ && s_.pid > 0) { // destroyed while running: nothing may be left behind
    ::kill(-s_.pid, SIGKILL);
    ::waitpid(s_.pid, nullptr, 0);
    groups_.remove(s_.pid);
  }
  loop_.cancel(kill_timer_);
  loop_.cancel(drain_timer_);
  loop_.unwatch(out_token_, s_.out);
  loop_.unwatch(err_token_, s_.err);
  loop_.unwatch(in_token_, s_.in);
  loop_.unwatch(pid_token_, s_.pidfd);
  close_fds(s_);
}

result<std::unique_ptr<child_proc>> child_proc::start(io_loop& loop, group_record& groups,
                                                      const spawn_plan& plan, hooks h) {
  std::unique_ptr<child_proc> c{new child_proc(loop, groups, std::move(h))};
  auto started = spawn_process(plan);
  if (!started)
    return started.err();
  c->s_ = *started;
  groups.add(c->s_.pid, c->s_.start_time);
  auto* self = c.get();
  c->out_token_ = loop.watch(c->s_.out, EPOLLIN, [self](uint32_t) {
    self->on_readable(self->s_.out, self->out_token_, false);
  });
  c->err_token_ = loop.watch(c->s_.err, EPOLLIN, [self](uint32_t) {
    self->on_readable(self->s_.err, self->err_token_, true);
  });
  c->pid_token_ = loop.watch(c->s_.pidfd, EPOLLIN, [self](uint32_t) { self->on_pidfd(); });
  return c;
}

void child_proc::write(std::string data) {
  if (s_.in < 0)
    return;
  if (in_off_ == in_buf_.size()) {
    in_buf_ = std::move(data);
    in_off_ = 0;
  } else {
    in_buf_ += data;
  }
  on_writable();
}

void child_proc::close_stdin() {
  close_in_after_ = true;
  on_writable();
}

void child_proc::on_writable() {
  while (s_.in >= 0 && in_off_ < in_buf_.size()) {
    auto n = ::write(s_.in, in_buf_.data() + in_off_, in_buf_.size() - in_off_);
    if (n > 0) {
      in_off_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN) {
      if (in_token_ == 0)
        in_token_ = loop_.watch(s_.in, EPOLLOUT, [this](uint32_t) { on_writable(); });
      return;
    }
    in_buf_.clear(); // EPIPE: the child does not read its stdin; nothing to do about it
    in_off_ = 0;
    close_in_after_ = true;
    break;
  }
  if (in_off_ == in_buf_.size()) {
    in_buf_.clear();
    in_off_ = 0;
    if (in_token_ != 0) {
      loop_.unwatch(in_token_, s_.in);
      in_token_ = 0;
    }
    if (close_in_after_ && s_.in >= 0) {
      ::close(s_.in);
      s_.in = -1;
    }
  }
}

void child_proc::on_readable(int& fd, uint64_t& token, bool is_err) {
  for (int i = 0; i < reads_per_event && fd >= 0; ++i) {
    auto buf = loop_.scratch();
    auto n = ::read(fd, buf.first, buf.second);
    if (n > 0) {
      auto& sink = is_err ? hooks_.on_stderr : hooks_.on_stdout;
      if (sink)
        sink(buf.first, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    close_out(fd, token); // EOF or a read error
    maybe_finish();
    return;
  }
}

void child_proc::close_out(int& fd, uint64_t& token) {
  loop_.unwatch(token, fd);
  token = 0;
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

void child_proc::on_pidfd() {
  siginfo_t info{};
  // WNOWAIT: the leader stays a zombie while we kill what is left of its
  // group, so its pid (the group id) cannot be given to anyone else meanwhile.
  if (::waitid(P_PID, static_cast<id_t>(s_.pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0
      || info.si_pid == 0)
    return;
  exit_kind_ = info.si_code;
  exit_value_ = info.si_status;
  ::kill(-s_.pid, SIGKILL); // the task is over: descendants it left go too
  ::waitid(P_PID, static_cast<id_t>(s_.pid), &info, WEXITED);
  exited_ = true;
  groups_.remove(s_.pid);
  loop_.unwatch(pid_token_, s_.pidfd);
  pid_token_ = 0;
  loop_.cancel(kill_timer_);
  kill_timer_ = 0;
  if (s_.in >= 0) {
    loop_.unwatch(in_token_, s_.in);
    in_token_ = 0;
    ::close(s_.in);
    s_.in = -1;
  }
  if (s_.out >= 0 || s_.err >= 0)
    drain_timer_ = loop_.after(drain_limit, [this] {
      drain_timer_ = 0;
      close_out(s_.out, out_token_);
      close_out(s_.err, err_token_);
      maybe_finish();
    });
  maybe_finish();
}

void child_proc::maybe_finish() {
  if (finished_ || !exited_ || s_.out >= 0 || s_.err >= 0)
    return;
  finished_ = true;
  loop_.cancel(drain_timer_);
  drain_timer_ = 0;
  auto on_exit = std::move(hooks_.on_exit); // lives on while its owner destroys this
  if (on_exit)
    on_exit(exit_kind_, exit_value_); // may destroy this: nothing of it after here
}

void child_proc::terminate(std::chrono::milliseconds grace) {
  if (exited_)
    return;
  ::kill(-s_.pid, SIGTERM);
  if (kill_timer_ == 0)
    kill_timer_ = loop_.after(grace, [this] {
      kill_timer_ = 0;
      kill_group();
    });
}

void child_proc::kill_group() {
  if (!exited_)
    ::kill(-s_.pid, SIGKILL);
}

} // namespace drover
