// A consumer node's durable, bounded queue per user (issue #9 item 2): one
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
  /// Opens `path` (":memory:" for tests) with `d`; nullptr and `err` on failure.
  static std::unique_ptr<user_queue> open(const std::string& path, error& err,
                                          durability d = durability::disk);
  /// PRAGMA synchronous of its connection.
  int synchronous() const { return db_->synchronous(); }

  /// Stores `items` (each user's items in seq order) in one transaction;
  /// at most `bound` items per user. An item at or below the user's highest
  /// stored seq is a re-send and answers `stored` without a second copy.
  /// Once one of a user's items is `full`, the user's later items in the
  /// batch are too, so none overtakes it.
  error offer(const std::vector<data_item>& items, uint32_t bound,
              std::vector<offer_result>& out);
  /// The user's oldest `max` items, in order.
  error read(uint64_t user, uint32_t max, std::vector<data_item>& out);
  /// Removes the user's items up to and including `last_id`; `out` gets the
  /// removed ids in order. ec::bad_input if `last_id` is not in the queue.
  error ack(uint64_t user, const std::string& last_id, std::vector<std::string>& out);
  /// Items waiting in all users' queues.
  uint64_t backlog();
  /// Drops the queues of every user not in `users` (they were re-bound away).
  error keep_only(const std::vector<uint64_t>& users);

private:
  explicit user_queue(std::unique_ptr<sql_db> db) : db_(std::move(db)) {}
  int64_t count(uint64_t user);
  int64_t last_seq(uint64_t user);
  std::unique_ptr<sql_db> db_;
};

} // namespace drover
