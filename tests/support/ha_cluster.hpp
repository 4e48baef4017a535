// Manager processes sharing one PostgreSQL store for the cross-process
// leadership tests and the takeover bench: each on its own loopback
// address (127.0.0.2, 127.0.0.3: two "hosts"), with registry and REST
// ports that stay the same across its lives, so members given every
// address find whichever leads. Only the PIDs started here are signalled.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "replay/child.hpp"

namespace drover::testing {

/// One manager process (registry + manager + REST) on `host`.
struct ha_manager {
  std::string dir, name, host, store;
  uint16_t registry_port = 0;
  uint16_t http_port = 0;
  std::vector<std::string> extra;
  std::unique_ptr<replay::child> proc;
  int lives = 0;
  std::string binary; ///< the drover to run (the tests' DROVER_BINARY by default)

  ha_manager(std::string dir, std::string name, std::string host, std::string store,
             std::vector<std::string> more = {});

  /// "host:port" of its registry; "http://host:port" of its REST API.
  std::string registry() const;
  std::string url() const;
  /// Starts a life; true once its ready file says registry and REST are up
  /// (a standby is ready too: it leads later).
  bool start();
  /// The /healthz status: 200 leading and ready, 503 standby or starting,
  /// 0 unreachable.
  int health() const;
  bool leading() const { return health() == 200; }
  /// GET `path`: the JSON of a 200 answer, or null.
  nlohmann::json get(const std::string& path) const;
  /// The raw answer's status and X-Drover-Leader header (for a standby).
  std::pair<int, std::string> probe(const std::string& path) const;
};

/// Polls `pred` every 20 ms for at most `limit`.
bool poll_until(const std::function<bool()>& pred, std::chrono::milliseconds limit);

/// The free port on `host` (a loopback address) a moment ago.
uint16_t free_port_on(const std::string& host);

/// True if 127.0.0.2 and 127.0.0.3 can be bound here (Linux routes all of
/// 127/8 to lo); a test skips, saying so, where they cannot.
bool loopback_hosts_usable();

/// POSTs a job of `count` tasks of `type` with `payload` to `url`; the job
/// id, or 0. Retries a refused connection or a 503 for up to `limit`.
uint64_t submit_job(const std::string& url, const std::string& type, const std::string& payload,
                    uint64_t count, std::chrono::milliseconds limit = std::chrono::seconds(30));

/// GET /v1/jobs/{id} from whichever of `managers` leads: succeeded count,
/// or -1 if none answers.
long long succeeded_of(const std::vector<ha_manager*>& managers, uint64_t job);

} // namespace drover::testing
