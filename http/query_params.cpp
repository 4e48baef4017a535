// See query_params.hpp.
#include "http/query_params.hpp"

#include <charconv>

#include "core/text_input.hpp"

namespace drover {

namespace {

error bad(const std::string& key, const std::string& what, const std::string& value) {
  auto shown = value.size() <= 40 ? value : value.substr(0, 40) + "...";
  return {ec::bad_input, key + ": expected " + what + ", got '" + shown + "'"};
}

/// Whether `key` is one of the names in `list` ("state, q").
bool is_listed(const std::string& key, const std::string& list) {
  std::size_t at = 0;
  while (at <= list.size()) {
    auto end = list.find(',', at);
    if (end == std::string::npos)
      end = list.size();
    auto b = list.find_first_not_of(' ', at);
    if (b != std::string::npos && b < end && list.compare(b, end - b, key) == 0)
      return true;
    at = end + 1;
  }
  return false;
}

} // namespace

result<paging> read_paging(const query_params& params, const char* extra) {
  paging page;
  for (auto& [key, value] : params) {
    if (params.count(key) > 1)
      return error{ec::bad_input, key + ": given more than once"};
    if (extra != nullptr && is_listed(key, extra))
      continue;
    if (key != "offset" && key != "limit")
      return error{ec::bad_input, "unknown query parameter '" + key + "' (allowed: "
                                    + (extra ? std::string{extra} + ", " : "") + "offset, limit)"};
    auto n = parse_whole_number(value);
    if (key == "offset" && !n)
      return bad(key, "a non-negative integer", value);
    if (key == "offset")
      page.offset = *n;
    if (key == "limit" && (!n || *n < 1 || *n > 1000))
      return bad(key, "an integer from 1 to 1000", value);
    if (key == "limit")
      page.limit = static_cast<uint32_t>(*n);
  }
  return page;
}

result<task_query> read_task_query(const query_params& params) {
  auto page = read_paging(params, "state, q");
  if (!page)
    return page.err();
  task_query q;
  q.offset = page->offset;
  q.limit = page->limit;
  q.any_state = true;
  if (auto s = params.find("state"); s != params.end()) {
    auto state = parse_task_state(s->second);
    if (!state)
      return bad("state", "one of PENDING, ASSIGNED, RUNNING, SUCCEEDED, FAILED, CANCELLED, "
                          "TIMED_OUT", s->second);
    q.state = *state;
    q.any_state = false;
  }
  q.search = false;
  if (auto s = params.find("q"); s != params.end()) {
    if (s->second.empty() || s->second.size() > 1000)
      return bad("q", "a task id or key (1 to 1000 bytes)", s->second);
    q.search = true;
    q.key = s->second;
    q.id = 0;
    if (auto id = parse_task_id(s->second))
      q.id = *id;
  }
  return q;
}

} // namespace drover
