#include "core/exec_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/log.hpp"

namespace drover {

namespace {

const char* outcome_name(task_outcome o) {
  switch (o) {
    case task_outcome::succeeded: return "succeeded";
    case task_outcome::failed: return "failed";
    case task_outcome::timed_out: return "timed_out";
  }
  return "unknown";
}

} // namespace

std::shared_ptr<exec_journal> exec_journal::open(const std::string& path, error& err) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    err = {ec::bad_input, "--journal: cannot open '" + path + "' for appending: "
                            + std::strerror(errno)};
    return nullptr;
  }
  return std::shared_ptr<exec_journal>(new exec_journal(fd));
}

exec_journal::~exec_journal() {
  if (fd_ >= 0)
    ::close(fd_);
}

void exec_journal::record(task_id id, uint32_t attempt, uint64_t lease, task_outcome outcome) {
  auto line = fmt::format("{} {} {} {}\n", id, attempt, lease, outcome_name(outcome));
  auto n = ::write(fd_, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size()) && !warned_) {
    warned_ = true;
    log_error("journal: a write failed ({}); later failures are not reported",
              n < 0 ? std::strerror(errno) : "short write");
  }
}

} // namespace drover
