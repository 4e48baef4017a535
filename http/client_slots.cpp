// client_slots: see http/client_slots.hpp.
#include "http/client_slots.hpp"

namespace drover {

client_slots::client_slots(std::size_t max_total, std::size_t max_per_client)
  : max_total_(max_total), max_per_client_(max_per_client) {}

client_slots::verdict client_slots::take(const std::string& client) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (total_ >= max_total_)
    return verdict::server_full;
  auto& n = per_client_[client];
  if (n >= max_per_client_) {
    return verdict::client_full;
  }
  ++n;
  ++total_;
  return verdict::taken;
}

void client_slots::give_back(const std::string& client) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = per_client_.find(client);
  if (i == per_client_.end() || i->second == 0)
    return;
  --total_;
  if (--i->second == 0)
    per_client_.erase(i);
}

std::size_t client_slots::in_use() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return total_;
}

} // namespace drover
