#include "http/job_split_json.hpp"

#include "core/dedupe.hpp"
#include "core/job_split.hpp"

namespace drover {

namespace {

using json = nlohmann::ordered_json;

error read_int(const json& obj, const std::string& path, const char* key, bool is_signed,
               int64_t& out) {
  auto it = obj.find(key);
  auto where = path + "." + key;
  if (it == obj.end())
    return fail(where, "missing; expected an integer");
  if (!it->is_number_integer() || (!is_signed && it->is_number_integer() && it->get<int64_t>() < 0)
      || (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX}))
    return fail(where, std::string{"expected "} + (is_signed ? "an" : "a non-negative")
                         + " integer, got " + it->dump());
  out = it->get<int64_t>();
  return {};
}

error read_spec(const json& split, split_spec& s) {
  if (!split.is_object() || split.size() != 1)
    return fail("split", "expected an object with exactly one of range, lines, list");
  auto kind = split.begin().key();
  const auto& v = split.begin().value();
  if (kind == "list") {
    s.how = split_spec::kind::list;
    if (!v.is_array())
      return fail("split.list", "expected an array of items");
    for (const auto& item : v)
      s.items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    return {};
  }
  if (!v.is_object())
    return fail("split." + kind, "expected an object");
  auto path = "split." + kind;
  int64_t n = 0;
  error err;
  if (kind == "range") {
    s.how = split_spec::kind::range;
    (err = check_fields(v, path, {"from", "to", "shards"}))
      || (err = read_int(v, path, "from", true, s.from))
      || (err = read_int(v, path, "to", true, s.to))
      || (err = read_int(v, path, "shards", false, n));
    s.shards = static_cast<uint64_t>(n);
    return err;
  }
  if (kind == "lines") {
    s.how = split_spec::kind::lines;
    auto file = v.find("file");
    if (file == v.end() || !file->is_string())
      return fail(path + ".file", "missing; expected a file path");
    s.file = file->get<std::string>();
    n = 1;
    if (v.contains("per_task") && (err = read_int(v, path, "per_task", false, n)))
      return err;
    s.per_task = static_cast<uint64_t>(n);
    return check_fields(v, path, {"file", "per_task"});
  }
  return fail("split", "unknown kind \"" + kind + "\"; expected one of range, lines, list");
}

} // namespace

error apply_split(const json& doc, const job_limits& limits, std::vector<task_spec>& tasks) {
  auto split = doc.find("split");
  if (split == doc.end())
    return {};
  if (tasks.size() != 1)
    return fail("tasks", "with a split, give exactly one task (the template every part "
                         "copies), without count");
  split_spec s;
  if (auto err = read_spec(*split, s))
    return err;
  if (s.how == split_spec::kind::lines && !limits.read_files)
    return fail("split.lines", "the server reads no client files; send the lines with "
                               "`drover submit FILE.json` (it expands them) or use split.list");
  auto payloads = split_payloads(s, limits.max_tasks);
  if (!payloads)
    return payloads.err();
  auto model = std::move(tasks.front());
  tasks.clear();
  tasks.reserve(payloads->size() + 1);
  for (auto& p : *payloads) {
    tasks.push_back(model);
    tasks.back().payload = std::move(p);
  }
  return {};
}

std::string expanded_job_body(const job_request& job) {
  json body{{"name", job.name}, {"tasks", json::array()}};
  if (!job.group.empty())
    body["group"] = job.group;
  if (!job.origin.empty())
    body["origin"] = job.origin;
  for (const auto& t : job.tasks) {
    json o{{"type", t.type}, {"payload", t.payload}, {"priority", to_string(t.prio)},
           {"key", t.key}, {"tags", t.tags}, {"timeout_ms", t.timeout_ms},
           {"max_attempts", t.max_attempts}};
    if (is_merge(t)) {
      body["merge"] = std::move(o);
      continue;
    }
    o["dedupe_key"] = t.dedupe_key;
    body["tasks"].push_back(std::move(o));
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

error check_reserved_keys(const std::vector<task_spec>& tasks) {
  for (size_t i = 0; i < tasks.size(); ++i) {
    std::string_view k = tasks[i].dedupe_key;
    if (k.substr(0, reserved_key_prefix.size()) == reserved_key_prefix)
      return fail("tasks[" + std::to_string(i) + "].dedupe_key",
                  "keys starting with \"drover:\" are reserved");
  }
  return {};
}

} // namespace drover
