#include "app/remote.hpp"

#include <caf/io/all.hpp>

#include "actors/protocol.hpp"

namespace drover {

error connect_to(caf::actor_system& sys, const endpoint& ep,
                 std::chrono::milliseconds timeout, caf::actor& out) {
  caf::scoped_actor self{sys};
  error result;
  auto where = ep.host + ":" + std::to_string(ep.port);
  self->request(sys.middleman().actor_handle(), timeout, caf::connect_atom::value,
                ep.host, ep.port)
    .receive(
      [&](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
        out = caf::actor_cast<caf::actor>(ptr);
        if (!out)
          result = {ec::unreachable, where + " answered, but publishes no actor"};
      },
      [&](caf::error& err) {
        result = {ec::unreachable, "cannot reach " + where + ": " + sys.render(err)};
      });
  return result;
}

error publish_at(caf::actor_system& sys, const caf::actor& hdl, const endpoint& ep,
                 uint16_t& port) {
  auto res = sys.middleman().publish(hdl, ep.port, ep.host.c_str(), true);
  if (!res)
    return {ec::unreachable, "cannot listen on " + ep.host + ":" + std::to_string(ep.port)
                               + " for the registry: the address is in use or not on this "
                                 "machine (pick another --listen=HOST:PORT; "
                               + sys.render(res.error()) + ")"};
  port = *res;
  return {};
}

} // namespace drover
