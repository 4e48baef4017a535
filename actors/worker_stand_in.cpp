// See actors/worker_stand_in.hpp.
#include "actors/worker_stand_in.hpp"

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_workers.hpp"

namespace drover {

namespace {

struct stand_in_state {
  stand_in_options opts;
  member_link link;
  bool beating = false;  ///< the heartbeat timer runs
  bool left = false;     ///< deregistered: the worker went silent
  static inline const char* name = "worker_stand_in";
};

using stand_in_ptr = caf::stateful_actor<stand_in_state>*;

void start_beating(stand_in_ptr self) {
  auto& st = self->state;
  if (st.beating || st.opts.heartbeat.count() <= 0)
    return;
  st.beating = true;
  self->delayed_send(self, st.opts.heartbeat, heartbeat_atom::value);
}

caf::behavior stand_in(stand_in_ptr self, stand_in_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.opts.link.joined = nullptr; // a remote worker's join says nothing about this process
  auto node = st.opts.info.node;
  ignore_strays(self, "worker " + node);
  self->set_down_handler([=](caf::down_msg& dm) { self->state.link.on_down(dm); });
  member_link::hooks h;
  h.join = member_link::registering(self, [=] { return self->state.opts.info; });
  h.joined = [=](const caf::actor& mgr, bool) {
    self->send(self->state.opts.hub, joined_atom::value, node, mgr);
    start_beating(self);
  };
  h.lost = [] {};
  h.gave_up = [=](const std::string&) { self->quit(); };
  st.link.start(self, "worker " + node, st.opts.link, st.opts.registry, std::move(h));
  return {
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
    [=](heartbeat_atom) {
      auto& s = self->state;
      s.beating = false;
      if (s.left)
        return;
      send_heartbeat(self, s.link.registry(), s.opts.info, s.opts.heartbeat,
                     [=] { self->state.link.rejoin(); });
      s.beating = true; // send_heartbeat scheduled the next one
    },
    [=](assign_atom, std::vector<assignment>& batch) {
      self->send(self->state.opts.hub, assign_atom::value, node, std::move(batch));
    },
    // The hub lives and dies with this process's manager: no older epoch
    // can reach it, so the epoch is not checked here.
    [=](abort_atom, uint64_t, std::vector<lease_ref>& refs) {
      if (!refs.empty())
        self->send(self->state.opts.hub, abort_atom::value, node, std::move(refs));
    },
    [=](register_atom, member_info& info) { // back, or its types/tags/capacity changed
      auto& s = self->state;
      s.opts.info = std::move(info);
      s.left = false;
      s.link.rejoin();
      start_beating(self);
    },
    [=](deregister_atom) { // silent past its lease: the manager's grace starts
      auto& s = self->state;
      s.left = true;
      if (s.link.registry())
        self->send(s.link.registry(), deregister_atom::value, s.opts.info);
    },
  };
}

} // namespace

caf::actor spawn_worker_stand_in(caf::actor_system& sys, stand_in_options opts) {
  return sys.spawn(stand_in, std::move(opts));
}

} // namespace drover
