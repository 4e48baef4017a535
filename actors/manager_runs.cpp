// A job run's push as the manager sees it. A producer's run survives
// failovers and restarts (its identity is the job's origin), but a run
// whose producer vanished with no successor must not hang silently: it
// shows as "push incomplete" with its age, and a user can seal it (it ends
// with the tasks it has) or cancel it, over REST and the CLI.
#include "actors/manager_state.hpp"
#include "core/log.hpp"

namespace drover {

std::string push_state_of(const manager_state& st, const job_record& j) {
  if (j.meta.sealed)
    return "complete";
  return st.producers.pushing(j.meta.producer, j.meta.group) ? "pushing" : "incomplete";
}

void persist_job(manager_ptr self, const job_record& j) {
  auto id = j.meta.id;
  self->request(self->state.opts.store, caf::infinite, put_atom::value, j.meta)
    .then([] {},
          [=](caf::error& err) {
            log_error("manager: storing job {} failed: {}", id, self->system().render(err));
          });
}

caf::result<job_info> seal_job(manager_ptr self, job_id id) {
  auto& st = self->state;
  auto* j = st.table.job(id);
  if (j == nullptr)
    return caf::error{ec::unknown_job, "no job " + std::to_string(id)};
  if (!j->meta.sealed)
    log_info("manager: job {} sealed by request with {} tasks ({} ms after its last list)", id,
             j->meta.total, now_ms(self) - j->meta.pushed_ms);
  j->meta.sealed = true;
  auto rp = self->make_response_promise<job_info>();
  self->request(st.opts.store, caf::infinite, put_atom::value, j->meta)
    .then(
      [=]() mutable {
        auto* j = self->state.table.job(id);
        if (j == nullptr) {
          rp.deliver(caf::error{ec::unknown_job, "no job " + std::to_string(id)});
          return;
        }
        check_done(self, *j);
        rp.deliver(describe_job(self->state, *j));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

} // namespace drover
