// The courier's message table and its request handlers: users, send, receive
// and acknowledge, queries. The delivery flow is in courier_flow.cpp.
#include "actors/courier_state.hpp"
#include "actors/protocol.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

caf::error user_unknown(uint64_t id) {
  return caf::error{ec::unknown_member, format_user_id(id)
                                          + " is not a user; create one with POST /v1/users"};
}

/// A delivery id no other open delivery has (6 random digits per id).
std::string fresh_id(courier_state& st, int64_t ms) {
  for (;;) {
    auto id = format_delivery_id(st.opts.node, ms, static_cast<uint32_t>(st.rng() % 1000000));
    if (!st.ids.count(id))
      return id;
  }
}

// The id is taken before the write (another create may come in while it
// runs); a failed write leaves a gap in the ids, never a duplicate.
caf::result<user_info> create_user(courier_ptr self, const std::string& name) {
  auto& st = self->state;
  user_info u;
  u.id = ++st.next_user;
  u.name = name;
  u.node = pick_node(st, u.id);
  u.created_ms = courier_now_ms(self);
  auto rp = self->make_response_promise<user_info>();
  on_store<data_store>(
    self, st.store, [u](data_store& db) { return db.put_user(u); },
    [=](error& err) mutable {
      if (err) {
        rp.deliver(to_caf(err));
        return;
      }
      self->state.users[u.id] = u;
      log_info("courier: user {} ({}) bound to {}", format_user_id(u.id), u.name,
               u.node.empty() ? "nobody yet" : u.node);
      rp.deliver(u);
    });
  return rp;
}

caf::result<send_receipt> accept(courier_ptr self, send_request& req) {
  auto& st = self->state;
  if (!st.users.count(req.sender))
    return user_unknown(req.sender);
  auto dest = st.users.find(req.dest);
  if (dest == st.users.end())
    return user_unknown(req.dest);
  if (st.open.size() + st.accepting >= st.opts.max_pending)
    return caf::error{ec::overloaded,
                      fmt::format("{} items wait for delivery or consumption (the limit); "
                                  "retry later", st.open.size() + st.accepting)};
  delivery_info d;
  d.item.seq = ++st.next_seq; // taken now, as the id: other sends come in during the write
  d.item.created_ms = courier_now_ms(self);
  d.item.id = fresh_id(st, d.item.created_ms);
  d.item.sender = req.sender;
  d.item.user = req.dest;
  d.item.level = req.level;
  d.item.data_type = std::move(req.data_type);
  d.item.body = std::move(req.body);
  data_event gen{"generated", d.item.created_ms,
                 fmt::format("{} -> {}, level {}, {} bytes", format_user_id(req.sender),
                             format_user_id(req.dest), to_string(req.level), d.item.body.size())};
  st.ids[d.item.id] = d.item.seq;
  ++st.accepting;
  auto rp = self->make_response_promise<send_receipt>();
  auto sender = req.sender, to = req.dest;
  auto node = dest->second.node;
  // Durable before the answer; the delivery joins its lane only then.
  // Made before the call: the continuation below takes `d` by move, and
  // the order in which arguments are built is unspecified.
  auto write = [item = d.item, gen](data_store& db) { return db.put_delivery(item, gen); };
  on_store<data_store>(
    self, st.store, std::move(write), [=, d = std::move(d)](error& err) mutable {
      auto& st = self->state;
      --st.accepting;
      if (err) {
        st.ids.erase(d.item.id);
        rp.deliver(to_caf(err));
        return;
      }
      send_receipt out{d.item.id, to, node};
      st.lanes[to].queued.push_back(d.item.seq);
      st.open[d.item.seq] = std::move(d);
      ++st.users[sender].sent;
      st.dirty_users.insert(sender);
      enqueue(st, to);
      dispatch(self);
      rp.deliver(std::move(out));
    });
  return rp;
}

/// The mailbox of the node `user` is bound to, or an error saying why not.
caf::expected<caf::actor> bound_mailbox(courier_state& st, uint64_t user) {
  auto u = st.users.find(user);
  if (u == st.users.end())
    return user_unknown(user);
  auto n = st.nodes.find(u->second.node);
  if (n == st.nodes.end() || n->second.grace.lost() || !n->second.mailbox)
    return caf::error{ec::unreachable,
                      fmt::format("{}'s node {} is down; its data moves to another node after "
                                  "the grace; retry", format_user_id(user),
                                  u->second.node.empty() ? "(none)" : u->second.node)};
  return n->second.mailbox;
}

caf::result<recv_batch> read(courier_ptr self, uint64_t user, uint32_t max) {
  auto mb = bound_mailbox(self->state, user);
  if (!mb)
    return mb.error();
  auto rp = self->make_response_promise<recv_batch>();
  self->request(*mb, self->state.opts.deliver_timeout, recv_atom::value, user, max)
    .then([rp](recv_batch& b) mutable { rp.deliver(std::move(b)); },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

void consumed(courier_ptr self, uint64_t user, const std::vector<std::string>& done) {
  auto& st = self->state;
  auto& ln = st.lanes[user];
  for (auto& id : done) {
    auto i = st.ids.find(id);
    if (i == st.ids.end())
      continue;
    auto seq = i->second;
    auto& d = st.open[seq];
    d.state = delivery_state::consumed;
    record(self, d, "consumed", "acknowledged by " + format_user_id(user));
    ln.stored.erase(std::remove(ln.stored.begin(), ln.stored.end(), seq), ln.stored.end());
    st.open.erase(seq);
    st.ids.erase(i);
    ++st.users[user].consumed;
  }
  st.dirty_users.insert(user);
  kick(self, user); // room in its queue now
  flush(self);
  dispatch(self);
}

caf::result<uint64_t> acknowledge(courier_ptr self, uint64_t user, const std::string& last) {
  auto mb = bound_mailbox(self->state, user);
  if (!mb)
    return mb.error();
  auto rp = self->make_response_promise<uint64_t>();
  self->request(*mb, self->state.opts.deliver_timeout, recv_atom::value, ack_atom::value, user,
                last)
    .then(
      [=](std::vector<std::string>& done) mutable {
        consumed(self, user, done);
        rp.deliver(static_cast<uint64_t>(done.size()));
      },
      [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::behavior courier(courier_ptr self, courier_options opts, caf::actor db,
                      std::shared_ptr<data_snapshot> snap) {
  auto& st = self->state;
  st.opts = opts;
  st.rng.seed(static_cast<std::minstd_rand::result_type>(opts.seed));
  st.store = std::move(db);
  keep_worker(self, st.store);
  recover(self, *snap);
  self->set_down_handler([=](caf::down_msg& dm) { on_mailbox_down(self, dm); });
  self->set_default_handler(caf::print_and_drop);
  return {
    [=](user_atom, put_atom, const std::string& name) { return create_user(self, name); },
    [=](user_atom, get_atom) {
      std::vector<user_info> out;
      for (auto& [id, u] : self->state.users)
        out.push_back(user_view(self->state, u));
      return out;
    },
    [=](user_atom, get_atom, uint64_t id) -> caf::result<user_info> {
      auto u = self->state.users.find(id);
      if (u == self->state.users.end())
        return user_unknown(id);
      return user_view(self->state, u->second);
    },
    [=](send_atom, send_request& req) { return accept(self, req); },
    [=](recv_atom, uint64_t user, uint32_t max) { return read(self, user, max); },
    [=](recv_atom, ack_atom, uint64_t user, const std::string& last) {
      return acknowledge(self, user, last);
    },
    [=](delivery_atom, get_atom, const std::string& id) {
      auto rp = self->make_response_promise<delivery_info>();
      // After every write sent before it: the worker runs jobs in order.
      on_store<data_store>(
        self, self->state.store, [id](data_store& db) { return db.get(id); },
        [=](result<std::optional<delivery_info>>& d) mutable {
          if (!d) {
            rp.deliver(to_caf(d.err()));
            return;
          }
          if (!*d) {
            rp.deliver(caf::error{ec::unknown_task, "no delivery " + id});
            return;
          }
          rp.deliver(std::move(**d));
        });
      return rp;
    },
    store_done_handler(),
    [=](hello_atom, const std::string& node) { return on_hello(self, node); },
    [=](lost_atom, const member_info& who) { // the registry: missed heartbeats
      on_node_lost(self, who.node, "was lost (registry)");
    },
    [=](topology_atom, get_atom, const std::string& node) {
      return topology_for(self->state, node);
    },
    [=](retry_atom, uint64_t user, uint64_t gen) { on_retry(self, user, gen); },
    [=](grace_atom, const std::string& node, uint64_t gen) {
      on_grace_expired(self, node, gen);
    },
  };
}

} // namespace

int64_t courier_now_ms(courier_ptr self) {
  auto t = self->clock().now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(t).count()
         + self->state.opts.wall_offset_ms;
}

void record(courier_ptr self, const delivery_info& d, const char* kind, std::string detail) {
  self->state.changes.push_back(delivery_change{
    d.item.seq, d.state, d.node, d.attempts,
    data_event{kind, courier_now_ms(self), std::move(detail)}});
}

void flush(courier_ptr self) {
  auto& st = self->state;
  if (st.changes.empty() && st.dirty_users.empty())
    return;
  std::vector<user_info> users;
  for (auto id : st.dirty_users)
    users.push_back(st.users[id]);
  auto n = st.changes.size();
  on_store<data_store>(
    self, st.store,
    [changes = std::move(st.changes), users = std::move(users)](data_store& db) {
      return db.apply(changes, users);
    },
    [n](error& err) {
      if (err)
        log_error("courier: cannot store {} changes: {}", n, err.message);
    });
  st.changes.clear();
  st.dirty_users.clear();
}

user_info user_view(const courier_state& st, const user_info& u) {
  auto out = u;
  if (auto ln = st.lanes.find(u.id); ln != st.lanes.end()) {
    out.queued = ln->second.queued.size();
    out.stored = ln->second.stored.size();
  }
  return out;
}

caf::actor spawn_courier(caf::actor_system& sys, courier_options opts, bool io_thread) {
  auto opened = data_store::open(opts.store_path, opts.sync);
  if (!opened) {
    log_error("courier: {}", opened.err().message);
    return {};
  }
  std::shared_ptr<data_store> db = std::move(*opened);
  // Read once here, on the spawning thread before the courier takes any
  // request, so its state is whole from its first message on.
  auto snap = db->load();
  if (!snap) {
    log_error("courier: cannot load {}: {}", opts.store_path, snap.err().message);
    return {};
  }
  auto worker = spawn_store_worker(sys, std::move(db), io_thread);
  return sys.spawn(courier, std::move(opts), worker,
                   std::make_shared<data_snapshot>(std::move(*snap)));
}

} // namespace drover
