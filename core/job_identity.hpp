// A job run's identity: what makes two producers (or two REST calls) mean
// the same run of a job, so that it is stored once however often it is
// pushed. A producer's run is its group + job name + optional run key
// (--run=2026-12-06), or an explicit idempotency key; the manager keeps the
// identity as the job's origin and answers a known one with the stored job.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace drover {

/// The longest run key or idempotency key, in bytes.
constexpr std::size_t max_identity_bytes = 512;

/// A run key or idempotency key is a name, shown in tables and logs and
/// stored as the job's origin: 1 to max_identity_bytes bytes of UTF-8,
/// no control characters. ec::bad_input "<what>: ..." saying what to fix
/// (`what` names the flag, header or field).
[[nodiscard]] error check_identity(std::string_view text, std::string_view what);

/// The origin of a producer's run: `key` if given, else
/// "GROUP/JOB" or "GROUP/JOB@RUN" with '%', '/' and '@' inside the parts
/// escaped (%25, %2F, %40), so different parts never give the same text.
std::string job_origin(const std::string& group, const std::string& job,
                       const std::string& run, const std::string& key);

} // namespace drover
