#include "core/job_split.hpp"

#include <fstream>

#include <fmt/format.h>

namespace drover {

const char* const merge_marker = "drover:merge";

bool is_merge(const task_spec& spec) { return spec.dedupe_key == merge_marker; }

namespace {

error too_many(const char* field, uint64_t max_parts) {
  return {ec::bad_input, fmt::format("{}: more than {} parts; the limit is the job's task "
                                     "limit", field, max_parts)};
}

using payloads = std::vector<std::string>;

result<payloads> range_parts(const split_spec& s, uint64_t max_parts) {
  if (s.shards == 0)
    return {ec::bad_input, "split.range.shards: must be >= 1"};
  if (s.from >= s.to)
    return {ec::bad_input, fmt::format("split.range: from ({}) must be less than to ({})",
                                       s.from, s.to)};
  auto width = static_cast<uint64_t>(s.to - s.from);
  if (s.shards > width)
    return {ec::bad_input, fmt::format("split.range.shards: {} shards for {} numbers leaves "
                                       "some empty; use at most {}", s.shards, width, width)};
  if (s.shards > max_parts)
    return too_many("split.range.shards", max_parts);
  payloads out;
  for (uint64_t i = 0; i < s.shards; ++i) {
    // Shards differ by at most one number; computed without overflow.
    auto lo = s.from + static_cast<int64_t>(width / s.shards * i + width % s.shards * i / s.shards);
    auto j = i + 1;
    auto hi = s.from + static_cast<int64_t>(width / s.shards * j + width % s.shards * j / s.shards);
    out.push_back(fmt::format("{{\"from\":{},\"to\":{}}}", lo, hi));
  }
  return out;
}

result<payloads> line_parts(const split_spec& s, uint64_t max_parts) {
  if (s.per_task == 0)
    return {ec::bad_input, "split.lines.per_task: must be >= 1"};
  std::ifstream in{s.file, std::ios::binary};
  if (s.file.empty() || !in)
    return {ec::bad_input, "split.lines.file: cannot read '" + s.file + "'"};
  payloads out;
  std::string line;
  std::string part;
  uint64_t in_part = 0;
  while (std::getline(in, line)) {
    part += (in_part == 0 ? "" : "\n") + line;
    if (++in_part == s.per_task) {
      if (out.size() == max_parts)
        return too_many("split.lines", max_parts);
      out.push_back(std::move(part));
      part.clear();
      in_part = 0;
    }
  }
  if (in_part > 0) {
    if (out.size() == max_parts)
      return too_many("split.lines", max_parts);
    out.push_back(std::move(part));
  }
  if (out.empty())
    return {ec::bad_input, "split.lines.file: '" + s.file + "' has no lines"};
  return out;
}

} // namespace

result<payloads> split_payloads(const split_spec& s, uint64_t max_parts) {
  switch (s.how) {
    case split_spec::kind::range: return range_parts(s, max_parts);
    case split_spec::kind::lines: return line_parts(s, max_parts);
    case split_spec::kind::list:
      if (s.items.empty())
        return error{ec::bad_input, "split.list: must hold at least one item"};
      if (s.items.size() > max_parts)
        return too_many("split.list", max_parts);
      return s.items;
    case split_spec::kind::none: break;
  }
  return error{ec::bad_input, "split: expected one of range, lines, list"};
}

} // namespace drover
