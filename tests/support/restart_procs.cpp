#include "tests/support/restart_procs.hpp"

#include <csignal>
#include <filesystem>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "http/httplib_abi.hpp"
#include "tests/support/chaos_cluster.hpp"

namespace drover::testing {

manager_proc::manager_proc(std::string d, std::vector<std::string> more)
  : dir(std::move(d)), db(dir + "/m.db"), registry_port(free_port()), http_port(free_port()),
    extra(std::move(more)) {}

std::string manager_proc::registry() const {
  return fmt::format("--registry=127.0.0.1:{}", registry_port);
}

bool manager_proc::start() {
  auto ready = fmt::format("{}/manager.{}.ready", dir, ++lives);
  std::vector<std::string> args{DROVER_BINARY, "run", "--role=registry,manager",
                                fmt::format("--listen=127.0.0.1:{}", registry_port),
                                fmt::format("--http=127.0.0.1:{}", http_port),
                                "--store=sqlite:" + db, "--threads=2", "--idle-after=0",
                                "--ready-file=" + ready};
  args.insert(args.end(), extra.begin(), extra.end());
  proc = std::make_unique<child_process>(args, fmt::format("{}/manager.{}", dir, lives));
  return wait_file(ready, std::chrono::seconds(30));
}

nlohmann::json manager_proc::get(const std::string& path) const {
  httplib::Client http{"127.0.0.1", http_port};
  http.set_read_timeout(10, 0);
  auto res = http.Get(path.c_str());
  if (!res || res->status != 200)
    return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

bool wait_file(const std::string& path, std::chrono::milliseconds limit) {
  return eventually([&] { return std::filesystem::exists(path); }, limit);
}

std::unique_ptr<child_process> member(const std::string& dir, const std::string& name,
                                      std::vector<std::string> args, bool wait) {
  static int n = 0;
  auto ready = fmt::format("{}/{}.{}.ready", dir, name, ++n);
  std::vector<std::string> argv{DROVER_BINARY, "run"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--ready-file=" + ready);
  auto p = std::make_unique<child_process>(argv, fmt::format("{}/{}.{}", dir, name, n));
  if (wait)
    REQUIRE_MESSAGE(wait_file(ready, std::chrono::seconds(30)), name << ": " << p->err());
  return p;
}

void stop_cleanly(std::initializer_list<child_process*> procs) {
  for (auto* p : procs)
    p->signal(SIGTERM);
  for (auto* p : procs)
    CHECK(p->wait(std::chrono::seconds(10)) == 0);
}

} // namespace drover::testing
