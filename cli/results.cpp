// `drover results JOB`: a job's tasks with their results, from GET
// /v1/jobs/{id}/tasks, a table or JSON lines, page by page; and the list of
// failed tasks `drover submit --wait` prints when a job did not succeed.
#include "cli/actions.hpp"

#include <algorithm>
#include <ostream>

#include "cli/render.hpp"

namespace drover {

using json = nlohmann::json;

namespace {

constexpr uint32_t page_size = 1000; ///< the API's largest limit

/// The text a list shows for a task: its error or result, one line, short.
std::string outcome_text(const json& t, size_t width = 70) {
  std::string text = str_field(t, "error");
  if (!t.contains("error"))
    text = !str_field(t, "result").empty() ? str_field(t, "result") : str_field(t, "last_error");
  bool cut = t.value("truncated", false);
  if (auto nl = text.find('\n'); nl != std::string::npos) {
    text.resize(nl);
    cut = true;
  }
  if (text.size() > width) {
    text.resize(width);
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
      text.pop_back(); // never end inside a UTF-8 character
    cut = true;
  }
  return cut ? text + "..." : text;
}

std::vector<std::string> row_of(const json& t) {
  return {str_field(t, "id"), str_field(t, "state"),
          std::to_string(u64_field(t, "attempt")) + "/" + std::to_string(u64_field(t, "max_attempts")),
          str_field(t, "consumer"), outcome_text(t)};
}

std::string tasks_path(const std::string& job, const std::string& state, uint64_t offset,
                       uint32_t limit) {
  return "/v1/jobs/" + url_segment(job) + "/tasks?offset=" + std::to_string(offset)
         + "&limit=" + std::to_string(limit) + (state.empty() ? "" : "&state=" + url_segment(state));
}

/// GETs one page into `page`; 0 or the exit code (the error is printed).
int get_page(api_client& api, client_io& io, const std::string& path, json& page) {
  auto reply = api.get(path);
  if (int code = report_failure(reply, api.server(), io.err))
    return code;
  auto doc = parse_reply(reply, api.server(), io.err);
  if (!doc)
    return 2;
  page = std::move(*doc);
  return 0;
}

} // namespace

int run_results(const client_commands& c, api_client& api, client_io& io) {
  const auto& r = c.results;
  uint64_t offset = r.offset, shown = 0, total = 0;
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    uint32_t want = r.limit == 0 ? page_size
                                 : static_cast<uint32_t>(std::min<uint64_t>(page_size, r.limit - shown));
    json page;
    if (int code = get_page(api, io, tasks_path(r.job, r.state, offset, want), page))
      return code;
    total = u64_field(page, "total");
    auto tasks = page.value("tasks", json::array());
    for (const auto& t : tasks) {
      if (c.client.json)
        io.out << t.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
      else
        rows.push_back(row_of(t));
    }
    shown += tasks.size();
    offset += tasks.size();
    if (tasks.empty() || offset >= total || (r.limit != 0 && shown >= r.limit))
      break;
  }
  if (c.client.json)
    return 0;
  print_table(io.out, {"ID", "STATE", "ATTEMPT", "CONSUMER", "RESULT / ERROR"}, rows);
  io.out << shown << " of " << total << " tasks" << (r.state.empty() ? "" : " in state " + r.state)
         << (offset < total ? "; more with --offset=" + std::to_string(offset) : "") << "\n";
  return 0;
}

int print_failed_tasks(api_client& api, client_io& io, const json& job, uint32_t max,
                       json* collected) {
  std::vector<std::vector<std::string>> rows;
  uint64_t failed = 0;
  std::string more; // where the rest are: "--state=FAILED", ...
  auto counts = job.value("counts", json::object());
  for (const char* state : {"FAILED", "TIMED_OUT", "CANCELLED"}) {
    auto n = u64_field(counts, state);
    failed += n;
    if (n > 0)
      more += (more.empty() ? " --state=" : " or --state=") + std::string{state};
    if (n == 0 || rows.size() >= max)
      continue;
    json page;
    auto want = static_cast<uint32_t>(max - rows.size());
    if (int code = get_page(api, io, tasks_path(std::to_string(u64_field(job, "id")), state, 0,
                                                want), page))
      return code;
    for (const auto& t : page.value("tasks", json::array())) {
      rows.push_back(row_of(t));
      if (collected != nullptr)
        collected->push_back(t);
    }
  }
  if (collected != nullptr || rows.empty())
    return 0;
  io.out << "tasks that did not succeed (" << failed << "):\n";
  print_table(io.out, {"ID", "STATE", "ATTEMPT", "CONSUMER", "ERROR"}, rows);
  if (failed > rows.size())
    io.out << "and " << failed - rows.size() << " more: drover results " << u64_field(job, "id")
           << more << "\n";
  return 0;
}

} // namespace drover
