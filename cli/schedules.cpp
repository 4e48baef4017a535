// See cli/schedules.hpp.
#include "cli/schedules.hpp"

#include <ostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/actions.hpp"
#include "cli/render.hpp"

namespace drover {

using json = nlohmann::json;

namespace {

std::string when_of(const json& s) {
  if (!str_field(s, "every").empty())
    return "every " + str_field(s, "every");
  if (!str_field(s, "cron").empty())
    return "cron " + str_field(s, "cron");
  return "?";
}

std::string job_or_dash(uint64_t job) { return job ? std::to_string(job) : "-"; }

void print_list(std::ostream& out, const json& doc) {
  std::vector<std::vector<std::string>> rows;
  if (doc.contains("schedules") && doc["schedules"].is_array())
    for (auto& s : doc["schedules"])
      rows.push_back({std::to_string(u64_field(s, "id")), str_field(s, "name"), when_of(s),
                      str_field(s, "state"), std::to_string(u64_field(s, "runs")),
                      format_time(i64_field(s, "next_run_ms")),
                      job_or_dash(u64_field(s, "last_job"))});
  if (rows.empty()) {
    out << "no schedules (drover schedules create NAME --every=5m ...)\n";
    return;
  }
  print_table(out, {"ID", "NAME", "WHEN", "STATE", "RUNS", "NEXT RUN", "LAST JOB"}, rows);
}

void print_one(std::ostream& out, const json& s) {
  out << "schedule " << u64_field(s, "id") << " (" << str_field(s, "name") << "): " << when_of(s)
      << ", " << str_field(s, "state") << ", catch-up " << str_field(s, "catch_up") << "\n";
  out << "  runs " << u64_field(s, "runs") << ", next " << format_time(i64_field(s, "next_run_ms"))
      << ", last " << format_time(i64_field(s, "last_run_ms")) << "\n";
  if (s.contains("job"))
    out << "  job " << s["job"].dump() << "\n";
  if (s.contains("recent_runs") && s["recent_runs"].is_array())
    for (auto& r : s["recent_runs"]) {
      out << "  fired " << format_time(i64_field(r, "fire_ms")) << ": ";
      if (u64_field(r, "job") != 0)
        out << "job " << u64_field(r, "job") << "\n";
      else
        out << "not submitted: " << str_field(r, "error") << "\n";
    }
}

/// Prints an answer as a list of schedules, one schedule, or JSON.
int call(api_client& api, client_io& io, bool as_json, const api_reply& reply, bool list) {
  return print_reply(api, io, as_json, reply, [&](const json& doc) {
    list ? print_list(io.out, doc) : print_one(io.out, doc);
  });
}

/// The POST /v1/schedules body from the flags; ec::bad_input with a line
/// saying what to fix.
result<json> create_body(const schedule_cli& s) {
  json job;
  if (!s.job_file.empty()) {
    auto text = read_file(s.job_file);
    if (!text)
      return text.err();
    job = json::parse(*text, nullptr, false);
    if (job.is_discarded() || !job.is_object())
      return error{ec::bad_input, s.job_file + " is not a JSON object (the POST /v1/jobs body)"};
  } else {
    json task{{"type", s.type}, {"count", s.tasks}};
    if (!s.payload.empty())
      task["payload"] = s.payload;
    job = json{{"name", s.name}, {"tasks", json::array({task})}};
  }
  json body{{"name", s.name}, {"job", job}, {"running", !s.stopped}};
  if (!s.every.empty())
    body["every"] = s.every;
  if (!s.cron.empty())
    body["cron"] = s.cron;
  if (!s.catch_up.empty())
    body["catch_up"] = s.catch_up;
  return body;
}

CLI::App* by_id(CLI::App* parent, schedule_cli& s, const char* name, const char* what) {
  auto* sub = parent->add_subcommand(name, what);
  sub->add_option("id", s.id, "the schedule's id (drover schedules list)")->required();
  return sub;
}

} // namespace

std::unique_ptr<schedule_cli> add_schedule_commands(CLI::App& app, client_options& opts,
                                                    void (*common)(CLI::App*, client_options&)) {
  auto s = std::make_unique<schedule_cli>();
  auto* top = app.add_subcommand("schedules", "list, show, create, start, stop and delete "
                                              "recurring jobs");
  top->require_subcommand(1);
  s->list = top->add_subcommand("list", "every schedule: when, state, runs, next run");
  s->get = by_id(top, *s, "get", "one schedule with its recent runs and their jobs");
  s->create = top->add_subcommand("create", "a schedule that submits a job every period or on a "
                                            "cron line");
  auto* c = s->create;
  c->add_option("name", s->name, "its name (unique)")->required();
  auto* every = c->add_option("--every", s->every, "period, e.g. 30s, 5m, 1h");
  auto* cron = c->add_option("--cron", s->cron, "cron line, e.g. '*/5 * * * *' (UTC)");
  every->excludes(cron);
  c->add_option("--catch-up", s->catch_up, "runs missed while down: none|one|all (default one)");
  c->add_flag("--stopped", s->stopped, "create it stopped (start it later)");
  auto* file = c->add_option("--job-file", s->job_file, "the job as JSON (the POST /v1/jobs body)");
  c->add_option("--type", s->type, "without --job-file: the task type")->excludes(file);
  c->add_option("--payload", s->payload, "without --job-file: every task's payload")
    ->excludes(file);
  c->add_option("--tasks", s->tasks, "without --job-file: tasks per run")->excludes(file);
  s->start = by_id(top, *s, "start", "start a stopped schedule");
  s->stop = by_id(top, *s, "stop", "stop a schedule (missed runs are never made up)");
  s->remove = by_id(top, *s, "delete", "delete a schedule");
  for (auto* sub : {s->list, s->get, s->create, s->start, s->stop, s->remove})
    common(sub, opts);
  return s;
}

bool schedule_command_parsed(const schedule_cli& s) {
  for (auto* sub : {s.list, s.get, s.create, s.start, s.stop, s.remove})
    if (sub && sub->parsed())
      return true;
  return false;
}

std::optional<int> run_schedule_command(const schedule_cli& s, bool as_json, api_client& api,
                                        client_io& io) {
  auto one = "/v1/schedules/" + url_segment(s.id);
  if (s.list->parsed())
    return call(api, io, as_json, api.get("/v1/schedules"), true);
  if (s.get->parsed())
    return call(api, io, as_json, api.get(one), false);
  if (s.start->parsed())
    return call(api, io, as_json, api.post(one + "/start", ""), false);
  if (s.stop->parsed())
    return call(api, io, as_json, api.post(one + "/stop", ""), false);
  if (s.remove->parsed())
    return call(api, io, as_json, api.del(one), false);
  if (s.create->parsed()) {
    if (s.every.empty() == s.cron.empty()) {
      io.err << "drover: schedules create needs --every=PERIOD or --cron='LINE' (one of them)\n";
      return 2;
    }
    auto body = create_body(s);
    if (!body) {
      io.err << "drover: " << body.err().message << "\n";
      return 2;
    }
    return call(api, io, as_json, api.post("/v1/schedules", body->dump()), false);
  }
  return std::nullopt;
}

} // namespace drover
