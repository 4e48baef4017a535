// Human-readable output of the client commands: aligned tables and
// progress lines, built from the server's JSON (http/API.md). Missing or
// mistyped fields print as empty/0 rather than failing: the shapes are ours.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drover {

/// Field readers that never throw: "" / 0 when absent or of another type.
std::string str_field(const nlohmann::json& j, const char* key);
uint64_t u64_field(const nlohmann::json& j, const char* key);
int64_t i64_field(const nlohmann::json& j, const char* key);
double num_field(const nlohmann::json& j, const char* key);

/// "2024-04-01 12:00:00.123Z" (UTC); "-" for 0.
std::string format_time(int64_t unix_ms);

/// Columns padded to their widest cell, two spaces apart.
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

void print_job(std::ostream& out, const nlohmann::json& job);
void print_jobs(std::ostream& out, const nlohmann::json& page);
/// "incomplete: producer p1 is gone ... last list 12.0 s ago (drover seal 3 ...)"
/// for a job whose push did not finish; empty when it did.
std::string push_note(const nlohmann::json& job);
void print_task(std::ostream& out, const nlohmann::json& task);
void print_nodes(std::ostream& out, const nlohmann::json& nodes);

/// "job 7: 450/1000 done (45.0%), 3 failed, 1234.5 tasks/s" for logs.
std::string progress_line(const nlohmann::json& job);
/// "[#######.......]  45.0%  450/1000  1234.5 tasks/s" for a terminal.
std::string progress_bar(const nlohmann::json& job, int width = 30);

} // namespace drover
