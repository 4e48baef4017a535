#include "core/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace drover {

error sd_notify_state(const std::string& state) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || !*path)
    return {};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  auto len = std::strlen(path);
  if ((path[0] != '/' && path[0] != '@') || len >= sizeof addr.sun_path)
    return {ec::bad_input, std::string{"NOTIFY_SOCKET '"} + path + "' is not a socket path"};
  std::memcpy(addr.sun_path, path, len);
  if (path[0] == '@')
    addr.sun_path[0] = '\0'; // the abstract namespace
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return {ec::unreachable, std::string{"sd_notify: socket: "} + std::strerror(errno)};
  auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
  auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), size);
  int saved = errno;
  ::close(fd);
  if (sent < 0)
    return {ec::unreachable, std::string{"sd_notify to "} + path + ": " + std::strerror(saved)};
  return {};
}

} // namespace drover
