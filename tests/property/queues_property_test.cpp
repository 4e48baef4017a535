// bounded_queues against a model of one FIFO per priority: the priority
// queue holds the first `capacity` tasks of its FIFO and the standby holds
// the rest, whatever mix of push, push_front and pop came before. Also: no
// task is lost or handed out twice, pop fails only when all is empty, and
// while every queue has work the picks follow the weights exactly (any
// sum(weights) consecutive picks hold each priority `weight` times).
#include <algorithm>
#include <deque>
#include <map>
#include <numeric>

#include "core/queue_bounds.hpp"
#include "property.hpp"

namespace drover {
namespace {

enum class q_op { push, push_front, pop };

struct step {
  q_op kind = q_op::push;
  int prio = 0;
};

} // namespace

TEST_CASE("bounded queues keep one FIFO per priority, split at the capacity") {
  DROVER_PROPERTY("bounded_queues == per-priority FIFO", [] {
    queue_limits limits;
    for (int p = 0; p < priority_count; ++p) {
      limits.capacity[p] = *rc::gen::inRange<uint64_t>(1, 6);
      limits.weights[p] = *rc::gen::inRange<uint32_t>(1, 5);
    }
    limits.standby = *rc::gen::inRange<uint64_t>(0, 10);
    auto steps = *rc::gen::container<std::vector<step>>(rc::gen::build<step>(
      rc::gen::set(&step::kind, rc::gen::weightedElement<q_op>(
                                  {{5, q_op::push}, {1, q_op::push_front}, {4, q_op::pop}})),
      rc::gen::set(&step::prio, rc::gen::inRange(0, priority_count))));
    bounded_queues q{limits};
    std::array<std::deque<task_id>, priority_count> model;
    std::map<task_id, int> prio_of;
    task_id next = 1;
    std::vector<std::pair<int, bool>> picks; // priority, every queue had work
    for (auto& s : steps) {
      switch (s.kind) {
        case q_op::push:
          q.push(next, static_cast<priority>(s.prio));
          model[s.prio].push_back(next);
          prio_of[next++] = s.prio;
          break;
        case q_op::push_front: { // only what was just popped goes back
          auto popped = q.pop();
          if (!popped)
            break;
          task_id id = *popped;
          int p = prio_of.at(id);
          RC_ASSERT(model[p].front() == id);
          q.push_front(id, static_cast<priority>(p));
          picks.emplace_back(p, false); // a pick, but not one served: ends the run
          break;
        }
        case q_op::pop: {
          bool all_busy = std::all_of(model.begin(), model.end(),
                                      [](auto& d) { return !d.empty(); });
          bool any = std::any_of(model.begin(), model.end(), [](auto& d) { return !d.empty(); });
          auto popped = q.pop();
          RC_ASSERT(popped.has_value() == any);
          if (!any)
            break;
          task_id id = *popped;
          int p = prio_of.at(id);
          RC_ASSERT(model[p].front() == id); // oldest of its priority, standby included
          model[p].pop_front();
          picks.emplace_back(p, all_busy);
          break;
        }
      }
      std::size_t total = 0;
      for (int p = 0; p < priority_count; ++p) {
        auto n = model[p].size();
        auto in_queue = std::min<std::size_t>(n, limits.capacity[p]);
        RC_ASSERT(q.size(static_cast<priority>(p)) == in_queue);
        RC_ASSERT(q.standby_size(static_cast<priority>(p)) == n - in_queue);
        total += n;
      }
      RC_ASSERT(q.size() == total);
    }
    // Weighted picks: any window of sum(weights) picks made while every
    // queue had work holds each priority exactly its weight.
    auto cycle = std::accumulate(limits.weights.begin(), limits.weights.end(), std::size_t{0});
    std::size_t run = 0;
    for (std::size_t i = 0; i < picks.size(); ++i) {
      run = picks[i].second ? run + 1 : 0;
      if (run < cycle)
        continue;
      std::array<uint32_t, priority_count> seen{};
      for (std::size_t j = i + 1 - cycle; j <= i; ++j)
        ++seen[picks[j].first];
      RC_ASSERT(seen == limits.weights);
    }
  });
}

TEST_CASE("admits says whether new tasks fit in their queues plus the shared standby") {
  DROVER_PROPERTY("admits == capacity + standby arithmetic", [] {
    queue_limits limits;
    for (int p = 0; p < priority_count; ++p)
      limits.capacity[p] = *rc::gen::inRange<uint64_t>(1, 8);
    limits.standby = *rc::gen::inRange<uint64_t>(0, 8);
    bounded_queues q{limits};
    std::array<uint64_t, priority_count> queued{}, reserved{}, count{};
    for (int p = 0; p < priority_count; ++p) {
      queued[p] = *rc::gen::inRange<uint64_t>(0, 10);
      for (uint64_t i = 0; i < queued[p]; ++i)
        q.push(100 * p + i + 1, static_cast<priority>(p));
      reserved[p] = *rc::gen::inRange<uint64_t>(0, 5);
      count[p] = *rc::gen::inRange<uint64_t>(0, 10);
    }
    // Brute force: place each task one by one, its queue first, then standby.
    std::array<uint64_t, priority_count> room = limits.capacity;
    uint64_t standby_room = limits.standby;
    bool fits = true;
    for (int p = 0; p < priority_count; ++p) {
      for (uint64_t i = 0; i < queued[p] + reserved[p] + count[p]; ++i) {
        if (room[p] > 0)
          --room[p];
        else if (standby_room > 0)
          --standby_room;
        else
          fits = false;
      }
    }
    RC_ASSERT(q.admits(count, reserved) == fits);
  });
}

} // namespace drover
