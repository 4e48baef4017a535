// A gearman worker for bench/run.sh: the peer of a drover consumer.
// Registers two functions with the gearmand at 127.0.0.1:PORT and serves jobs
// one at a time until it is signalled:
//   noop   returns an empty result at once
//   sleep  payload = milliseconds; prints "start sleep <unix_us> <name>" on
//          stdout (flushed) before it sleeps, so the script sees which worker
//          holds the job and when a re-run starts (W4)
// Not built by CMake (libgearman is no project dependency): run.sh compiles
// it with g++ ... -lgearman into its scratch directory.
//
// Usage: gm_worker PORT NAME
#include <libgearman/gearman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

namespace {

const char* worker_name = "worker";

long long unix_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void* noop_fn(gearman_job_st*, void*, size_t* result_size, gearman_return_t* ret) {
  *result_size = 0;
  *ret = GEARMAN_SUCCESS;
  return nullptr;
}

void* sleep_fn(gearman_job_st* job, void*, size_t* result_size, gearman_return_t* ret) {
  std::string ms{static_cast<const char*>(gearman_job_workload(job)),
                 gearman_job_workload_size(job)};
  std::printf("start sleep %lld %s\n", unix_us(), worker_name);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(ms.c_str())));
  *result_size = 0;
  *ret = GEARMAN_SUCCESS;
  return nullptr;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gm_worker PORT NAME\n");
    return 2;
  }
  auto port = static_cast<in_port_t>(std::atoi(argv[1]));
  worker_name = argv[2];
  gearman_worker_st* w = gearman_worker_create(nullptr);
  if (w == nullptr)
    return 1;
  if (gearman_worker_add_server(w, "127.0.0.1", port) != GEARMAN_SUCCESS
      || gearman_worker_add_function(w, "noop", 0, noop_fn, nullptr) != GEARMAN_SUCCESS
      || gearman_worker_add_function(w, "sleep", 0, sleep_fn, nullptr) != GEARMAN_SUCCESS) {
    std::fprintf(stderr, "gm_worker: setup failed: %s\n", gearman_worker_error(w));
    return 1;
  }
  // Connect (and send CAN_DO) now, so "ready" means the server knows us.
  if (gearman_worker_echo(w, "hi", 2) != GEARMAN_SUCCESS) {
    std::fprintf(stderr, "gm_worker: cannot reach 127.0.0.1:%u: %s\n", port,
                 gearman_worker_error(w));
    return 1;
  }
  std::printf("ready %s\n", worker_name);
  std::fflush(stdout);
  for (;;) {
    gearman_return_t rc = gearman_worker_work(w);
    if (rc != GEARMAN_SUCCESS && rc != GEARMAN_IO_WAIT && rc != GEARMAN_NO_JOBS) {
      std::fprintf(stderr, "gm_worker %s: %s\n", worker_name, gearman_worker_error(w));
      gearman_worker_free(w);
      return 1;
    }
  }
}
