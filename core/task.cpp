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

result<task_state> parse_task_state(std::string_view name) {
  std::string all;
  for (int i = 0; i < task_state_count; ++i) {
    if (equals_ignore_case(name, state_names[i]))
      return static_cast<task_state>(i);
    all += (all.empty() ? "" : ", ") + std::string{state_names[i]};
  }
  return error{ec::bad_input, "unknown task state '" + std::string{name} + "' (one of " + all + ")"};
}

const char* to_string(priority p) { return priority_names[static_cast<int>(p)]; }

result<priority> parse_priority(std::string_view name) {
  for (int i = 0; i < priority_count; ++i)
    if (equals_ignore_case(name, priority_names[i]))
      return static_cast<priority>(i);
  return error{ec::bad_input,
               "priority must be high, normal or low, got '" + std::string{name} + "'"};
}

std::string format_task_id(std::string_view node, int64_t created_ms, task_id id) {
  std::string out{node};
  out += '_';
  out += std::to_string(created_ms);
  out += '_';
  out += std::to_string(id);
  return out;
}

result<task_id> parse_task_id(std::string_view text) {
  auto pos = text.rfind('_');
  auto digits = pos == std::string_view::npos ? text : text.substr(pos + 1);
  task_id id = 0;
  auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (digits.empty() || err != std::errc{} || end != digits.data() + digits.size())
    return error{ec::bad_input, "'" + std::string{text}
                                  + "' is not a task id (a number or NODE_MS_NUMBER)"};
  return id;
}

} // namespace drover
