// `drover run --ready-file=PATH` / `--ready-fd=N`: a readiness signal for
// scripts, tests and service managers. The file appears (written whole,
// then renamed into place), or the JSON is written to the inherited file
// descriptor which is then closed, once every role of the process is up:
// the registry listens, the manager finished its recovery, REST listens,
// every member registered (a consumer's mailbox included). One JSON object:
// {"pid": N, "registry": "HOST:PORT" or null, "http": "HOST:PORT" or null,
// "ports": {"registry": N or null, "http": N or null}, "node": "...",
// "recovered": {"jobs": N, "unfinished": N, "leased": N} or null (what the
// manager found in its store), "exited": null}. On its way out a process
// that was ready writes the file once more with "exited": {"code": N,
// "executed": N or null (tasks its consumer ran)}, so a script reads what
// happened from the file, not from the log.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/errors.hpp"
#include "core/manager_snapshot.hpp"

namespace drover {

/// How the process ended (the second write of the file).
struct exit_info {
  int code = 0;
  std::optional<uint64_t> executed; ///< tasks its consumer ran; none without a consumer
};

/// Written by the roles before they mark their part ready (the atomic
/// count orders those writes before the file is written); read once it is 0.
struct readiness {
  std::atomic<int> waiting{0}; ///< parts not ready yet
  std::string registry;        ///< "HOST:PORT" if this process runs the registry
  std::string http;            ///< "HOST:PORT" if it serves REST
  std::string node;
  std::optional<recovery_counts> recovered; ///< set by the manager, if it runs here
  std::optional<exit_info> exited;          ///< set on the way out
};

/// One more part to wait for; the returned callback marks it ready (the
/// first call counts, later ones do nothing). Safe from any thread.
std::function<void()> ready_part(const std::shared_ptr<readiness>& r);

/// The JSON document, one line with its newline.
std::string ready_json(const readiness& r);

/// Writes `path` atomically (PATH.tmp, then rename).
error write_ready_file(const std::string& path, const readiness& r);

/// Writes the JSON to `fd` whole and closes it: the reader sees the
/// document, then end of file.
error write_ready_fd(int fd, const readiness& r);

/// The --ready-fd is open for writing; it is marked close-on-exec so the
/// handlers' child processes do not hold it open after drover closed it.
error prepare_ready_fd(int fd);

} // namespace drover
