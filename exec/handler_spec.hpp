// Users' own handlers, as declared in YAML (a `handlers:` section of the
// consumer's --config, or a --handlers file): `exec` runs one process per
// task, `worker` keeps long-lived processes that speak JSON lines
// (docs/worker-protocol.md). Parsed and validated by parse_handlers; the
// consumer swaps a whole handler_set at a time, never edits one. No CAF here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"

namespace drover {

/// Where a child process runs and what it sees; shared by exec and worker.
struct process_spec {
  std::vector<std::string> argv;       ///< argv[0] resolved to an absolute path
  std::string cwd;                     ///< absolute (a relative one is from the file's folder); empty: the consumer's
  std::vector<std::string> inherit;    ///< variables copied from the consumer's environment
  std::map<std::string, std::string> set; ///< variables set to fixed values
  uint64_t rlimit_cpu_s = 0;           ///< RLIMIT_CPU in seconds; 0: unlimited
  uint64_t rlimit_as = 0;              ///< RLIMIT_AS in bytes; 0: unlimited
  uint64_t rlimit_nofile = 0;          ///< RLIMIT_NOFILE; 0: unchanged
  int64_t timeout_ms = 0;              ///< per attempt; 0: none (the task's own still counts)
  int64_t kill_grace_ms = 5000;        ///< SIGTERM, then SIGKILL this much later
};

/// One process per task: payload on stdin (or none), stdout is the result.
struct exec_spec {
  process_spec proc;
  bool stdin_payload = true;
  uint64_t max_output = 1 << 20;       ///< stdout bytes kept; more is dropped and flagged
  std::vector<int> no_retry_exit_codes;
};

/// Long-lived processes serving the types their ready line names.
struct worker_spec {
  process_spec proc;
  uint32_t processes = 1;
  uint64_t max_tasks_per_process = 0;  ///< then the process is replaced; 0: never
  uint64_t max_rss = 0;                ///< bytes; above it after a task: replaced; 0: no limit
  std::vector<std::string> types;      ///< serve only these of the ready types; empty: all
  int64_t ready_timeout_ms = 10000;    ///< a process that says nothing by then is killed
};

struct handler_spec {
  std::string name;
  std::shared_ptr<const exec_spec> exec;     ///< exactly one of exec and worker is set
  std::shared_ptr<const worker_spec> worker;
  std::string fingerprint;                   ///< equal text -> equal handler (swaps keep it running)
};

/// A validated set of handlers, by name, and where it came from.
struct handler_set {
  std::string source;                        ///< file it was read from
  std::string hash;                          ///< of the handlers' text
  std::map<std::string, handler_spec> handlers;
};

/// The placeholders an argv item may be, whole: the payload, the task id
/// (as GET /v1/tasks/{id} takes it), the attempt number and the task type.
const std::vector<std::string>& argv_placeholders();

/// Parses the `handlers:` mapping of `text` (a config file when
/// `whole_config`, whose other keys are left alone; else a handlers file
/// whose only key is `handlers`). `builtin` lists the built-in types no exec
/// handler may take. Programs are resolved and checked now: a missing or
/// non-executable program, a relative path with no cwd, an unknown key or a
/// bad value is one "source:line:column: what" line each, all at once
/// (ec::bad_input).
result<handler_set> parse_handlers(const std::string& text, const std::string& source,
                                   bool whole_config, const std::vector<std::string>& builtin);

/// The text of a handlers (or config) file of at most 1 MiB.
result<std::string> read_handlers_file(const std::string& path);

/// Reads `path` and parses it as parse_handlers does.
result<handler_set> load_handlers(const std::string& path, bool whole_config,
                                  const std::vector<std::string>& builtin);

} // namespace drover
