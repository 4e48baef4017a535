// A gearman client for bench/run.sh: the peer of a drover producer.
// Talks to the gearmand at 127.0.0.1:PORT; every mode prints one result line
// the script greps and exits 0 on success, 1 on failure. Not built by CMake
// (libgearman is no project dependency): run.sh compiles it with g++.
//
//   gm_client fg PORT N [BATCH]   N foreground "noop" jobs, submitted BATCH at
//                                 a time (default 1000) and waited for:
//                                 "throughput: X tasks/s (N tasks in S s)".
//                                 libgearman's run_tasks costs the client CPU
//                                 that grows faster than linearly with the
//                                 tasks it holds: all 100k at once made the
//                                 client, not gearmand, the bottleneck
//                                 (1.2-9 k tasks/s); 100-5000 per batch give
//                                 the same ~12-15 k tasks/s on an idle box.
//   gm_client lat PORT N          N foreground "noop" jobs one at a time:
//                                 "latency: p50 X us p99 Y us (N tasks)"
//   gm_client one PORT FUNC PAYLOAD   one foreground job (W4):
//                                 "done <return code name> <unix_us>"
//   gm_client bg PORT N [--wait]  N background "noop" jobs with a 1-byte payload
//                                 (gearmand 1.1.20's libsqlite3 queue stores an
//                                 empty payload as NULL and then refuses to
//                                 reload it: "column 3 is not type TEXT"),
//                                 10,000 per round trip: "submitted: N in S s";
//                                 with --wait it then polls the admin status
//                                 until no noop job is queued or running:
//                                 "throughput: X tasks/s (N tasks in S s, ...)"
//   gm_client wait PORT FUNC FIELD VALUE SECONDS [PID]
//                                 polls the admin "status" command (also
//                                 while the server is not up yet) until
//                                 FIELD (total|running|workers) of FUNC equals
//                                 VALUE: "reached after MS ms"; exit 1 on
//                                 timeout or as soon as process PID is gone
#include <libgearman/gearman.h>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

long long unix_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

in_port_t port_arg(const char* text) { return static_cast<in_port_t>(std::atoi(text)); }

gearman_client_st* connect_client(in_port_t port) {
  gearman_client_st* c = gearman_client_create(nullptr);
  if (c == nullptr || gearman_client_add_server(c, "127.0.0.1", port) != GEARMAN_SUCCESS) {
    std::fprintf(stderr, "gm_client: cannot set up a client\n");
    std::exit(1);
  }
  gearman_client_set_timeout(c, 120000); // ms: bound every blocking call
  return c;
}

// -- the admin text protocol ("status") ------------------------------------------

struct fn_status {
  long total = -1, running = -1, workers = -1;
};

/// One "status" round trip; false if the server cannot be reached.
bool admin_status(in_port_t port, const std::string& fn, fn_status& out) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string text;
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
            && ::send(fd, "status\n", 7, MSG_NOSIGNAL) == 7;
  char buf[4096];
  while (ok && text.find("\n.\n") == std::string::npos && text.rfind(".\n", 0) != 0) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0)
      ok = false;
    else
      text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (!ok)
    return false;
  out = fn_status{0, 0, 0}; // a function nobody registered and nothing queued
  std::istringstream lines{text};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f{line};
    std::string name;
    fn_status s;
    if (std::getline(f, name, '\t') && name == fn && (f >> s.total >> s.running >> s.workers))
      out = s;
  }
  return true;
}

// -- modes -----------------------------------------------------------------------

int complete_count = 0;
int fail_count = 0;

gearman_return_t on_complete(gearman_task_st*) {
  ++complete_count;
  return GEARMAN_SUCCESS;
}
gearman_return_t on_fail(gearman_task_st*) {
  ++fail_count;
  return GEARMAN_SUCCESS;
}

int run_foreground(in_port_t port, long n, long batch) {
  auto* c = connect_client(port);
  gearman_client_add_options(c, GEARMAN_CLIENT_FREE_TASKS);
  gearman_client_set_complete_fn(c, on_complete);
  gearman_client_set_fail_fn(c, on_fail);
  auto t0 = clock_type::now();
  for (long done = 0; done < n;) {
    long k = std::min(batch, n - done);
    for (long i = 0; i < k; ++i) {
      gearman_return_t rc;
      if (gearman_client_add_task(c, nullptr, nullptr, "noop", nullptr, nullptr, 0, &rc) == nullptr) {
        std::fprintf(stderr, "gm_client: add_task: %s\n", gearman_client_error(c));
        return 1;
      }
    }
    if (gearman_client_run_tasks(c) != GEARMAN_SUCCESS) {
      std::fprintf(stderr, "gm_client: run_tasks: %s\n", gearman_client_error(c));
      return 1;
    }
    done += k;
  }
  double s = seconds_since(t0);
  std::printf("throughput: %.0f tasks/s (%ld tasks in %.3f s, %d failed)\n", n / s, n, s,
              fail_count);
  gearman_client_free(c);
  return complete_count == n && fail_count == 0 ? 0 : 1;
}

int run_latency(in_port_t port, long n) {
  auto* c = connect_client(port);
  std::vector<double> us;
  us.reserve(static_cast<size_t>(n));
  long warmup = std::min<long>(100, n / 10);
  for (long i = 0; i < n + warmup; ++i) {
    auto t0 = clock_type::now();
    size_t size = 0;
    gearman_return_t rc;
    void* result = gearman_client_do(c, "noop", nullptr, nullptr, 0, &size, &rc);
    double took = seconds_since(t0) * 1e6;
    std::free(result);
    if (rc != GEARMAN_SUCCESS) {
      std::fprintf(stderr, "gm_client: do: %s\n", gearman_client_error(c));
      return 1;
    }
    if (i >= warmup)
      us.push_back(took);
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
  std::printf("latency: p50 %.0f us p99 %.0f us (%ld tasks)\n", at(0.50), at(0.99), n);
  gearman_client_free(c);
  return 0;
}

int run_one(in_port_t port, const char* fn, const char* payload) {
  auto* c = connect_client(port);
  size_t size = 0;
  gearman_return_t rc;
  void* result = gearman_client_do(c, fn, nullptr, payload, std::strlen(payload), &size, &rc);
  std::free(result);
  std::printf("done %s %lld\n", gearman_strerror(rc), unix_us());
  gearman_client_free(c);
  return rc == GEARMAN_SUCCESS ? 0 : 1;
}

int run_background(in_port_t port, long n, bool wait_empty) {
  auto* c = connect_client(port);
  gearman_client_add_options(c, GEARMAN_CLIENT_FREE_TASKS);
  const long batch = 10000;
  auto t0 = clock_type::now();
  for (long done = 0; done < n;) {
    long k = std::min(batch, n - done);
    for (long i = 0; i < k; ++i) {
      gearman_return_t rc;
      if (gearman_client_add_task_background(c, nullptr, nullptr, "noop", nullptr, "x", 1, &rc)
          == nullptr) {
        std::fprintf(stderr, "gm_client: add_task_background: %s\n", gearman_client_error(c));
        return 1;
      }
    }
    if (gearman_client_run_tasks(c) != GEARMAN_SUCCESS) {
      std::fprintf(stderr, "gm_client: run_tasks: %s\n", gearman_client_error(c));
      return 1;
    }
    done += k;
  }
  double submitted = seconds_since(t0);
  std::printf("submitted: %ld in %.3f s\n", n, submitted);
  std::fflush(stdout);
  gearman_client_free(c);
  if (!wait_empty)
    return 0;
  fn_status s;
  auto deadline = clock_type::now() + std::chrono::seconds(300);
  while (clock_type::now() < deadline) {
    if (admin_status(port, "noop", s) && s.total == 0) {
      double secs = seconds_since(t0);
      std::printf("throughput: %.0f tasks/s (%ld tasks in %.3f s, submit %.3f s, "
                  "submit to empty queue)\n",
                  n / secs, n, secs, submitted);
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fprintf(stderr, "gm_client: the noop queue did not drain in 300 s\n");
  return 1;
}

int run_wait(in_port_t port, const std::string& fn, const std::string& field, long value,
             double limit_s, pid_t server) {
  auto t0 = clock_type::now();
  fn_status s;
  while (seconds_since(t0) < limit_s) {
    if (server > 0 && ::kill(server, 0) != 0) {
      std::fprintf(stderr, "gm_client: the server (pid %d) is gone\n", static_cast<int>(server));
      return 1;
    }
    if (admin_status(port, fn, s)) {
      long got = field == "total" ? s.total : field == "running" ? s.running : s.workers;
      if (got == value) {
        std::printf("reached after %.0f ms\n", seconds_since(t0) * 1000);
        return 0;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fprintf(stderr, "gm_client: %s of %s did not reach %ld in %.0f s (last %ld/%ld/%ld)\n",
               field.c_str(), fn.c_str(), value, limit_s, s.total, s.running, s.workers);
  return 1;
}

int usage() {
  std::fprintf(stderr, "usage: gm_client fg PORT N [BATCH] | lat PORT N | one PORT FUNC PAYLOAD"
                       " | bg PORT N [--wait] | wait PORT FUNC FIELD VALUE SECONDS [PID]\n");
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3)
    return usage();
  std::string mode = argv[1];
  auto port = port_arg(argv[2]);
  if (mode == "fg" && (argc == 4 || argc == 5)) {
    long n = std::atol(argv[3]);
    return run_foreground(port, n, argc == 5 ? std::atol(argv[4]) : 1000);
  }
  if (mode == "lat" && argc == 4)
    return run_latency(port, std::atol(argv[3]));
  if (mode == "one" && argc == 5)
    return run_one(port, argv[3], argv[4]);
  if (mode == "bg" && (argc == 4 || argc == 5))
    return run_background(port, std::atol(argv[3]), argc == 5 && std::string{argv[4]} == "--wait");
  if (mode == "wait" && (argc == 7 || argc == 8))
    return run_wait(port, argv[3], argv[4], std::atol(argv[5]), std::atof(argv[6]),
                    argc == 8 ? static_cast<pid_t>(std::atol(argv[7])) : 0);
  return usage();
}
