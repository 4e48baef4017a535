#include "app/remote.hpp"

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include <algorithm>
#include <thread>

#include "actors/protocol.hpp"
#include "app/io_inline.hpp"
#include "core/backoff.hpp"
#include "core/log.hpp"
#include "http/port_probe.hpp"

namespace drover {

namespace {

/// The actor that connects and publishes: the OpenSSL module's when the
/// system has certificates, else the plain middleman's.
caf::io::middleman_actor connector_of(caf::actor_system& sys) {
  return uses_tls(sys) ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

} // namespace

void configure_node_links(caf::actor_system_config& cfg, const tls_files& tls) {
  load_inline_middleman(cfg); // lone messages run on the network thread
  if (!tls.any()) {
    // Members talk to the manager's node directly instead of through the
    // registry's process. CAF opens a plain listening port for that, so it
    // stays off with TLS (it would be a way in without a certificate).
    cfg.set("middleman.enable-automatic-connections", true);
    return;
  }
  cfg.load<caf::openssl::manager>();
  cfg.openssl_certificate = tls.cert;
  cfg.openssl_key = tls.key;
  cfg.openssl_cafile = tls.ca;
  cfg.set("middleman.enable-automatic-connections", false);
}

bool uses_tls(caf::actor_system& sys) {
  return sys.has_openssl_manager() && !sys.config().openssl_cafile.empty();
}

result<caf::actor> connect_to(caf::actor_system& sys, const endpoint& ep,
                              std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  caf::actor out;
  error failed;
  auto where = ep.host + ":" + std::to_string(ep.port);
  self->request(connector_of(sys), timeout, caf::connect_atom::value, ep.host, ep.port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        out = caf::actor_cast<caf::actor>(ptr);
        if (!out)
          failed = {ec::unreachable, where + " answered, but publishes no actor"};
      },
      [&](caf::error& err) {
        failed = {ec::unreachable, "cannot reach " + where + ": " + sys.render(err)};
      });
  if (failed)
    return failed;
  return out;
}

result<caf::actor> connect_patiently(caf::actor_system& sys, const endpoint& ep,
                                     std::chrono::milliseconds within) {
  registry_rotation one{{ep}};
  return connect_patiently(sys, one, within);
}

endpoint registry_rotation::next() {
  std::lock_guard<std::mutex> guard{mtx_};
  if (preferred_) {
    auto ep = *preferred_;
    preferred_.reset();
    return ep;
  }
  return eps_[next_++ % eps_.size()];
}

void registry_rotation::prefer(const std::string& host_port) {
  auto ep = parse_endpoint(host_port);
  if (!ep)
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  preferred_ = *ep;
}

registry_connector rotating_connector(std::shared_ptr<registry_rotation> rot,
                                      std::chrono::milliseconds timeout) {
  return [rot, timeout](caf::event_based_actor* self, std::function<void(caf::actor)> connected,
                        std::function<void(std::string)> failed) {
    middleman_connector(rot->next(), timeout)(self, std::move(connected), std::move(failed));
  };
}

result<caf::actor> connect_patiently(caf::actor_system& sys, registry_rotation& rot,
                                     std::chrono::milliseconds within) {
  using clock = std::chrono::steady_clock;
  auto ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now().time_since_epoch())
      .count();
  };
  backoff_policy policy{std::chrono::milliseconds{50}, std::chrono::milliseconds{500}, within};
  auto since = ms();
  for (uint32_t failures = 1;; ++failures) {
    auto left = std::max<int64_t>(1, since + within.count() - ms());
    // With several registries each attempt may wait only its share.
    auto share = std::max<int64_t>(1, left / static_cast<int64_t>(rot.size()));
    auto connected = connect_to(sys, rot.next(), std::chrono::milliseconds(share));
    if (connected)
      return connected;
    auto d = next_retry(policy, failures, since, ms());
    if (d.give_up)
      return connected;
    if (worth_logging(failures))
      log_warn("{}; trying again in {} ms (--connect-timeout)", connected.err().message,
               d.wait.count());
    std::this_thread::sleep_for(d.wait);
  }
}

registry_connector middleman_connector(const endpoint& ep, std::chrono::milliseconds timeout) {
  return [ep, timeout](caf::event_based_actor* self, std::function<void(caf::actor)> connected,
                       std::function<void(std::string)> failed) {
    auto where = ep.host + ":" + std::to_string(ep.port);
    self->request(connector_of(self->system()), timeout, caf::connect_atom::value, ep.host,
                  ep.port)
      .then(
        [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
          auto hdl = caf::actor_cast<caf::actor>(ptr);
          if (hdl)
            connected(std::move(hdl));
          else
            failed(where + " answered, but publishes no actor");
        },
        [=](caf::error& err) {
          failed("cannot reach " + where + ": " + self->system().render(err));
        });
  };
}

result<uint16_t> publish_at(caf::actor_system& sys, const caf::actor& hdl, const endpoint& ep) {
  auto res = uses_tls(sys) ? caf::openssl::publish(hdl, ep.port, ep.host.c_str(), true)
                           : sys.middleman().publish(hdl, ep.port, ep.host.c_str(), true);
  if (!res) { // CAF does not say why: a bind of our own does
    auto why = bind_problem(ep.host, ep.port);
    return error{ec::unreachable, "cannot listen on " + ep.host + ":" + std::to_string(ep.port)
                                    + " for the registry: "
                                    + (why.empty() ? sys.render(res.error()) : why)
                                    + " (pick another --listen=HOST:PORT)"};
  }
  return *res;
}

} // namespace drover
