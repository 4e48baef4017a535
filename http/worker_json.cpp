// See http/worker_json.hpp. nlohmann throws on malformed text: the only
// catches are around json::parse; every check returns an error instead.
#include "http/worker_json.hpp"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "http/job_split_json.hpp"
#include "http/json_fields.hpp"

namespace drover {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t max_name = 200;    ///< bytes of a worker or type name
constexpr size_t max_types = 1000;  ///< types one worker may poll for

struct body_doc { // result<json> would be ambiguous: json converts from nearly anything
  json doc;
};

result<body_doc> parse_object(std::string_view body, const char* shape) {
  auto doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded())
    return error{ec::bad_input, std::string{"the body is not valid JSON; send "} + shape};
  if (!doc.is_object())
    return error{ec::bad_input, "the body must be a JSON object, got " + describe_json(doc)
                                  + "; send " + shape};
  return body_doc{std::move(doc)};
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

error check_length(const std::string& path, const std::string& s) {
  if (s.size() > max_name)
    return fail(path, "longer than " + std::to_string(max_name) + " bytes");
  return {};
}

/// obj["lease"]: required, a positive integer.
result<uint64_t> read_lease(const json& obj, const std::string& prefix) {
  if (!obj.contains("lease"))
    return fail(prefix.empty() ? "lease" : prefix + ".lease",
                "missing; send the lease the task was handed out with");
  json_fields f{obj, prefix};
  auto lease = f.number("lease", 1, std::numeric_limits<uint64_t>::max());
  if (f.problem())
    return f.problem();
  return *lease;
}

/// The outcome of one completion: "result" (any JSON; a string as is) for
/// complete, "error": {type, message, retryable} for fail.
result<worker_result> read_outcome(const json& obj, const std::string& prefix, bool ok) {
  worker_result out;
  auto path = [&](const char* k) { return prefix.empty() ? std::string{k} : prefix + "." + k; };
  out.ok = ok;
  if (ok) {
    if (obj.contains("error"))
      return fail(path("error"), "a completion carries \"result\"; report a failure at /fail");
    auto it = obj.find("result");
    if (it != obj.end())
      out.result = it->is_string() ? it->get<std::string>() : it->dump();
    return out;
  }
  if (obj.contains("result"))
    return fail(path("result"), "a failure carries \"error\", not \"result\"");
  auto e = obj.find("error");
  if (e == obj.end())
    return fail(path("error"), R"(missing; send {"type", "message", "retryable"})");
  if (!e->is_object())
    return fail(path("error"), "expected an object, got " + describe_json(*e));
  auto epath = path("error");
  json_fields f{*e, epath};
  f.check(check_fields(*e, epath, {"type", "message", "retryable"}));
  auto type = f.text("type").value_or("");
  auto message = f.text("message").value_or("");
  if (f.problem())
    return f.problem();
  if (auto r = e->find("retryable"); r != e->end()) {
    if (!r->is_boolean())
      return fail(epath + ".retryable", "expected true or false, got " + describe_json(*r));
    out.retryable = r->get<bool>();
  }
  out.result = type.empty() ? message : type + ": " + message;
  return out;
}

result<task_id> read_task_ref(const json& item, const std::string& path) {
  auto it = item.find("id");
  if (it == item.end())
    return fail(path + ".id", "missing; send the task's id as handed out");
  if (it->is_number_unsigned())
    return task_id{it->get<uint64_t>()};
  if (it->is_string())
    if (auto parsed = parse_task_id(it->get_ref<const std::string&>()))
      return *parsed;
  return fail(path + ".id", "expected a task id (a number or NODE_MS_NUMBER), got "
                              + describe_json(*it));
}

/// A completion of task `id`: its lease and outcome.
result<worker_result> read_completion(const json& obj, const std::string& prefix, task_id id,
                                      bool ok) {
  auto lease = read_lease(obj, prefix);
  if (!lease)
    return lease.err();
  auto r = read_outcome(obj, prefix, ok);
  if (r) {
    r->id = id;
    r->lease = *lease;
  }
  return r;
}

} // namespace

result<worker_poll> parse_worker_poll(std::string_view body) {
  constexpr const char* shape = R"({"worker": "w1", "types": ["resize"], "max": 64, "wait_ms": 30000})";
  auto doc = parse_object(body, shape);
  if (!doc)
    return doc.err();
  auto& d = doc->doc;
  worker_poll p;
  json_fields f{d, ""};
  f.check(check_fields(d, "", {"worker", "types", "tags", "max", "wait_ms", "capacity",
                               "lease_ms"}));
  if (auto worker = f.name("worker")) {
    p.worker = std::move(*worker);
    f.check(check_length("worker", p.worker));
  }
  if (auto types = f.names("types"))
    p.types = std::move(*types);
  if (auto tags = f.names("tags"))
    p.tags = std::move(*tags);
  auto max = f.number("max", 1, worker_limits::max_batch).value_or(1);
  auto wait = f.number("wait_ms", 0, worker_limits::max_wait_ms).value_or(0);
  auto capacity = f.number("capacity", 1, worker_limits::max_capacity).value_or(0);
  auto lease = f.number("lease_ms", worker_limits::min_lease_ms, worker_limits::max_lease_ms)
                 .value_or(worker_limits::default_lease_ms);
  if (f.problem())
    return f.problem();
  if (p.types.empty())
    return fail("types", R"(missing or empty; name the task types this worker runs, e.g. ["resize"])");
  if (p.types.size() > max_types)
    return fail("types", "more than " + std::to_string(max_types) + " types");
  for (size_t i = 0; i < p.types.size(); ++i)
    if (auto e = check_length("types[" + std::to_string(i) + "]", p.types[i]))
      return e;
  sort_unique(p.types);
  sort_unique(p.tags);
  p.max = static_cast<uint32_t>(max);
  p.wait_ms = static_cast<uint32_t>(wait);
  p.capacity = static_cast<uint32_t>(capacity);
  p.lease_ms = static_cast<uint32_t>(lease);
  return p;
}

result<uint64_t> parse_worker_lease(std::string_view body) {
  auto doc = parse_object(body, R"({"lease": 7})");
  if (!doc)
    return doc.err();
  if (auto err = check_fields(doc->doc, "", {"lease"}))
    return err;
  return read_lease(doc->doc, "");
}

result<worker_result> parse_worker_result(std::string_view body, task_id id, bool ok) {
  auto doc = parse_object(body, ok ? R"({"lease": 7, "result": "..."})"
                                   : R"({"lease": 7, "error": {"type": "...", "message": "...", "retryable": true}})");
  if (!doc)
    return doc.err();
  if (auto err = check_fields(doc->doc, "", {"lease", ok ? "result" : "error"}))
    return err;
  return read_completion(doc->doc, "", id, ok);
}

result<std::vector<worker_result>> parse_worker_results(std::string_view body) {
  auto doc = parse_object(body, R"({"results": [{"id": "1", "lease": 7, "result": "..."}]})");
  if (!doc)
    return doc.err();
  auto& d = doc->doc;
  if (auto err = check_fields(d, "", {"results"}))
    return err;
  auto it = d.find("results");
  if (it == d.end() || !it->is_array())
    return fail("results", "expected an array of {id, lease, result} or {id, lease, error}"
                             + std::string{it == d.end() ? "; it is missing"
                                                         : ", got " + describe_json(*it)});
  if (it->size() > worker_limits::max_results)
    return fail("results", "more than " + std::to_string(worker_limits::max_results)
                             + " items; send them in several requests");
  std::vector<worker_result> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    auto& item = (*it)[i];
    auto path = "results[" + std::to_string(i) + "]";
    if (!item.is_object())
      return fail(path, "expected an object, got " + describe_json(item));
    if (auto err = check_fields(item, path, {"id", "lease", "result", "error"}))
      return err;
    auto id = read_task_ref(item, path);
    if (!id)
      return id.err();
    auto r = read_completion(item, path, *id, !item.contains("error"));
    if (!r)
      return r.err();
    out.push_back(std::move(*r));
  }
  return out;
}

nlohmann::json to_json(const std::vector<worker_task>& tasks) {
  auto arr = nlohmann::json::array();
  for (auto& t : tasks)
    arr.push_back({{"id", std::to_string(t.id)},
                   {"type", t.type},
                   {"payload", t.payload},
                   {"attempt", t.attempt},
                   {"lease", t.lease},
                   {"lease_expires_ms", t.lease_expires_ms},
                   {"heartbeat_ms", t.heartbeat_ms}});
  return {{"tasks", std::move(arr)}};
}

nlohmann::json to_json(task_id id, uint64_t lease, const worker_beat& b) {
  return {{"id", std::to_string(id)},
          {"lease", lease},
          {"lease_expires_ms", b.lease_expires_ms},
          {"cancel_requested", b.cancel_requested}};
}

nlohmann::json to_json(const std::vector<worker_view>& workers) {
  auto arr = nlohmann::json::array();
  for (auto& w : workers)
    arr.push_back({{"worker", w.worker},
                   {"types", w.types},
                   {"tags", w.tags},
                   {"capacity", w.capacity},
                   {"lease_ms", w.lease_ms},
                   {"held", w.held},
                   {"queued", w.queued},
                   {"parked_polls", w.parked},
                   {"last_poll_ms", w.last_poll_ms},
                   {"last_heartbeat_ms", w.last_heartbeat_ms},
                   {"state", w.lost ? "lost" : "up"}});
  return {{"workers", std::move(arr)}};
}

std::string stale_detail(task_id id, uint64_t lease) {
  return "lease " + std::to_string(lease) + " of task " + std::to_string(id)
         + " is not current: the task finished, was cancelled or timed out, or moved to "
           "another worker; nothing changed";
}

nlohmann::json verdicts_json(const std::vector<worker_result>& results,
                             const std::vector<worker_verdict>& verdicts) {
  auto arr = nlohmann::json::array();
  for (size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    bool applied = i < verdicts.size() && verdicts[i] == worker_verdict::applied;
    nlohmann::json item{{"id", std::to_string(r.id)}, {"lease", r.lease},
                        {"status", applied ? 200 : 409}};
    if (!applied) {
      item["error"] = "stale_version";
      item["detail"] = stale_detail(r.id, r.lease);
    }
    arr.push_back(std::move(item));
  }
  return {{"results", std::move(arr)}};
}

} // namespace drover
