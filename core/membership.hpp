// Who is in the cluster: what a member announces when it registers. Plain
// data shared by the registry, the manager and the rules (no CAF here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace drover {

/// worker: a remote worker over HTTP, which the manager leases tasks to
/// as to a consumer (actors/worker_hub.hpp stands in for it).
enum class member_role : uint8_t { producer = 0, consumer = 1, manager = 2, worker = 3 };
const char* to_string(member_role r);
/// Consumers and HTTP workers: the members the manager leases tasks to.
inline bool takes_tasks(member_role r) {
  return r == member_role::consumer || r == member_role::worker;
}

struct member_info {
  std::string node;                ///< unique node name, e.g. "c1"
  member_role role = member_role::consumer;
  std::vector<std::string> tags;   ///< what a consumer offers, e.g. gpu
  uint32_t capacity = 64;          ///< tasks a consumer runs at once (credit)
  std::string group;               ///< producer group
  std::string address;             ///< host:port it was reached at, if known
  /// Task types a consumer runs (built-in handlers and its handler files),
  /// sorted. The manager assigns a task only to a consumer that runs its
  /// type; a consumer announcing none runs nothing.
  std::vector<std::string> types;
  /// Tasks a consumer may hold beyond `capacity`, waiting for a free slot
  /// (core/lease_window.hpp); 0 for other members.
  uint32_t prefetch = 0;
};

} // namespace drover
