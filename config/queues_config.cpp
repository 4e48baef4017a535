// The `queues:` section of the config file and the --queues flag:
//   queues:
//     high: 100000        # pending tasks each priority queue holds
//     normal: 100000
//     low: 100000
//     standby: 50000      # overflow shared by all three
//     weights: { high: 8, normal: 3, low: 1 }
// Every key is optional; the defaults are in core/queue_bounds.hpp.
#include <yaml-cpp/yaml.h>

#include "config/options.hpp"

namespace drover {

namespace {

bool whole(const YAML::Node& n, uint64_t& out) {
  if (!n.IsScalar() || n.Scalar().empty() || n.Scalar()[0] == '-')
    return false;
  try {
    size_t used = 0;
    out = std::stoull(n.Scalar(), &used);
    return used == n.Scalar().size();
  } catch (const std::exception&) {
    return false;
  }
}

} // namespace

result<queue_limits> parse_queues_flag(const std::string& text, queue_limits out) {
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    auto part = text.substr(start, end - start);
    auto colon = part.find(':');
    uint64_t v = 0;
    auto key = part.substr(0, colon == std::string::npos ? part.size() : colon);
    bool number = colon != std::string::npos && whole(YAML::Node(part.substr(colon + 1)), v);
    auto p = parse_priority(key);
    if (number && key == "standby")
      out.standby = v;
    else if (number && p)
      out.capacity[static_cast<int>(*p)] = v;
    else
      return {ec::bad_input, "'" + part + "': expected KEY:N with KEY one of high, normal, "
                               "low, standby, e.g. normal:100000"};
    start = end + 1;
  }
  return out;
}

result<queue_limits> read_queue_limits(const YAML::Node& n, queue_limits out) {
  const error wrong{ec::bad_input, "'queues' must map high, normal, low, standby to whole "
                                   "numbers and weights to {high, normal, low} of 1 to 1000"};
  if (!n.IsMap())
    return wrong;
  for (const auto& kv : n) {
    auto key = kv.first.Scalar();
    uint64_t v = 0;
    auto p = parse_priority(key);
    if (key == "weights") {
      if (!kv.second.IsMap())
        return wrong;
      for (const auto& w : kv.second) {
        auto wp = parse_priority(w.first.Scalar());
        if (!wp || !whole(w.second, v) || v > 1000)
          return wrong;
        out.weights[static_cast<int>(*wp)] = static_cast<uint32_t>(v);
      }
    } else if (key == "standby" && whole(kv.second, v)) {
      out.standby = v;
    } else if (p && whole(kv.second, v)) {
      out.capacity[static_cast<int>(*p)] = v;
    } else {
      return wrong;
    }
  }
  return out;
}

} // namespace drover
