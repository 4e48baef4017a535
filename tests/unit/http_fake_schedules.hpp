// Test support: a schedules_backend over the real schedule_book on a fixed
// clock (`sched_now_ms`, moved by the test).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/backend_schedules.hpp"

namespace drover {
namespace http_test {

class fake_schedules : public schedules_backend {
public:
  std::mutex mtx;
  schedule_book sched_book;
  std::map<uint64_t, recurrence> sched_recs;
  int64_t sched_now_ms = 1'700'000'000'000;

  result<schedule_record> create_schedule(schedule_input in) override {
    std::lock_guard<std::mutex> g{mtx};
    auto checked = check_schedule_input(in);
    if (!checked)
      return checked.err();
    auto added = sched_book.add(in, checked->rec, checked->policy, sched_now_ms, false);
    if (!added)
      return added.err();
    auto& r = **added;
    sched_recs[r.id] = checked->rec;
    return r;
  }

  result<std::vector<schedule_record>> list_schedules() override {
    std::lock_guard<std::mutex> g{mtx};
    std::vector<schedule_record> out;
    for (auto& [id, r] : sched_book.all())
      out.push_back(r);
    return out;
  }

  result<schedule_record> get_schedule(uint64_t id) override {
    return on_schedule(id, [](schedule_record&) { return error{}; });
  }

  result<schedule_record> set_schedule_running(uint64_t id, bool running) override {
    return on_schedule(id, [&](schedule_record& r) {
      if (running)
        schedule_book::start(r, sched_recs[id], sched_now_ms);
      else
        schedule_book::stop(r);
      return error{};
    });
  }

  result<schedule_record> change_schedule(uint64_t id, std::string every,
                                          std::string cron) override {
    return on_schedule(id, [&](schedule_record& r) {
      auto rec = parse_recurrence(every, cron);
      if (!rec)
        return rec.err();
      sched_recs[id] = *rec;
      r.every = every;
      r.cron = cron;
      schedule_book::change(r, sched_recs[id], sched_now_ms);
      return error{};
    });
  }

  result<schedule_record> delete_schedule(uint64_t id) override {
    auto r = get_schedule(id);
    std::lock_guard<std::mutex> g{mtx};
    if (r)
      sched_book.remove(id);
    return r;
  }

private:
  template <class F>
  result<schedule_record> on_schedule(uint64_t id, F f) {
    std::lock_guard<std::mutex> g{mtx};
    auto* r = sched_book.find(id);
    if (!r)
      return error{ec::unknown_job, "no schedule " + std::to_string(id)};
    if (auto err = f(*r))
      return err;
    return *r;
  }
};

} // namespace http_test
} // namespace drover
