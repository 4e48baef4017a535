// Multi-user data scheduling: the values that travel between the
// REST edge, the manager-side courier and the node-side mailboxes, and the
// pure rules around them (ids, headers, retry backoff). No CAF here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/task.hpp" // priority

namespace drover {

/// Where a delivery is: waiting in the courier (first try or retry), stored
/// in the destination node's user queue, or consumed (acknowledged).
enum class delivery_state : uint8_t { queued = 0, stored = 1, consumed = 2 };
const char* to_string(delivery_state s);

/// One piece of data on its way to a user. `seq` orders everything the
/// courier ever accepted; a user's items travel and are stored in seq order.
struct data_item {
  uint64_t seq = 0;
  std::string id;        ///< <manager node>_<unix ms>_<6 random digits>
  uint64_t sender = 0;   ///< user number (u<sender>)
  uint64_t user = 0;     ///< destination user number
  std::string data_type;
  priority level = priority::normal;
  std::string body;
  int64_t created_ms = 0;
};

/// A lifecycle record: generated, executed, retried, delivered, rebound, consumed.
struct data_event {
  std::string kind;
  int64_t at_ms = 0;
  std::string detail;
};

/// A user, its binding and its counters (GET /v1/users/{id}).
struct user_info {
  uint64_t id = 0;
  std::string name;
  std::string node;      ///< bound consumer node; empty while no node lives
  uint64_t queued = 0;   ///< in the courier, waiting for (re)delivery
  uint64_t stored = 0;   ///< in the node's queue, not yet consumed
  uint64_t consumed = 0;
  uint64_t sent = 0;     ///< items this user sent
  int64_t created_ms = 0;
};

/// A delivery with its history (GET /v1/tasks/{delivery id}).
struct delivery_info {
  data_item item;
  delivery_state state = delivery_state::queued;
  std::string node;
  uint32_t attempts = 0;
  std::vector<data_event> events;
};

/// What POST /v1/send_data carries to the courier.
struct send_request {
  uint64_t sender = 0;
  uint64_t dest = 0;
  priority level = priority::normal;
  std::string data_type;
  std::string body;
};

/// The answer to a send: durable in the courier by now.
struct send_receipt {
  std::string id;
  uint64_t dest = 0;
  std::string node;      ///< bound node at acceptance; may change on re-binding
};

/// Items read from a user's queue, oldest first; nothing is removed until acked.
struct recv_batch {
  uint64_t user = 0;
  std::vector<data_item> items;
};

/// "u<N>": the external form of user number N.
std::string format_user_id(uint64_t n);
/// Accepts "u<N>" with N >= 1; ec::bad_input otherwise.
result<uint64_t> parse_user_id(std::string_view text);

/// "<node>_<ms>_<digits>" with `digits` zero-padded to 6 places.
std::string format_delivery_id(std::string_view node, int64_t ms, uint32_t digits);
/// True for the delivery id shape above (6 digits at the end): the REST edge
/// sends such ids to the courier before trying them as task ids.
bool looks_like_delivery_id(std::string_view text);

/// Parses LEVEL: high|normal|low (any case) or 0|1|2 (0 = high).
result<priority> parse_level(std::string_view text);

/// Checks the three headers of POST /v1/send_data; the error names the
/// header that is missing or malformed. `nullptr` means absent. The
/// request it returns has sender, dest and level set.
[[nodiscard]] result<send_request> parse_send_headers(const std::string* user_agent,
                                                      const std::string* level,
                                                      const std::string* des_user);

} // namespace drover
