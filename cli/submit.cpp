// `drover submit`: send a job from a JSON file or from flags, print its id,
// and with --wait poll GET /v1/jobs/{id} until it finishes: a progress bar
// on a terminal, one plain line per interval otherwise (logs, CI).
#include "cli/actions.hpp"

#include <chrono>
#include <limits>
#include <ostream>
#include <set>
#include <thread>

#include "cli/render.hpp"
#include "core/task.hpp"
#include "http/job_json.hpp"
#include "http/job_split_json.hpp"

namespace drover {

using json = nlohmann::json;

namespace {

/// The request body from FILE.json or --tasks=N and the task types in it;
/// 0 or exit code 2. A file is checked here with the server's own rules, so
/// a mistake is reported with its field path before anything is sent.
int build_body(const submit_options& s, std::string& body, std::set<std::string>& types,
               std::ostream& err) {
  if (!s.file.empty() && s.tasks > 0) {
    err << "drover: give FILE.json or --tasks=N, not both\n";
    return 2;
  }
  if (s.file.empty() && s.tasks == 0) {
    err << "drover: submit needs FILE.json or --tasks=N --type=T (see drover submit --help)\n";
    return 2;
  }
  if (!s.file.empty()) {
    auto text = read_file(s.file);
    if (!text) {
      err << "drover: " << text.err().message << "\n";
      return 2;
    }
    body = std::move(*text);
    job_limits local{std::numeric_limits<std::size_t>::max()};
    local.read_files = true; // split.lines reads its file here: the server reads no client files
    auto parsed = parse_job_request(body, local);
    if (parsed.err) {
      err << "drover: " << s.file << ": " << parsed.err.message << "\n";
      return 2;
    }
    if (body.find("\"split\"") != std::string::npos) // send the parts, expanded
      body = expanded_job_body(parsed.job);
    for (const auto& t : parsed.job.tasks)
      types.insert(std::string{t.type});
    return 0;
  }
  auto p = parse_priority(s.priority);
  if (!p) {
    err << "drover: --priority: '" << s.priority << "' is not high, normal or low\n";
    return 2;
  }
  if (s.tasks > std::numeric_limits<uint32_t>::max() || s.max_attempts == 0) {
    err << "drover: " << (s.max_attempts == 0 ? "--max-attempts must be at least 1"
                                              : "--tasks: at most 4294967295 per job")
        << "\n";
    return 2;
  }
  // One task object with a count keeps a million-task body a few bytes long.
  json task{{"type", s.type}, {"payload", s.payload}, {"priority", s.priority},
            {"max_attempts", s.max_attempts}, {"timeout_ms", s.timeout_ms}, {"count", s.tasks}};
  json job{{"name", s.name}, {"tasks", json::array({task})}};
  if (!s.group.empty())
    job["group"] = s.group;
  body = job.dump(-1, ' ', false, json::error_handler_t::replace);
  // The server's own check, here: an empty --type is bad usage, not a refusal.
  auto parsed = parse_job_request(body, job_limits{std::numeric_limits<std::size_t>::max()});
  if (parsed.err) {
    err << "drover: " << parsed.err.message << " (from the flags)\n";
    return 2;
  }
  types.insert(s.type);
  return 0;
}

/// Warns (stderr) about each of `types` that no live consumer runs: such
/// tasks wait, unassignable, until one registers. Silent if the members
/// cannot be read: the job is in, this is only a hint.
void warn_unrun_types(const std::set<std::string>& types, api_client& api, std::ostream& err) {
  auto reply = api.get("/v1/nodes");
  if (reply.status != 200)
    return;
  auto doc = json::parse(reply.body, nullptr, false);
  auto nodes = doc.is_object() ? doc.find("nodes") : doc.end();
  if (doc.is_discarded() || !doc.is_object() || nodes == doc.end() || !nodes->is_array())
    return;
  std::set<std::string> run;
  for (const auto& n : *nodes)
    if (str_field(n, "role") == "consumer" && str_field(n, "state") == "up")
      if (auto t = n.find("types"); t != n.end() && t->is_array())
        for (const auto& type : *t)
          if (type.is_string())
            run.insert(type.get<std::string>());
  for (const auto& type : types)
    if (run.count(type) == 0)
      err << "drover: warning: no live consumer runs type '" << type
          << "'; its tasks wait until one that does registers (drover nodes shows what "
             "each consumer runs)\n";
}

void print_created(std::ostream& out, const json& created) {
  auto ids = created.find("task_ids");
  size_t n = ids != created.end() && ids->is_array() ? ids->size() : 0;
  out << "job " << u64_field(created, "job_id") << " submitted: " << n << " tasks";
  if (n > 0)
    out << " (" << (*ids)[0].get<std::string>()
        << (n > 1 ? " .. " + (*ids)[n - 1].get<std::string>() : "") << ")";
  out << "\n";
}

constexpr uint32_t max_failed_shown = 20; ///< tasks --wait names when a job fails

/// Polls until the job finishes; 0 if every task SUCCEEDED, 1 if not (then
/// it names the first tasks that did not succeed, with their errors).
int wait_for(const json& created, const client_commands& c, api_client& api, client_io& io,
             json& final_job) {
  auto path = "/v1/jobs/" + std::to_string(u64_field(created, "job_id"));
  auto interval = std::chrono::milliseconds(
    c.submit.interval_ms != 0 ? c.submit.interval_ms : io.tty ? 200 : 1000);
  bool drawn = false;
  for (;;) {
    auto reply = api.get(path);
    if (reply.status < 200 || reply.status >= 300) {
      if (drawn)
        io.out << "\n";
      return report_failure(reply, api.server(), io.err);
    }
    auto parsed = parse_reply(reply, api.server(), io.err);
    if (!parsed)
      return 1;
    final_job = std::move(*parsed);
    if (!c.client.json) {
      if (io.tty)
        io.out << "\r" << progress_bar(final_job) << "   " << std::flush;
      else
        io.out << progress_line(final_job) << "\n" << std::flush;
      drawn = true;
    }
    if (final_job.value("finished", false))
      break;
    std::this_thread::sleep_for(interval); // the client's pace, not logic
  }
  auto total = u64_field(final_job, "total");
  auto counts = final_job.value("counts", json::object());
  auto ok = u64_field(counts, "SUCCEEDED");
  if (!c.client.json) {
    if (io.tty)
      io.out << "\n";
    io.out << "job " << u64_field(final_job, "id") << " finished: " << ok << " of " << total
           << " succeeded\n";
  }
  if (ok == total)
    return 0;
  json failed = json::array(); // which ones, and why
  if (int code = print_failed_tasks(api, io, final_job, max_failed_shown,
                                    c.client.json ? &failed : nullptr))
    return code;
  if (c.client.json)
    final_job["failed_tasks"] = std::move(failed);
  return 1;
}

} // namespace

int run_submit(const client_commands& c, api_client& api, client_io& io) {
  std::string body;
  std::set<std::string> types;
  if (int code = build_body(c.submit, body, types, io.err))
    return code;
  auto reply = api.post("/v1/jobs", body);
  if (int code = report_failure(reply, api.server(), io.err))
    return code;
  auto parsed = parse_reply(reply, api.server(), io.err);
  if (!parsed)
    return 1;
  json created = std::move(*parsed);
  warn_unrun_types(types, api, io.err);
  if (!c.client.json)
    print_created(io.out, created);
  int code = 0;
  if (c.submit.wait) {
    json final_job;
    code = wait_for(created, c, api, io, final_job);
    if (c.client.json)
      created["job"] = final_job;
  }
  if (c.client.json)
    io.out << created.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return code;
}

} // namespace drover
