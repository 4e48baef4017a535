// The courier's message table and its request handlers: users, send, receive
// and acknowledge, queries. The delivery flow is in courier_flow.cpp.
#include "actors/courier_state.hpp"
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

caf::result<user_info> create_user(courier_ptr self, const std::string& name) {
  auto& st = self->state;
  user_info u;
  u.id = st.next_user + 1;
  u.name = name;
  u.node = pick_node(st, u.id);
  u.created_ms = courier_now_ms(self);
  if (auto err = st.store->put_user(u))
    return caf::error{err.code, err.message};
  ++st.next_user;
  st.users[u.id] = u;
  log_info("courier: user {} ({}) bound to {}", format_user_id(u.id), name,
           u.node.empty() ? "nobody yet" : u.node);
  return u;
}

caf::result<send_receipt> accept(courier_ptr self, send_request& req) {
  auto& st = self->state;
  if (!st.users.count(req.sender))
    return user_unknown(req.sender);
  auto dest = st.users.find(req.dest);
  if (dest == st.users.end())
    return user_unknown(req.dest);
  if (st.open.size() >= st.opts.max_pending)
    return caf::error{ec::overloaded, fmt::format("{} items wait for delivery or consumption "
                                                  "(the limit); retry later", st.open.size())};
  delivery_info d;
  d.item.seq = st.next_seq + 1;
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
  if (auto err = st.store->put_delivery(d.item, gen)) // durable before the answer
    return caf::error{err.code, err.message};
  ++st.next_seq;
  send_receipt out{d.item.id, req.dest, dest->second.node};
  st.ids[d.item.id] = d.item.seq;
  st.lanes[req.dest].queued.push_back(d.item.seq);
  st.open[d.item.seq] = std::move(d);
  ++st.users[req.sender].sent;
  st.dirty_users.insert(req.sender);
  enqueue(st, req.dest);
  dispatch(self);
  return out;
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

caf::behavior courier(courier_ptr self, courier_options opts, std::shared_ptr<data_store> db) {
  auto& st = self->state;
  st.opts = opts;
  st.rng.seed(static_cast<std::minstd_rand::result_type>(opts.seed));
  st.store = std::move(db);
  recover(self);
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
    [=](delivery_atom, get_atom, const std::string& id) -> caf::result<delivery_info> {
      auto d = self->state.store->get(id);
      if (!d)
        return caf::error{d.err().code, d.err().message};
      if (!*d)
        return caf::error{ec::unknown_task, "no delivery " + id};
      return std::move(**d);
    },
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
  std::vector<user_info> users;
  for (auto id : st.dirty_users)
    users.push_back(st.users[id]);
  if (auto err = st.store->apply(st.changes, users))
    log_error("courier: cannot store {} changes: {}", st.changes.size(), err.message);
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

caf::actor spawn_courier(caf::actor_system& sys, courier_options opts, bool detached) {
  auto opened = data_store::open(opts.store_path, opts.sync);
  if (!opened) {
    log_error("courier: {}", opened.err().message);
    return {};
  }
  std::shared_ptr<data_store> db = std::move(*opened);
  if (detached)
    return sys.spawn<caf::detached>(courier, std::move(opts), std::move(db));
  return sys.spawn(courier, std::move(opts), std::move(db));
}

} // namespace drover
