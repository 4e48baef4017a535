// Cron parsing and next-fire search (core/cron.hpp). The search walks days,
// then hours and minutes inside a matching day, so it costs at most a few
// thousand bit tests even for rare expressions.
#include "core/cron.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace drover {

namespace {

struct field_spec {
  const char* name;
  int lo, hi;
};
constexpr field_spec specs[5] = {
  {"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12},
  {"day-of-week", 0, 7}};

/// One field's text and its 0-based offset in the whole expression.
struct piece {
  std::string_view text;
  size_t at;
};

/// The whole of `s` as a number, or nothing.
std::optional<int> read_int(std::string_view s) {
  int out = 0;
  auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || err != std::errc{} || end != s.data() + s.size())
    return std::nullopt;
  return out;
}

/// The bits of the values one field selects, or what is wrong with it.
result<uint64_t> parse_field(std::string_view text, const field_spec& f) {
  auto bad = [](std::string what) { return error{ec::bad_input, std::move(what)}; };
  uint64_t bits = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item.empty())
      return bad("an empty list item (write e.g. 1,5,10)");
    int lo = f.lo, hi = f.hi == 7 ? 6 : f.hi, step = 1;
    auto slash = item.find('/');
    auto range = item.substr(0, slash);
    if (slash != std::string_view::npos) {
      auto s = item.substr(slash + 1);
      auto n = read_int(s);
      if (!n || *n < 1 || *n > f.hi)
        return bad(fmt::format("step '{}' must be a whole number from 1 to {}", s, f.hi));
      step = *n;
    }
    if (range != "*") {
      auto dash = range.find('-');
      auto a = range.substr(0, dash);
      auto first = read_int(a);
      if (!first)
        return bad(fmt::format("'{}' is not a number, '*' or a range a-b", range));
      lo = *first;
      hi = slash != std::string_view::npos ? f.hi : lo;
      if (dash != std::string_view::npos) {
        auto last = read_int(range.substr(dash + 1));
        if (!last)
          return bad(fmt::format("'{}' is not a range a-b of numbers", range));
        hi = *last;
      }
      for (int v : {lo, hi})
        if (v < f.lo || v > f.hi)
          return bad(fmt::format("{} is out of range {}-{}", v, f.lo, f.hi));
      if (hi < lo)
        return bad(fmt::format("range {}-{} runs backwards", lo, hi));
    }
    for (int v = lo; v <= hi; v += step)
      bits |= uint64_t{1} << (f.hi == 7 && v == 7 ? 0 : v); // 7 is Sunday too
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  return bits;
}

/// The civil date of a day number (days since 1970-01-01), by Howard
/// Hinnant's algorithm.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

bool day_matches(const cron_expr& c, int64_t day) {
  int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  if (!(c.months >> m & 1))
    return false;
  unsigned wd = static_cast<unsigned>(((day % 7) + 11) % 7); // 1970-01-01 was a Thursday
  bool dom = c.days >> d & 1, dow = c.weekdays >> wd & 1;
  if (!c.days_star && !c.weekdays_star)
    return dom || dow;
  return dom && dow;
}

constexpr int64_t minute_ms = 60'000, day_minutes = 1440;

} // namespace

result<cron_expr> parse_cron(std::string_view text) {
  std::vector<piece> pieces;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    size_t j = text.find_first_of(" \t", i);
    j = j == std::string_view::npos ? text.size() : j;
    pieces.push_back({text.substr(i, j - i), i});
    i = j;
  }
  if (pieces.size() != 5)
    return {ec::bad_input,
            fmt::format("cron '{}' has {} fields; it needs 5: minute hour day-of-month "
                        "month day-of-week (e.g. \"*/15 * * * *\")",
                        text, pieces.size())};
  cron_expr c;
  uint64_t bits[5];
  for (int i = 0; i < 5; ++i) {
    auto field = parse_field(pieces[i].text, specs[i]);
    if (!field)
      return {ec::bad_input, fmt::format("cron field {} ({}) at column {}: {}", i + 1,
                                         specs[i].name, pieces[i].at + 1,
                                         field.err().message)};
    bits[i] = *field;
  }
  c.minutes = bits[0];
  c.hours = static_cast<uint32_t>(bits[1]);
  c.days = static_cast<uint32_t>(bits[2]);
  c.months = static_cast<uint16_t>(bits[3]);
  c.weekdays = static_cast<uint8_t>(bits[4]);
  c.days_star = pieces[2].text.front() == '*';
  c.weekdays_star = pieces[4].text.front() == '*';
  // An expression that fires at all fires within any 8 years (February 29th
  // is the rarest date, and 2096 -> 2104 the longest gap), so one search
  // from a fixed start tells; refusing here beats a schedule that never runs.
  if (cron_next(c, 0) < 0)
    return {ec::bad_input,
            fmt::format("cron '{}' never fires: no date has the day-of-month '{}' in the "
                        "month '{}' (like February 30th); fix the day or the month",
                        text, pieces[2].text, pieces[3].text)};
  return c;
}

int64_t cron_next(const cron_expr& c, int64_t after_ms) {
  // Start at the next whole minute after `after_ms`.
  int64_t minute = (after_ms >= 0 ? after_ms / minute_ms : (after_ms - minute_ms + 1) / minute_ms) + 1;
  int64_t day = minute >= 0 ? minute / day_minutes : (minute - day_minutes + 1) / day_minutes;
  int64_t first = minute - day * day_minutes; // minute of the first day to try
  for (int64_t k = 0; k < 366 * 8 + 2; ++k, ++day, first = 0) {
    if (!day_matches(c, day))
      continue;
    for (int64_t m = first; m < day_minutes; ++m) {
      auto h = m / 60;
      if (!(c.hours >> h & 1)) {
        m = h * 60 + 59; // skip the rest of this hour
        continue;
      }
      if (c.minutes >> (m % 60) & 1)
        return (day * day_minutes + m) * minute_ms;
    }
  }
  return -1;
}

} // namespace drover
