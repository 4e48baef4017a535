#include "actors/announcer.hpp"

#include "actors/protocol.hpp"
#include "actors/protocol_data.hpp"
#include "actors/protocol_links.hpp"

namespace drover {

namespace {

struct announcer_state {
  member_link link;
  static inline const char* name = "announcer";
};

caf::behavior announcer(caf::stateful_actor<announcer_state>* self, announcer_options opts) {
  member_link::hooks h;
  // The registry itself is the peer: the link notices when it goes away.
  h.join = [=](const caf::actor& reg, std::function<void(caf::actor)> ok,
               std::function<void(const caf::error&)>) {
    self->send(reg, manager_atom::value, opts.manager);
    if (opts.courier)
      self->send(reg, courier_atom::value, opts.courier);
    ok(reg);
  };
  h.joined = [](const caf::actor&, bool) {};
  h.gave_up = [=](const std::string&) { self->quit(); };
  self->set_down_handler([=](caf::down_msg& dm) { self->state.link.on_down(dm); });
  self->state.link.start(self, "manager", opts.link, opts.link.registry, std::move(h));
  return {
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
  };
}

} // namespace

caf::actor spawn_announcer(caf::actor_system& sys, announcer_options opts) {
  return sys.spawn(announcer, std::move(opts));
}

} // namespace drover
