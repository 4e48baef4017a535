// The mailbox actor: see actors/mailbox.hpp.
#include "actors/mailbox.hpp"

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_data.hpp"
#include "actors/protocol_links.hpp"
#include "actors/store_worker.hpp"
#include "core/log.hpp"
#include "core/user_backlog.hpp"
#include "store/user_queue.hpp"

namespace drover {

namespace {

struct mailbox_state {
  mailbox_options opts;
  caf::actor queue;                 ///< the store worker owning the user_queue
  caf::actor courier;
  topology topo;                    ///< the latest fetched
  member_link link;                 ///< registry + courier, reconnecting
  static inline const char* name = "mailbox";
};

using mailbox_ptr = caf::stateful_actor<mailbox_state>*;

/// What a change of the queues answers (a result or an error), with the
/// item count after it. Runs on the store worker.
template <class A>
struct changed {
  A answer;
  result<uint64_t> backlog;
};

template <class A>
changed<A> with_backlog(user_queue& q, A answer) {
  auto n = q.backlog();
  return {std::move(answer), std::move(n)};
}

/// Publishes the node's item count for its status reports; a failed count
/// keeps the last one (a report may lag, no item is at stake) and is logged.
void publish_backlog(mailbox_ptr self, const result<uint64_t>& n) {
  auto& st = self->state;
  if (!n)
    return log_warn("mailbox {}: cannot count the backlog: {}", st.opts.node, n.err().message);
  if (st.opts.backlog)
    st.opts.backlog->set(*n);
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
        on_store<user_queue>(
          self, st.queue,
          [users = t.users](user_queue& q) { return with_backlog(q, q.keep_only(users)); },
          [=](changed<error>& c) {
            if (c.answer)
              log_error("mailbox {}: {}", self->state.opts.node, c.answer.message);
            publish_backlog(self, c.backlog);
          });
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

caf::behavior mailbox(mailbox_ptr self, mailbox_options opts, caf::actor q) {
  self->state.opts = opts;
  self->state.queue = std::move(q);
  keep_worker(self, self->state.queue);
  on_store<user_queue>(
    self, self->state.queue, [](user_queue& q) { return q.backlog(); },
    [=](result<uint64_t>& n) { publish_backlog(self, n); });
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
    // Each request is answered once its store job ran on the worker; the
    // worker runs them in arrival order, so reads see every earlier offer.
    [=](deliver_atom, const std::vector<data_item>& items) {
      auto rp = self->make_response_promise<offer_answer>();
      on_store<user_queue>(
        self, self->state.queue,
        [items, bound = self->state.opts.bound](user_queue& q) {
          return with_backlog(q, q.offer(items, bound));
        },
        [=](changed<result<std::vector<offer_result>>>& c) mutable {
          if (!c.answer) {
            rp.deliver(to_caf(c.answer.err()));
            return;
          }
          publish_backlog(self, c.backlog);
          offer_answer out;
          for (auto r : *c.answer)
            out.results.push_back(static_cast<uint8_t>(r));
          rp.deliver(std::move(out));
        });
      return rp;
    },
    [=](recv_atom, uint64_t user, uint32_t max) {
      auto rp = self->make_response_promise<recv_batch>();
      on_store<user_queue>(
        self, self->state.queue, [=](user_queue& q) { return q.read(user, max); },
        [=](result<std::vector<data_item>>& items) mutable {
          if (!items) {
            rp.deliver(to_caf(items.err()));
            return;
          }
          rp.deliver(recv_batch{user, std::move(*items)});
        });
      return rp;
    },
    [=](recv_atom, ack_atom, uint64_t user, const std::string& last) {
      auto rp = self->make_response_promise<std::vector<std::string>>();
      on_store<user_queue>(
        self, self->state.queue,
        [=](user_queue& q) { return with_backlog(q, q.ack(user, last)); },
        [=](changed<result<std::vector<std::string>>>& c) mutable {
          if (!c.answer) {
            rp.deliver(to_caf(c.answer.err()));
            return;
          }
          publish_backlog(self, c.backlog);
          rp.deliver(std::move(*c.answer));
        });
      return rp;
    },
    store_done_handler(),
    [=](get_atom, topology_atom) { return self->state.topo; },
  };
}

} // namespace

caf::actor spawn_mailbox(caf::actor_system& sys, mailbox_options opts, bool io_thread) {
  auto opened = user_queue::open(opts.path, opts.sync);
  if (!opened) {
    log_error("mailbox {}: {}", opts.node, opened.err().message);
    return {};
  }
  std::shared_ptr<user_queue> q = std::move(*opened);
  auto worker = spawn_store_worker(sys, std::move(q), io_thread);
  return sys.spawn(mailbox, std::move(opts), worker);
}

std::string mailbox_path(const std::string& dir, const std::string& node) {
  return (dir.empty() ? std::string{"."} : dir) + "/mailbox-" + node + ".db";
}

} // namespace drover
