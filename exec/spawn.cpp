// vfork: the child shares our memory until execve, so between the two only
// system calls run (no malloc, no locks, no C++); all argv/env arrays are
// built before. glibc's posix_spawn works the same way, but cannot do
// PR_SET_PDEATHSIG or rlimits.
#include "exec/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

namespace drover {

namespace {

std::vector<char*> c_strings(const std::vector<std::string>& xs) {
  std::vector<char*> out;
  out.reserve(xs.size() + 1);
  for (auto& x : xs)
    out.push_back(const_cast<char*>(x.c_str()));
  out.push_back(nullptr);
  return out;
}

void close_fd(int& fd) {
  if (fd >= 0)
    ::close(fd);
  fd = -1;
}

/// The steps of the child, to say which one failed.
enum child_step : int { step_none = 0, step_session, step_parent, step_stdio, step_cwd, step_limits,
                        step_exec };

const char* step_name(int s) {
  switch (s) {
    case step_session: return "setsid";
    case step_parent: return "its parent died";
    case step_stdio: return "redirecting stdin/stdout/stderr";
    case step_cwd: return "changing to its cwd";
    case step_limits: return "setting rlimits";
    default: return "execve";
  }
}

/// `slack` above the soft limit for the hard one: RLIMIT_CPU sends SIGXCPU
/// at the soft limit but SIGKILL at the hard one, and SIGXCPU names the cause.
bool set_limit(int resource, uint64_t value, uint64_t slack = 0) {
  struct rlimit rl {static_cast<rlim_t>(value), static_cast<rlim_t>(value + slack)};
  return ::setrlimit(resource, &rl) == 0;
}

} // namespace

void block_all_signals_in_this_thread() {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, nullptr);
}

result<spawned> spawn_process(const spawn_plan& plan) {
  if (plan.argv.empty())
    return error{ec::bad_input, "nothing to run: argv is empty"};
  int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1};
  if ((plan.stdin_pipe && ::pipe2(in, O_CLOEXEC) != 0) || ::pipe2(o, O_CLOEXEC) != 0
      || ::pipe2(e, O_CLOEXEC) != 0) {
    auto why = fmt::format("cannot make pipes: {}", strerror(errno));
    for (int* fd : {&in[0], &in[1], &o[0], &o[1], &e[0], &e[1]})
      close_fd(*fd);
    return error{ec::bad_input, why};
  }
  auto argv = c_strings(plan.argv);
  auto envp = c_strings(plan.env);
  const pid_t parent = ::getpid();
  volatile int failed_step = step_none; // written by the child: we share memory until exec
  volatile int failed_errno = 0;
  pid_t pid = ::vfork();
  if (pid == 0) {
    // -- the child: system calls only ------------------------------------------
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) { // no handler of ours may run in here
      struct sigaction cur {};
      if (::sigaction(sig, nullptr, &cur) == 0 && cur.sa_handler != SIG_DFL
          && (cur.sa_handler != SIG_IGN || sig == SIGPIPE))
        ::sigaction(sig, &dfl, nullptr);
    }
    int step = step_session;
    if (::setsid() < 0)
      goto fail;
    step = step_parent;
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent)
      goto fail;
    step = step_stdio;
    if (plan.stdin_pipe) {
      if (::dup2(in[0], 0) < 0)
        goto fail;
    } else {
      int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (null_fd < 0 || ::dup2(null_fd, 0) < 0)
        goto fail;
    }
    if (::dup2(o[1], 1) < 0 || ::dup2(e[1], 2) < 0)
      goto fail;
    step = step_cwd;
    if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0)
      goto fail;
    step = step_limits;
    if ((plan.rlimit_cpu_s > 0 && !set_limit(RLIMIT_CPU, plan.rlimit_cpu_s, 1))
        || (plan.rlimit_as > 0 && !set_limit(RLIMIT_AS, plan.rlimit_as))
        || (plan.rlimit_nofile > 0 && !set_limit(RLIMIT_NOFILE, plan.rlimit_nofile)))
      goto fail;
    {
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
    }
    step = step_exec;
    ::execve(argv[0], argv.data(), envp.data());
  fail:
    failed_errno = errno;
    failed_step = step;
    ::_exit(127);
  }
  // -- the parent: the child has exec'd or exited ------------------------------
  int spawn_errno = errno;
  close_fd(in[0]);
  close_fd(o[1]);
  close_fd(e[1]);
  if (pid < 0 || failed_step != step_none) {
    if (pid > 0)
      ::waitpid(pid, nullptr, 0);
    for (int* fd : {&in[1], &o[0], &e[0]})
      close_fd(*fd);
    if (pid < 0)
      return error{ec::bad_input, fmt::format("cannot start {}: fork failed: {}", plan.argv[0],
                                              strerror(spawn_errno))};
    return error{ec::bad_input, fmt::format("cannot start {}: {} failed: {}", plan.argv[0],
                                            step_name(failed_step), strerror(failed_errno))};
  }
  spawned out;
  out.pid = pid;
  out.in = in[1];
  out.out = o[0];
  out.err = e[0];
  for (int fd : {out.in, out.out, out.err})
    if (fd >= 0)
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  out.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  out.start_time = process_start_time(pid);
  return out;
}

void close_fds(spawned& s) {
  close_fd(s.pidfd);
  close_fd(s.in);
  close_fd(s.out);
  close_fd(s.err);
}

std::string read_proc_file(const std::string& path) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return text;
  char buf[4096];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    break; // EOF, or the process went away (ESRCH)
  }
  ::close(fd);
  return text;
}

uint64_t process_start_time(pid_t pid) {
  auto text = read_proc_file(fmt::format("/proc/{}/stat", pid));
  auto close = text.rfind(')'); // the name may hold spaces and parentheses
  if (close == std::string::npos)
    return 0;
  // Fields after the name start at 3 (state); the start time is field 22.
  size_t pos = close + 2;
  for (int field = 3; field < 22 && pos < text.size(); ++field) {
    pos = text.find(' ', pos);
    if (pos == std::string::npos)
      return 0;
    ++pos;
  }
  return std::strtoull(text.c_str() + pos, nullptr, 10);
}

std::string describe_exit(int exit_kind, int exit_value) {
  if (exit_kind == CLD_EXITED)
    return fmt::format("exit code {}", exit_value);
  const char* abbrev = sigabbrev_np(exit_value);
  return fmt::format("killed by signal SIG{} ({}){}", abbrev != nullptr ? abbrev : "?", exit_value,
                     exit_kind == CLD_DUMPED ? ", core dumped" : "");
}

} // namespace drover
