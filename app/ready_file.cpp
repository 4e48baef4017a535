#include "app/ready_file.hpp"

#include <unistd.h>

#include <cstdio>
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

error write_ready_file(const std::string& path, const readiness& r) {
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  nlohmann::json doc{{"pid", ::getpid()},
                     {"registry", or_null(r.registry)},
                     {"http", or_null(r.http)},
                     {"node", r.node}};
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << doc.dump() << "\n";
    if (!out.flush())
      return {ec::bad_input, "--ready-file: cannot write '" + tmp + "'"};
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return {ec::bad_input, "--ready-file: cannot rename '" + tmp + "' to '" + path + "'"};
  return {};
}

} // namespace drover
