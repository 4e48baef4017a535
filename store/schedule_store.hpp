// Where schedules live across manager restarts (DESIGN.md §7 `schedules`
// table): save a record whole, remove it, load them all. The store actor
// owns it next to the task store (one writer thread for the file) and runs
// the scheduler's saves; writes are rare (a change or a run).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/schedule_book.hpp"
#include "store/durability.hpp"

namespace drover {

class schedule_store {
public:
  virtual ~schedule_store() = default;
  /// Inserts or replaces the record with r.id.
  virtual error save(const schedule_record& r) = 0;
  virtual error remove(uint64_t id) = 0;
  /// Every record, by id ascending.
  virtual result<std::vector<schedule_record>> load() = 0;
  /// PRAGMA synchronous of an SQLite connection; -1 for a store without one.
  virtual int synchronous() const { return -1; }
  /// Fencing, as task_store::set_fence: from now on save() and remove()
  /// commit only while the leader lease carries `epoch` (else ec::fenced,
  /// nothing changed); 0 turns it off. Only the PostgreSQL store has it.
  virtual void set_fence(uint64_t epoch) { (void)epoch; }
};

/// Non-durable: kept in memory for the life of the object (tests share one
/// between two scheduler incarnations to play a restart).
class memory_schedule_store final : public schedule_store {
public:
  error save(const schedule_record& r) override;
  error remove(uint64_t id) override;
  result<std::vector<schedule_record>> load() override;

private:
  std::vector<schedule_record> records_; // by id ascending
};

/// "memory" or "sqlite:PATH", like --store: the same file as the tasks, in a
/// table of its own.
result<std::unique_ptr<schedule_store>> open_schedule_store(const std::string& spec,
                                                            durability d = durability::disk);

/// The `recent` runs as stored: one "fire_ms job error" line per run.
std::string encode_runs(const std::vector<schedule_run>& runs);
std::vector<schedule_run> decode_runs(const std::string& text);

} // namespace drover
