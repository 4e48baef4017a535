// Recovery after a restart, the two halves W6 measures as one: the store's
// load() on an existing file (what a manager reads before it is ready), then
// the manager's part without actors (its task table, the queues). Wall and
// CPU seconds of each, so a run on a busy box still says where time goes.
// Usage: recovery_bench STORE_SPEC [rounds]   (e.g. sqlite:/tmp/w6.db: a
// file W6's fill step or `drover run --tasks=N` left behind)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "manager/task_queues.hpp"
#include "manager/task_table.hpp"
#include "store/task_store.hpp"

using namespace drover;

namespace {

using clock_type = std::chrono::steady_clock;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct stopwatch {
  clock_type::time_point wall = clock_type::now();
  double cpu = cpu_seconds();
  void print(const char* what) const {
    std::printf("  %-8s %.3f s wall, %.3f s cpu\n", what,
                std::chrono::duration<double>(clock_type::now() - wall).count(),
                cpu_seconds() - cpu);
  }
};

long rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: recovery_bench STORE_SPEC [rounds]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 1;
  for (int r = 0; r < rounds; ++r) {
    stopwatch all;
    auto opened = open_store(argv[1]);
    if (!opened) {
      std::fprintf(stderr, "open: %s\n", opened.err().message.c_str());
      return 1;
    }
    stopwatch load;
    auto loaded = (*opened)->load();
    if (!loaded) {
      std::fprintf(stderr, "load: %s\n", loaded.err().message.c_str());
      return 1;
    }
    auto& rs = *loaded;
    std::printf("round %d: %zu unfinished tasks, %zu jobs\n", r + 1, rs.unfinished.size(),
                rs.jobs.size());
    load.print("load");
    stopwatch build;
    task_table table;
    task_queues queues;
    table.recover(rs);
    for (auto& t : rs.unfinished) {
      if (t.state == task_state::pending)
        queues.push(t.id, t.spec.prio);
      table.add_recovered(std::move(t));
    }
    build.print("table");
    all.print("total");
    std::printf("  max RSS %ld kB, %zu live, %zu queued\n", rss_kb(), table.size(),
                queues.size());
  }
}
