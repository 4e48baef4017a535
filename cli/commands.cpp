// Client subcommands on the drover binary (cli/commands.hpp): flags here,
// the work in cli/submit.cpp and cli/queries.cpp.
#include "cli/commands.hpp"

#include <exception>
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/actions.hpp"
#include "cli/schedules.hpp"
#include "config/options.hpp"
#include "config/http_flags.hpp"

namespace drover {

namespace {

void add_common_flags(CLI::App* sub, client_options& o) {
  sub->add_option("--server", o.server, "URL of the manager's REST API (default $DROVER_SERVER, "
                  "else http://127.0.0.1:8080); several, comma-separated, for manager "
                  "processes sharing a PostgreSQL store: the leader answers")
    ->envname("DROVER_SERVER");
  sub->add_option("--token", o.token, "bearer token (default $DROVER_TOKEN)")
    ->envname("DROVER_TOKEN")->check(non_empty_token());
  sub->add_option("--ca", o.ca, "PEM CA certificate that signed an https:// server's (default "
                              "$DROVER_CA; else the system's CAs)")
    ->envname("DROVER_CA");
  sub->add_flag("--json", o.json, "print JSON for scripts instead of tables");
  sub->add_option("--request-timeout", o.request_timeout_ms, "ms to wait for each reply")
    ->capture_default_str()->check(CLI::Range(1u, 3'600'000u));
}

void add_submit(CLI::App& app, client_commands& c) {
  auto& s = c.submit;
  auto* sub = app.add_subcommand("submit", "submit a job from FILE.json or from flags");
  c.submit_cmd = sub;
  sub->add_option("file", s.file, "job as JSON (see http/API.md)");
  sub->add_option("--tasks", s.tasks, "submit N identical tasks instead of a file");
  sub->add_option("--type", s.type, "task type (handler)")->capture_default_str();
  sub->add_option("--payload", s.payload, "payload of every task");
  sub->add_option("--priority", s.priority, "high|normal|low")->capture_default_str();
  sub->add_option("--name", s.name, "job name")->capture_default_str();
  sub->add_option("--group", s.group, "producer group");
  sub->add_option("--max-attempts", s.max_attempts, "attempts per task")->capture_default_str();
  sub->add_option("--timeout", s.timeout_ms, "ms per attempt; 0 = none")->capture_default_str();
  sub->add_flag("--wait", s.wait, "wait until the job finishes, showing progress; exit 1 if a task did not succeed");
  sub->add_option("--interval", s.interval_ms, "ms between progress polls (default 200 on a terminal, else 1000)");
  add_common_flags(sub, c.client);
}

/// status and cancel take the same id argument and --task / --job.
CLI::App* add_by_id(CLI::App& app, client_commands& c, const char* name, const char* what) {
  auto* sub = app.add_subcommand(name, what);
  sub->add_option("id", c.id, "job id (a number) or task id (NODE_MS_NUMBER)")->required();
  auto* task = sub->add_flag("--task", c.as_task, "read a plain number as a task id");
  sub->add_flag("--job", c.as_job, "read the id as a job id")->excludes(task);
  add_common_flags(sub, c.client);
  return sub;
}

void add_results(CLI::App& app, client_commands& c) {
  auto& r = c.results;
  auto* sub = app.add_subcommand("results", "list a job's tasks with their results or errors");
  c.results_cmd = sub;
  sub->add_option("job", r.job, "job id")->required();
  sub->add_option("--state", r.state, "only tasks in this state, e.g. FAILED");
  sub->add_option("--offset", r.offset, "tasks to skip")->capture_default_str();
  sub->add_option("--limit", r.limit, "tasks to print; 0 = all")->capture_default_str();
  add_common_flags(sub, c.client);
  sub->get_option("--json")->description("one JSON object per task and line");
}

void add_rules(CLI::App& app, client_commands& c) {
  c.rules_cmd = app.add_subcommand("rules", "show or replace the manager's assignment rules");
  c.rules_cmd->require_subcommand(1);
  c.rules_get_cmd = c.rules_cmd->add_subcommand("get", "print the rules in force (YAML)");
  c.rules_apply_cmd = c.rules_cmd->add_subcommand(
    "apply", "validate FILE and swap it in; on errors the old rules stay");
  c.rules_apply_cmd->add_option("file", c.rules_file, "rules YAML (see rules/examples)")->required();
  for (auto* sub : {c.rules_get_cmd, c.rules_apply_cmd}) {
    auto* manager = sub->add_option(
      "--manager", c.manager, "HOST:PORT of the registry: go through the actor system, not HTTP");
    add_common_flags(sub, c.client);
    manager->excludes(sub->get_option("--server"));
    add_tls_flags(*sub, c.tls);
    sub->add_option("--reconnect-timeout", c.reconnect_timeout_ms,
                    "with --manager: ms to keep reconnecting while the registry or manager "
                    "is away (restarting); 0 = keep trying")
      ->capture_default_str();
  }
}

} // namespace

std::unique_ptr<client_commands> add_client_commands(CLI::App& app, apply_rules_hook apply,
                                                     get_rules_hook get) {
  auto c = std::make_unique<client_commands>();
  c->apply_hook = std::move(apply);
  c->get_hook = std::move(get);
  add_submit(app, *c);
  c->status_cmd = add_by_id(app, *c, "status", "show a job's progress or a task's state and history");
  c->cancel_cmd = add_by_id(app, *c, "cancel", "cancel a job's unfinished tasks, or one task");
  c->seal_cmd = app.add_subcommand(
    "seal", "end a job's push: it takes no more task lists and finishes with the tasks it has");
  c->seal_cmd->add_option("id", c->id, "job id")->required();
  add_common_flags(c->seal_cmd, c->client);
  c->jobs_cmd = app.add_subcommand("jobs", "list jobs, oldest first");
  c->jobs_cmd->add_option("--offset", c->offset, "jobs to skip")->capture_default_str();
  c->jobs_cmd->add_option("--limit", c->limit, "jobs to show (1..1000)")
    ->capture_default_str()->check(CLI::Range(1u, 1000u));
  add_common_flags(c->jobs_cmd, c->client);
  c->nodes_cmd = app.add_subcommand("nodes", "list members: role, state, load, last heartbeat");
  add_common_flags(c->nodes_cmd, c->client);
  add_results(app, *c);
  add_rules(app, *c);
  c->schedules = add_schedule_commands(app, c->client, add_common_flags);
  return c;
}

std::optional<int> run_client_command(client_commands& c) {
  return run_client_command(c, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
}

std::optional<int> run_client_command(client_commands& c, std::ostream& out, std::ostream& err,
                                      bool tty) {
  using action = int (*)(const client_commands&, api_client&, client_io&);
  action run = nullptr;
  if (c.submit_cmd && c.submit_cmd->parsed())
    run = run_submit;
  else if (c.status_cmd && c.status_cmd->parsed())
    run = run_status;
  else if (c.cancel_cmd && c.cancel_cmd->parsed())
    run = run_cancel;
  else if (c.seal_cmd && c.seal_cmd->parsed())
    run = run_seal;
  else if (c.jobs_cmd && c.jobs_cmd->parsed())
    run = run_jobs;
  else if (c.nodes_cmd && c.nodes_cmd->parsed())
    run = run_nodes;
  else if (c.results_cmd && c.results_cmd->parsed())
    run = run_results;
  else if (c.rules_get_cmd && c.rules_get_cmd->parsed())
    run = run_rules_get;
  else if (c.rules_apply_cmd && c.rules_apply_cmd->parsed())
    run = run_rules_apply;
  else if (c.schedules && schedule_command_parsed(*c.schedules))
    run = [](const client_commands& cc, api_client& api, client_io& io) {
      return *run_schedule_command(*cc.schedules, cc.client.json, api, io);
    };
  else
    return std::nullopt;
  try {
    if (run == run_rules_apply && !c.manager.empty() && c.apply_hook)
      return c.apply_hook(c.rules_file, c.manager);
    if (run == run_rules_get && !c.manager.empty() && c.get_hook)
      return c.get_hook(c.manager);
    if (!c.manager.empty()) {
      err << "drover: --manager is not available in this build; use --server=URL\n";
      return 2;
    }
    api_client api{c.client};
    if (auto e = api.check()) {
      err << "drover: " << e.message << "\n";
      return 2;
    }
    client_io io{out, err, tty};
    return run(c, api, io);
  } catch (const std::exception& e) { // e.g. a reply shaped unlike ours
    err << "drover: unexpected reply or internal error: " << e.what() << "\n";
    return 1;
  }
}

} // namespace drover
