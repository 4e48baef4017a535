// Where a leading manager process can be reached, as the lease row's one
// `address` column carries it, and as a standby passes it on: its
// registry's HOST:PORT (members) and its REST URL (clients, load
// balancers). Both sides of the row are written by drover, so the format
// only has to round-trip: "HOST:PORT" or "HOST:PORT URL".
#pragma once

#include <string>

namespace drover {

struct leader_address {
  std::string registry;  ///< "host:port" where members register; "" unknown
  std::string http;      ///< "http://host:port" (or https); "" when REST is off
};

/// The lease row's text for `a`.
std::string encode_leader_address(const leader_address& a);
/// Reads it back; a text drover did not write gives empty fields.
leader_address decode_leader_address(const std::string& text);

/// The message of a standby registry's ec::not_leader answer; it starts
/// with the leader's registry address so members can follow it.
std::string not_leader_text(const std::string& leader_registry);
/// The leader's registry address in such a message; "" if it names none.
std::string leader_in_refusal(const std::string& text);

} // namespace drover
