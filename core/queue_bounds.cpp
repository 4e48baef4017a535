#include "core/queue_bounds.hpp"

#include <numeric>

namespace drover {

namespace {

/// A cycle of sum(weights) picks, each queue preferred `weight` times and
/// spread out (smooth weighted round robin, as nginx balances upstreams), so
/// low gets its pick every cycle however busy high is.
std::vector<int> make_cycle(const std::array<uint32_t, priority_count>& w) {
  std::vector<int> cycle;
  int64_t total = std::accumulate(w.begin(), w.end(), int64_t{0});
  std::array<int64_t, priority_count> current{};
  for (int64_t n = 0; n < total; ++n) {
    int best = 0;
    for (int p = 0; p < priority_count; ++p) {
      current[p] += w[p];
      if (current[p] > current[best])
        best = p;
    }
    current[best] -= total;
    cycle.push_back(best);
  }
  return cycle;
}

} // namespace

std::string validate(const queue_limits& l) {
  for (int p = 0; p < priority_count; ++p) {
    auto name = std::string{to_string(static_cast<priority>(p))};
    if (l.capacity[p] == 0)
      return "queues." + name + ": capacity must be >= 1";
    if (l.weights[p] == 0 || l.weights[p] > 1000)
      return "queues.weights." + name + ": must be from 1 to 1000";
  }
  return {};
}

bounded_queues::bounded_queues(queue_limits limits) { configure(limits); }

void bounded_queues::configure(const queue_limits& limits) {
  limits_ = limits;
  cycle_ = make_cycle(limits.weights);
  for (int p = 0; p < priority_count; ++p)
    refill(p);
}

std::size_t bounded_queues::standby_size() const {
  std::size_t n = 0;
  for (auto& s : standby_)
    n += s.size();
  return n;
}

void bounded_queues::push(task_id id, priority p) {
  auto i = idx(p);
  if (queues_[i].size() < limits_.capacity[i] && standby_[i].empty()) {
    queues_[i].push_back(id);
    ++size_;
  } else {
    standby_[i].push_back(id); // behind older overflow of its priority: FIFO
  }
}

void bounded_queues::push_front(task_id id, priority p) {
  auto i = idx(p);
  queues_[i].push_front(id); // it was just popped: its place is still its own
  ++size_;
  if (queues_[i].size() > limits_.capacity[i]) { // the pop let a standby task up: undo
    standby_[i].push_front(queues_[i].back());
    queues_[i].pop_back();
    --size_;
  }
}

void bounded_queues::refill(int p) {
  while (!standby_[p].empty() && queues_[p].size() < limits_.capacity[p]) {
    queues_[p].push_back(standby_[p].front());
    standby_[p].pop_front();
    ++size_;
  }
}

std::optional<task_id> bounded_queues::pop() {
  if (size_ == 0)
    return std::nullopt;
  int preferred = cycle_[turn_++ % cycle_.size()];
  // The preferred queue if it has work, else the next one round the cycle.
  for (int i = 0; i < priority_count; ++i) {
    int p = (preferred + i) % priority_count;
    auto& q = queues_[p];
    if (!q.empty()) {
      task_id out = q.front();
      q.pop_front();
      --size_;
      refill(p);
      return out;
    }
  }
  return std::nullopt;
}

bool bounded_queues::admits(const std::array<uint64_t, priority_count>& count,
                            const std::array<uint64_t, priority_count>& reserved) const {
  // Everything of priority p that its queue cannot hold waits in the one
  // standby queue shared by all priorities.
  uint64_t overflow = 0;
  for (int p = 0; p < priority_count; ++p) {
    uint64_t demand = queues_[p].size() + standby_[p].size() + reserved[p] + count[p];
    if (demand > limits_.capacity[p])
      overflow += demand - limits_.capacity[p];
  }
  return overflow <= limits_.standby;
}

} // namespace drover
