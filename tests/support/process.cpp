#include "tests/support/process.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace drover::testing {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

child_process::child_process(std::vector<std::string> args, std::string log_prefix)
  : prefix_(std::move(log_prefix)) {
  pid_ = ::fork();
  if (pid_ == 0) {
    int out = ::open((prefix_ + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open((prefix_ + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

child_process::~child_process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void child_process::signal(int sig) {
  if (pid_ > 0 && status_ < 0)
    ::kill(pid_, sig);
}

bool child_process::running() {
  if (pid_ <= 0 || status_ >= 0)
    return false;
  int st = 0;
  auto r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return false;
  }
  return true;
}

int child_process::wait(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  // Polling with a bound: a test must never hang on a stuck child.
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return status_;
}

std::string child_process::out() const { return slurp(prefix_ + ".out"); }
std::string child_process::err() const { return slurp(prefix_ + ".err"); }

namespace {

template <class Read>
bool wait_for_text(Read read, const std::string& text, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (read().find(text) != std::string::npos)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

} // namespace

bool child_process::wait_for_err(const std::string& text, std::chrono::milliseconds limit) {
  return wait_for_text([this] { return err(); }, text, limit);
}

bool child_process::wait_for_out(const std::string& text, std::chrono::milliseconds limit) {
  return wait_for_text([this] { return out(); }, text, limit);
}

scratch_dir::scratch_dir() {
  char tmpl[] = "/tmp/drover-test-XXXXXX";
  path = ::mkdtemp(tmpl);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

uint64_t executed_by(const child_process& consumer) {
  std::smatch m;
  auto log = consumer.err();
  static const std::regex re{"executed ([0-9]+) tasks"};
  return std::regex_search(log, m, re) ? std::stoull(m[1]) : 0;
}

uint16_t listening_port(const std::string& log, const std::string& what) {
  const std::string marker = what + " listening on 127.0.0.1:";
  auto pos = log.find(marker);
  if (pos == std::string::npos)
    return 0;
  return static_cast<uint16_t>(std::atoi(log.c_str() + pos + marker.size()));
}

} // namespace drover::testing
