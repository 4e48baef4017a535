// open_store(): turns a --store spec into a task_store, the one place that
// knows which implementations exist.
#include "store/task_store.hpp"

#include "store/memory_store.hpp"
#include "store/sqlite_store.hpp"

namespace drover {

result<std::unique_ptr<task_store>> open_store(const std::string& spec, durability d) {
  if (spec == "memory")
    return std::make_unique<memory_store>();
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (spec.size() > sqlite_prefix.size()
      && spec.compare(0, sqlite_prefix.size(), sqlite_prefix) == 0)
  {
    auto store = sqlite_store::open(spec.substr(sqlite_prefix.size()), d);
    if (!store)
      return std::move(store).err();
    return std::move(*store);
  }
  return {ec::bad_input, "unknown store '" + spec
                           + "': use 'memory' or 'sqlite:PATH' (e.g. sqlite:drover.db)"};
}

} // namespace drover
