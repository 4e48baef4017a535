#include "config/data_dir.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/pg_conn.hpp"

namespace drover {

namespace {

std::string user_name() {
  if (auto* pw = ::getpwuid(::getuid()); pw && pw->pw_name && *pw->pw_name)
    return pw->pw_name;
  return "uid" + std::to_string(::getuid());
}

bool cwd_is_mine() {
  struct stat sb {};
  return ::stat(".", &sb) == 0 && sb.st_uid == ::getuid();
}

/// mkdir -p with mode 0700 for the directories it makes.
error make_dirs(const std::string& dir) {
  std::string path;
  size_t from = 0;
  while (from <= dir.size()) {
    auto slash = dir.find('/', from);
    path = dir.substr(0, slash);
    from = slash == std::string::npos ? dir.size() + 1 : slash + 1;
    if (path.empty() || path == ".")
      continue;
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
      return {ec::bad_input, "--data-dir: cannot create '" + path + "': " + std::strerror(errno)
                               + "; give --data-dir=DIR where this user can write"};
  }
  struct stat sb {};
  if (::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
    return {ec::bad_input, "--data-dir: '" + dir + "' is not a directory"};
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return {ec::bad_input, "--data-dir: cannot write into '" + dir + "': " + std::strerror(errno)
                             + "; give --data-dir=DIR where this user can write"};
  return {};
}

} // namespace

std::string default_data_dir(bool mine, const std::string& user) {
  return mine ? "drover-data" : "drover-data-" + user;
}

std::string store_under(const std::string& store, const std::string& dir) {
  const std::string prefix = "sqlite:";
  if (store.rfind(prefix, 0) != 0 || store.size() == prefix.size() || store[prefix.size()] == '/')
    return store;
  return prefix + dir + "/" + store.substr(prefix.size());
}

bool writes_data_dir(const run_options& o) {
  bool store_inside = o.store.rfind("sqlite:", 0) == 0 && o.store.size() > 7 && o.store[7] != '/';
  // A manager with a PostgreSQL store keeps its courier file there.
  return o.demo // its handlers file
         || (runs_role(o, "manager") && (store_inside || is_pg_url(o.store))) || (runs_role(o, "consumer") && !o.node.empty());
}

error settle_data_dir(run_options& o) {
  if (o.data_dir.empty())
    o.data_dir = default_data_dir(cwd_is_mine(), user_name());
  bool create = writes_data_dir(o);
  o.store = store_under(o.store, o.data_dir);
  return create ? make_dirs(o.data_dir) : error{};
}

} // namespace drover
