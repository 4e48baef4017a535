// Job splitting: one task template becomes N part tasks,
// by `range` (shards of an integer range), `lines` (K lines of a file per
// part) or `list` (one part per item). Each kind only computes the parts'
// payloads; the caller copies the template. An optional merge task runs
// once every part succeeded and receives their results (actors/manager_merge).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/task.hpp"

namespace drover {

struct split_spec {
  enum class kind : uint8_t { none, range, lines, list };
  kind how = kind::none;
  int64_t from = 0;          ///< range: [from, to), split into `shards`
  int64_t to = 0;
  uint64_t shards = 0;
  std::string file;          ///< lines: read at split time
  uint64_t per_task = 1;     ///< lines per part
  std::vector<std::string> items; ///< list: one payload each
};

/// The parts' payloads, in part order, at most `max_parts` of them:
///   range: {"from":A,"to":B} per shard (half-open, shards differ by <= 1)
///   lines: the part's lines joined by '\n' (a trailing '\n' ends no line)
///   list:  the item itself
/// Errors name the field to fix, e.g. "split.range.shards: must be >= 1".
result<std::vector<std::string>> split_payloads(const split_spec& s, uint64_t max_parts);

/// The dedupe_key that marks a job's merge task (drover's own prefix, so no
/// submitted task can carry it).
extern const char* const merge_marker;
/// Is this the job's merge task?
bool is_merge(const task_spec& spec);

} // namespace drover
