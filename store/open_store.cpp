// open_store(): turns a --store spec into a task_store, the one place that
// knows which implementations exist.
#include "store/task_store.hpp"

#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"

namespace drover {

std::unique_ptr<task_store> open_store(const std::string& spec, error& err, durability d) {
  err = {};
  if (spec == "memory")
    return std::make_unique<memory_store>();
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (spec.size() > sqlite_prefix.size()
      && spec.compare(0, sqlite_prefix.size(), sqlite_prefix) == 0)
    return sqlite_store::open(spec.substr(sqlite_prefix.size()), err, d);
  err = {ec::bad_input, "unknown store '" + spec
                          + "': use 'memory' or 'sqlite:PATH' (e.g. sqlite:drover.db)"};
  return nullptr;
}

} // namespace drover
