// A swarm of consumers in one process, joined to a running registry: the
// curves with consumers spread over processes (bench/curves.sh) need
// thousands of consumers on a 2-core box, and `drover run` hosts one
// consumer per process.
//
//   swarm_bench --registry=HOST:PORT --consumers=N [--capacity=C]
//               [--name=PREFIX] [--ready-file=F]
//
// Consumers PREFIX-1 .. PREFIX-N (PREFIX defaults to swarm-<pid>), each as
// `drover run --role=consumer` runs it. Once all N have joined, "ready"
// goes to --ready-file (written to a temporary name, then renamed). On
// SIGTERM or SIGINT every consumer drains (5 s) and the process prints
// "executed: X" (the tasks its consumers ran) and exits 0.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include <caf/io/all.hpp>

#include "actors/consumer.hpp"
#include "actors/protocol.hpp"
#include "app/remote.hpp"
#include "app/scheduler_tuning.hpp"
#include "config/options.hpp"
#include "core/lease_window.hpp"
#include "core/log.hpp"
#include "core/stop_signals.hpp"

using namespace drover;

namespace {

constexpr auto connect_limit = std::chrono::seconds(5);
constexpr uint32_t drain_ms = 5000;

struct args {
  std::string registry;
  long consumers = 0;
  long capacity = 64;
  std::string name = "swarm-" + std::to_string(::getpid());
  std::string ready_file;
};

bool parse(int argc, char** argv, args& a) {
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&](const char* flag) {
      auto n = std::strlen(flag);
      return s.compare(0, n, flag) == 0 ? s.substr(n) : std::string{"\x01"};
    };
    if (auto v = value("--registry="); v != "\x01")
      a.registry = v;
    else if (auto v = value("--consumers="); v != "\x01")
      a.consumers = std::atol(v.c_str());
    else if (auto v = value("--capacity="); v != "\x01")
      a.capacity = std::atol(v.c_str());
    else if (auto v = value("--name="); v != "\x01")
      a.name = v;
    else if (auto v = value("--ready-file="); v != "\x01")
      a.ready_file = v;
    else
      return false;
  }
  return !a.registry.empty() && a.consumers > 0 && a.consumers <= 100000 && a.capacity > 0
         && a.capacity <= 100000 && !a.name.empty();
}

bool write_ready(const std::string& path) {
  auto tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr)
    return false;
  bool ok = std::fputs("ready\n", f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace

int main(int argc, char** argv) {
  args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr, "usage: swarm_bench --registry=HOST:PORT --consumers=N (1-100000) "
                         "[--capacity=C] [--name=PREFIX] [--ready-file=F]\n");
    return 2;
  }
  auto ep = parse_endpoint(a.registry);
  if (!ep) {
    std::fprintf(stderr, "swarm_bench: %s\n", ep.err().message.c_str());
    return 2;
  }
  auto signals = block_stop_signals(); // before CAF starts its threads
  set_log_level(log_level::warn);
  caf::actor_system_config cfg;
  configure_node_links(cfg, tls_files{});
  add_drover_types(cfg);
  tune_scheduler(cfg); // as drover run
  caf::actor_system sys{cfg};
  auto registry = connect_to(sys, *ep, connect_limit);
  if (!registry) {
    std::fprintf(stderr, "swarm_bench: %s\n", registry.err().message.c_str());
    return 1;
  }
  auto joined = std::make_shared<std::atomic<long>>(0);
  auto executed = std::make_shared<std::atomic<uint64_t>>(0);
  std::vector<consumer_options> opts;
  std::vector<caf::actor> consumers;
  for (long i = 1; i <= a.consumers; ++i) {
    consumer_options co;
    co.info = member_info{a.name + "-" + std::to_string(i), member_role::consumer, {},
                          static_cast<uint32_t>(a.capacity), "default", "", {}};
    co.info.prefetch = prefetch_for(co.info.capacity, auto_prefetch); // as drover run
    co.registry = *registry;
    co.link.address = a.registry;
    co.link.reconnect = middleman_connector(*ep, connect_limit);
    // Counted once per consumer: a rejoin after a lost registry is not new.
    co.link.joined = [joined, done = std::make_shared<bool>(false)] {
      if (!*done) {
        *done = true;
        ++*joined;
      }
    };
    co.executed = executed;
    consumers.push_back(spawn_consumer(sys, std::move(co)));
  }
  bool announced = a.ready_file.empty();
  int sig = 0;
  while (sig == 0) {
    if (!announced && joined->load() == a.consumers) {
      if (!write_ready(a.ready_file)) {
        std::fprintf(stderr, "swarm_bench: cannot write %s\n", a.ready_file.c_str());
        break;
      }
      announced = true;
    }
    timespec tick{0, 20'000'000};
    sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig < 0)
      sig = 0;
  }
  for (auto& c : consumers)
    send_drain(c, drain_ms);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_ms + 2000);
  caf::scoped_actor self{sys};
  for (auto& c : consumers)
    self->monitor(c);
  size_t down = 0;
  while (down < consumers.size() && std::chrono::steady_clock::now() < deadline)
    self->receive([&](caf::down_msg&) { ++down; },
                  caf::after(std::chrono::milliseconds(100)) >> [] {});
  if (down < consumers.size()) {
    std::fprintf(stderr, "swarm_bench: %zu consumers did not finish draining in time\n",
                 consumers.size() - down);
    for (auto& c : consumers)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }
  std::printf("executed: %llu\n", static_cast<unsigned long long>(executed->load()));
  std::fflush(stdout);
  return 0;
}
