// How the three batches that carry every task across processes are packed:
// a producer's task specs, a manager's assignments, a consumer's reports.
// CAF would write each field of each item on its own (a length per string,
// fixed 8-byte integers, a call per field); here a batch is one byte string:
// ids and leases as varint deltas from the previous item (consecutive tasks
// differ by 1), text only when it differs from the previous item's, empty
// fields as a flag bit. A noop task costs 1 byte in a list, ~4 in an
// assignment, ~4 in a report. Pure functions; actors/protocol_wire.hpp hooks
// them into CAF's serialization, so only messages that cross a process
// boundary are packed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/assignment.hpp"
#include "core/task.hpp"

namespace drover {

std::string pack_specs(const std::vector<task_spec>& specs);
std::string pack_assignments(const std::vector<assignment>& batch);
std::string pack_reports(const std::vector<task_report>& reports);

/// Each fails with ec::bad_input (saying what was wrong) on a truncated or
/// malformed byte string, never reads past its end, and never reserves
/// more items than the bytes could hold.
[[nodiscard]] result<std::vector<task_spec>> unpack_specs(std::string_view bytes);
[[nodiscard]] result<std::vector<assignment>> unpack_assignments(std::string_view bytes);
[[nodiscard]] result<std::vector<task_report>> unpack_reports(std::string_view bytes);

} // namespace drover
