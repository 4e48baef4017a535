// An append-only record of the attempts a consumer finished, one line each:
// "<task id> <attempt> <lease> <outcome>". Several consumer processes may
// append to one file: each line is one write(2) on an O_APPEND descriptor.
// Used for audits and by the chaos test to count executions per lease.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "core/task.hpp"

namespace drover {

class exec_journal {
public:
  /// Opens (creating) `path` for appending; null and `err` set if it cannot.
  static std::shared_ptr<exec_journal> open(const std::string& path, error& err);
  ~exec_journal();
  exec_journal(const exec_journal&) = delete;
  exec_journal& operator=(const exec_journal&) = delete;

  /// Appends one line; a failed write is reported once on stderr, never thrown.
  void record(task_id id, uint32_t attempt, uint64_t lease, task_outcome outcome);

private:
  explicit exec_journal(int fd) : fd_(fd) {}
  int fd_ = -1;
  bool warned_ = false;
};

} // namespace drover
