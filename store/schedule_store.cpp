// memory_schedule_store and the text form of recent runs (store/schedule_store.hpp).
#include "store/schedule_store.hpp"

#include <algorithm>
#include <sstream>

namespace drover {

error memory_schedule_store::save(const schedule_record& r) {
  auto i = std::lower_bound(records_.begin(), records_.end(), r.id,
                            [](const schedule_record& a, uint64_t id) { return a.id < id; });
  if (i != records_.end() && i->id == r.id)
    *i = r;
  else
    records_.insert(i, r);
  return {};
}

error memory_schedule_store::remove(uint64_t id) {
  records_.erase(std::remove_if(records_.begin(), records_.end(),
                                [id](const schedule_record& r) { return r.id == id; }),
                 records_.end());
  return {};
}

result<std::vector<schedule_record>> memory_schedule_store::load() {
  return records_;
}

std::string encode_runs(const std::vector<schedule_run>& runs) {
  std::string out;
  for (auto& r : runs) {
    std::string why = r.error;
    std::replace(why.begin(), why.end(), '\n', ' ');
    out += std::to_string(r.fire_ms) + ' ' + std::to_string(r.job) + ' ' + why + '\n';
  }
  return out;
}

std::vector<schedule_run> decode_runs(const std::string& text) {
  std::vector<schedule_run> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    std::istringstream ls{line};
    schedule_run r;
    if (!(ls >> r.fire_ms >> r.job))
      continue; // a damaged line loses one history entry, nothing else
    std::getline(ls >> std::ws, r.error);
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace drover
