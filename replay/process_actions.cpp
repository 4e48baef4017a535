// See process_actions.hpp.
#include "replay/process_actions.hpp"

#include <csignal>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/api_client.hpp"
#include "replay/child.hpp"
#include "replay/job_body.hpp"
#include "replay/observe.hpp"
#include "replay/probe_http.hpp"

namespace drover::replay {

namespace {

using json = nlohmann::json;

const char* why_not(action_kind k) {
  switch (k) {
    case action_kind::crash:
      return "a role cannot be made to crash inside a running process";
    case action_kind::partition:
    case action_kind::heal:
      return "only the heartbeats to the registry would have to be cut, which needs the "
             "in-process relay";
    case action_kind::deregister:
      return "no API deregisters a member on its behalf";
    case action_kind::slow:
      return "the handlers run inside the consumer process";
    case action_kind::schedule:
    case action_kind::schedule_stop:
    case action_kind::schedule_start:
    case action_kind::schedule_change:
      return "schedule entries are played in-process only (the REST endpoints are "
             "/v1/schedules)";
    default:
      return "";
  }
}

void submit(process_action_context& ctx, const action& a) {
  auto& j = a.job;
  auto r = ctx.api.post("/v1/jobs", job_body(j));
  auto text = fmt::format("submit job {}: {} tasks of {}{} by POST /v1/jobs", j.name, j.tasks,
                          j.spec.type.view(),
                          j.spec.payload.empty() ? "" : " " + j.spec.payload.str());
  if (r.status == 201) {
    auto reply = json::parse(r.body, nullptr, false);
    if (reply.is_object())
      return ctx.obs.line(ctx.now_ms,
                          fmt::format("{} -> job id {}, {} stored", text,
                                      reply["job_id"].get<uint64_t>(), reply["task_ids"].size()));
  }
  ctx.obs.line(ctx.now_ms, text + " -> refused: " + reply_problem(r.status, r.body, r.err));
}

void swap_rules(process_action_context& ctx, const action& a) {
  std::ifstream in{a.rules_path};
  std::stringstream text;
  text << in.rdbuf();
  auto name = a.rules_path.substr(a.rules_path.rfind('/') + 1);
  auto r = ctx.api.put("/v1/rules", text.str(), "application/yaml");
  auto info = json::parse(r.body, nullptr, false);
  if (r.status == 200 && info.is_object())
    return ctx.obs.line(ctx.now_ms, fmt::format("swap rules {} -> version {} ({} rules)", name,
                                                info["version"].get<uint64_t>(),
                                                info.value("rules", 0)));
  ctx.obs.line(ctx.now_ms, fmt::format("swap rules {} -> refused: {}", name,
                                       reply_problem(r.status, r.body, r.err)));
}

void cancel(process_action_context& ctx, const action& a) {
  if (a.cancel_task != 0) {
    auto r = ctx.api.post(fmt::format("/v1/tasks/{}/cancel", a.cancel_task), "");
    return ctx.obs.line(ctx.now_ms, r.status == 200
                                      ? fmt::format("cancel task {} -> cancelled", a.cancel_task)
                                      : "cancel -> refused: "
                                          + reply_problem(r.status, r.body, r.err));
  }
  bool any = false;
  for (auto& j : ctx.jobs()) {
    if (j["name"] != a.cancel_job)
      continue;
    any = true;
    auto id = j["id"].get<uint64_t>();
    auto r = ctx.api.post(fmt::format("/v1/jobs/{}/cancel", id), "");
    auto reply = json::parse(r.body, nullptr, false);
    if (r.status == 200 && reply.is_object())
      ctx.obs.line(ctx.now_ms, fmt::format("cancel job {} (id {}) -> {} tasks cancelled",
                                           a.cancel_job, id, reply["cancelled"].get<uint64_t>()));
    else
      ctx.obs.line(ctx.now_ms, "cancel -> refused: " + reply_problem(r.status, r.body, r.err));
  }
  if (!any)
    ctx.obs.line(ctx.now_ms, fmt::format("cancel job {} -> no such job", a.cancel_job));
}

} // namespace

bool process_can(action_kind k) {
  return why_not(k)[0] == '\0';
}

std::string unsupported_in_processes(const scenario& s) {
  std::string out;
  for (auto& a : s.timeline)
    if (!process_can(a.kind))
      out += fmt::format("{}:{}: '{}' cannot be played with --processes: {}; use "
                         "--clock=virtual or --clock=real\n",
                         s.path, a.line, to_string(a.kind), why_not(a.kind));
  out += extras_unsupported_in_processes(s); // queues, dedupe, split, merge
  return out;
}

void process_actions::submit(const action& a) { replay::submit(ctx_, a); }
void process_actions::swap_rules(const action& a) { replay::swap_rules(ctx_, a); }
void process_actions::cancel(const action& a) { replay::cancel(ctx_, a); }

void process_actions::kill(const action& a) {
  auto& m = a.member;
  auto* c = ctx_.current(m);
  if (c == nullptr || !c->running())
    return ctx_.obs.line(ctx_.now_ms, "kill " + m + " (not running)");
  c->signal(SIGKILL);
  c->wait(std::chrono::seconds(5));
  ctx_.obs.line(ctx_.now_ms, fmt::format("kill {} (SIGKILL to pid {})", m, c->pid()));
}

void process_actions::restart(const action& a) {
  auto& c = ctx_.start(a.member);
  ctx_.obs.line(ctx_.now_ms, fmt::format("restart {} (pid {})", a.member, c.pid()));
}

void process_actions::not_possible(const action& a) { // refused before the run
  ctx_.obs.line(ctx_.now_ms, fmt::format("{} {}: not possible with processes",
                                         to_string(a.kind), a.member));
}

} // namespace drover::replay
