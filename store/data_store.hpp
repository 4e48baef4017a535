// The courier's durable home (multi-user data): users with their binding, every
// delivery with its state, and the lifecycle records. Its own SQLite file
// next to the task store (or ":memory:" when the manager runs on memory).
// Owned by the courier actor only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data.hpp"
#include "store/sql_lite.hpp"

namespace drover {

/// A state change of one delivery plus the record that explains it.
struct delivery_change {
  uint64_t seq = 0;
  delivery_state state = delivery_state::queued;
  std::string node;
  uint32_t attempts = 0;
  data_event event;
};

/// What the courier reloads on start.
struct data_snapshot {
  std::vector<user_info> users;                 ///< counters queued/stored left 0
  std::vector<delivery_info> unfinished;        ///< not consumed, seq order, no events
  uint64_t max_seq = 0;
};

class data_store {
public:
  /// Opens `path` (":memory:" for a non-durable run) with `d`.
  static result<std::unique_ptr<data_store>> open(const std::string& path,
                                                  durability d = durability::disk);
  /// PRAGMA synchronous of its connection.
  int synchronous() const { return db_->synchronous(); }

  /// Inserts or updates the user (binding and counters).
  error put_user(const user_info& u);
  /// Stores a new delivery with its "generated" record, in one transaction.
  error put_delivery(const data_item& item, const data_event& generated);
  /// Applies state changes and their records, in one transaction. Consumed
  /// deliveries drop their body: their history stays.
  error apply(const std::vector<delivery_change>& changes, const std::vector<user_info>& users);
  /// Users and every unconsumed delivery.
  result<data_snapshot> load();
  /// One delivery by its external id, with its records; nullopt if unknown.
  result<std::optional<delivery_info>> get(const std::string& id);

private:
  explicit data_store(std::unique_ptr<sql_db> db) : db_(std::move(db)) {}
  error write_user(const user_info& u);
  error write_change(const delivery_change& c);
  std::unique_ptr<sql_db> db_;
};

/// The courier file beside a task store given as --store: "sqlite:PATH" ->
/// "PATH.data"; "memory" -> ":memory:". A PostgreSQL store keeps the
/// courier's data in a local SQLite file of this manager process:
/// "<local_dir>/courier-<node>.data" (the working directory if local_dir is
/// empty). So with PostgreSQL, multi-user data is per manager process.
std::string data_store_path(const std::string& store_flag, const std::string& local_dir = "",
                            const std::string& node = "manager");

} // namespace drover
