// The floor for an exec task: posix_spawn + waitpid of a program, one at a
// time, as latency "p50 X us p99 Y us". bench/exec_bench.sh compares it with
// drover's one-task latency through an exec handler of the same program.
//   spawn_bench [--tasks=N] [PROGRAM]      (default 2000 runs of /bin/true)
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

int main(int argc, char** argv) {
  long tasks = 2000;
  std::string program = "/bin/true";
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--tasks=", 0) == 0)
      tasks = std::atol(s.c_str() + 8);
    else
      program = s;
  }
  std::vector<double> us;
  char* args[] = {const_cast<char*>(program.c_str()), nullptr};
  for (long i = 0; i < tasks + tasks / 10; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, program.c_str(), nullptr, nullptr, args, environ) != 0) {
      std::fprintf(stderr, "cannot spawn %s\n", program.c_str());
      return 1;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (i >= tasks / 10)
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                     .count());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<size_t>(q * us.size()))]; };
  std::printf("latency: p50 %.0f us p99 %.0f us (%ld runs of %s, bare posix_spawn)\n", at(0.5),
              at(0.99), tasks, program.c_str());
  return 0;
}
