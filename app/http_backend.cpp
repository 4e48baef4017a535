#include "app/http_backend.hpp"

#include <atomic>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "app/caf_ask.hpp"
#include "app/http_backend_data.hpp"
#include "app/worker_backend.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/protocol_schedules.hpp"

namespace drover {

namespace {

class caf_backend : public http_backend {
public:
  caf_backend(caf::actor_system& sys, caf_backend_options opts)
    : sys_(sys), opts_(std::move(opts)) {
    if (opts_.worker_hub)
      workers_ = make_caf_worker_backend(sys_, opts_.worker_hub, opts_.timeout);
  }

  worker_backend* workers_api() override { return workers_.get(); }

  result<job_created> submit_job(job_request req) override {
    task_list list;
    list.origin = !req.origin.empty() ? req.origin
                                      : fmt::format("rest_{}_{}", unix_ms(), ++submissions_);
    list.job_name = std::move(req.name);
    list.group = std::move(req.group);
    list.last = true; // one list, one transaction: a job is stored whole or not at all
    list.tasks = std::move(req.tasks);
    auto ack = ask<list_ack>(opts_.manager, opts_.submit_timeout, submit_atom::value,
                             std::move(list));
    if (!ack)
      return ack.err();
    job_created out;
    out.job = ack->job;
    out.existing = ack->resent;
    out.task_ids.reserve(ack->count);
    for (uint32_t i = 0; i < ack->count; ++i)
      out.task_ids.push_back(format_task_id(opts_.node, ack->created_ms, ack->first + i));
    return out;
  }

  result<job_page> list_jobs(uint64_t offset, uint32_t limit) override {
    return ask<job_page>(opts_.manager, opts_.timeout, get_atom::value, job_atom::value,
                         offset, limit);
  }

  result<job_info> get_job(job_id id) override {
    return ask<job_info>(opts_.manager, opts_.timeout, get_atom::value, job_atom::value, id);
  }

  result<task_info> get_task(task_id id) override {
    caf::scoped_actor self{sys_};
    error err;
    task_info out;
    self->request(opts_.manager, opts_.timeout, get_atom::value, id)
      .receive(
        [&](task& t, std::vector<task_event>& events) {
          out.id = format_task_id(opts_.node, t.created_ms, t.id);
          out.t = std::move(t);
          out.events = std::move(events);
        },
        [&](caf::error& e) { err = from_caf(e); });
    if (err)
      return err;
    return out;
  }

  result<job_tasks> list_job_tasks(const task_query& q) override {
    auto page = ask<task_page>(opts_.manager, opts_.timeout, get_atom::value, q);
    if (!page)
      return page.err();
    job_tasks out;
    out.query = q;
    out.total = page->total;
    out.tasks = std::move(page->tasks);
    out.ids.reserve(out.tasks.size());
    for (const auto& t : out.tasks)
      out.ids.push_back(format_task_id(opts_.node, t.created_ms, t.id));
    return out;
  }

  result<task_cancelled> cancel_task(task_id id) override {
    auto version = ask<uint64_t>(opts_.manager, opts_.timeout, cancel_atom::value, id);
    if (version) {
      auto t = get_task(id);
      return task_cancelled{t ? t->id : std::to_string(id), task_state::cancelled,
                            version.value()};
    }
    if (version.err().code != ec::unknown_task)
      return version.err();
    // Not queued or running: finished (say how) or unknown.
    auto t = get_task(id);
    if (!t)
      return t.err();
    return error{ec::bad_transition, fmt::format("task {} already ended {}; only queued or "
                                                 "running tasks can be cancelled",
                                                 t->id, to_string(t->t.state))};
  }

  result<job_info> seal_job(job_id id) override {
    return ask<job_info>(opts_.manager, opts_.timeout, seal_atom::value, job_atom::value, id);
  }

  result<job_cancelled> cancel_job(job_id id) override {
    auto n = ask<uint64_t>(opts_.manager, opts_.timeout, cancel_atom::value, job_atom::value,
                           id);
    if (!n)
      return n.err();
    return job_cancelled{id, n.value()};
  }

  result<rules_info> get_rules() override {
    return ask<rules_info>(opts_.manager, opts_.timeout, rules_atom::value, get_atom::value);
  }

  result<rules_info> put_rules(const std::string& yaml) override {
    return ask<rules_info>(opts_.manager, opts_.timeout, rules_atom::value, apply_atom::value,
                           yaml, std::string{"<rest>"});
  }

  result<std::vector<node_info>> nodes() override {
    auto members = ask<std::vector<node_info>>(opts_.manager, opts_.timeout, get_atom::value,
                                               members_atom::value);
    if (!members || !opts_.registry)
      return members;
    auto seen = ask<std::vector<node_info>>(opts_.registry, opts_.timeout, get_atom::value,
                                            members_atom::value);
    if (!seen)
      return members; // heartbeat times are a bonus; the members are the answer
    std::map<std::pair<member_role, std::string>, int64_t> last;
    for (auto& n : seen.value())
      last[{n.member.role, n.member.node}] = n.last_heartbeat_ms;
    for (auto& n : members.value())
      if (auto i = last.find({n.member.role, n.member.node}); i != last.end())
        n.last_heartbeat_ms = i->second;
    add_worker_contacts(members.value());
    return members;
  }

  /// An HTTP worker's heartbeat age is that of its last request (its
  /// stand-in heartbeats the registry while the worker's lease runs).
  void add_worker_contacts(std::vector<node_info>& nodes) {
    if (!workers_)
      return;
    auto views = workers_->workers();
    if (!views)
      return;
    std::map<std::string, int64_t> contact;
    for (auto& v : views.value())
      contact[v.worker] = std::max(v.last_poll_ms, v.last_heartbeat_ms);
    for (auto& n : nodes)
      if (auto i = contact.find(n.member.node); n.member.role == member_role::worker
                                                  && i != contact.end())
        n.last_heartbeat_ms = i->second;
  }

  result<metrics_snapshot> metrics() override {
    return ask<metrics_snapshot>(opts_.manager, opts_.timeout, metrics_atom::value);
  }

  result<std::vector<alert_info>> alerts() override {
    return ask<std::vector<alert_info>>(opts_.manager, opts_.timeout, get_atom::value,
                                        alert_atom::value);
  }

  result<health_info> health() override {
    auto h = ask<health_info>(opts_.manager, std::chrono::milliseconds(2000),
                              health_atom::value);
    if (!h) // still recovering (the manager holds requests until then) or gone
      return health_info{false, h.err().message};
    return h;
  }

  // -- multi-user data scheduling (#9): calls to the courier -----------------
  result<user_info> create_user(const std::string& name) override { return data_.create_user(name); }
  result<std::vector<user_info>> list_users() override { return data_.list_users(); }
  result<user_info> get_user(uint64_t id) override { return data_.get_user(id); }
  result<send_receipt> send_data(send_request r) override { return data_.send_data(std::move(r)); }
  result<recv_batch> recv_data(uint64_t u, uint32_t max) override { return data_.recv_data(u, max); }
  result<uint64_t> ack_data(uint64_t u, const std::string& last) override {
    return data_.ack_data(u, last);
  }
  result<delivery_info> get_delivery(const std::string& id) override {
    return data_.get_delivery(id);
  }
  std::size_t max_data() const override { return opts_.max_data; }
  // -- nodes: status reports and commands (issue #9 items 5-6) --
  result<std::vector<node_status>> node_history(const std::string& node,
                                                int64_t since_ms) override {
    return ask<std::vector<node_status>>(opts_.manager, opts_.timeout, nstatus_atom::value,
                                         get_atom::value, node, since_ms);
  }

  result<node_command> post_node_command(const std::string& node,
                                         const std::string& command) override {
    return ask<node_command>(opts_.manager, opts_.timeout, ncommand_atom::value, node, command);
  }

  result<std::vector<node_command>> node_commands(const std::string& node) override {
    return ask<std::vector<node_command>>(opts_.manager, opts_.timeout, ncommand_atom::value,
                                          get_atom::value, node);
  }

  // -- schedules (issue #10 item 6): requests to the scheduler actor --------

  result<schedule_record> create_schedule(schedule_input in) override {
    return ask_scheduler<schedule_record>(sch_add_atom::value, std::move(in), false);
  }
  result<std::vector<schedule_record>> list_schedules() override {
    return ask_scheduler<std::vector<schedule_record>>(sch_list_atom::value);
  }
  result<schedule_record> get_schedule(uint64_t id) override {
    return ask_scheduler<schedule_record>(sch_get_atom::value, id);
  }
  result<schedule_record> set_schedule_running(uint64_t id, bool running) override {
    if (running)
      return ask_scheduler<schedule_record>(sch_start_atom::value, id);
    return ask_scheduler<schedule_record>(sch_stop_atom::value, id);
  }
  result<schedule_record> change_schedule(uint64_t id, std::string every,
                                          std::string cron) override {
    return ask_scheduler<schedule_record>(sch_change_atom::value, id, std::move(every),
                                          std::move(cron));
  }
  result<schedule_record> delete_schedule(uint64_t id) override {
    return ask_scheduler<schedule_record>(sch_del_atom::value, id);
  }

private:
  template <class T, class... Ts>
  result<T> ask_scheduler(Ts&&... xs) {
    if (!opts_.scheduler)
      return error{ec::unreachable, "this process runs no scheduler"};
    return ask<T>(opts_.scheduler, opts_.timeout, std::forward<Ts>(xs)...);
  }

  static int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  }

  /// drover's error from a CAF one: drover codes keep their message; a
  /// time-out or a dead manager becomes ec::unreachable.
  error from_caf(const caf::error& e) const { return drover::from_caf(sys_, e); }

  template <class T, class... Ts>
  result<T> ask(const caf::actor& dest, std::chrono::milliseconds timeout, Ts&&... xs) {
    return drover::ask<T>(sys_, dest, timeout, std::forward<Ts>(xs)...);
  }

  caf::actor_system& sys_;
  caf_backend_options opts_;
  std::atomic<uint64_t> submissions_{0};
  data_calls data_{sys_, opts_.courier, opts_.timeout};
  std::unique_ptr<worker_backend> workers_; ///< null without a worker hub
};

} // namespace

std::unique_ptr<http_backend> make_caf_backend(caf::actor_system& sys,
                                               caf_backend_options opts) {
  return std::make_unique<caf_backend>(sys, std::move(opts));
}

} // namespace drover
