#include "tests/support/ha_cluster.hpp"

#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "http/httplib_abi.hpp"

namespace drover::testing {

bool poll_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

uint16_t free_port_on(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

bool loopback_hosts_usable() {
  return free_port_on("127.0.0.2") != 0 && free_port_on("127.0.0.3") != 0;
}

ha_manager::ha_manager(std::string d, std::string n, std::string h, std::string s,
                       std::vector<std::string> more)
  : dir(std::move(d)), name(std::move(n)), host(std::move(h)), store(std::move(s)),
    registry_port(free_port_on(host)), http_port(free_port_on(host)), extra(std::move(more)) {
#ifdef DROVER_BINARY
  binary = DROVER_BINARY;
#endif
}

std::string ha_manager::registry() const { return fmt::format("{}:{}", host, registry_port); }

std::string ha_manager::url() const { return fmt::format("http://{}:{}", host, http_port); }

bool ha_manager::start() {
  auto ready = fmt::format("{}/{}.{}.ready", dir, name, ++lives);
  std::vector<std::string> args{binary, "run", "--role=registry,manager",
                                "--node=" + name,
                                "--listen=" + registry(),
                                fmt::format("--http={}:{}", host, http_port),
                                "--store=" + store, "--threads=2", "--idle-after=0",
                                "--ready-file=" + ready};
  args.insert(args.end(), extra.begin(), extra.end());
  proc = std::make_unique<replay::child>(args, dir, fmt::format("{}.{}", name, lives));
  return poll_until([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(30));
}

int ha_manager::health() const { return probe("/healthz").first; }

std::pair<int, std::string> ha_manager::probe(const std::string& path) const {
  httplib::Client http{host, http_port};
  http.set_connection_timeout(1, 0);
  http.set_read_timeout(5, 0);
  auto res = http.Get(path.c_str());
  if (!res)
    return {0, {}};
  return {res->status, res->get_header_value("X-Drover-Leader")};
}

nlohmann::json ha_manager::get(const std::string& path) const {
  httplib::Client http{host, http_port};
  http.set_connection_timeout(1, 0);
  http.set_read_timeout(10, 0);
  auto res = http.Get(path.c_str());
  if (!res || res->status != 200)
    return nullptr;
  return nlohmann::json::parse(res->body, nullptr, false);
}

uint64_t submit_job(const std::string& url, const std::string& type, const std::string& payload,
                    uint64_t count, std::chrono::milliseconds limit) {
  nlohmann::json body = {{"name", "ha"},
                         {"tasks", {{{"type", type}, {"payload", payload}, {"count", count}}}}};
  uint64_t id = 0;
  poll_until(
    [&] {
      httplib::Client http{url};
      http.set_connection_timeout(1, 0);
      http.set_read_timeout(60, 0);
      auto res = http.Post("/v1/jobs", body.dump(), "application/json");
      if (!res || res->status != 201)
        return false;
      auto doc = nlohmann::json::parse(res->body, nullptr, false);
      id = doc.value("job_id", uint64_t{0});
      return id != 0;
    },
    limit);
  return id;
}

long long succeeded_of(const std::vector<ha_manager*>& managers, uint64_t job) {
  for (auto* m : managers) {
    auto doc = m->get(fmt::format("/v1/jobs/{}", job));
    if (doc.is_object() && doc.contains("counts"))
      return doc["counts"].value("SUCCEEDED", -1LL);
  }
  return -1;
}

} // namespace drover::testing
