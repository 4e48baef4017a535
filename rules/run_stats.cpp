// Moving averages of run times; see run_stats.hpp.
#include "rules/run_stats.hpp"

namespace drover {

void run_stats::record(const std::string& node, const std::string& type,
                       double run_ms, int slot, uint64_t epoch) {
  if (!(run_ms >= 0)) // also rejects NaN
    return;
  auto& pt = types_[type]; // allocates only for a new type
  // find first: emplace would allocate a map node on every call.
  auto it = pt.by_node.find(node);
  if (it == pt.by_node.end())
    it = pt.by_node.emplace(node, run_ms).first;
  else
    it->second += alpha * (run_ms - it->second);
  if (pt.epoch == epoch && slot >= 0 && static_cast<size_t>(slot) < pt.by_slot.size())
    pt.by_slot[slot] = it->second;
}

const double* run_stats::by_slot(const std::string& type,
                                 const std::vector<std::string>& nodes, uint64_t epoch) {
  auto t = types_.find(type);
  if (t == types_.end())
    return nullptr;
  auto& pt = t->second;
  if (pt.epoch != epoch || pt.by_slot.size() != nodes.size()) {
    pt.by_slot.assign(nodes.size(), -1.0);
    for (size_t i = 0; i < nodes.size(); ++i)
      if (auto n = pt.by_node.find(nodes[i]); n != pt.by_node.end())
        pt.by_slot[i] = n->second;
    pt.epoch = epoch;
  }
  return pt.by_slot.data();
}

double run_stats::average(const std::string& node, const std::string& type) const {
  auto t = types_.find(type);
  if (t == types_.end())
    return -1;
  auto n = t->second.by_node.find(node);
  return n == t->second.by_node.end() ? -1 : n->second;
}

double run_stats::node_average(const std::string& node) const {
  double sum = 0;
  int n = 0;
  for (auto& [type, pt] : types_)
    if (auto i = pt.by_node.find(node); i != pt.by_node.end())
      sum += i->second, ++n;
  return n == 0 ? -1 : sum / n;
}

} // namespace drover
