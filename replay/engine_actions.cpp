// See engine_actions.hpp.
#include "replay/engine_actions.hpp"

#include <fstream>
#include <sstream>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/protocol.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/protocol_schedules.hpp"
#include "replay/cluster.hpp"
#include "replay/job_body.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

namespace {

/// Sends `xs` as a request to `dest`, runs the scheduler, and hands the
/// answer to `ok` or the error text to `fail`.
template <class Ok, class... Ts>
void ask(action_context& ctx, const caf::actor& dest, Ok ok,
         std::function<void(const std::string&)> fail, Ts&&... xs) {
  caf::scoped_actor self{ctx.sys, true};
  if (ctx.reply_timeout.count() > 0) { // a real clock: wait, but not for ever
    self->request(dest, ctx.reply_timeout, std::forward<Ts>(xs)...)
      .receive(ok, [&](caf::error& err) { fail(ctx.sys.render(err)); });
    return;
  }
  // No timeout: a timer would become part of the virtual timeline. An
  // unanswered request is reported instead of waited for.
  auto req = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
  ctx.run();
  if (self->mailbox().empty())
    return fail("no answer");
  req.receive(ok, [&](caf::error& err) { fail(ctx.sys.render(err)); });
}

/// Submits a job the way REST does: lists of `list_size` straight to the
/// manager, under an origin named for the entry (deterministic).
void submit(action_context& ctx, const action& a) {
  auto& j = a.job;
  const auto& spec = j.spec;
  auto all = has_parts(j) ? specs_of(j) : std::vector<task_spec>{}; // split parts and merge
  uint32_t lists = static_cast<uint32_t>((j.tasks + j.list_size - 1) / j.list_size);
  uint64_t job = 0, stored = 0;
  std::string problem;
  for (uint32_t seq = 0; seq < lists && problem.empty(); ++seq) {
    task_list list;
    list.origin = fmt::format("replay_line{}_{}", a.line, j.name);
    list.job_name = j.name;
    list.seq = seq;
    list.last = seq + 1 == lists;
    auto count = std::min<uint64_t>(j.list_size, j.tasks - uint64_t{seq} * j.list_size);
    if (all.empty())
      list.tasks.assign(count, spec);
    else
      list.tasks.assign(all.begin() + uint64_t{seq} * j.list_size,
                        all.begin() + uint64_t{seq} * j.list_size + count);
    ask(
      ctx, ctx.cl.manager,
      [&](const list_ack& ack) {
        job = ack.job;
        stored += ack.count;
      },
      [&](const std::string& e) { problem = e; }, submit_atom::value, std::move(list));
  }
  auto text = fmt::format("submit job {}: {} tasks of {}{} in {} lists", j.name, j.tasks,
                          j.spec.type.view(),
                          j.spec.payload.empty() ? "" : " " + j.spec.payload.str(), lists);
  if (problem.empty())
    ctx.obs.line(ctx.now_ms, fmt::format("{} -> job id {}, {} stored", text, job, stored));
  else
    ctx.obs.line(ctx.now_ms, fmt::format("{} -> refused: {}", text, problem));
}

void swap_rules(action_context& ctx, const action& a) {
  std::ifstream in{a.rules_path};
  std::stringstream text;
  text << in.rdbuf();
  auto name = a.rules_path.substr(a.rules_path.rfind('/') + 1);
  ask(
    ctx, ctx.cl.manager,
    [&](const rules_info& info) {
      ctx.obs.line(ctx.now_ms, fmt::format("swap rules {} -> version {} ({} rules)", name,
                                           info.version, info.rules));
    },
    [&](const std::string& e) {
      ctx.obs.line(ctx.now_ms, fmt::format("swap rules {} -> refused: {}", name, e));
    },
    rules_atom::value, apply_atom::value, text.str(), name);
}

void cancel(action_context& ctx, const action& a) {
  auto fail = [&](const std::string& e) {
    ctx.obs.line(ctx.now_ms, "cancel -> refused: " + e);
  };
  if (a.cancel_task != 0) {
    ask(
      ctx, ctx.cl.manager,
      [&] { ctx.obs.line(ctx.now_ms, fmt::format("cancel task {} -> cancelled", a.cancel_task)); },
      fail, cancel_atom::value, task_id{a.cancel_task});
    return;
  }
  auto ids = ctx.jobs_named(a.cancel_job);
  if (ids.empty())
    ctx.obs.line(ctx.now_ms, fmt::format("cancel job {} -> no such job", a.cancel_job));
  for (auto id : ids)
    ask(
      ctx, ctx.cl.manager,
      [&](uint64_t n) {
        ctx.obs.line(ctx.now_ms,
                     fmt::format("cancel job {} (id {}) -> {} tasks cancelled", a.cancel_job, id, n));
      },
      fail, cancel_atom::value, job_atom::value, job_id{id});
}

/// A node command, as POST /v1/nodes/{id}/commands sends it.
void node_command_to(action_context& ctx, const action& a) {
  auto text = fmt::format("command {} {}", a.command, a.member);
  ask(
    ctx, ctx.cl.manager,
    [&](const node_command& c) {
      ctx.obs.line(ctx.now_ms, fmt::format("{} -> #{} {}", text, c.id, to_string(c.state)));
    },
    [&](const std::string& e) { ctx.obs.line(ctx.now_ms, text + " -> refused: " + e); },
    ncommand_atom::value, a.member, a.command);
}

/// schedule entries: requests to the scheduler, as
/// /v1/schedules makes them. Schedules are found by name.
void schedule(action_context& ctx, const action& a) {
  auto fail = [&](const std::string& e) {
    ctx.obs.line(ctx.now_ms, fmt::format("{} {} -> refused: {}", to_string(a.kind),
                                         a.schedule_name, e));
  };
  uint64_t id = 0;
  if (a.kind != action_kind::schedule) {
    ask(
      ctx, ctx.cl.scheduler,
      [&](const std::vector<schedule_record>& all) {
        for (auto& r : all)
          id = r.name == a.schedule_name ? r.id : id;
      },
      fail, sch_list_atom::value);
    if (id == 0)
      return fail("no such schedule");
  }
  auto done = [&](const schedule_record& r) {
    auto timing = r.every.empty() ? "cron " + r.cron : "every " + r.every;
    ctx.obs.line(ctx.now_ms, fmt::format("{} {} (id {}, {}) -> {}, {} runs so far",
                                         to_string(a.kind), r.name, r.id, timing,
                                         r.running ? "running" : "stopped", r.runs));
  };
  switch (a.kind) {
    case action_kind::schedule: {
      schedule_input in{a.schedule_name, job_body(a.job), a.every, a.cron, a.catch_up, true};
      return ask(ctx, ctx.cl.scheduler, done, fail, sch_add_atom::value, in, false);
    }
    case action_kind::schedule_stop:
      return ask(ctx, ctx.cl.scheduler, done, fail, sch_stop_atom::value, id);
    case action_kind::schedule_start:
      return ask(ctx, ctx.cl.scheduler, done, fail, sch_start_atom::value, id);
    default:
      return ask(ctx, ctx.cl.scheduler, done, fail, sch_change_atom::value, id, a.every, a.cron);
  }
}

} // namespace

void caf_actions::submit(const action& a) { replay::submit(ctx_, a); }
void caf_actions::swap_rules(const action& a) { replay::swap_rules(ctx_, a); }
void caf_actions::cancel(const action& a) { replay::cancel(ctx_, a); }
void caf_actions::command(const action& a) { node_command_to(ctx_, a); }
void caf_actions::schedule(const action& a) { replay::schedule(ctx_, a); }
void caf_actions::data(const action& a) { apply_data_action(ctx_, a); }

void caf_actions::kill(const action& a) {
  ctx_.cl.kill(a.member);
  ctx_.obs.line(ctx_.now_ms, "kill " + a.member + " (node and supervisor, exit_reason::kill)");
}

void caf_actions::crash(const action& a) {
  ctx_.cl.crash(a.member);
  ctx_.obs.line(ctx_.now_ms, "crash " + a.member + " (role stops with an error)");
}

void caf_actions::restart(const action& a) {
  ctx_.cl.start(a.member);
  ctx_.obs.line(ctx_.now_ms, "restart " + a.member);
}

void caf_actions::partition(const action& a, bool on) {
  ctx_.cl.set_partitioned(a.member, on);
  ctx_.obs.line(ctx_.now_ms, on ? "partition " + a.member + " (its heartbeats are dropped)"
                                : "heal " + a.member);
}

void caf_actions::deregister(const action& a) {
  ctx_.cl.deregister(a.member);
  ctx_.obs.line(ctx_.now_ms, "deregister " + a.member);
}

void caf_actions::slow(const action& a) {
  ctx_.cl.slow(a.member, a.slow_ms);
  ctx_.obs.line(ctx_.now_ms, fmt::format("slow {} by {} ms per task", a.member, a.slow_ms));
}

} // namespace drover::replay
