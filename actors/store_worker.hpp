// A store worker: the one actor that touches a blocking store (the courier's
// data_store, a mailbox's user_queue), running each job on its own thread in
// the order sent, so SQLite commits and their fsync never run on CAF's
// scheduler threads. The owner (courier, mailbox) must itself stay on the
// scheduler: remote nodes know it, and a detached actor that remote nodes
// know kept ~actor_system waiting after a peer died. So the owner sends jobs
// and gets each outcome back as a continuation it runs on its own thread,
// where its state lives:
//
//   on_store<user_queue>(self, worker,
//     [items](user_queue& q) { return q.offer(items, 10); },       // worker thread
//     [=](result<std::vector<offer_result>>& r) { ... });          // owner thread
//
// The owner's behavior handles (store_done_atom, store_continuation) by
// running it (store_done_handler). Jobs and continuations are local
// messages (closures): never sent across nodes.
#pragma once

#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <caf/all.hpp>

namespace drover {

using store_job_atom = caf::atom_constant<caf::atom("st_job")>;
using store_done_atom = caf::atom_constant<caf::atom("st_done")>;

/// What the owner runs next, on its own thread.
struct store_continuation {
  std::function<void()> run;
};

/// Runs on the worker; returns what the owner runs next.
template <class Store>
struct store_job {
  std::function<store_continuation(Store&)> run;
};

} // namespace drover

// Local messages only (a closure cannot cross nodes), so CAF may carry them
// without an inspect().
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(drover::store_continuation)
namespace caf {
template <class Store>
struct allowed_unsafe_message_type<drover::store_job<Store>> : std::true_type {};
} // namespace caf

namespace drover {

/// Spawns the worker owning `store`. `own_thread` = false keeps it on the
/// scheduler: for stores that never block (":memory:") and for tests on the
/// deterministic scheduler.
template <class Store>
caf::actor spawn_store_worker(caf::actor_system& sys, std::shared_ptr<Store> store,
                              bool own_thread) {
  auto worker = [](caf::event_based_actor* self, std::shared_ptr<Store> s) -> caf::behavior {
    return {
      [=](store_job_atom, store_job<Store>& job) {
        auto next = job.run(*s);
        auto owner = caf::actor_cast<caf::actor>(self->current_sender());
        if (owner) // gone: nobody waits for the outcome
          self->send(owner, store_done_atom::value, std::move(next));
      },
    };
  };
  if (own_thread)
    return sys.spawn<caf::detached>(worker, std::move(store));
  return sys.spawn(worker, std::move(store));
}

/// Runs `job(store)` on `worker`, then `then(outcome)` on `self` (the owner).
/// Jobs of one owner run and answer in the order sent.
template <class Store, class Self, class Job, class Then>
void on_store(Self* self, const caf::actor& worker, Job job, Then then) {
  using outcome = std::invoke_result_t<Job&, Store&>;
  store_job<Store> j{[job = std::move(job), then = std::move(then)](Store& s) mutable {
    auto out = std::make_shared<outcome>(job(s));
    return store_continuation{[out, then]() mutable { then(*out); }};
  }};
  self->send(worker, store_job_atom::value, std::move(j));
}

/// Ties `worker`'s life to its owner's: a worker that fails takes the owner
/// down (linked), and the worker stops when the owner stops for any reason.
template <class Self>
void keep_worker(Self* self, const caf::actor& worker) {
  self->link_to(worker);
  self->attach_functor([worker](const caf::error&) {
    caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  });
}

/// The owner's handler of outcomes: add it to its behavior.
inline auto store_done_handler() {
  return [](store_done_atom, store_continuation& next) { next.run(); };
}

} // namespace drover
