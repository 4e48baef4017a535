// Hostile clients against a REST server already running on 127.0.0.1:PORT
// (bench/http_hostile.sh starts it): slowloris, then a connect-and-drop
// storm, with /healthz timed on fresh connections before and during each,
// and after the storm until it answers. Prints the figures and checks the
// strict bounds: /healthz p99 under 100 ms while 200 slowloris connections
// are held, and no stall during or after the storm (every probe answered,
// the slowest under 1 s). Exit code 1 when a bound is missed.
//
//   http_hostile_bench PORT [--slowloris=200] [--storm=1000] [--seconds=8] [--label=NAME]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>

#include "tests/support/hostile_http.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

void print(const char* label, const char* what, const probe_stats& s) {
  std::printf("%s | %-34s | %5zu ok | %4d failed | p50 %8.2f ms | p99 %8.2f ms | max %8.2f ms\n",
              label, what, s.ms.size(), s.failed, s.percentile(0.5), s.percentile(0.99), s.max());
}

long flag(int argc, char** argv, const std::string& name, long fallback) {
  for (int i = 2; i < argc; ++i)
    if (std::string{argv[i]}.rfind(name + "=", 0) == 0)
      return std::atol(argv[i] + name.size() + 1);
  return fallback;
}

std::string text_flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i < argc; ++i)
    if (std::string{argv[i]}.rfind(name + "=", 0) == 0)
      return argv[i] + name.size() + 1;
  return fallback;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: http_hostile_bench PORT [--slowloris=N] [--storm=N] [--seconds=S] "
                         "[--label=NAME]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0); // a line at a time, also into a pipe
  auto port = static_cast<uint16_t>(std::atoi(argv[1]));
  int loris = static_cast<int>(flag(argc, argv, "--slowloris", 200));
  int storm_n = static_cast<int>(flag(argc, argv, "--storm", 1000));
  auto seconds = std::chrono::seconds(flag(argc, argv, "--seconds", 8));
  auto label = text_flag(argc, argv, "--label", "server");
  bool ok = true;
  std::atomic<bool> never{false};

  auto idle = probe_healthz(port, never, 20ms, 2s);
  print(label.c_str(), "/healthz, no attack", idle);

  {
    slowloris attack{port, loris, 10, 100ms, seconds + 15s};
    bool all_open = attack.wait_open(10s);
    auto during = probe_healthz(port, never, 20ms, seconds);
    int held = attack.opened() - attack.closed_by_server();
    attack.stop();
    print(label.c_str(), ("/healthz, " + std::to_string(loris) + " slowloris").c_str(), during);
    std::printf("%s | slowloris: %d opened (all at once: %s), %d held at the end, %d connects failed\n",
                label.c_str(), attack.opened(), all_open ? "yes" : "no", held, attack.failed());
    bool pass = during.failed == 0 && !during.ms.empty() && during.percentile(0.99) < 100;
    std::printf("%s | bound: /healthz p99 < 100 ms, none failed, during slowloris: %s\n",
                label.c_str(), pass ? "PASS" : "FAIL");
    ok = ok && pass;
  }
  std::this_thread::sleep_for(1s);
  {
    std::atomic<bool> stop{false};
    auto during = std::async(std::launch::async, [&] { return probe_healthz(port, stop, 10ms, 120s); });
    auto storm = connect_and_drop(port, storm_n, 4, 10);
    stop = true;
    auto probes = during.get();
    auto t0 = std::chrono::steady_clock::now();
    double first = -1;
    while (first < 0 && std::chrono::steady_clock::now() - t0 < 120s)
      first = time_healthz(port, 2000);
    double stall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    print(label.c_str(), ("/healthz, " + std::to_string(storm_n) + " connect-and-drop").c_str(),
          probes);
    std::printf("%s | storm: %d connected and dropped in %.2f s (%d connects failed); "
                "/healthz after it: answered after %.1f ms\n",
                label.c_str(), storm.connected, storm.seconds, storm.failed, stall);
    bool pass = probes.failed == 0 && probes.max() < 1000 && first >= 0 && stall < 1000;
    std::printf("%s | bound: no stall (every probe answered, slowest < 1 s, after < 1 s): %s\n",
                label.c_str(), pass ? "PASS" : "FAIL");
    ok = ok && pass;
  }
  return ok ? 0 : 1;
}
