#include "actors/store_actor.hpp"

#include <chrono>

#include "actors/actor_names.hpp"
#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "actors/protocol_schedules.hpp"
#include "core/log.hpp"
#include "store/schedule_store.hpp"
#include "store/task_store.hpp"

namespace drover {

namespace {

/// Above this many buffered changes the store commits at once.
constexpr size_t max_group = 16384;

struct store_state {
  std::shared_ptr<task_store> db;
  std::shared_ptr<schedule_store> schedules; ///< null: no scheduler here
  std::vector<task_change> buffer;
  bool flush_pending = false;
  std::vector<caf::response_promise> syncs; ///< answered after the next commit
  std::function<void(const std::string&)> on_fenced;
  bool fenced = false; ///< told on_fenced; every later write is refused the same way
  static inline const char* name = actor_names::store;
};

using store_ptr = caf::stateful_actor<store_state>*;

/// `err` passed through; a fenced write is told to on_fenced once.
const error& seen(store_ptr self, const error& err) {
  auto& st = self->state;
  if (err.code == ec::fenced && !st.fenced) {
    st.fenced = true;
    if (st.on_fenced)
      st.on_fenced(err.message);
  }
  return err;
}

/// Answers everyone waiting for the changes they sent before (sync).
void answer_syncs(store_ptr self) {
  for (auto& rp : self->state.syncs)
    rp.deliver(caf::unit);
  self->state.syncs.clear();
}

void commit(store_ptr self) {
  auto& st = self->state;
  st.flush_pending = false;
  if (st.buffer.empty())
    return answer_syncs(self);
  if (auto err = st.db->apply(st.buffer)) {
    if (seen(self, err).code == ec::fenced)
      return; // never retried: another manager leads, this one is stepping down
    // Keep the changes and try again shortly: dropping them would lose
    // state transitions the manager already acted on.
    log_error("store: commit of {} changes failed, retrying in 100 ms: {}",
              st.buffer.size(), err.message);
    st.flush_pending = true;
    self->delayed_send(self, std::chrono::milliseconds(100), flush_atom::value);
    return;
  }
  st.buffer.clear();
  answer_syncs(self);
}

caf::error no_schedules() {
  return to_caf(error{ec::store_failure, "this store keeps no schedules"});
}

caf::behavior store_actor(store_ptr self, std::shared_ptr<task_store> db,
                          std::shared_ptr<schedule_store> schedules,
                          std::function<void(const std::string&)> on_fenced) {
  self->state.db = std::move(db);
  self->state.on_fenced = std::move(on_fenced);
  self->state.schedules = std::move(schedules);
  return {
    [=](put_atom, const job& j, uint32_t seq,
        std::vector<task>& tasks) -> caf::result<std::vector<task>> {
      commit(self); // keep the order of writes as the manager sent them
      if (auto err = self->state.db->put_tasks(j, seq, tasks))
        return to_caf(seen(self, err));
      return std::move(tasks);
    },
    [=](put_atom, const job& j) -> caf::result<void> {
      commit(self);
      if (auto err = self->state.db->put_job(j))
        return to_caf(seen(self, err));
      return caf::unit;
    },
    [=](apply_atom, std::vector<task_change>& changes) {
      auto& buf = self->state.buffer;
      if (buf.empty())
        buf = std::move(changes);
      else
        buf.insert(buf.end(), std::make_move_iterator(changes.begin()),
                   std::make_move_iterator(changes.end()));
      if (buf.size() >= max_group) {
        commit(self);
      } else if (!self->state.flush_pending) {
        self->state.flush_pending = true;
        self->send(self, flush_atom::value); // after what waits already
      }
    },
    [=](flush_atom) { commit(self); },
    // Answered once every change sent before it is committed; no commit of
    // its own, so ACK confirmations ride on the group commits.
    [=](sync_atom) {
      auto rp = self->make_response_promise();
      if (self->state.buffer.empty())
        rp.deliver(caf::unit);
      else
        self->state.syncs.push_back(rp);
      return rp;
    },
    [=](load_atom) -> caf::result<recovered_state> {
      commit(self);
      auto out = self->state.db->load();
      if (!out)
        return to_caf(seen(self, out.err()));
      return std::move(*out);
    },
    [=](get_atom, task_id id) -> caf::result<task, std::vector<task_event>> {
      commit(self);
      auto got = self->state.db->get(id);
      if (!got)
        return to_caf(got.err());
      return {std::move(got->t), std::move(got->events)};
    },
    [=](get_atom, const task_query& q) -> caf::result<task_page> {
      commit(self); // the page shows every change the manager sent before
      auto out = self->state.db->list_tasks(q);
      if (!out)
        return to_caf(out.err());
      return std::move(*out);
    },
    [=](put_atom, const schedule_record& r) {
      if (!self->state.schedules)
        return log_error("store: schedule {} ({}) not saved: no schedule store", r.id, r.name);
      if (auto err = seen(self, self->state.schedules->save(r)))
        log_error("store: cannot save schedule {} ({}): {}", r.id, r.name, err.message);
    },
    [=](sch_del_atom, uint64_t id) -> caf::result<void> {
      if (!self->state.schedules)
        return no_schedules();
      if (auto err = seen(self, self->state.schedules->remove(id)))
        return to_caf(err);
      return caf::unit;
    },
    [=](sch_list_atom) -> caf::result<std::vector<schedule_record>> {
      if (!self->state.schedules)
        return no_schedules();
      auto all = self->state.schedules->load();
      if (!all)
        return to_caf(all.err());
      return std::move(*all);
    },
  };
}

} // namespace

caf::actor spawn_store_actor(caf::actor_system& sys, std::shared_ptr<task_store> db,
                             bool own_thread, std::shared_ptr<schedule_store> schedules,
                             std::function<void(const std::string&)> on_fenced) {
  if (own_thread)
    return sys.spawn<caf::detached>(store_actor, std::move(db), std::move(schedules),
                                    std::move(on_fenced));
  return sys.spawn(store_actor, std::move(db), std::move(schedules), std::move(on_fenced));
}

} // namespace drover
