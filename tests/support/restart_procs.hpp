// Processes for the restart tests (survive_restart_test.cpp,
// restart_handlers_test.cpp): a registry+manager on ports that stay the same
// across its lives, member processes waited for through their --ready-file,
// and bounded polling. Only the PIDs started here are signalled.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"

namespace drover::testing {

/// A registry+manager with REST on ports that stay the same across restarts.
struct manager_proc {
  std::string dir, db;
  uint16_t registry_port;
  uint16_t http_port;
  std::vector<std::string> extra;
  std::unique_ptr<child_process> proc;
  int lives = 0;

  explicit manager_proc(std::string d, std::vector<std::string> more = {});

  std::string registry() const;
  /// Starts a life and waits for its ready file (recovery done, REST up).
  bool start();
  /// GET `path` from its REST API: the JSON, or null.
  nlohmann::json get(const std::string& path) const;
};

/// Waits at most `limit` for `path` to exist.
bool wait_file(const std::string& path, std::chrono::milliseconds limit);

/// A `drover run` member with --ready-file; `wait`: for its registration
/// (REQUIREd within 30 s).
std::unique_ptr<child_process> member(const std::string& dir, const std::string& name,
                                      std::vector<std::string> args, bool wait = true);

/// SIGTERMs every process, then checks that each stopped cleanly (exit 0).
void stop_cleanly(std::initializer_list<child_process*> procs);

/// Polls `pred` every 20 ms for at most `limit`.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

} // namespace drover::testing
