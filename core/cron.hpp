// Five-field cron expressions (minute hour day-of-month month day-of-week),
// on UTC, and the next time one fires. Pure: the caller passes the time.
//
// Each field takes `*`, a number, a range `a-b`, a step `*/n` or `a-b/n` or
// `a/n` (a to the field's maximum), and comma lists of these. Day-of-week is
// 0-6 with 0 = Sunday; 7 is also Sunday. Names (JAN, MON) and the
// non-standard `L`, `W`, `#`, `?` are not supported and are rejected.
// Day rule (as in Vixie cron): if both day-of-month and day-of-week are
// restricted (neither starts with `*`), a day matches when EITHER does;
// otherwise both must (the `*` one always does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace drover {

struct cron_expr {
  uint64_t minutes = 0;  ///< bit m for minute m (0-59)
  uint32_t hours = 0;    ///< bit h (0-23)
  uint32_t days = 0;     ///< bit d for day of month d (1-31)
  uint16_t months = 0;   ///< bit m for month m (1-12)
  uint8_t weekdays = 0;  ///< bit w for weekday w (0-6, 0 = Sunday)
  bool days_star = true;     ///< day-of-month started with `*`
  bool weekdays_star = true; ///< day-of-week started with `*`
};

/// Parses `text`. On failure: ec::bad_input with a message naming the field,
/// its 1-based column in `text` and what is allowed, e.g.
/// "cron field 2 (hour) at column 4: 24 is out of range 0-23"; an expression
/// that can never fire ("0 0 30 2 *") is refused too, saying so.
result<cron_expr> parse_cron(std::string_view text);

/// The first minute strictly after `after_ms` (ms since the Unix epoch, UTC)
/// at which `c` fires, in ms; -1 if it never fires within 8 years (e.g.
/// "0 0 30 2 *", February 30th).
int64_t cron_next(const cron_expr& c, int64_t after_ms);

} // namespace drover
