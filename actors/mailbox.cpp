// The mailbox actor: see actors/mailbox.hpp.
#include "actors/mailbox.hpp"

#include "actors/protocol_data.hpp"
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
  bool connecting = false;
  static inline const char* name = "mailbox";
};

using mailbox_ptr = caf::stateful_actor<mailbox_state>*;

caf::error to_caf_error(const error& e) {
  return caf::error{e.code, e.message};
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
void hello(mailbox_ptr self, caf::actor courier) {
  auto& st = self->state;
  self->request(courier, st.opts.ask_timeout, hello_atom::value, st.opts.node)
    .then(
      [=](topology& t) {
        auto& st = self->state;
        st.connecting = false;
        st.courier = courier;
        self->monitor(courier);
        if (auto err = st.queue->keep_only(t.users))
          log_error("mailbox {}: {}", st.opts.node, err.message);
        set_user_backlog(st.queue->backlog());
        log_info("mailbox {}: route {} with {} users, {} nodes", st.opts.node, t.route,
                 t.users.size(), t.nodes.size());
        st.topo = std::move(t);
      },
      [=](caf::error& e) {
        self->state.connecting = false;
        log_warn("mailbox {}: hello failed: {}", self->state.opts.node, self->system().render(e));
      });
}

void find_courier(mailbox_ptr self) {
  auto& st = self->state;
  if (st.courier || st.connecting)
    return;
  st.connecting = true;
  if (st.opts.courier)
    return hello(self, st.opts.courier);
  if (!st.opts.registry) {
    st.connecting = false;
    return;
  }
  self->request(st.opts.registry, st.opts.ask_timeout, courier_atom::value, get_atom::value)
    .then([=](caf::actor& c) { hello(self, c); },
          [=](caf::error&) { self->state.connecting = false; });
}

caf::behavior mailbox(mailbox_ptr self, mailbox_options opts, std::shared_ptr<user_queue> q) {
  self->state.opts = opts;
  self->state.queue = std::move(q);
  set_user_backlog(self->state.queue->backlog());
  self->set_down_handler([=](caf::down_msg& dm) {
    if (self->state.courier && dm.source == self->state.courier.address()) {
      log_warn("mailbox {}: the courier is down; looking for it again", self->state.opts.node);
      self->state.courier = nullptr;
    }
  });
  self->set_default_handler(caf::print_and_drop);
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      if (self->state.courier)
        fetch_topology(self);
      else
        find_courier(self);
      self->delayed_send(self, self->state.opts.topology_every, tick_atom::value);
    },
    [=](topology_atom, uint64_t version) {
      if (version != self->state.topo.version)
        fetch_topology(self);
    },
    [=](deliver_atom, const std::vector<data_item>& items) -> caf::result<offer_answer> {
      auto& st = self->state;
      std::vector<offer_result> res;
      if (auto err = st.queue->offer(items, st.opts.bound, res))
        return to_caf_error(err);
      set_user_backlog(st.queue->backlog());
      offer_answer out;
      for (auto r : res)
        out.results.push_back(static_cast<uint8_t>(r));
      return out;
    },
    [=](recv_atom, uint64_t user, uint32_t max) -> caf::result<recv_batch> {
      recv_batch out{user, {}};
      if (auto err = self->state.queue->read(user, max, out.items))
        return to_caf_error(err);
      return out;
    },
    [=](recv_atom, ack_atom, uint64_t user,
        const std::string& last) -> caf::result<std::vector<std::string>> {
      std::vector<std::string> done;
      if (auto err = self->state.queue->ack(user, last, done))
        return to_caf_error(err);
      set_user_backlog(self->state.queue->backlog());
      return done;
    },
    [=](get_atom, topology_atom) { return self->state.topo; },
  };
}

} // namespace

caf::actor spawn_mailbox(caf::actor_system& sys, mailbox_options opts, bool detached) {
  error err;
  std::shared_ptr<user_queue> q = user_queue::open(opts.path, err, opts.sync);
  if (!q) {
    log_error("mailbox {}: {}", opts.node, err.message);
    return {};
  }
  if (detached)
    return sys.spawn<caf::detached>(mailbox, std::move(opts), std::move(q));
  return sys.spawn(mailbox, std::move(opts), std::move(q));
}

std::string mailbox_path(const std::string& dir, const std::string& node) {
  return (dir.empty() ? std::string{"."} : dir) + "/mailbox-" + node + ".db";
}

} // namespace drover
