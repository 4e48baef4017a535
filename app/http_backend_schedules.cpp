// The schedules backend of a real process: requests to the scheduler actor.
// Without a scheduler every call answers 503.
#include "actors/protocol_schedules.hpp"
#include "app/http_backend.hpp"
#include "app/http_backend_calls.hpp"
#include "http/backend_schedules.hpp"

namespace drover {

namespace {

class caf_schedules : public schedules_backend {
public:
  caf_schedules(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, {"this process runs no scheduler", "the manager did not answer in time",
                   "the manager cannot be reached: "}),
      scheduler_(o.scheduler), timeout_(o.timeout) {}

  result<schedule_record> create_schedule(schedule_input in) override {
    return ask<schedule_record>(sch_add_atom::value, std::move(in), false);
  }
  result<std::vector<schedule_record>> list_schedules() override {
    return ask<std::vector<schedule_record>>(sch_list_atom::value);
  }
  result<schedule_record> get_schedule(uint64_t id) override {
    return ask<schedule_record>(sch_get_atom::value, id);
  }
  result<schedule_record> set_schedule_running(uint64_t id, bool running) override {
    if (running)
      return ask<schedule_record>(sch_start_atom::value, id);
    return ask<schedule_record>(sch_stop_atom::value, id);
  }
  result<schedule_record> change_schedule(uint64_t id, std::string every,
                                          std::string cron) override {
    return ask<schedule_record>(sch_change_atom::value, id, std::move(every), std::move(cron));
  }
  result<schedule_record> delete_schedule(uint64_t id) override {
    return ask<schedule_record>(sch_del_atom::value, id);
  }

private:
  template <class T, class... Ts>
  result<T> ask(Ts&&... xs) {
    return calls_.ask<T>(scheduler_, timeout_, std::forward<Ts>(xs)...);
  }

  actor_calls calls_;
  caf::actor scheduler_;
  std::chrono::milliseconds timeout_;
};

} // namespace

std::unique_ptr<schedules_backend> make_caf_schedules(caf::actor_system& sys,
                                                      const caf_backend_options& o) {
  return std::make_unique<caf_schedules>(sys, o);
}

} // namespace drover
