#include "actors/member_link.hpp"

#include "actors/protocol.hpp"
#include "core/log.hpp"

namespace drover {

bool is_drover_error(const caf::error& err, uint8_t code) {
  return err.category() == caf::atom("drover") && err.code() == code;
}

void send_heartbeat(caf::event_based_actor* self, const caf::actor& registry,
                    const member_info& info, std::chrono::milliseconds interval,
                    std::function<void()> on_forgotten) {
  if (interval.count() <= 0 || !registry)
    return;
  self->request(registry, interval, heartbeat_atom::value, info)
    .then([] {},
          [=](caf::error& err) {
            if (is_drover_error(err, static_cast<uint8_t>(ec::unknown_member))) {
              log_warn("{} {}: the registry lost track of us; registering again",
                       to_string(info.role), info.node);
              on_forgotten();
            }
            // A time-out is not ours to judge: the registry decides liveness.
          });
  self->delayed_send(self, interval, heartbeat_atom::value);
}

} // namespace drover
