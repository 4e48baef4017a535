#include "app/demo.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace drover {

namespace {

// An exec handler: each task is one `sh` process that counts the words of
// its payload after a short pause (so the dashboard shows the job moving).
constexpr const char* demo_handlers =
  "# Written by `drover run --demo`: the demo job's exec handler.\n"
  "handlers:\n"
  "  demo.words:\n"
  "    exec:\n"
  "      argv: [sh, -c, 'sleep 0.2; printf \"%s\" \"$1\" | wc -w', demo, \"{payload}\"]\n"
  "      stdin: none\n"
  "      timeout: 10s\n";

} // namespace

error prepare_demo(run_options& o) {
  auto path = o.data_dir + "/demo-handlers.yaml";
  std::ofstream out{path, std::ios::trunc};
  out << demo_handlers;
  out.close();
  if (!out)
    return {ec::bad_input, "--demo: cannot write " + path};
  o.handlers = path;
  o.handlers_poll_ms = 0;
  if (o.tasks == 0)
    o.tasks = 200;
  o.task.type = demo_task_type;
  o.task.payload = "the quick brown fox jumps over the lazy dog";
  o.job = "demo";
  return {};
}

bool demo_stays_up() {
  const char* ci = std::getenv("CI");
  bool in_ci = ci && *ci && std::string{ci} != "false" && std::string{ci} != "0";
  return !in_ci && ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
}

std::string demo_banner(const std::string& http_address, uint64_t tasks) {
  return "drover demo: dashboard at http://" + http_address + "/ ; a job of "
         + std::to_string(tasks) + " exec tasks (" + demo_task_type + ") is running\n";
}

} // namespace drover
