// Connection slots of the REST server: at most N connections in all and at
// most M from one client address, so one host (or a few) cannot take every
// connection. A connection takes a slot when accepted and gives it back
// when closed; a refused one is answered 429 (its address is full) or 503
// (the server is full) and closed. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace drover {

class client_slots {
public:
  client_slots(std::size_t max_total, std::size_t max_per_client);

  enum class verdict { taken, client_full, server_full };
  /// Takes a slot for a connection from `client` if both limits allow.
  verdict take(const std::string& client);
  /// Gives back a slot take() gave.
  void give_back(const std::string& client);
  /// Connections holding a slot.
  std::size_t in_use() const;

private:
  mutable std::mutex mtx_;
  std::size_t max_total_, max_per_client_, total_ = 0;
  std::map<std::string, std::size_t> per_client_;
};

} // namespace drover
