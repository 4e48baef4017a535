// Tables and progress lines for the client commands (cli/render.hpp).
#include "cli/render.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <ostream>

#include "core/task.hpp"

namespace drover {

using json = nlohmann::json;

std::string str_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

uint64_t u64_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

int64_t i64_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

double num_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string format_time(int64_t ms) {
  if (ms <= 0)
    return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80]; // room for any int the compiler can imagine in each field
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c)
    width[c] = header[c].size();
  for (auto& row : rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < width.size(); ++c) {
      std::string cell = c < cells.size() ? cells[c] : "";
      text += cell;
      if (c + 1 < width.size())
        text += std::string(width[c] - cell.size() + 2, ' ');
    }
    out << text << "\n";
  };
  line(header);
  for (auto& row : rows)
    line(row);
}

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double percent(const json& job) {
  auto total = u64_field(job, "total");
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(u64_field(job, "done")) / total;
}

uint64_t count_of(const json& job, const char* state) {
  auto it = job.find("counts");
  return it != job.end() && it->is_object() ? u64_field(*it, state) : 0;
}

std::string join(const json& arr) {
  std::string out;
  if (arr.is_array())
    for (auto& v : arr)
      if (v.is_string())
        out += (out.empty() ? "" : ",") + v.get<std::string>();
  return out;
}

/// A multi-line detail (an attempt's stderr) as one table cell: lines
/// joined with " | ", the trailing newline dropped.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  std::string out;
  for (char c : text)
    out += c == '\n' ? std::string{" | "} : std::string(1, c);
  return out;
}

} // namespace

void print_job(std::ostream& out, const json& job) {
  out << "job " << u64_field(job, "id") << " \"" << str_field(job, "name") << "\"";
  if (auto group = str_field(job, "group"); !group.empty())
    out << "  group " << group;
  out << "\n";
  std::vector<std::vector<std::string>> rows;
  for (int s = 0; s < task_state_count; ++s) {
    auto name = to_string(static_cast<task_state>(s));
    rows.push_back({name, std::to_string(count_of(job, name))});
  }
  print_table(out, {"STATE", "TASKS"}, rows);
  out << "progress   " << u64_field(job, "done") << "/" << u64_field(job, "total") << " ("
      << fixed(percent(job), 1) << "%)"
      << (job.value("finished", false) ? ", finished" : job.value("sealed", true) ? "" : ", more lists to come")
      << ", " << fixed(num_field(job, "rate"), 1) << " tasks/s\n";
  if (auto w = job.find("waiting"); w != job.end() && w->is_array() && !w->empty()) {
    for (auto& g : *w) { // e.g. "waiting    12 tasks: no live consumer runs type 'resize'"
      auto n = u64_field(g, "tasks");
      out << "waiting    " << n << (n == 1 ? " task: " : " tasks: ") << str_field(g, "reason")
          << "\n";
    }
  } else if (auto n = u64_field(job, "unassignable"); n > 0) {
    out << "waiting    " << n << " tasks no member can take (check tags and rules)\n";
  }
  if (auto why = push_note(job); !why.empty())
    out << "push       " << why << "\n";
  out << "created    " << format_time(i64_field(job, "created_ms")) << "\n"
      << "started    " << format_time(i64_field(job, "started_ms")) << "\n"
      << "finished   " << format_time(i64_field(job, "finished_ms")) << "\n";
}

std::string push_note(const json& job) {
  auto push = str_field(job, "push");
  if (push != "incomplete" && push != "pushing")
    return {};
  auto age_s = fixed(static_cast<double>(i64_field(job, "push_age_ms")) / 1000.0, 1);
  auto by = str_field(job, "producer");
  if (push == "pushing")
    return "in progress by " + by + ", last list " + age_s + " s ago";
  return "incomplete: producer " + (by.empty() ? std::string{"?"} : by)
         + " is gone and no producer of its group took over; last list " + age_s
         + " s ago (drover seal " + std::to_string(u64_field(job, "id")) + " or drover cancel "
         + std::to_string(u64_field(job, "id")) + ")";
}

void print_jobs(std::ostream& out, const json& page) {
  std::vector<std::vector<std::string>> rows;
  if (auto it = page.find("jobs"); it != page.end() && it->is_array())
    for (auto& j : *it)
      rows.push_back({std::to_string(u64_field(j, "id")), str_field(j, "name"),
                      std::to_string(u64_field(j, "done")) + "/" + std::to_string(u64_field(j, "total")),
                      std::to_string(count_of(j, "FAILED") + count_of(j, "TIMED_OUT")),
                      j.value("finished", false)                  ? "finished"
                      : str_field(j, "push") == "incomplete" ? "push incomplete"
                                                              : "running",
                      format_time(i64_field(j, "created_ms"))});
  print_table(out, {"ID", "NAME", "DONE", "FAILED", "STATUS", "CREATED"}, rows);
  out << rows.size() << " of " << u64_field(page, "total") << " jobs (offset "
      << u64_field(page, "offset") << ")\n";
}

void print_task(std::ostream& out, const json& t) {
  std::vector<std::vector<std::string>> fields{
    {"id", str_field(t, "id")},
    {"job", std::to_string(u64_field(t, "job_id"))},
    {"type", str_field(t, "type")},
    {"state", str_field(t, "state")},
    {"version", std::to_string(u64_field(t, "version"))},
    {"attempt", std::to_string(u64_field(t, "attempt")) + " of "
                  + std::to_string(u64_field(t, "max_attempts"))},
    {"priority", str_field(t, "priority")},
    {"consumer", str_field(t, "consumer")},
    {"result", str_field(t, "result")}};
  for (auto& f : fields)
    out << f[0] << std::string(10 - f[0].size(), ' ') << f[1] << "\n";
  std::vector<std::vector<std::string>> rows;
  if (auto it = t.find("history"); it != t.end() && it->is_array())
    for (auto& e : *it)
      rows.push_back({format_time(i64_field(e, "at_ms")), str_field(e, "event"),
                      e.contains("version") ? std::to_string(u64_field(e, "version")) : "",
                      one_line(str_field(e, "detail"))});
  out << "\n";
  print_table(out, {"TIME", "EVENT", "VERSION", "DETAIL"}, rows);
}

void print_nodes(std::ostream& out, const json& doc) {
  std::vector<std::vector<std::string>> rows;
  if (auto it = doc.find("nodes"); it != doc.end() && it->is_array())
    for (auto& n : *it)
      rows.push_back({str_field(n, "node"), str_field(n, "role"), str_field(n, "state"),
                      join(n.value("tags", json::array())), join(n.value("types", json::array())),
                      std::to_string(u64_field(n, "inflight")) + "/"
                        + std::to_string(u64_field(n, "capacity"))
                        + (u64_field(n, "prefetch") > 0 // above 100%: tasks wait for a slot
                             ? "+" + std::to_string(u64_field(n, "prefetch"))
                             : std::string{}),
                      fixed(100.0 * num_field(n, "load"), 0) + "%",
                      format_time(i64_field(n, "last_heartbeat_ms"))});
  print_table(out, {"NODE", "ROLE", "STATE", "TAGS", "TYPES", "INFLIGHT", "LOAD", "LAST HEARTBEAT"},
              rows);
}

std::string progress_line(const json& job) {
  auto failed = count_of(job, "FAILED") + count_of(job, "TIMED_OUT");
  auto cancelled = count_of(job, "CANCELLED");
  std::string line = "job " + std::to_string(u64_field(job, "id")) + ": "
                     + std::to_string(u64_field(job, "done")) + "/"
                     + std::to_string(u64_field(job, "total")) + " done ("
                     + fixed(percent(job), 1) + "%)";
  if (failed > 0)
    line += ", " + std::to_string(failed) + " failed";
  if (cancelled > 0)
    line += ", " + std::to_string(cancelled) + " cancelled";
  return line + ", " + fixed(num_field(job, "rate"), 1) + " tasks/s";
}

std::string progress_bar(const json& job, int width) {
  auto filled = static_cast<int>(percent(job) / 100.0 * width + 0.5);
  filled = std::clamp(filled, 0, width);
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#')
                    + std::string(static_cast<size_t>(width - filled), '.') + "] ";
  auto failed = count_of(job, "FAILED") + count_of(job, "TIMED_OUT");
  return bar + fixed(percent(job), 1) + "%  " + std::to_string(u64_field(job, "done")) + "/"
         + std::to_string(u64_field(job, "total")) + "  " + fixed(num_field(job, "rate"), 1)
         + " tasks/s" + (failed > 0 ? "  " + std::to_string(failed) + " failed" : "");
}

} // namespace drover
