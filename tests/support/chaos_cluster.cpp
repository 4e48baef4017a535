#include "tests/support/chaos_cluster.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

namespace drover::testing {

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0)
    ::close(fd);
  return port;
}

chaos_cluster::chaos_cluster(std::string d, const std::string& store, int n_consumers,
                             int n_producers, const std::vector<std::string>& producer_args,
                             const std::vector<std::string>& consumer_extra)
  : dir(std::move(d)), registry_port(free_port()), http_port(free_port()) {
  auto registry = fmt::format("--registry=127.0.0.1:{}", registry_port);
  manager.name = "manager";
  manager.args = {DROVER_BINARY, "run", "--role=registry,manager",
                  fmt::format("--listen=127.0.0.1:{}", registry_port),
                  fmt::format("--http=127.0.0.1:{}", http_port), "--store=" + store,
                  "--threads=2", "--grace=1000", "--idle-after=0",
                  "--queues=high:1500,normal:1500,low:1500,standby:500"};
  for (int i = 0; i < n_consumers; ++i) {
    chaos_role c;
    c.name = fmt::format("c{}", i + 1);
    c.args = {DROVER_BINARY, "run", "--role=consumer", registry, "--node=" + c.name,
              "--capacity=8", "--threads=1"};
    c.args.insert(c.args.end(), consumer_extra.begin(), consumer_extra.end());
    consumers.push_back(std::move(c));
  }
  for (int i = 0; i < n_producers; ++i) {
    chaos_role p;
    p.name = fmt::format("p{}", static_cast<char>('A' + i));
    p.args = {DROVER_BINARY, "run", "--role=producer", registry, "--node=" + p.name,
              "--threads=1", "--quiet"};
    p.args.insert(p.args.end(), producer_args.begin(), producer_args.end());
    producers.push_back(std::move(p));
  }
}

std::string chaos_cluster::ready_path(const chaos_role& r) const {
  return fmt::format("{}/{}.{}.ready", dir, r.name, r.lives.size());
}

bool chaos_cluster::start(chaos_role& r, std::chrono::milliseconds limit) {
  auto args = r.args;
  auto ready = fmt::format("{}/{}.{}.ready", dir, r.name, r.lives.size() + 1);
  args.push_back("--ready-file=" + ready);
  r.lives.push_back(std::make_unique<child_process>(
    args, fmt::format("{}/{}.{}", dir, r.name, r.lives.size() + 1)));
  r.killed.push_back(false);
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(ready))
      return true;
    if (!r.current().running())
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

bool chaos_cluster::apply(const fault& f, int64_t now_ms) {
  chaos_role* r = f.kind == fault_kind::kill_manager  ? &manager
                  : f.kind == fault_kind::kill_producer ? &producers[f.target]
                                                        : &consumers[f.target];
  if (r->lives.empty() || r->back_at_ms >= 0 || !r->current().running())
    return false;
  if (f.kind == fault_kind::stop_consumer) {
    r->current().signal(SIGSTOP);
    r->stopped = true;
  } else {
    r->current().signal(SIGKILL);
    r->current().wait(std::chrono::seconds(5));
    r->killed.back() = true;
  }
  r->back_at_ms = now_ms + f.down_ms;
  applied.push_back(fmt::format("  {:>6} ms  {} {}", now_ms,
                                f.kind == fault_kind::stop_consumer ? "SIGSTOP" : "SIGKILL",
                                r->name));
  return true;
}

void chaos_cluster::tick(int64_t now_ms) {
  auto due = [&](chaos_role& r) {
    if (r.back_at_ms < 0 || now_ms < r.back_at_ms)
      return;
    r.back_at_ms = -1;
    if (r.stopped) {
      r.stopped = false;
      r.current().signal(SIGCONT);
      applied.push_back(fmt::format("  {:>6} ms  SIGCONT {}", now_ms, r.name));
      return;
    }
    // Not waited for: a member may come back while the manager is down.
    auto args = r.args;
    args.push_back("--ready-file=" + fmt::format("{}/{}.{}.ready", dir, r.name,
                                                 r.lives.size() + 1));
    r.lives.push_back(std::make_unique<child_process>(
      args, fmt::format("{}/{}.{}", dir, r.name, r.lives.size() + 1)));
    r.killed.push_back(false);
    applied.push_back(fmt::format("  {:>6} ms  restarted {}", now_ms, r.name));
  };
  due(manager);
  for (auto& c : consumers)
    due(c);
  for (auto& p : producers)
    due(p);
}

bool chaos_cluster::all_back() const {
  // A restarted life counts once it is up (its ready file), or once it ended.
  auto back = [this](const chaos_role& r) {
    return r.back_at_ms < 0 && !r.stopped
           && (r.lives.empty() || std::filesystem::exists(ready_path(r))
               || r.lives.back()->status() >= 0);
  };
  bool ok = back(manager);
  for (auto& c : consumers)
    ok = ok && back(c);
  for (auto& p : producers)
    ok = ok && back(p);
  return ok;
}

} // namespace drover::testing
