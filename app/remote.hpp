// Reaching actors in other processes through CAF's middleman, with a bound
// on every wait (a blocking connect must never hang the process). With
// certificates (--tls-cert, --tls-key, --tls-ca) every link, listening or
// connecting, goes through CAF's OpenSSL module and requires a peer
// certificate signed by the CA: a peer without one is dropped during the
// handshake, before any BASP message is read.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/member_link.hpp"
#include "config/options.hpp"
#include "core/errors.hpp"
#include "core/tls_files.hpp"

namespace drover {

/// Loads CAF's middleman and, when `tls` names certificates, its OpenSSL
/// module with them. REQUIRES: check_tls_files(tls) passed.
void configure_node_links(caf::actor_system_config& cfg, const tls_files& tls);

/// True if `sys` was configured with certificates (every link is TLS).
bool uses_tls(caf::actor_system& sys);

/// The actor published at `ep`, or an error naming the address and reason.
result<caf::actor> connect_to(caf::actor_system& sys, const endpoint& ep,
                              std::chrono::milliseconds timeout);

/// Like connect_to, but a refused or failed attempt is repeated with backoff
/// until `within` has passed: a member may start while its registry is
/// still coming up (or restarting). Blocks the calling (main) thread.
result<caf::actor> connect_patiently(caf::actor_system& sys, const endpoint& ep,
                                     std::chrono::milliseconds within);

/// Connects to `ep` again from inside an actor, without blocking it (CAF's
/// middleman connects asynchronously); each attempt waits at most `timeout`.
registry_connector middleman_connector(const endpoint& ep, std::chrono::milliseconds timeout);

/// The registries a member may join through (one per manager process when
/// managers share a PostgreSQL store), tried in turn; a standby's refusal
/// names the leader's registry, which is then tried next. Thread-safe.
class registry_rotation {
public:
  explicit registry_rotation(std::vector<endpoint> eps) : eps_(std::move(eps)) {}
  /// The named leader if one was preferred since, else the next in turn.
  endpoint next();
  /// `host_port` ("host:port") is tried next; "" or a bad address: no change.
  void prefer(const std::string& host_port);
  size_t size() const { return eps_.size(); }

private:
  std::mutex mtx_;
  std::vector<endpoint> eps_;
  size_t next_ = 0;
  std::optional<endpoint> preferred_;
};

/// middleman_connector over a rotation: each attempt goes to rot->next().
registry_connector rotating_connector(std::shared_ptr<registry_rotation> rot,
                                      std::chrono::milliseconds timeout);

/// connect_patiently over a rotation: each attempt goes to the next address.
result<caf::actor> connect_patiently(caf::actor_system& sys, registry_rotation& rot,
                                     std::chrono::milliseconds within);

/// Publishes `hdl` at `ep` (reusing the address); the port it is bound to.
result<uint16_t> publish_at(caf::actor_system& sys, const caf::actor& hdl, const endpoint& ep);

} // namespace drover
