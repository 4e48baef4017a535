// config/data_dir: the default data dir per user, and --store under it.
#include <doctest/doctest.h>

#include "config/data_dir.hpp"

using namespace drover;

TEST_CASE("the default data dir is drover-data, or drover-data-<user> in another user's directory") {
  CHECK(default_data_dir(true, "alice") == "drover-data");
  CHECK(default_data_dir(false, "alice") == "drover-data-alice");
  CHECK(default_data_dir(false, "bob") != default_data_dir(false, "alice"));
}

TEST_CASE("a relative sqlite store goes under the data dir, memory and absolute paths stay") {
  CHECK(store_under("sqlite:drover.db", "drover-data") == "sqlite:drover-data/drover.db");
  CHECK(store_under("sqlite:sub/x.db", "/var/lib/drover") == "sqlite:/var/lib/drover/sub/x.db");
  CHECK(store_under("sqlite:/srv/x.db", "/var/lib/drover") == "sqlite:/srv/x.db");
  CHECK(store_under("memory", "/var/lib/drover") == "memory");
  CHECK(store_under("sqlite:", "d") == "sqlite:"); // refused later, by the store, saying why
}

TEST_CASE("the data dir is made only when this process writes into it") {
  run_options o; // every role, sqlite:drover.db
  CHECK(writes_data_dir(o));
  o.store = "memory";
  CHECK_FALSE(writes_data_dir(o)); // a pid-named consumer keeps its queues in memory
  o.node = "c1";
  CHECK(writes_data_dir(o)); // mailbox-c1.db
  o.roles = {"registry"};
  CHECK_FALSE(writes_data_dir(o));
  o.roles = {"manager"};
  o.store = "sqlite:/abs/x.db";
  CHECK_FALSE(writes_data_dir(o));
}
