// `drover run --ready-file=PATH` / `--ready-fd=N`: a readiness signal for
// scripts, tests and service managers. The file appears (written whole,
// then renamed into place), or the JSON is written to the inherited file
// descriptor which is then closed, once every role of the process is up:
// the registry listens, the manager finished its recovery, REST listens,
// every member registered. One JSON object: {"pid": N, "registry":
// "HOST:PORT" or null, "http": "HOST:PORT" or null, "ports": {"registry": N
// or null, "http": N or null}, "node": "..."}.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/errors.hpp"

namespace drover {

struct readiness {
  std::atomic<int> waiting{0}; ///< parts not ready yet
  std::string registry;        ///< "HOST:PORT" if this process runs the registry
  std::string http;            ///< "HOST:PORT" if it serves REST
  std::string node;
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
