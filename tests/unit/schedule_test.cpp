// Recurring jobs, the pure part (core/cron.hpp, core/schedule.hpp): `every`
// and cron parsing with positioned errors, next fire times on UTC, and the
// catch-up plan after a manager restart.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "core/schedule.hpp"

using namespace drover;

namespace {

constexpr int64_t minute = 60'000, hour = 60 * minute, day = 24 * hour;
constexpr int64_t mon_2026_11_23 = 1795392000000; // a Monday, 00:00 UTC

std::string cron_error(const std::string& text) {
  return parse_cron(text).err().message;
}

cron_expr cron(const std::string& text) {
  auto c = parse_cron(text);
  INFO(c.err().message);
  REQUIRE(c);
  return *c;
}

recurrence every(const std::string& text) {
  auto r = parse_recurrence(text, "");
  REQUIRE(r);
  return *r;
}

recurrence cron_rec(const std::string& text) {
  auto r = parse_recurrence("", text);
  REQUIRE(r);
  return *r;
}

} // namespace

TEST_SUITE("schedules") {

TEST_CASE("every takes a whole number and one unit") {
  CHECK(*parse_every("500ms") == 500);
  CHECK(*parse_every("30s") == 30'000);
  CHECK(*parse_every("5m") == 300'000);
  CHECK(*parse_every("1h") == hour);
  CHECK(*parse_every("2d") == 2 * day);
  for (auto bad : {"", "30", "s", "1.5s", "30 s", "-5s", "30sec", "5M", "1h30m"}) {
    auto ms = parse_every(bad);
    CHECK_FALSE(ms);
    CHECK(ms.err().message
          == fmt::format("every '{}' is not a duration: write a whole number and a unit: "
                         "ms, s, m, h or d (e.g. 500ms, 30s, 5m, 1h)", bad));
  }
  CHECK(parse_every("99ms").err().message == "every '99ms' must be from 100ms to 366 days");
  CHECK(parse_every("367d").err().code == ec::bad_input);
  CHECK(parse_every("99999999999999999999d").err().code == ec::bad_input);
}

TEST_CASE("every_text gives the shortest exact form") {
  CHECK(every_text(500) == "500ms");
  CHECK(every_text(1500) == "1500ms");
  CHECK(every_text(30'000) == "30s");
  CHECK(every_text(90'000) == "90s");
  CHECK(every_text(5 * minute) == "5m");
  CHECK(every_text(2 * day) == "2d");
}

TEST_CASE("cron fields: star, numbers, ranges, steps and lists") {
  auto c = cron("*/15 9-17 1,15 * 1-5");
  CHECK(c.minutes == (1ull << 0 | 1ull << 15 | 1ull << 30 | 1ull << 45));
  CHECK(c.hours == 0b111111111u << 9);
  CHECK(c.days == (1u << 1 | 1u << 15));
  CHECK(c.months == 0b1111111111110);
  CHECK(c.weekdays == 0b0111110);
  CHECK_FALSE(c.days_star);
  CHECK_FALSE(c.weekdays_star);
  CHECK(cron("0 0 * * 7").weekdays == 1);  // 7 is Sunday
  CHECK(cron("0 0 * * */2").weekdays == 0b1010101); // 0,2,4,6
  CHECK(cron("10-20/5 * * * *").minutes == (1ull << 10 | 1ull << 15 | 1ull << 20));
  CHECK(cron("50/5 * * * *").minutes == (1ull << 50 | 1ull << 55));
  CHECK(cron("  0   12 * * *  ").hours == 1u << 12); // extra blanks are fine
}

TEST_CASE("bad cron expressions name the field, its column and what is allowed") {
  CHECK(cron_error("* * * *") == "cron '* * * *' has 4 fields; it needs 5: minute hour "
                                 "day-of-month month day-of-week (e.g. \"*/15 * * * *\")");
  CHECK(cron_error("0 24 * * *") == "cron field 2 (hour) at column 3: 24 is out of range 0-23");
  CHECK(cron_error("60 * * * *") == "cron field 1 (minute) at column 1: 60 is out of range 0-59");
  CHECK(cron_error("0 0 0 * *") == "cron field 3 (day-of-month) at column 5: 0 is out of range 1-31");
  CHECK(cron_error("0 0 * 13 *") == "cron field 4 (month) at column 7: 13 is out of range 1-12");
  CHECK(cron_error("0 0 * * 8") == "cron field 5 (day-of-week) at column 9: 8 is out of range 0-7");
  CHECK(cron_error("0 0 * JAN *") == "cron field 4 (month) at column 7: 'JAN' is not a number, "
                                     "'*' or a range a-b");
  CHECK(cron_error("5-1 * * * *") == "cron field 1 (minute) at column 1: range 5-1 runs backwards");
  CHECK(cron_error("*/0 * * * *") == "cron field 1 (minute) at column 1: step '0' must be a "
                                     "whole number from 1 to 59");
  CHECK(cron_error("1,,2 * * * *") == "cron field 1 (minute) at column 1: an empty list item "
                                      "(write e.g. 1,5,10)");
  CHECK(cron_error("* * * * 1-x") == "cron field 5 (day-of-week) at column 9: '1-x' is not a "
                                     "range a-b of numbers");
  CHECK(cron_error("* * ? * *").find("field 3 (day-of-month) at column 5") != std::string::npos);
  CHECK(cron_error("0 0 30 2 *") == "cron '0 0 30 2 *' never fires: no date has the "
                                    "day-of-month '30' in the month '2' (like February 30th); "
                                    "fix the day or the month");
  CHECK(cron_error("0 0 31 4,6,9,11 *").find("never fires") != std::string::npos);
  CHECK(cron_error("0 0 29 2 *").empty()); // every leap year: it fires
  CHECK(cron_error("0 0 30 2 1").empty()); // or every Monday of February
}

TEST_CASE("cron_next finds the next matching minute on UTC") {
  auto t = mon_2026_11_23; // Monday 00:00
  CHECK(cron_next(cron("* * * * *"), t) == t + minute);
  CHECK(cron_next(cron("* * * * *"), t + 1) == t + minute); // strictly after, on a minute
  CHECK(cron_next(cron("30 2 * * *"), t) == t + 2 * hour + 30 * minute);
  CHECK(cron_next(cron("30 2 * * *"), t + 3 * hour) == t + day + 2 * hour + 30 * minute);
  CHECK(cron_next(cron("0 0 * * *"), t) == t + day);     // not `t` itself
  CHECK(cron_next(cron("0 0 * * 0"), t) == t + 6 * day); // the next Sunday
  CHECK(cron_next(cron("0 0 1 * *"), t) == 1796083200000); // 2026-12-01
  CHECK(cron_next(cron("0 0 29 2 *"), t) == 1835395200000); // 2028-02-29, a leap day
  cron_expr never; // "0 0 30 2 *" as bits: parse_cron refuses the text
  never.minutes = 1;
  never.hours = 1;
  never.days = 1u << 30;
  never.months = 1u << 2;
  never.weekdays = 0x7f;
  never.days_star = false;
  CHECK(cron_next(never, t) == -1);
  CHECK(cron_next(cron("59 23 31 12 *"), t) == t + (38 * day) + 23 * hour + 59 * minute);
}

TEST_CASE("day-of-month and day-of-week: either matches when both are restricted") {
  auto t = mon_2026_11_23;
  // The 1st of a month OR a Friday: Friday 2026-11-27 comes first.
  CHECK(cron_next(cron("0 0 1 * 5"), t) == 1795737600000);
  // Only day-of-month restricted (weekday `*`): the 1st, whatever the weekday.
  CHECK(cron_next(cron("0 0 1 * *"), t) == 1796083200000);
  // Only weekday restricted: a star day-of-month does not widen it.
  CHECK(cron_next(cron("0 0 * * 5"), t) == 1795737600000);
  // A day-of-month starting with `*` counts as unrestricted (`*/2` here).
  CHECK(cron_next(cron("0 0 */2 * 2"), t) == 1796083200000); // Tue 24th is even: Tue Dec 1st
}

TEST_CASE("a recurrence needs exactly one of every and cron") {
  CHECK(parse_recurrence("30s", "* * * * *").err().message
        == "give either 'every' or 'cron', not both");
  CHECK(parse_recurrence("", "").err().message
        == "a schedule needs 'every' (e.g. \"30s\") or 'cron' (e.g. \"*/5 * * * *\")");
  CHECK(parse_recurrence("", "0 25 * * *").err().message
        == "cron field 2 (hour) at column 3: 25 is out of range 0-23");
  CHECK(parse_recurrence("soon", "").err().code == ec::bad_input);
  CHECK(every("30s").every_ms == 30'000);
  CHECK(every("30s").text == "30s");
  CHECK(cron_rec("*/5 * * * *").is_cron());
}

TEST_CASE("every fires on anchor + k * period, strictly after the given time") {
  auto r = every("30s");
  CHECK(next_fire(r, 1000, 1000) == 31'000);
  CHECK(next_fire(r, 1000, 30'999) == 31'000);
  CHECK(next_fire(r, 1000, 31'000) == 61'000);
  CHECK(next_fire(r, 1000, 45'000) == 61'000); // a late timer does not drift it
  CHECK(next_fire(r, 1000, 0) == 31'000);
}

TEST_CASE("catch_up none skips the missed runs and resumes on the grid") {
  auto r = every("10s");
  auto p = plan_catch_up(r, 0, 20'000, 65'000, catch_up_policy::none);
  CHECK(p.runs.empty());
  CHECK(p.missed == 4); // 30, 40, 50, 60 s
  CHECK(p.dropped == 4);
  CHECK(p.next_ms == 70'000);
}

TEST_CASE("catch_up one starts the newest missed run once") {
  auto r = every("10s");
  auto p = plan_catch_up(r, 0, 20'000, 65'000, catch_up_policy::one);
  CHECK(p.runs == std::vector<int64_t>{60'000});
  CHECK(p.missed == 4);
  CHECK(p.dropped == 3);
  CHECK(p.next_ms == 70'000);
  // Nothing missed: nothing to start.
  auto q = plan_catch_up(r, 0, 60'000, 65'000, catch_up_policy::one);
  CHECK(q.runs.empty());
  CHECK(q.missed == 0);
  CHECK(q.next_ms == 70'000);
}

TEST_CASE("catch_up all starts each missed run, the newest `cap` of them") {
  auto r = every("10s");
  auto p = plan_catch_up(r, 0, 20'000, 65'000, catch_up_policy::all);
  CHECK(p.runs == std::vector<int64_t>{30'000, 40'000, 50'000, 60'000});
  CHECK(p.dropped == 0);
  auto capped = plan_catch_up(r, 0, 0, 10'000'000, catch_up_policy::all);
  CHECK(capped.missed == 1000);
  CHECK(capped.runs.size() == max_catch_up_runs);
  CHECK(capped.runs.front() == 10'000'000 - 99 * 10'000);
  CHECK(capped.runs.back() == 10'000'000);
  CHECK(capped.dropped == 900);
  CHECK(capped.next_ms == 10'010'000);
  auto small = plan_catch_up(r, 0, 0, 65'000, catch_up_policy::all, 2);
  CHECK(small.runs == std::vector<int64_t>{50'000, 60'000});
}

TEST_CASE("catch_up works on cron schedules too") {
  auto r = cron_rec("0 * * * *"); // hourly
  auto t = mon_2026_11_23;
  auto p = plan_catch_up(r, 0, t, t + 3 * hour + 5 * minute, catch_up_policy::all);
  CHECK(p.runs == std::vector<int64_t>{t + hour, t + 2 * hour, t + 3 * hour});
  CHECK(p.next_ms == t + 4 * hour);
  auto one = plan_catch_up(r, 0, t, t + 3 * hour + 5 * minute, catch_up_policy::one);
  CHECK(one.runs == std::vector<int64_t>{t + 3 * hour});
  CHECK(one.dropped == 2);
}

TEST_CASE("catch-up policy names") {
  CHECK(*parse_catch_up("all") == catch_up_policy::all);
  CHECK(*parse_catch_up("none") == catch_up_policy::none);
  auto some = parse_catch_up("some");
  CHECK_FALSE(some);
  CHECK(some.err().message == "unknown catch_up 'some' (allowed: none, one, all)");
  CHECK(std::string{to_string(catch_up_policy::one)} == "one");
}

} // TEST_SUITE
