// See child.hpp. Everything the child needs (argv, envp, paths) is built
// before fork, so between fork and exec only async-signal-safe calls run.
#include "replay/child.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;

namespace drover::replay {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

constexpr std::chrono::milliseconds poll{5};

} // namespace

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string{} : p.string();
}

child::child(const std::vector<std::string>& args, const std::string& dir, std::string name)
  : name_(std::move(name)), prefix_(dir + "/" + name_) {
  std::vector<std::string> argv_s = args, env_s;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (std::strncmp(*e, "DROVER_TOKEN=", 13) != 0) // our own manager: no token
      env_s.push_back(*e);
  std::vector<char*> argv, envp;
  for (auto& a : argv_s)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  auto out_path = prefix_ + ".out", err_path = prefix_ + ".err";
  pid_ = ::fork();
  if (pid_ == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || devnull < 0 || ::chdir(dir.c_str()) != 0)
      ::_exit(127);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::dup2(devnull, 0);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
}

child::~child() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void child::signal(int sig) {
  if (running())
    ::kill(pid_, sig);
}

bool child::running() {
  if (pid_ <= 0 || status_ >= 0)
    return false;
  int st = 0;
  rusage ru{};
  if (::wait4(pid_, &st, WNOHANG, &ru) == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    rss_kb_ = ru.ru_maxrss;
    return false;
  }
  return true;
}

int child::wait(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(poll);
  return status_;
}

std::string child::out() const { return slurp(prefix_ + ".out"); }
std::string child::err() const { return slurp(prefix_ + ".err"); }

scratch::scratch(const std::string& what) {
  std::string tmpl = "/tmp/drover-" + what + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) != nullptr)
    path_ = tmpl;
}

scratch::~scratch() {
  if (keep_ || path_.empty())
    return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::optional<ready_doc> read_ready(const std::string& path) {
  auto doc = nlohmann::json::parse(slurp(path), nullptr, false);
  if (!doc.is_object())
    return std::nullopt;
  try { // a field of another type than drover writes: not a ready file
    ready_doc out;
    auto port = [&](const char* role) -> uint16_t {
      auto& p = doc["ports"][role];
      return p.is_number_unsigned() ? p.get<uint16_t>() : 0;
    };
    out.pid = doc.value("pid", 0L);
    out.registry_port = port("registry");
    out.http_port = port("http");
    out.node = doc.value("node", std::string{});
    if (auto rc = doc.find("recovered"); rc != doc.end() && rc->is_object()) {
      out.recovered = true;
      out.recovered_jobs = rc->value("jobs", uint64_t{0});
      out.recovered_unfinished = rc->value("unfinished", uint64_t{0});
      out.recovered_leased = rc->value("leased", uint64_t{0});
    }
    if (auto ex = doc.find("exited"); ex != doc.end() && ex->is_object()) {
      out.exited = true;
      out.exit_code = ex->value("code", 0);
      auto n = ex->find("executed");
      out.executed = n != ex->end() && n->is_number_unsigned() ? n->get<int64_t>() : -1;
    }
    return out;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<ready_doc> wait_ready(child& c, const std::string& path,
                                    std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    // Written to PATH.tmp and renamed: once it exists it is whole.
    if (std::filesystem::exists(path)) {
      auto doc = read_ready(path);
      if (!doc || doc->pid != c.pid())
        return std::nullopt;
      return doc;
    }
    if (!c.running() || std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(poll);
  }
}

} // namespace drover::replay
