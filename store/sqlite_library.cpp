#include "store/sqlite_library.hpp"

#include <sqlite3.h>

namespace drover {

void prepare_sqlite_library() {
  // Measured on 2 cores (bench/README.md): durable throughput in one
  // process +12 %, across processes (W2, sqlite) +10 %.
  static const int once = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)once;
}

} // namespace drover
