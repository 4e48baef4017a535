#include "actors/registry.hpp"

#include <map>

#include "actors/admin_gate.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_data.hpp"
#include "actors/protocol_leader.hpp"
#include "core/leader_address.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

struct member_entry {
  member_info info;
  caf::actor handle;
  caf::actor_clock::time_point last_seen; ///< registration or last heartbeat
};

struct registry_state {
  registry_options opts;
  caf::actor manager;
  std::map<std::string, member_entry> members; ///< by member_key()
  std::vector<caf::response_promise> waiting; ///< members waiting for a manager
  caf::actor courier; ///< multi-user data: consumer nodes' mailboxes ask for it
  /// Its manager process stands by (managers sharing a PostgreSQL store):
  /// members are sent to the leader's registry instead of waiting here.
  bool standby = false;
  std::string leader; ///< the leader's registry "host:port"; "" unknown
  static inline const char* name = "registry";
};

using registry_ptr = caf::stateful_actor<registry_state>*;

/// One process may run a producer and a consumer under one node name.
std::string member_key(const member_info& m) {
  return std::string{to_string(m.role)} + ":" + m.node;
}

/// Drops a member and tells the manager it was lost.
void drop_lost(registry_ptr self, std::map<std::string, member_entry>::iterator i,
               const std::string& why) {
  auto info = i->second.info;
  self->demonitor(i->second.handle);
  self->state.members.erase(i);
  log_info("registry: {} {} {}", to_string(info.role), info.node, why);
  // The manager shows why (GET /v1/nodes): "down (...)", "missed 3 heartbeats ...".
  if (self->state.manager)
    self->send(self->state.manager, lost_atom::value, info,
               why.rfind("is ", 0) == 0 ? why.substr(3) : why);
  // A silent consumer may keep its connection (and its mailbox) up: the
  // courier hears of the loss here, not only from a down message.
  if (self->state.courier && info.role == member_role::consumer)
    self->send(self->state.courier, lost_atom::value, info);
}

/// Every interval: members silent for `misses` intervals are lost.
void check_heartbeats(registry_ptr self) {
  auto& st = self->state;
  auto limit = st.opts.heartbeat * st.opts.misses;
  auto now = self->clock().now();
  for (auto i = st.members.begin(); i != st.members.end();) {
    auto next = std::next(i);
    if (now - i->second.last_seen > limit)
      drop_lost(self, i,
                fmt::format("missed {} heartbeats ({} ms each)", st.opts.misses,
                            st.opts.heartbeat.count()));
    i = next;
  }
}

void on_down(registry_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (st.manager && dm.source == st.manager.address()) {
    // Stopped on purpose (its process shutting down) is no failure.
    if (dm.reason == caf::exit_reason::user_shutdown)
      log_info("registry: the manager stopped ({})", self->system().render(dm.reason));
    else
      log_warn("registry: the manager is down ({})", self->system().render(dm.reason));
    st.manager = nullptr;
    return;
  }
  for (auto i = st.members.begin(); i != st.members.end(); ++i) {
    if (i->second.handle.address() != dm.source)
      continue;
    drop_lost(self, i, fmt::format("is down ({})", self->system().render(dm.reason)));
    return;
  }
}

/// Asks the manager `msg` (a rules get or apply) and answers the current
/// request with what it says.
caf::result<rules_info> relay_rules(registry_ptr self, caf::message msg) {
  if (!self->state.manager)
    return caf::error{ec::no_manager, std::string{"no manager has registered yet"}};
  auto rp = self->make_response_promise<rules_info>();
  self->request(self->state.manager, std::chrono::seconds(60), std::move(msg))
    .then([rp](rules_info& info) mutable { rp.deliver(std::move(info)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// How long a registered member has to prove it is alive when another
/// process registers its name: a live one answers within a heartbeat.
std::chrono::milliseconds liveness_timeout(const registry_options& o) {
  return std::max<std::chrono::milliseconds>(o.heartbeat, std::chrono::milliseconds(1000));
}

/// " (pid N)" of a member's process (on its host), or "" if unknown.
std::string where(const caf::actor& hdl) {
  auto node = hdl.node();
  if (node == caf::node_id{})
    return "";
  auto text = to_string(node); // HOSTHASH#PID
  auto hash = text.rfind('#');
  return hash == std::string::npos ? "" : fmt::format(" (pid {})", text.substr(hash + 1));
}

/// `hdl` is now the member `info`; answers `rp` with the manager, or once
/// one registers.
void admit(registry_ptr self, const member_info& info, const caf::actor& hdl,
           caf::response_promise rp) {
  auto& st = self->state;
  auto& entry = st.members[member_key(info)];
  if (entry.handle && entry.handle != hdl)
    self->demonitor(entry.handle); // a new incarnation replaces the old one
  entry = member_entry{info, hdl, self->clock().now()};
  self->monitor(hdl);
  log_info("registry: {} {} registered", to_string(info.role), info.node);
  if (st.manager) {
    self->send(st.manager, joined_atom::value, info, hdl);
    rp.deliver(st.manager);
    return;
  }
  st.waiting.push_back(std::move(rp));
}

caf::behavior registry(registry_ptr self, registry_options opts) {
  self->state.opts = opts;
  if (opts.heartbeat.count() > 0)
    self->delayed_send(self, opts.heartbeat, tick_atom::value);
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_default_handler(caf::print_and_drop); // a stray message must not kill it
  self->set_error_handler([](caf::error& err) { // nor a stray error message
    log_warn("registry: ignored an error message: {}", to_string(err));
  });
  return {
    [=](leader_atom, const std::string& leader) { // this process stands by
      self->state.standby = true;
      self->state.leader = leader;
    },
    [=](leader_atom) { // this process won: members wait here for its manager
      self->state.standby = false;
    },
    [=](manager_atom, const caf::actor& mgr) {
      auto& st = self->state;
      st.standby = false;
      st.manager = mgr;
      self->monitor(mgr);
      for (auto& [node, m] : st.members)
        self->send(mgr, joined_atom::value, m.info, m.handle);
      for (auto& rp : st.waiting)
        rp.deliver(mgr);
      st.waiting.clear();
      log_info("registry: manager registered; {} members known", st.members.size());
    },
    [=](register_atom, const member_info& info) -> caf::result<caf::actor> {
      auto hdl = caf::actor_cast<caf::actor>(self->current_sender());
      if (!hdl)
        return caf::error{ec::bad_input, std::string{"register needs a sender"}};
      if (info.node.empty())
        return caf::error{ec::bad_input, std::string{"register needs a node name"}};
      if (!self->state.manager && self->state.standby)
        return caf::error{ec::not_leader, not_leader_text(self->state.leader)};
      auto rp = self->make_response_promise<caf::actor>();
      auto i = self->state.members.find(member_key(info));
      if (i == self->state.members.end() || !i->second.handle || i->second.handle == hdl) {
        admit(self, info, hdl, rp);
        return rp;
      }
      // The name is registered by another actor: a new incarnation of a
      // process that died (its down message may still be on the way), or a
      // second process started with the same name. Only the old one can say.
      auto old = i->second.handle;
      self
        ->request(old, liveness_timeout(self->state.opts), caf::sys_atom::value,
                  caf::get_atom::value, std::string{"info"})
        .then(
          [=](caf::ok_atom, std::string&, caf::strong_actor_ptr&, std::string&) mutable {
            auto text = fmt::format(
              "node name {} is taken: a live {} registered under it{}; give this process "
              "another --node name, or stop the other one first",
              info.node, to_string(info.role), where(old));
            log_warn("registry: refused a second {} {}{}", to_string(info.role), info.node,
                     where(hdl));
            rp.deliver(to_caf(error{ec::name_taken, text}));
          },
          [=](caf::error&) mutable { admit(self, info, hdl, rp); }); // gone: replace it
      return rp;
    },
    // `drover rules apply|get --manager=HOST:PORT` reaches the registry,
    // which is what listens there: the door for operators from outside the
    // manager's process (actors/admin_gate.hpp). It asks the manager itself,
    // so the manager sees a sender in its own process.
    [=](rules_atom, apply_atom, std::string& yaml, std::string& source,
        const std::string& token) -> caf::result<rules_info> {
      if (auto refused = refuse_without_token(self, self->state.opts.token, token, "rules apply",
                                                  self->state.manager))
        return refused;
      return relay_rules(self, caf::make_message(rules_atom::value, apply_atom::value,
                                                 std::move(yaml), std::move(source)));
    },
    [=](rules_atom, get_atom, const std::string& token) -> caf::result<rules_info> {
      if (auto refused = refuse_without_token(self, self->state.opts.token, token, "rules get",
                                                  self->state.manager))
        return refused;
      return relay_rules(self, caf::make_message(rules_atom::value, get_atom::value));
    },
    [=](heartbeat_atom, const member_info& who) -> caf::result<void> {
      auto i = self->state.members.find(member_key(who));
      if (i == self->state.members.end()
          || i->second.handle != caf::actor_cast<caf::actor>(self->current_sender()))
        return caf::error{ec::unknown_member,
                          who.node + " is not registered (it was lost); register again"};
      i->second.last_seen = self->clock().now();
      return caf::unit;
    },
    [=](get_atom, members_atom) {
      auto& st = self->state;
      std::vector<node_info> out;
      for (auto& [key, m] : st.members) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    m.last_seen.time_since_epoch()).count();
        node_info n;
        n.member = m.info;
        n.last_heartbeat_ms = ms + st.opts.wall_offset_ms;
        out.push_back(std::move(n));
      }
      return out;
    },
    [=](tick_atom) {
      check_heartbeats(self);
      self->delayed_send(self, self->state.opts.heartbeat, tick_atom::value);
    },
    [=](alert_atom, const std::string& node, const std::string& text) {
      if (self->state.manager) // the manager keeps and reports alerts
        self->send(self->state.manager, alert_atom::value, node, text);
      else
        log_error("ALERT from {} (no manager to report it to): {}", node, text);
    },
    // -- multi-user data: mailboxes find the courier here -------------------
    [=](courier_atom, const caf::actor& c) { self->state.courier = c; },
    [=](courier_atom, get_atom) -> caf::result<caf::actor> {
      if (!self->state.courier)
        return caf::error{ec::no_manager, std::string{"no courier has registered yet"}};
      return self->state.courier;
    },
    [=](deregister_atom, const member_info& who) {
      auto& st = self->state;
      auto i = st.members.find(member_key(who));
      if (i == st.members.end())
        return;
      auto info = i->second.info;
      self->demonitor(i->second.handle);
      st.members.erase(i);
      log_info("registry: {} {} deregistered", to_string(info.role), info.node);
      if (st.manager)
        self->send(st.manager, left_atom::value, info);
    },
  };
}

} // namespace

caf::actor spawn_registry(caf::actor_system& sys, registry_options opts) {
  return sys.spawn(registry, opts);
}

} // namespace drover
