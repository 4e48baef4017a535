// Recent run times per (consumer node, task type) for the `fastest` and
// `weighted` strategies: an exponential moving average, so a member that
// slows down loses work within a few runs. Owned by one assigner.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace drover {

class run_stats {
public:
  /// Weight of the newest run: the last ~10 runs dominate the average.
  static constexpr double alpha = 0.2;

  /// Folds `run_ms` into the average of (node, type); the first run sets it.
  /// `slot` is the node's index in the assigner's current member view (-1 if
  /// not in it) and `epoch` that view's epoch, so the per-slot cache stays
  /// current without a rebuild. Negative or NaN times are ignored.
  void record(const std::string& node, const std::string& type, double run_ms,
              int slot, uint64_t epoch);

  /// Averages of `type` indexed by slot (negative: no data yet), rebuilt from
  /// the per-node table only when `epoch` moved; nullptr if the type has no
  /// data at all. Valid until the next call.
  const double* by_slot(const std::string& type, const std::vector<std::string>& nodes,
                        uint64_t epoch);

  /// The average of (node, type), or a negative number if there is none.
  double average(const std::string& node, const std::string& type) const;

  /// The mean of `node`'s averages over every type it ran, or a negative
  /// number if it ran none: its speed for waking the fastest first.
  double node_average(const std::string& node) const;

private:
  struct per_type {
    std::unordered_map<std::string, double> by_node; ///< the source of truth
    std::vector<double> by_slot;                      ///< cache for choose()
    uint64_t epoch = 0;                               ///< view by_slot follows
  };
  std::unordered_map<std::string, per_type> types_;
};

} // namespace drover
