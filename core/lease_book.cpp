#include "core/lease_book.hpp"

#include <iterator>

namespace drover {

void lease_book::started(task_id id, uint64_t lease) {
  running_[id] = lease;
}

bool lease_book::is_running(task_id id, uint64_t lease) const {
  auto i = running_.find(id);
  return i != running_.end() && i->second == lease;
}

bool lease_book::drop(task_id id, uint64_t lease) {
  auto i = running_.find(id);
  if (i == running_.end() || i->second != lease)
    return false;
  running_.erase(i);
  return true;
}

std::vector<lease_ref> lease_book::drop_running() {
  std::vector<lease_ref> out;
  out.reserve(running_.size());
  for (auto& [id, lease] : running_)
    out.push_back(lease_ref{id, lease});
  running_.clear();
  return out;
}

bool lease_book::finished(task_report r, bool was_started) {
  if (was_started && !drop(r.id, r.lease))
    return false; // aborted meanwhile: the manager expects no report
  unsent_.push_back(std::move(r));
  return true;
}

std::optional<lease_book::batch> lease_book::take_batch(int64_t now_ms) {
  if (unsent_.empty())
    return std::nullopt;
  batch out{next_batch_++, unsent_}; // a copy goes out; the originals wait for confirmed()
  sent_.emplace(out.seq, sent_batch{now_ms, std::move(unsent_)});
  unsent_.clear();
  return out;
}

void lease_book::confirmed(uint64_t seq) {
  sent_.erase(seq);
}

void lease_book::unconfirmed(uint64_t seq) {
  auto i = sent_.find(seq);
  if (i != sent_.end())
    send_again(i, std::next(i));
}

size_t lease_book::resend_overdue(int64_t now_ms, int64_t timeout_ms) {
  // Batches are numbered as they are sent: the overdue ones come first.
  auto end = sent_.begin();
  size_t batches = 0;
  for (; end != sent_.end() && now_ms - end->second.sent_ms >= timeout_ms; ++end)
    ++batches;
  send_again(sent_.begin(), end);
  return batches;
}

std::optional<int64_t> lease_book::next_due_ms(int64_t timeout_ms) const {
  if (sent_.empty())
    return std::nullopt;
  return sent_.begin()->second.sent_ms + timeout_ms; // the oldest
}

void lease_book::resend_all() {
  send_again(sent_.begin(), sent_.end());
}

void lease_book::send_again(sent_map::iterator first, sent_map::iterator last) {
  std::vector<task_report> again;
  for (auto i = first; i != last; ++i) // oldest first
    again.insert(again.end(), std::make_move_iterator(i->second.reports.begin()),
                 std::make_move_iterator(i->second.reports.end()));
  sent_.erase(first, last);
  unsent_.insert(unsent_.begin(), std::make_move_iterator(again.begin()),
                 std::make_move_iterator(again.end()));
}

std::vector<lease_ref> lease_book::held() const {
  std::vector<lease_ref> out;
  out.reserve(running_.size() + unsent_.size());
  for (auto& [id, lease] : running_)
    out.push_back(lease_ref{id, lease});
  for (auto& r : unsent_)
    out.push_back(lease_ref{r.id, r.lease});
  for (auto& [seq, b] : sent_)
    for (auto& r : b.reports)
      out.push_back(lease_ref{r.id, r.lease});
  return out;
}

size_t lease_book::unconfirmed_reports() const {
  size_t n = unsent_.size();
  for (auto& [seq, b] : sent_)
    n += b.reports.size();
  return n;
}

} // namespace drover
