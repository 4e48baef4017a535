// Client commands that read or change one thing on the server: status,
// cancel, jobs, nodes, rules get|apply (cli/actions.hpp).
#include "cli/actions.hpp"

#include <cctype>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/render.hpp"
#include "core/task.hpp"
#include "rules/rule_set.hpp"

namespace drover {

using json = nlohmann::json;

result<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error{ec::bad_input, "cannot read " + path + ": " + std::strerror(errno)};
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string url_segment(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

int print_reply(api_client& api, client_io& io, bool as_json, const api_reply& reply,
                const std::function<void(const json&)>& human) {
  if (int code = report_failure(reply, api.server(), io.err))
    return code;
  auto doc = parse_reply(reply, api.server(), io.err);
  if (!doc)
    return 1;
  if (as_json)
    io.out << doc->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else
    human(*doc);
  return 0;
}

namespace {

/// Job ids are numbers; task ids are numbers or NODE_MS_NUMBER. A plain
/// number is a job unless --task says otherwise.
bool is_task_id(const client_commands& c) {
  if (c.as_task || c.as_job)
    return c.as_task;
  return c.id.find('_') != std::string::npos;
}

/// GETs or POSTs `path` and prints the JSON with `human` or as JSON.
int fetch(api_client& api, client_io& io, bool as_json, const std::string& method,
          const std::string& path, const std::function<void(const json&)>& human) {
  return print_reply(api, io, as_json, method == "POST" ? api.post(path, "") : api.get(path),
                     human);
}

/// A job id is a number; a task id what the server reads (parse_task_id).
/// Checked here, so a typo is bad usage (exit 2), not a server's refusal (1).
bool check_id(const client_commands& c, client_io& io) {
  bool task = is_task_id(c);
  uint64_t id = 0;
  auto [end, err] = std::from_chars(c.id.data(), c.id.data() + c.id.size(), id);
  bool ok = task ? parse_task_id(c.id).ok()
                 : !c.id.empty() && err == std::errc{} && end == c.id.data() + c.id.size();
  if (ok)
    return true;
  io.err << "drover: '" << c.id << "' is not a "
         << (task ? "task id (a number or NODE_MS_NUMBER, e.g. manager-1_1795460339045_7)"
                  : "job id (a number, e.g. 3; a task id looks like NODE_MS_NUMBER)")
         << "\n";
  return false;
}

} // namespace

int run_status(const client_commands& c, api_client& api, client_io& io) {
  if (!check_id(c, io))
    return 2;
  bool task = is_task_id(c);
  auto path = std::string{task ? "/v1/tasks/" : "/v1/jobs/"} + url_segment(c.id);
  return fetch(api, io, c.client.json, "GET", path, [&](const json& doc) {
    task ? print_task(io.out, doc) : print_job(io.out, doc);
  });
}

int run_cancel(const client_commands& c, api_client& api, client_io& io) {
  if (!check_id(c, io))
    return 2;
  bool task = is_task_id(c);
  auto path = std::string{task ? "/v1/tasks/" : "/v1/jobs/"} + url_segment(c.id) + "/cancel";
  return fetch(api, io, c.client.json, "POST", path, [&](const json& doc) {
    if (task)
      io.out << "task " << str_field(doc, "id") << " is " << str_field(doc, "state")
             << " (version " << u64_field(doc, "version") << ")\n";
    else
      io.out << "job " << u64_field(doc, "job_id") << ": " << u64_field(doc, "cancelled")
             << " tasks cancelled\n";
  });
}

int run_seal(const client_commands& c, api_client& api, client_io& io) {
  auto path = "/v1/jobs/" + url_segment(c.id) + "/seal";
  return fetch(api, io, c.client.json, "POST", path, [&](const json& doc) {
    io.out << "job " << u64_field(doc, "id") << " sealed with " << u64_field(doc, "total")
           << " tasks; it takes no more lists\n";
    print_job(io.out, doc);
  });
}

int run_jobs(const client_commands& c, api_client& api, client_io& io) {
  auto path = "/v1/jobs?offset=" + std::to_string(c.offset) + "&limit=" + std::to_string(c.limit);
  return fetch(api, io, c.client.json, "GET", path, [&](const json& doc) { print_jobs(io.out, doc); });
}

int run_nodes(const client_commands& c, api_client& api, client_io& io) {
  return fetch(api, io, c.client.json, "GET", "/v1/nodes",
               [&](const json& doc) { print_nodes(io.out, doc); });
}

int run_rules_get(const client_commands& c, api_client& api, client_io& io) {
  return fetch(api, io, c.client.json, "GET", "/v1/rules", [&](const json& doc) {
    // A YAML comment on top keeps the output a valid rules file.
    io.out << "# rules version " << u64_field(doc, "version") << ", hash "
           << str_field(doc, "hash") << ", from " << str_field(doc, "source") << "\n"
           << str_field(doc, "text");
    auto text = str_field(doc, "text");
    if (!text.empty() && text.back() != '\n')
      io.out << "\n";
  });
}

int run_rules_apply(const client_commands& c, api_client& api, client_io& io) {
  auto local = load_rules(c.rules_file); // the manager's own check: bad usage here
  if (!local) {
    io.err << "drover: " << local.err().message << "\n";
    return 2;
  }
  auto reply = api.put("/v1/rules", local->text, "application/yaml");
  if (int code = report_failure(reply, api.server(), io.err))
    return code;
  auto parsed = parse_reply(reply, api.server(), io.err);
  if (!parsed)
    return 1;
  json doc = std::move(*parsed);
  if (c.client.json)
    io.out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else
    io.out << "rules applied: version " << u64_field(doc, "version") << ", hash "
           << str_field(doc, "hash") << "\n";
  return 0;
}

} // namespace drover
