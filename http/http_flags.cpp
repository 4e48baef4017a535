// --http and friends (http/http_flags.hpp).
#include "http/http_flags.hpp"

#include <CLI/CLI.hpp>

namespace drover {

void add_http_flags(CLI::App& app, http_flags& f) {
  auto* group = "REST API (manager)";
  app.add_option("--http", f.listen, "HOST:PORT of the REST API, or off")
    ->capture_default_str()->group(group);
  app.add_option("--max-body", f.max_body, "largest request body, e.g. 16MiB, 512k")
    ->transform(CLI::AsSizeValue(false))->capture_default_str()->group(group);
  app.add_option("--max-tasks", f.max_tasks, "most tasks in one submitted job")
    ->capture_default_str()->group(group);
  app.add_option("--token", f.token, "bearer token every /v1 call must send (default $DROVER_TOKEN)")
    ->envname("DROVER_TOKEN")->group(group);
}

error resolve_http_flags(const http_flags& f, bool& enabled, endpoint& where,
                         http_server_options& opts) {
  enabled = f.listen != "off";
  if (!enabled)
    return {};
  if (auto err = parse_endpoint(f.listen, where, true))
    return {ec::bad_input, "--http: " + err.message + " (or --http=off)"};
  if (f.max_body == 0)
    return {ec::bad_input, "--max-body must be at least 1 byte"};
  if (f.max_tasks == 0)
    return {ec::bad_input, "--max-tasks must be at least 1"};
  opts.max_body = f.max_body;
  opts.max_tasks = f.max_tasks;
  opts.token = f.token;
  return {};
}

} // namespace drover
