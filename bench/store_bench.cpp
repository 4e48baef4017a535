// Throughput of the two task_store implementations on the hot paths of
// DESIGN.md §11: put_tasks (lists of 10,000), apply (batches of 4,096, no
// events) and recovery load(). Usage: store_bench [tasks] [extra index SQL]
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/task_store.hpp"

using namespace drover;

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct timings {
  double put_s = 0, apply_s = 0, load_s = 0;
  size_t loaded = 0;
};

bool check(const error& err, const char* what) {
  if (err)
    std::fprintf(stderr, "%s: %s\n", what, err.message.c_str());
  return !err;
}

/// put, then load (reopened: as after a restart), then apply.
bool run(const std::string& spec, size_t n, const char* extra_sql, timings& r) {
  constexpr size_t list_size = 10'000;
  constexpr size_t batch_size = 4'096;
  auto opened = open_store(spec);
  if (!check(opened.err(), "open"))
    return false;
  auto store = std::move(*opened);
  if (extra_sql && spec != "memory") { // e.g. an index under evaluation
    sqlite3* db = nullptr;
    sqlite3_open(spec.substr(7).c_str(), &db);
    sqlite3_exec(db, extra_sql, nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  job j;
  j.id = 1;
  j.name = "bench";
  j.origin = "bench-1";
  std::vector<task> list(list_size);
  for (size_t first = 1, seq = 0; first <= n; first += list_size, ++seq) {
    for (size_t i = 0; i < list_size; ++i) {
      auto& t = list[i];
      t.id = first + i;
      t.job = 1;
      t.spec.type = "noop";
      t.spec.payload = "{\"n\": " + std::to_string(t.id) + ", \"pad\": \"xxxxxxxx\"}";
      t.spec.key = "k" + std::to_string(t.id % 100);
      t.created_ms = 1'700'000'000'000;
    }
    j.total = first + list_size - 1;
    auto start = clock_type::now();
    if (!check(store->put_tasks(j, static_cast<uint32_t>(seq), list), "put_tasks"))
      return false;
    r.put_s += seconds_since(start);
  }
  if (spec != "memory") { // measure load as after a restart
    store.reset();
    auto again = open_store(spec);
    if (!check(again.err(), "reopen"))
      return false;
    store = std::move(*again);
  }
  auto start = clock_type::now();
  auto loaded = store->load();
  if (!check(loaded.err(), "load"))
    return false;
  auto& state = *loaded;
  r.load_s = seconds_since(start);
  r.loaded = state.unfinished.size();
  std::vector<task_change> batch;
  batch.reserve(batch_size);
  for (size_t first = 1; first <= n; first += batch_size) {
    batch.clear();
    for (size_t id = first; id < first + batch_size && id <= n; ++id) {
      auto& t = state.unfinished[id - 1];
      t.state = task_state::assigned;
      t.version = 1;
      t.lease_version = 1;
      t.consumer = "consumer-7";
      t.assigned_ms = 1'700'000'000'100;
      batch.push_back(change_of(t));
    }
    start = clock_type::now();
    if (!check(store->apply(batch), "apply"))
      return false;
    r.apply_s += seconds_since(start);
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const char* extra_sql = argc > 2 ? argv[2] : nullptr;
  char tmpl[] = "/tmp/drover_store_bench_XXXXXX";
  if (!mkdtemp(tmpl))
    return 1;
  std::string path = std::string{tmpl} + "/bench.db";
  std::printf("%zu tasks; put: lists of 10000; apply: batches of 4096, no events\n", n);
  std::printf("%-8s %14s %16s %10s\n", "store", "put tasks/s", "apply changes/s",
              "load s");
  bool ok = true;
  for (std::string spec : {std::string{"memory"}, "sqlite:" + path}) {
    timings r;
    if (!(ok = run(spec, n, extra_sql, r)))
      break;
    std::printf("%-8s %14.0f %16.0f %10.3f  (%zu loaded)\n",
                spec == "memory" ? "memory" : "sqlite", n / r.put_s, n / r.apply_s,
                r.load_s, r.loaded);
  }
  std::error_code ec;
  std::printf("sqlite file: %.1f MB\n",
              std::filesystem::file_size(path, ec) / 1e6);
  std::filesystem::remove_all(tmpl, ec);
  return ok ? 0 : 1;
}
