// What a consumer holds of the manager's: the attempts it runs and the
// reports of finished attempts until the manager confirmed them durable.
// A report is kept past its sending, so one sent into a manager that died
// before storing it is sent again to the next manager; the version check
// there decides (an old lease is stale, a kept one completes the task).
// After a reconnect the consumer re-reports held() so that the manager keeps
// those leases instead of moving the tasks. Pure bookkeeping, no actors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/task.hpp"

namespace drover {

class lease_book {
public:
  /// The attempt `id` leased as `lease` runs and reports later.
  void started(task_id id, uint64_t lease);
  /// True if that attempt still runs here.
  bool is_running(task_id id, uint64_t lease) const;
  /// The manager took the attempt back (timeout, cancel): forget it, no
  /// report follows. False if it did not run here (finished already).
  bool drop(task_id id, uint64_t lease);
  /// Every attempt still running, forgotten (a drain hands them back): no
  /// report of theirs will be kept.
  std::vector<lease_ref> drop_running();
  /// The attempt ended; its report waits to be sent. False (and nothing
  /// kept) if the attempt was dropped while it ran.
  bool finished(task_report r, bool was_started);

  /// Reports waiting to be sent, as batch `seq`: a copy goes out, the
  /// originals are kept until confirmed(seq). None if nothing waits.
  struct batch {
    uint64_t seq = 0;
    std::vector<task_report> reports;
  };
  std::optional<batch> take_batch();
  /// The manager stored batch `seq`: its reports are forgotten.
  void confirmed(uint64_t seq);
  /// Batch `seq` was not confirmed (time-out): send it again.
  void unconfirmed(uint64_t seq);
  /// A new manager (or the same after a break): every report not
  /// confirmed is sent again.
  void resend_all();

  /// Every lease held: running attempts and reports not confirmed.
  std::vector<lease_ref> held() const;
  size_t running() const { return running_.size(); }
  bool has_unsent() const { return !unsent_.empty(); }
  size_t unconfirmed_reports() const;

private:
  std::unordered_map<task_id, uint64_t> running_; ///< id -> lease
  std::vector<task_report> unsent_;
  std::map<uint64_t, std::vector<task_report>> sent_; ///< batch -> reports, oldest first
  uint64_t next_batch_ = 1;
};

} // namespace drover
