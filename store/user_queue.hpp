// A consumer node's durable, bounded queue per user (multi-user data): one
// SQLite file per node. Items are removed only when the user acknowledges
// them, so a crash between a read and its ack re-delivers, never loses.
// Owned by the node's mailbox actor only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/data.hpp"
#include "store/sql_lite.hpp"

namespace drover {

/// The answer for one offered item.
enum class offer_result : uint8_t { stored = 0, full = 1 };

class user_queue {
public:
  /// Opens `path` (":memory:" for tests) with `d`.
  static result<std::unique_ptr<user_queue>> open(const std::string& path,
                                                  durability d = durability::disk);
  /// PRAGMA synchronous of its connection.
  int synchronous() const { return db_->synchronous(); }

  /// Stores `items` (each user's items in seq order) in one transaction;
  /// at most `bound` items per user. An item at or below the user's highest
  /// stored seq is a re-send and answers `stored` without a second copy.
  /// Once one of a user's items is `full`, the user's later items in the
  /// batch are too, so none overtakes it.
  /// One answer per item, in order.
  result<std::vector<offer_result>> offer(const std::vector<data_item>& items, uint32_t bound);
  /// The user's oldest `max` items, in order.
  result<std::vector<data_item>> read(uint64_t user, uint32_t max);
  /// Removes the user's items up to and including `last_id`; returns the
  /// removed ids in order. ec::bad_input if `last_id` is not in the queue.
  result<std::vector<std::string>> ack(uint64_t user, const std::string& last_id);
  /// Items waiting in all users' queues.
  result<uint64_t> backlog();
  /// Drops the queues of every user not in `users` (they were re-bound away).
  error keep_only(const std::vector<uint64_t>& users);

private:
  explicit user_queue(std::unique_ptr<sql_db> db) : db_(std::move(db)) {}
  result<int64_t> count(uint64_t user);
  result<int64_t> last_seq(uint64_t user);
  result<int64_t> one_number(const char* sql, uint64_t user);
  std::unique_ptr<sql_db> db_;
};

} // namespace drover
