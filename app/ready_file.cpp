#include "app/ready_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

namespace drover {

std::function<void()> ready_part(const std::shared_ptr<readiness>& r) {
  ++r->waiting;
  auto once = std::make_shared<std::atomic<bool>>(false);
  return [r, once] {
    if (!once->exchange(true))
      --r->waiting;
  };
}

namespace {

nlohmann::json or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

/// The port of "HOST:PORT" as a number, null without one.
nlohmann::json port_of(const std::string& address) {
  auto colon = address.rfind(':');
  if (address.empty() || colon == std::string::npos)
    return nullptr;
  return std::stoi(address.substr(colon + 1));
}

} // namespace

std::string ready_json(const readiness& r) {
  nlohmann::json doc{{"pid", ::getpid()},
                     {"registry", or_null(r.registry)},
                     {"http", or_null(r.http)},
                     {"ports", {{"registry", port_of(r.registry)}, {"http", port_of(r.http)}}},
                     {"node", r.node},
                     {"recovered", nullptr},
                     {"exited", nullptr}};
  if (const auto& rc = r.recovered)
    doc["recovered"] = {{"jobs", rc->jobs}, {"unfinished", rc->unfinished}, {"leased", rc->leased}};
  if (const auto& ex = r.exited)
    doc["exited"] = {{"code", ex->code},
                     {"executed", ex->executed ? nlohmann::json(*ex->executed) : nullptr}};
  return doc.dump() + "\n";
}

error write_ready_file(const std::string& path, const readiness& r) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << ready_json(r);
    if (!out.flush())
      return {ec::bad_input, "--ready-file: cannot write '" + tmp + "'"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return {ec::bad_input, "--ready-file: cannot rename '" + tmp + "' to '" + path + "'"};
  return {};
}

error write_ready_fd(int fd, const readiness& r) {
  auto text = ready_json(r);
  const char* at = text.data();
  std::size_t left = text.size();
  error err;
  while (left > 0) {
    auto n = ::write(fd, at, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      err = {ec::bad_input, "--ready-fd: cannot write to " + std::to_string(fd) + ": "
                              + std::strerror(errno)};
      break;
    }
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
  return err;
}

error prepare_ready_fd(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0)
    return {ec::bad_input, "--ready-fd: " + std::to_string(fd)
                             + " is not an open file descriptor; open it in the parent (e.g. "
                               "`3>ready.json` or a pipe) before starting drover"};
  if ((flags & O_ACCMODE) == O_RDONLY)
    return {ec::bad_input, "--ready-fd: " + std::to_string(fd)
                             + " is open read-only; give one open for writing"};
  if (::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
    return {ec::bad_input, "--ready-fd: cannot mark " + std::to_string(fd)
                             + " close-on-exec: " + std::strerror(errno)};
  return {};
}

} // namespace drover
