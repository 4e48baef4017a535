// open_store(): turns a --store spec into a task_store, the one place that
// knows which implementations exist.
#include "store/task_store.hpp"

#include "store/memory_store.hpp"
#include "store/pg_conn.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace drover {

result<std::unique_ptr<task_store>> open_store(const std::string& spec, const store_options& o) {
  if (spec == "memory")
    return std::make_unique<memory_store>();
  constexpr std::string_view sqlite_prefix = "sqlite:";
  if (spec.size() > sqlite_prefix.size()
      && spec.compare(0, sqlite_prefix.size(), sqlite_prefix) == 0)
  {
    auto store = sqlite_store::open(spec.substr(sqlite_prefix.size()), o.d);
    if (!store)
      return std::move(store).err();
    return std::move(*store);
  }
  if (is_pg_url(spec)) {
    auto store = pg_store::open(spec, o);
    if (!store)
      return std::move(store).err();
    return std::move(*store);
  }
  return {ec::bad_input, "unknown store '" + spec
                           + "': use 'memory', 'sqlite:PATH' (e.g. sqlite:drover.db) or "
                             "'postgres://user@host:port/db'"};
}

} // namespace drover
