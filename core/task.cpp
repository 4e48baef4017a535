#include "core/task.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace drover {

namespace {

constexpr const char* state_names[task_state_count] = {
  "PENDING", "ASSIGNED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "TIMED_OUT"};
constexpr const char* priority_names[priority_count] = {"high", "normal", "low"};

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size()
         && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
              return std::tolower(static_cast<unsigned char>(x))
                     == std::tolower(static_cast<unsigned char>(y));
            });
}

} // namespace

const char* to_string(task_state s) {
  return state_names[static_cast<int>(s)];
}

bool parse_task_state(std::string_view name, task_state& out) {
  for (int i = 0; i < task_state_count; ++i)
    if (equals_ignore_case(name, state_names[i])) {
      out = static_cast<task_state>(i);
      return true;
    }
  return false;
}

const char* to_string(priority p) { return priority_names[static_cast<int>(p)]; }

bool parse_priority(std::string_view name, priority& out) {
  for (int i = 0; i < priority_count; ++i)
    if (equals_ignore_case(name, priority_names[i])) {
      out = static_cast<priority>(i);
      return true;
    }
  return false;
}

std::string format_task_id(std::string_view node, int64_t created_ms, task_id id) {
  std::string out{node};
  out += '_';
  out += std::to_string(created_ms);
  out += '_';
  out += std::to_string(id);
  return out;
}

bool parse_task_id(std::string_view text, task_id& out) {
  auto pos = text.rfind('_');
  auto digits = pos == std::string_view::npos ? text : text.substr(pos + 1);
  if (digits.empty())
    return false;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return err == std::errc{} && end == digits.data() + digits.size();
}

} // namespace drover
