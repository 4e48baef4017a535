// The mailbox actor: see actors/mailbox.hpp.
#include "actors/mailbox.hpp"

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_data.hpp"
#include "actors/protocol_links.hpp"
#include "core/log.hpp"
#include "core/user_backlog.hpp"
#include "store/user_queue.hpp"

namespace drover {

namespace {

struct mailbox_state {
  mailbox_options opts;
  std::shared_ptr<user_queue> queue;
  caf::actor courier;
  topology topo;                    ///< the latest fetched
  member_link link;                 ///< registry + courier, reconnecting
  static inline const char* name = "mailbox";
};

using mailbox_ptr = caf::stateful_actor<mailbox_state>*;

caf::error to_caf_error(const error& e) {
  return caf::error{e.code, e.message};
}

/// Publishes the queues' item count; a failed count keeps the last one
/// (a status report may lag, no item is at stake) and is logged.
void refresh_backlog(mailbox_ptr self) {
  auto n = self->state.queue->backlog();
  if (!n)
    return log_warn("mailbox {}: cannot count the backlog: {}", self->state.opts.node,
                    n.err().message);
  set_user_backlog(*n);
}

void fetch_topology(mailbox_ptr self) {
  auto& st = self->state;
  if (!st.courier)
    return;
  self->request(st.courier, st.opts.ask_timeout, topology_atom::value, get_atom::value,
                st.opts.node)
    .then([=](topology& t) { self->state.topo = std::move(t); },
          [=](caf::error&) {}); // the next tick asks again
}

/// Hello to the courier: routing id, the users bound here; queues of users
/// bound elsewhere by now are dropped (the courier re-sent them).
void hello(mailbox_ptr self, caf::actor courier, std::function<void(caf::actor)> ok,
           std::function<void(const caf::error&)> failed) {
  auto& st = self->state;
  self->request(courier, st.opts.ask_timeout, hello_atom::value, st.opts.node)
    .then(
      [=](topology& t) {
        auto& st = self->state;
        if (auto err = st.queue->keep_only(t.users))
          log_error("mailbox {}: {}", st.opts.node, err.message);
        refresh_backlog(self);
        log_info("mailbox {}: route {} with {} users, {} nodes", st.opts.node, t.route,
                 t.users.size(), t.nodes.size());
        st.topo = std::move(t);
        ok(courier);
      },
      [=](caf::error& e) { failed(e); });
}

/// Finds the courier through the registry, again whenever it or the
/// registry went away (actors/member_link.hpp); tests hand it in directly.
void start_link(mailbox_ptr self) {
  auto& st = self->state;
  auto on_courier = [=](caf::actor c) {
    self->state.courier = std::move(c);
    if (self->state.opts.courier)
      self->monitor(self->state.courier);
  };
  if (st.opts.courier) // no registry: just say hello
    return hello(self, st.opts.courier, on_courier, [=](const caf::error& e) {
      log_warn("mailbox {}: hello failed: {}", self->state.opts.node, self->system().render(e));
    });
  if (!st.opts.registry && !st.opts.link.reconnect)
    return;
  member_link::hooks h;
  h.join = [=](const caf::actor& reg, std::function<void(caf::actor)> ok,
               std::function<void(const caf::error&)> failed) {
    self->request(reg, self->state.opts.ask_timeout, courier_atom::value, get_atom::value)
      .then([=](caf::actor& c) { hello(self, c, ok, failed); },
            [failed](caf::error& e) { failed(e); });
  };
  h.joined = [=](const caf::actor& c, bool) { on_courier(c); };
  h.lost = [=] { self->state.courier = nullptr; };
  h.gave_up = [=](const std::string&) { self->quit(); }; // logged by the link
  st.link.start(self, "mailbox " + st.opts.node, st.opts.link, st.opts.registry, std::move(h));
}

caf::behavior mailbox(mailbox_ptr self, mailbox_options opts, std::shared_ptr<user_queue> q) {
  self->state.opts = opts;
  self->state.queue = std::move(q);
  refresh_backlog(self);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (self->state.link.on_down(dm))
      return;
    if (self->state.courier && dm.source == self->state.courier.address()) {
      log_warn("mailbox {}: the courier is down", self->state.opts.node);
      self->state.courier = nullptr;
    }
  });
  ignore_strays(self, "mailbox " + self->state.opts.node);
  start_link(self);
  self->delayed_send(self, self->state.opts.topology_every, tick_atom::value);
  return {
    [=](tick_atom) {
      if (self->state.courier)
        fetch_topology(self);
      self->delayed_send(self, self->state.opts.topology_every, tick_atom::value);
    },
    [=](reconnect_atom, uint64_t gen) { self->state.link.on_retry(gen); },
    [=](topology_atom, uint64_t version) {
      if (version != self->state.topo.version)
        fetch_topology(self);
    },
    [=](deliver_atom, const std::vector<data_item>& items) -> caf::result<offer_answer> {
      auto& st = self->state;
      auto res = st.queue->offer(items, st.opts.bound);
      if (!res)
        return to_caf_error(res.err());
      refresh_backlog(self);
      offer_answer out;
      for (auto r : *res)
        out.results.push_back(static_cast<uint8_t>(r));
      return out;
    },
    [=](recv_atom, uint64_t user, uint32_t max) -> caf::result<recv_batch> {
      auto items = self->state.queue->read(user, max);
      if (!items)
        return to_caf_error(items.err());
      return recv_batch{user, std::move(*items)};
    },
    [=](recv_atom, ack_atom, uint64_t user,
        const std::string& last) -> caf::result<std::vector<std::string>> {
      auto done = self->state.queue->ack(user, last);
      if (!done)
        return to_caf_error(done.err());
      refresh_backlog(self);
      return std::move(*done);
    },
    [=](get_atom, topology_atom) { return self->state.topo; },
  };
}

} // namespace

caf::actor spawn_mailbox(caf::actor_system& sys, mailbox_options opts, bool detached) {
  auto opened = user_queue::open(opts.path, opts.sync);
  if (!opened) {
    log_error("mailbox {}: {}", opts.node, opened.err().message);
    return {};
  }
  std::shared_ptr<user_queue> q = std::move(*opened);
  if (detached)
    return sys.spawn<caf::detached>(mailbox, std::move(opts), std::move(q));
  return sys.spawn(mailbox, std::move(opts), std::move(q));
}

std::string mailbox_path(const std::string& dir, const std::string& node) {
  return (dir.empty() ? std::string{"."} : dir) + "/mailbox-" + node + ".db";
}

} // namespace drover
