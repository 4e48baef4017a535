// start_scheduler (app/run_schedules.hpp).
#include "app/run_schedules.hpp"

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "actors/protocol_schedules.hpp"
#include "core/log.hpp"

namespace drover {

result<caf::actor> start_scheduler(caf::actor_system& sys, const run_options& o,
                                   const role_env& env, caf::actor manager, caf::actor store) {
  error err;
  auto out = spawn_scheduler_role(sys, env, std::move(manager), std::move(store));
  caf::scoped_actor self{sys};
  for (auto& in : o.schedules) {
    self->request(out, std::chrono::seconds(10), sch_add_atom::value, in, true)
      .receive(
        [&](const schedule_record& r) {
          log_info("schedule {} ({}) from the config: {}", r.id, r.name,
                   r.every.empty() ? "cron " + r.cron : "every " + r.every);
        },
        [&](caf::error& e) {
          err = {ec::bad_input,
                 fmt::format("config schedule '{}': {}", in.name, text_of(e, sys))};
        });
    if (err) {
      caf::anon_send_exit(out, caf::exit_reason::user_shutdown); // or shutdown waits for it
      return err;
    }
  }
  return out;
}

} // namespace drover
