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

  /// Reports waiting to be sent, as batch `seq` sent at `now_ms`: a copy
  /// goes out, the originals are kept until confirmed(seq). None if nothing
  /// waits.
  struct batch {
    uint64_t seq = 0;
    std::vector<task_report> reports;
  };
  std::optional<batch> take_batch(int64_t now_ms);
  /// The manager stored batch `seq`: its reports are forgotten.
  void confirmed(uint64_t seq);
  /// Batch `seq` was not confirmed (the manager answered with an error):
  /// send it again.
  void unconfirmed(uint64_t seq);
  /// Every batch sent `timeout_ms` or longer before `now_ms` and not
  /// confirmed goes back to the front of the reports to send, oldest first
  /// (its answer was lost, or never came). Returns how many batches.
  size_t resend_overdue(int64_t now_ms, int64_t timeout_ms);
  /// When the oldest batch still waiting for its confirmation is overdue;
  /// none if nothing waits.
  std::optional<int64_t> next_due_ms(int64_t timeout_ms) const;
  /// A new manager (or the same after a break): every report not
  /// confirmed is sent again.
  void resend_all();

  /// Every lease held: running attempts and reports not confirmed.
  std::vector<lease_ref> held() const;
  size_t running() const { return running_.size(); }
  bool has_unsent() const { return !unsent_.empty(); }
  size_t unconfirmed_reports() const;

private:
  struct sent_batch {
    int64_t sent_ms = 0;
    std::vector<task_report> reports;
  };
  using sent_map = std::map<uint64_t, sent_batch>;
  /// The batches [first, last) go back to the front of the reports to send,
  /// oldest first, ahead of those not sent yet.
  void send_again(sent_map::iterator first, sent_map::iterator last);

  std::unordered_map<task_id, uint64_t> running_; ///< id -> lease
  std::vector<task_report> unsent_;
  sent_map sent_; ///< by batch seq, oldest first
  uint64_t next_batch_ = 1;
};

} // namespace drover
