// cron_next against the plainest possible search: walk forward minute by
// minute from the start and stop at the first minute the expression
// matches, reading the fields straight from the calendar (UTC). Expressions
// are built from every field syntax (star, number, range, step, list) and
// parsed by parse_cron, so the parser's bits and the fast search are checked
// together against the calendar.
#include <time.h>

#include <string>
#include <vector>

#include "core/cron.hpp"
#include "property.hpp"

namespace drover {
namespace {

/// One field of `lo`..`hi` in any of the forms cron allows.
rc::Gen<std::string> field(int lo, int hi) {
  auto num = rc::gen::inRange(lo, hi + 1);
  auto one = rc::gen::oneOf(
    rc::gen::just(std::string{"*"}),
    rc::gen::map(num, [](int n) { return std::to_string(n); }),
    rc::gen::map(rc::gen::pair(num, num),
                 [](std::pair<int, int> p) {
                   auto [a, b] = p;
                   if (a > b)
                     std::swap(a, b);
                   return std::to_string(a) + "-" + std::to_string(b);
                 }),
    rc::gen::map(rc::gen::inRange(1, hi + 1),
                 [](int step) { return "*/" + std::to_string(step); }),
    rc::gen::map(rc::gen::pair(num, rc::gen::inRange(1, 10)), [](std::pair<int, int> p) {
      return std::to_string(p.first) + "/" + std::to_string(p.second);
    }),
    rc::gen::map(rc::gen::tuple(num, num, rc::gen::inRange(1, 10)), [](std::tuple<int, int, int> t) {
      auto [a, b, step] = t;
      if (a > b)
        std::swap(a, b);
      return std::to_string(a) + "-" + std::to_string(b) + "/" + std::to_string(step);
    }));
  return rc::gen::mapcat(rc::gen::inRange(1, 4), [one](int parts) {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(parts, one),
                        [](const std::vector<std::string>& v) {
                          std::string out;
                          for (auto& s : v)
                            out += (out.empty() ? "" : ",") + s;
                          return out;
                        });
  });
}

/// Minute, hour, day of month, month and weekday of `minute` (since the epoch).
struct calendar {
  int minute, hour, mday, month, wday;
};

calendar at(int64_t minute) {
  time_t secs = static_cast<time_t>(minute * 60);
  tm t{};
  gmtime_r(&secs, &t);
  return {t.tm_min, t.tm_hour, t.tm_mday, t.tm_mon + 1, t.tm_wday};
}

/// Does field text `f` allow `v`? Read from the text, not from parse_cron's
/// bits. Each comma part is `*`, `a` or `a-b`, optionally `/step`; `a/step`
/// runs from a to the field's maximum `hi`, `*` from `lo` to `star_hi`
/// (day-of-week: `*` is 0-6, while 7 is Sunday again and the maximum).
bool field_allows(const std::string& f, int v, int lo, int hi, int star_hi) {
  size_t start = 0;
  for (;;) {
    auto comma = f.find(',', start);
    auto part = f.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    int step = 1;
    bool stepped = false;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      step = std::stoi(part.substr(slash + 1));
      part = part.substr(0, slash);
      stepped = true;
    }
    int a = lo, b = star_hi;
    if (part != "*") {
      auto dash = part.find('-');
      a = std::stoi(part.substr(0, dash));
      if (dash != std::string::npos)
        b = std::stoi(part.substr(dash + 1));
      else
        b = stepped ? hi : a;
    }
    if (v >= a && v <= b && (v - a) % step == 0)
      return true;
    if (comma == std::string::npos)
      return false;
    start = comma + 1;
  }
}

struct cron_text {
  std::string minute, hour, mday, month, wday;
  std::string joined() const { return minute + " " + hour + " " + mday + " " + month + " " + wday; }
};

bool day_matches(const cron_text& c, const calendar& t) {
  if (!field_allows(c.month, t.month, 1, 12, 12))
    return false;
  bool dom = field_allows(c.mday, t.mday, 1, 31, 31);
  bool dow = field_allows(c.wday, t.wday, 0, 7, 6)
             || (t.wday == 0 && field_allows(c.wday, 7, 0, 7, 6)); // 7 is Sunday too
  if (c.mday[0] != '*' && c.wday[0] != '*')
    return dom || dow; // both restricted: either day rule fires (Vixie cron)
  return dom && dow;
}

bool time_matches(const cron_text& c, const calendar& t) {
  return field_allows(c.minute, t.minute, 0, 59, 59) && field_allows(c.hour, t.hour, 0, 23, 23);
}

/// How far the search looks: past that, cron_next must agree nothing fires.
constexpr int64_t search_minutes = 2LL * 366 * 24 * 60;

} // namespace

TEST_CASE("cron_next is the first matching minute a minute-by-minute search finds") {
  DROVER_PROPERTY("cron_next == brute force", [] {
    cron_text c{*field(0, 59), *field(0, 23), *field(1, 31),
                *rc::gen::weightedOneOf<std::string>(
                  {{3, rc::gen::just(std::string{"*"})}, {1, field(1, 12)}}),
                *field(0, 7)};
    auto parsed = parse_cron(c.joined());
    RC_PRE(bool(parsed)); // e.g. "0 0 30 2 *": refused as never firing
    const cron_expr& e = *parsed;
    // 2000-01-01 .. 2040-01-01, at any millisecond.
    auto after_ms = *rc::gen::inRange<int64_t>(946'684'800'000, 2'208'988'800'000);
    int64_t got = cron_next(e, after_ms);
    int64_t first = after_ms / 60'000 + 1; // strictly after: the next whole minute
    int64_t want = -1;
    for (int64_t m = first; m < first + search_minutes; ++m) {
      auto t = at(m);
      if (!day_matches(c, t)) { // the rest of this day cannot match either
        m += (23 - t.hour) * 60 + (59 - t.minute);
        continue;
      }
      if (time_matches(c, t)) {
        want = m * 60'000;
        break;
      }
    }
    RC_LOG() << c.joined() << " after " << after_ms << ": got " << got << ", want " << want;
    if (want >= 0)
      RC_ASSERT(got == want);
    else // nothing within two years: cron_next finds a later minute or none
      RC_ASSERT(got == -1 || got >= (first + search_minutes) * 60'000);
  });
}

} // namespace drover
