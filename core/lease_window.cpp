#include "core/lease_window.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace drover {

result<int64_t> parse_prefetch(std::string_view text) {
  if (text == "auto")
    return auto_prefetch;
  int64_t n = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > max_prefetch)
    return error{ec::bad_input, "'" + std::string{text} + "' is not auto or a "
                                "whole number of tasks from 0 to " + std::to_string(max_prefetch)
                                + " (tasks a consumer holds beyond --capacity while its tasks "
                                  "are short; 0: none)"};
  return n;
}

uint32_t prefetch_for(uint32_t capacity, int64_t setting) {
  int64_t want = setting < 0 ? 3 * static_cast<int64_t>(capacity) : setting;
  return static_cast<uint32_t>(std::min(want, max_prefetch));
}

result<uint32_t> announced_prefetch(uint32_t capacity, std::string_view text) {
  auto setting = parse_prefetch(text);
  if (!setting)
    return setting.err();
  return prefetch_for(capacity, *setting);
}

void run_time_mean::add(uint64_t total_us, uint64_t count) {
  if (count == 0)
    return;
  double batch = static_cast<double>(total_us) / static_cast<double>(count);
  mean_us_ = mean_us_ < 0 ? batch : mean_us_ + (batch - mean_us_) / 8;
}

uint32_t lease_window(uint32_t capacity, uint32_t prefetch, double mean_run_us) {
  if (mean_run_us < 0 || mean_run_us >= short_task_us)
    return capacity;
  uint64_t window = static_cast<uint64_t>(capacity) + prefetch;
  return static_cast<uint32_t>(std::min<uint64_t>(window, UINT32_MAX));
}

} // namespace drover
