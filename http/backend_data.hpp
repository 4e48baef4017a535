// The multi-user data feature of the REST backend (http/routes_data.cpp):
// users, and data sent to them through the courier.
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
// A process without a courier answers ec::unreachable (503); unknown users
// are ec::unknown_member (404); a full courier ec::overloaded (429).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data.hpp"
#include "http/api_types.hpp"

namespace drover {

class data_backend {
public:
  virtual ~data_backend() = default;

  /// A new user with a fresh id, bound to a consumer node if one lives.
  virtual result<user_info> create_user(const std::string& name) = 0;
  virtual result<std::vector<user_info>> list_users() = 0;
  virtual result<user_info> get_user(uint64_t id) = 0;
  /// Durable in the courier when it returns (the delivery happens later).
  virtual result<send_receipt> send_data(send_request req) = 0;
  /// The user's oldest items, at most `max`; removed only by ack_data.
  virtual result<recv_batch> recv_data(uint64_t user, uint32_t max) = 0;
  /// Removes the user's items up to and including `last_id`; how many.
  virtual result<uint64_t> ack_data(uint64_t user, const std::string& last_id) = 0;
  /// A delivery with its lifecycle records; ec::unknown_task if none.
  virtual result<delivery_info> get_delivery(const std::string& id) = 0;
  /// The largest send_data body (413 above).
  virtual std::size_t max_data() const = 0;
};

} // namespace drover
