// Recurrence parsing, next fire times and catch-up planning (core/schedule.hpp).
#include "core/schedule.hpp"

#include <charconv>
#include <deque>

#include <fmt/format.h>

namespace drover {

namespace {

struct unit {
  const char* suffix;
  int64_t ms;
};
// Longest suffix first so "ms" is not read as "m" followed by junk.
constexpr unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000},
                          {"d", 86'400'000}};

constexpr const char* every_hint = "write a whole number and a unit: ms, s, m, h or d "
                                   "(e.g. 500ms, 30s, 5m, 1h)";

} // namespace

result<int64_t> parse_every(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  auto suffix = text.substr(digits);
  const unit* u = nullptr;
  for (auto& c : units)
    if (suffix == c.suffix)
      u = &c;
  int64_t n = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + digits, n);
  if (digits == 0 || u == nullptr || err != std::errc{})
    return {ec::bad_input, fmt::format("every '{}' is not a duration: {}", text, every_hint)};
  if (n > max_every_ms / u->ms || n * u->ms < min_every_ms || n * u->ms > max_every_ms)
    return {ec::bad_input, fmt::format("every '{}' must be from {} to {} days", text,
                                       every_text(min_every_ms), max_every_ms / 86'400'000)};
  return n * u->ms;
}

std::string every_text(int64_t ms) {
  for (int i = 4; i > 0; --i)
    if (ms % units[i].ms == 0)
      return fmt::format("{}{}", ms / units[i].ms, units[i].suffix);
  return fmt::format("{}ms", ms);
}

result<recurrence> parse_recurrence(std::string_view every, std::string_view cron) {
  if (!every.empty() && !cron.empty())
    return {ec::bad_input, "give either 'every' or 'cron', not both"};
  if (every.empty() && cron.empty())
    return {ec::bad_input, "a schedule needs 'every' (e.g. \"30s\") or 'cron' "
                           "(e.g. \"*/5 * * * *\")"};
  recurrence r;
  if (!every.empty()) {
    auto ms = parse_every(every);
    if (!ms)
      return std::move(ms).err();
    r.every_ms = *ms;
  } else {
    auto c = parse_cron(cron);
    if (!c)
      return std::move(c).err();
    r.cron = *c;
  }
  r.text = std::string{every.empty() ? cron : every};
  return r;
}

int64_t next_fire(const recurrence& r, int64_t anchor_ms, int64_t after_ms) {
  if (r.is_cron())
    return cron_next(r.cron, after_ms);
  if (after_ms < anchor_ms)
    return anchor_ms + r.every_ms;
  int64_t k = (after_ms - anchor_ms) / r.every_ms + 1;
  return anchor_ms + k * r.every_ms;
}

const char* to_string(catch_up_policy p) {
  switch (p) {
    case catch_up_policy::none: return "none";
    case catch_up_policy::one: return "one";
    case catch_up_policy::all: return "all";
  }
  return "?";
}

result<catch_up_policy> parse_catch_up(std::string_view name) {
  for (auto p : {catch_up_policy::none, catch_up_policy::one, catch_up_policy::all})
    if (name == to_string(p))
      return p;
  return {ec::bad_input,
          fmt::format("unknown catch_up '{}' (allowed: none, one, all)", name)};
}

catch_up_plan plan_catch_up(const recurrence& r, int64_t anchor_ms, int64_t last_fire_ms,
                            int64_t now_ms, catch_up_policy policy, size_t cap) {
  catch_up_plan plan;
  std::deque<int64_t> keep; // the newest `keep_max` missed fire times
  size_t keep_max = policy == catch_up_policy::all ? cap
                    : policy == catch_up_policy::one ? 1 : 0;
  int64_t t = next_fire(r, anchor_ms, last_fire_ms);
  if (!r.is_cron() && t <= now_ms) {
    // Count the missed periods arithmetically; only the kept ones are listed.
    plan.missed = static_cast<uint64_t>((now_ms - t) / r.every_ms + 1);
    int64_t newest = t + static_cast<int64_t>(plan.missed - 1) * r.every_ms;
    for (uint64_t i = 0; i < plan.missed && i < keep_max; ++i)
      keep.push_front(newest - static_cast<int64_t>(i) * r.every_ms);
    t = newest + r.every_ms;
  } else {
    for (; t >= 0 && t <= now_ms; t = next_fire(r, anchor_ms, t)) {
      ++plan.missed;
      keep.push_back(t);
      if (keep.size() > keep_max)
        keep.pop_front();
    }
  }
  plan.runs.assign(keep.begin(), keep.end());
  plan.dropped = plan.missed - plan.runs.size();
  plan.next_ms = t;
  return plan;
}

} // namespace drover
