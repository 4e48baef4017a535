// `drover run --ready-file=PATH`: a readiness signal for scripts, tests and
// service managers. The file appears (written whole, then renamed into
// place) once every role of the process is up: the registry listens, the
// manager finished its recovery, REST listens, every member registered.
// It holds one JSON object: {"pid": N, "registry": "HOST:PORT" or null,
// "http": "HOST:PORT" or null, "node": "..."}.
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

/// Writes `path` atomically (PATH.tmp, then rename).
error write_ready_file(const std::string& path, const readiness& r);

} // namespace drover
