// The courier's delivery flow: batches per destination node, the answers,
// retries with exponential backoff on CAF timers, and membership (mailbox
// hellos, losses, grace expiry and re-binding). See actors/courier.hpp.
#include <algorithm>

#include "actors/courier_state.hpp"
#include "core/backoff.hpp"
#include "core/log.hpp"

namespace drover {

namespace {

/// (seq, user) of each item in a batch, to match the per-item answers.
using batch_refs = std::vector<std::pair<uint64_t, uint64_t>>;

void notify_topology(courier_ptr self) {
  auto& st = self->state;
  ++st.version;
  for (auto& [name, n] : st.nodes)
    if (n.mailbox && !n.grace.lost())
      self->send(n.mailbox, topology_atom::value, st.version);
}

void rebuild_ring(courier_state& st) {
  st.ring_nodes.clear();
  for (auto& [name, n] : st.nodes)
    if (!n.grace.lost() && n.mailbox)
      st.ring_nodes.push_back(name);
  st.ring.build(st.ring_nodes);
}

/// Puts the lane into backoff; `tried` are the items the failed attempt carried.
void fail_lane(courier_ptr self, uint64_t user, const std::vector<uint64_t>& tried,
               const std::string& why) {
  auto& st = self->state;
  auto& ln = st.lanes[user];
  ln.inflight = 0;
  ln.backing_off = true;
  auto delay = backoff_delay(backoff_policy{st.opts.retry_base, st.opts.retry_cap}, ++ln.fails);
  auto detail = fmt::format("{}; retry in {} ms", why, delay.count());
  for (auto seq : tried)
    if (auto d = st.open.find(seq); d != st.open.end())
      record(self, d->second, "retried", detail);
  if (ln.fails == 1 || ln.fails % 10 == 0)
    log_info("courier: deliveries to {} wait: {}", format_user_id(user), detail);
  self->delayed_send(self, delay, retry_atom::value, user, ++ln.gen);
}

void on_offered(courier_ptr self, const std::string& node, uint64_t token,
                const batch_refs& refs, const std::vector<uint8_t>& results) {
  auto& st = self->state;
  std::map<uint64_t, std::vector<uint64_t>> failed; // user -> items not stored
  std::set<uint64_t> users;
  for (size_t i = 0; i < refs.size(); ++i) {
    auto [seq, user] = refs[i];
    auto& ln = st.lanes[user];
    if (ln.inflight != token) // re-bound meanwhile: the lane starts over elsewhere
      continue;
    users.insert(user);
    bool stored = i < results.size() && results[i] == 0;
    if (!stored || failed.count(user) || ln.queued.empty() || ln.queued.front() != seq) {
      failed[user].push_back(seq);
      continue;
    }
    ln.queued.pop_front();
    ln.stored.push_back(seq);
    auto& d = st.open[seq];
    d.state = delivery_state::stored;
    d.node = node;
    record(self, d, "delivered", "stored in the queue on " + node);
  }
  for (auto user : users) {
    auto& ln = st.lanes[user];
    if (auto f = failed.find(user); f != failed.end()) {
      fail_lane(self, user, f->second,
                fmt::format("the queue of {} on {} is full", format_user_id(user), node));
      continue;
    }
    ln.inflight = 0;
    ln.fails = 0;
    enqueue(st, user);
  }
  flush(self);
  dispatch(self);
}

void send_batch(courier_ptr self, const std::string& node, std::vector<data_item> items,
                const std::vector<uint64_t>& users, uint64_t token) {
  auto& st = self->state;
  ++st.batches;
  batch_refs refs;
  for (auto& it : items)
    refs.emplace_back(it.seq, it.user);
  self->request(st.nodes[node].mailbox, st.opts.deliver_timeout, deliver_atom::value,
                std::move(items))
    .then([=](offer_answer& a) { on_offered(self, node, token, refs, a.results); },
          [=](caf::error& e) {
            auto why = fmt::format("{} did not take the batch: {}", node,
                                   self->system().render(e));
            for (auto user : users) {
              if (self->state.lanes[user].inflight != token)
                continue;
              std::vector<uint64_t> tried;
              for (auto& [seq, u] : refs)
                if (u == user)
                  tried.push_back(seq);
              fail_lane(self, user, tried, why);
            }
            flush(self);
          });
}

} // namespace

void enqueue(courier_state& st, uint64_t user) {
  auto& ln = st.lanes[user];
  if (ln.in_ready || ln.inflight || ln.backing_off || ln.queued.empty())
    return;
  ln.in_ready = true;
  st.ready.push(user, st.open[ln.queued.front()].item.level);
}

void dispatch(courier_ptr self) {
  auto& st = self->state;
  std::map<std::string, std::vector<data_item>> batches;
  std::map<std::string, std::vector<uint64_t>> batch_users;
  uint32_t budget = st.opts.round_items;
  while (budget > 0) {
    auto next = st.ready.pop();
    if (!next)
      break;
    uint64_t user = *next;
    auto& ln = st.lanes[user];
    ln.in_ready = false;
    if (ln.inflight || ln.backing_off || ln.queued.empty())
      continue;
    auto& node = st.users[user].node;
    auto n = st.nodes.find(node);
    if (n == st.nodes.end() || n->second.grace.lost() || !n->second.mailbox) {
      fail_lane(self, user, {ln.queued.front()},
                node.empty() ? std::string{"no consumer node lives to bind the user to"}
                             : fmt::format("node {} is down", node));
      continue;
    }
    auto take = std::min<size_t>({ln.queued.size(), st.opts.lane_batch, budget});
    for (size_t i = 0; i < take; ++i) {
      auto& d = st.open[ln.queued[i]];
      ++d.attempts;
      record(self, d, "executed", fmt::format("sent to {} (attempt {})", node, d.attempts));
      batches[node].push_back(d.item);
    }
    batch_users[node].push_back(user);
    budget -= static_cast<uint32_t>(take);
  }
  flush(self);
  for (auto& [node, items] : batches) {
    auto token = ++st.next_token;
    for (auto u : batch_users[node])
      st.lanes[u].inflight = token;
    send_batch(self, node, std::move(items), batch_users[node], token);
  }
}

void on_retry(courier_ptr self, uint64_t user, uint64_t gen) {
  auto& ln = self->state.lanes[user];
  if (ln.gen != gen || !ln.backing_off)
    return; // an older timer, or the lane was kicked meanwhile
  ln.backing_off = false;
  enqueue(self->state, user);
  dispatch(self);
}

void kick(courier_ptr self, uint64_t user) {
  auto& ln = self->state.lanes[user];
  if (ln.backing_off) {
    ln.backing_off = false;
    ++ln.gen;
  }
  ln.fails = 0;
  enqueue(self->state, user);
}

std::string pick_node(const courier_state& st, uint64_t user) {
  if (st.ring.size() == 0)
    return {};
  return st.ring_nodes[st.ring.slot_at(st.ring.find(hash_number(user)))];
}

topology topology_for(const courier_state& st, const std::string& node) {
  topology t;
  t.version = st.version;
  for (auto& [name, n] : st.nodes) {
    if (n.grace.lost())
      continue;
    t.nodes.push_back(name);
    t.routes.push_back(n.route);
    if (name == node)
      t.route = n.route;
  }
  for (auto& [id, u] : st.users)
    if (u.node == node)
      t.users.push_back(id);
  return t;
}

/// Binds `user` anew; its stored-but-unconsumed items go back to the queue
/// in order and follow it to the new node.
static void rebind(courier_ptr self, uint64_t user, const std::string& why) {
  auto& st = self->state;
  auto& u = st.users[user];
  auto old = u.node;
  u.node = pick_node(st, user);
  st.dirty_users.insert(user);
  auto& ln = st.lanes[user];
  std::deque<uint64_t> all;
  std::merge(ln.stored.begin(), ln.stored.end(), ln.queued.begin(), ln.queued.end(),
             std::back_inserter(all));
  for (auto seq : ln.stored) {
    auto& d = st.open[seq];
    d.state = delivery_state::queued;
    record(self, d, "rebound", fmt::format("{} -> {}: {}", old, u.node.empty() ? "-" : u.node, why));
  }
  ln.stored.clear();
  ln.queued = std::move(all);
  ln.inflight = 0; // answers of a batch still on its way are ignored
  kick(self, user);
  log_info("courier: {} re-bound from {} to {} ({})", format_user_id(user), old,
           u.node.empty() ? "nobody yet" : u.node, why);
}

topology on_hello(courier_ptr self, const std::string& node) {
  auto& st = self->state;
  auto hdl = caf::actor_cast<caf::actor>(self->current_sender());
  auto& n = st.nodes[node];
  if (n.mailbox != hdl) {
    if (n.mailbox)
      self->demonitor(n.mailbox);
    n.mailbox = hdl;
    self->monitor(hdl);
  }
  if (n.route == 0)
    n.route = ++st.next_route;
  n.grace.back(); // a pending grace timer is now stale
  rebuild_ring(st);
  log_info("courier: node {} joined (route {})", node, n.route);
  for (auto& [id, u] : st.users) {
    if (u.node.empty())
      rebind(self, id, "a consumer node joined");
    else if (u.node == node)
      kick(self, id);
  }
  notify_topology(self);
  flush(self);
  dispatch(self);
  return topology_for(st, node);
}

void on_node_lost(courier_ptr self, const std::string& node, const char* why) {
  auto& st = self->state;
  auto n = st.nodes.find(node);
  if (n == st.nodes.end() || n->second.grace.lost())
    return;
  if (n->second.mailbox) // a silent node's mailbox may still live: its hello re-monitors it
    self->demonitor(n->second.mailbox);
  n->second.mailbox = nullptr;
  auto gen = n->second.grace.lose();
  rebuild_ring(st);
  notify_topology(self);
  log_info("courier: node {} {}; its users move in {} ms unless it returns", node, why,
           st.opts.grace.count());
  self->delayed_send(self, st.opts.grace, grace_atom::value, node, gen);
}

void on_mailbox_down(courier_ptr self, const caf::down_msg& dm) {
  for (auto& [name, n] : self->state.nodes)
    if (n.mailbox && n.mailbox.address() == dm.source)
      return on_node_lost(self, name, "is down");
}

void on_grace_expired(courier_ptr self, const std::string& node, uint64_t gen) {
  auto& st = self->state;
  auto n = st.nodes.find(node);
  if (n == st.nodes.end() || !n->second.grace.expired(gen))
    return;
  st.nodes.erase(n);
  rebuild_ring(st);
  for (auto& [id, u] : st.users)
    if (u.node == node)
      rebind(self, id, "node lost past the grace");
  notify_topology(self);
  flush(self);
  dispatch(self);
}

void recover(courier_ptr self, data_snapshot& snap) {
  auto& st = self->state;
  for (auto& u : snap.users) {
    st.next_user = std::max(st.next_user, u.id);
    if (!u.node.empty() && !st.nodes.count(u.node)) {
      auto& n = st.nodes[u.node]; // known from the store, not seen yet: on grace
      self->delayed_send(self, st.opts.grace, grace_atom::value, u.node, n.grace.lose());
    }
    st.users[u.id] = u;
  }
  for (auto& d : snap.unfinished) {
    auto& ln = st.lanes[d.item.user];
    (d.state == delivery_state::stored ? ln.stored : ln.queued).push_back(d.item.seq);
    st.ids[d.item.id] = d.item.seq;
    st.open[d.item.seq] = std::move(d);
  }
  st.next_seq = snap.max_seq;
  if (!snap.users.empty())
    log_info("courier: recovered {} users and {} undelivered or unconsumed items",
             snap.users.size(), snap.unfinished.size());
}

} // namespace drover
