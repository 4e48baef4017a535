#include "app/run_wait.hpp"

#include <chrono>

#include "actors/consumer.hpp"
#include "core/log.hpp"
#include "core/sd_notify.hpp"

namespace drover {

namespace {

/// The exit code when a signal stops the process: 1 if its producer's job
/// had not finished (README: 0 only when every task succeeded), else 0.
int code_on_signal(const wait_inputs& in) {
  if (in.job && in.job->exit_code < 0) {
    log_warn("stopped before the job finished"); // exit code 1 says so; the stop was asked for
    return 1;
  }
  return in.job ? in.job->exit_code.load() : 0;
}

caf::actor current_consumer(const wait_inputs& in) {
  if (!in.consumer)
    return {};
  return in.consumer->get();
}

/// Writes the ready file and fd, then tells systemd (NOTIFY_SOCKET), once
/// nothing is waiting; true once that is done.
bool write_when_ready(const wait_inputs& in) {
  if (in.ready->waiting > 0)
    return false;
  if (!in.ready_file.empty()) {
    if (auto err = write_ready_file(in.ready_file, *in.ready))
      log_error("{}", err.message);
    else
      log_info("ready: {} written", in.ready_file);
  }
  if (in.ready_fd >= 0) {
    if (auto err = write_ready_fd(in.ready_fd, *in.ready))
      log_error("{}", err.message);
    else
      log_info("ready: written to fd {}", in.ready_fd);
  }
  if (auto err = sd_notify_state("READY=1"))
    log_warn("{}", err.message);
  return true;
}

/// Tells systemd the process is stopping, then passes the exit code on.
int stopping(int code) {
  if (auto err = sd_notify_state("STOPPING=1"))
    log_warn("{}", err.message);
  return code;
}

} // namespace

int wait_until_done(const sigset_t& signals, const wait_inputs& in) {
  timespec tick{0, 20 * 1000 * 1000};
  bool draining = false;
  bool ready_written = false;
  bool job_told = false;
  auto deadline = std::chrono::steady_clock::now();
  for (;;) {
    if (!ready_written)
      ready_written = write_when_ready(in);
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      auto consumer = current_consumer(in);
      if (draining || !consumer) {
        log_info("stopping on signal {}", sig);
        return stopping(code_on_signal(in));
      }
      log_info("signal {}: draining the consumer (up to {} ms; a second signal stops at once)",
               sig, in.drain_ms);
      send_drain(consumer, in.drain_ms);
      draining = true;
      // The consumer ends the drain itself at drain_ms; this is the backstop.
      deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(in.drain_ms)
                 + std::chrono::seconds(5);
      continue;
    }
    if (draining && (in.drained->load() || std::chrono::steady_clock::now() > deadline)) {
      if (!in.drained->load())
        log_error("the consumer did not finish draining in time; stopping");
      return stopping(code_on_signal(in));
    }
    if (in.job && in.job->exit_code >= 0 && !in.keep_running)
      return stopping(in.job->exit_code);
    if (in.job && in.job->exit_code >= 0 && !job_told) {
      log_info("the job is done; still serving until Ctrl-C");
      job_told = true;
    }
    if (in.poll)
      if (int code = in.poll(); code >= 0)
        return stopping(code);
    if (*in.stopped > 0 && !draining) {
      int code = in.stop_code ? in.stop_code->load() : 1;
      if (code != 2) // a refused name was said by the member itself
        log_error("a role stopped; shutting down the process");
      return stopping(code);
    }
  }
}

} // namespace drover
