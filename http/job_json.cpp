// Job bodies: JSON -> job_request, with one precise message per problem.
// nlohmann::json throws on malformed text; the only catch is in
// parse_job_request, and every check below returns an error instead.
#include "http/job_json.hpp"

#include <cstdint>
#include <initializer_list>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/job_split.hpp"
#include "http/job_split_json.hpp"
#include "http/json_fields.hpp"

namespace drover {

namespace {

// ordered: a payload given as a JSON object reaches the handler with its
// keys in the order the submitter wrote them.
using json = nlohmann::ordered_json;

/// Says what a value is, for "expected X, got Y": scalars by value (strings
/// cut short), containers by kind, so huge inputs never end up in a reply.
std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (s.size() <= 40)
        return "\"" + s + "\"";
      // Cut on a UTF-8 character boundary so the message stays valid UTF-8.
      size_t cut = 40;
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
      return "\"" + s.substr(0, cut) + "...\"";
    }
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::null: return "null";
    default: return v.dump();
  }
}

} // namespace

// Shared with job_split_json.cpp (declared in job_split_json.hpp).
error fail(const std::string& path, const std::string& what) {
  return {ec::bad_input, path + ": " + what};
}

/// Rejects any key of `obj` not in `known`, naming it and the allowed ones.
error check_fields(const json& obj, const std::string& where,
                   std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (auto* k : known)
      ok = ok || it.key() == k;
    if (ok)
      continue;
    std::string allowed;
    for (auto* k : known)
      allowed += (allowed.empty() ? "" : ", ") + std::string{k};
    return fail(where, "unknown field " + describe(json(it.key())) + " (allowed: "
                         + allowed + ")");
  }
  return {};
}

namespace {

std::string field_path(const std::string& prefix, const char* key) {
  return prefix.empty() ? std::string{key} : prefix + "." + key;
}

/// True if `s` holds a control character (NUL, newline, ESC, DEL, ...).
bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}

constexpr const char* no_control = "must not contain control characters such as NUL or a "
                                   "newline (it is a name, not data)";

} // namespace

// Shared with the worker routes (declared in http/json_fields.hpp).
std::string describe_json(const json& v) {
  return describe(v);
}

/// Reads a string field if present; `required` fields must exist and
/// `nonempty` ones must not be "". Every field but the payload is a name,
/// shown in tables and logs: no control characters.
template <class Text> // std::string or compact_string (task_spec's fields)
error read_string(const json& obj, const char* key, const std::string& prefix,
                  Text& out, bool required, bool nonempty) {
  auto path = field_path(prefix, key);
  auto it = obj.find(key);
  if (it == obj.end())
    return required ? fail(path, "missing; expected a string") : error{};
  if (!it->is_string())
    return fail(path, "expected a string, got " + describe(*it));
  const auto& text = it->get_ref<const std::string&>();
  if (nonempty && text.empty())
    return fail(path, "must not be empty");
  if (std::string_view{key} != "payload" && has_control(text))
    return fail(path, no_control);
  out = text;
  return {};
}

/// Reads an optional integer field in [lo, hi]; 1.0 or "1" are not integers.
error read_uint(const json& obj, const char* key, const std::string& prefix,
                uint64_t lo, uint64_t hi, uint64_t& out) {
  auto it = obj.find(key);
  if (it == obj.end())
    return {};
  auto range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!it->is_number_integer())
    return fail(field_path(prefix, key), "expected " + range + ", got " + describe(*it));
  if (it->is_number_unsigned()) {
    out = it->get<uint64_t>();
    if (out >= lo && out <= hi)
      return {};
  }
  return fail(field_path(prefix, key), "expected " + range + ", got " + describe(*it));
}

template error read_string<std::string>(const json&, const char*, const std::string&,
                                        std::string&, bool, bool);

namespace {

/// The payload: a string is passed as is, any other JSON value as its JSON
/// text, so {"path": "/a.png"} reaches the handler as {"path":"/a.png"}.
error read_payload(const json& obj, compact_string& out) {
  auto it = obj.find("payload");
  if (it == obj.end())
    return {};
  out = it->is_string() ? it->get_ref<const std::string&>() : it->dump();
  return {};
}

} // namespace

error read_names(const json& obj, const char* key, const std::string& prefix,
                 std::vector<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end())
    return {};
  auto path = field_path(prefix, key);
  if (!it->is_array())
    return fail(path, "expected an array of strings, got " + describe(*it));
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& tag = (*it)[i];
    auto tag_path = path + "[" + std::to_string(i) + "]";
    if (!tag.is_string())
      return fail(tag_path, "expected a string, got " + describe(tag));
    if (tag.get_ref<const std::string&>().empty())
      return fail(tag_path, "must not be empty");
    if (has_control(tag.get_ref<const std::string&>()))
      return fail(tag_path, no_control);
    out.push_back(tag.get<std::string>());
  }
  return {};
}

error read_tags(const json& obj, const std::string& prefix, std::vector<std::string>& out) {
  return read_names(obj, "tags", prefix, out);
}

namespace {

/// Reads tasks[i] into `spec` and its repeat count.
error read_task(const json& v, const std::string& path, task_spec& spec, uint64_t& count) {
  if (!v.is_object())
    return fail(path, "expected an object with at least \"type\", got " + describe(v));
  if (auto err = check_fields(v, path, {"type", "payload", "priority", "key", "tags",
                                        "timeout_ms", "max_attempts", "dedupe_key", "count"}))
    return err;
  std::string prio_name;
  uint64_t timeout = spec.timeout_ms;
  uint64_t attempts = spec.max_attempts;
  constexpr uint64_t u32_max = std::numeric_limits<uint32_t>::max();
  error err;
  (err = read_string(v, "type", path, spec.type, true, true))
    || (err = read_payload(v, spec.payload))
    || (err = read_string(v, "priority", path, prio_name, false, false))
    || (err = read_string(v, "key", path, spec.key, false, false))
    || (err = read_tags(v, path, spec.tags))
    || (err = read_uint(v, "timeout_ms", path, 0, u32_max, timeout))
    || (err = read_uint(v, "max_attempts", path, 1, 1000, attempts))
    || (err = read_string(v, "dedupe_key", path, spec.dedupe_key, false, false))
    || (err = read_uint(v, "count", path, 1, u32_max, count));
  if (err)
    return err;
  if (v.contains("priority")) {
    auto prio = parse_priority(prio_name);
    if (!prio)
      return fail(field_path(path, "priority"),
                  "expected one of high, normal, low, got " + describe(v["priority"]));
    spec.prio = *prio;
  }
  spec.timeout_ms = static_cast<uint32_t>(timeout);
  spec.max_attempts = static_cast<uint32_t>(attempts);
  return {};
}

/// Validates the parsed document; `out.err` says the first problem.
void read_job(const json& doc, const job_limits& limits, job_parse_result& out) {
  if (!doc.is_object()) {
    out.err = fail("body", "expected a JSON object with \"name\" and \"tasks\", got "
                             + describe(doc));
    return;
  }
  auto& job = out.job;
  error err;
  std::string key; // "idempotency_key", the same as the older "origin"
  (err = check_fields(doc, "body", {"name", "group", "origin", "idempotency_key", "tasks",
                                    "split", "merge"}))
    || (err = read_string(doc, "name", "", job.name, true, true))
    || (err = read_string(doc, "group", "", job.group, false, false))
    || (err = read_string(doc, "origin", "", job.origin, false, false))
    || (err = read_string(doc, "idempotency_key", "", key, false, false));
  if (!err && !key.empty()) {
    if (!job.origin.empty() && job.origin != key)
      err = fail("idempotency_key", "differs from \"origin\"; give one of them");
    job.origin = key;
  }
  if (err) {
    out.err = err;
    return;
  }
  auto tasks = doc.find("tasks");
  if (tasks == doc.end() || !tasks->is_array() || tasks->empty()) {
    out.err = fail("tasks", tasks == doc.end() ? "missing; expected a non-empty array"
                            : !tasks->is_array() ? "expected an array, got " + describe(*tasks)
                            : "must hold at least one task");
    return;
  }
  // Check the raw length first: a list over the limit is refused before any
  // task is copied.
  auto over = [&](uint64_t n) {
    out.too_many = true;
    out.err = fail("tasks", std::to_string(n) + " tasks is more than the limit of "
                              + std::to_string(limits.max_tasks) + " per job; split the job");
  };
  if (tasks->size() > limits.max_tasks)
    return over(tasks->size());
  uint64_t expanded = 0;
  for (size_t i = 0; i < tasks->size(); ++i) {
    task_spec spec;
    uint64_t count = 1;
    if ((out.err = read_task((*tasks)[i], "tasks[" + std::to_string(i) + "]", spec, count)))
      return;
    expanded += count;
    if (expanded > limits.max_tasks)
      return over(expanded);
    for (uint64_t k = 1; k < count; ++k)
      job.tasks.push_back(spec);
    job.tasks.push_back(std::move(spec));
  }
  // split the template into parts, then append the merge step.
  if ((out.err = check_reserved_keys(job.tasks)) || (out.err = apply_split(doc, limits, job.tasks)))
    return;
  if (auto m = doc.find("merge"); m != doc.end()) {
    task_spec spec;
    uint64_t count = 1;
    if ((out.err = read_task(*m, "merge", spec, count)))
      return;
    if (m->contains("count") || !spec.dedupe_key.empty()) {
      out.err = fail("merge", "a merge step takes no count and no dedupe_key");
      return;
    }
    if (job.tasks.size() + 1 > limits.max_tasks)
      return over(job.tasks.size() + 1);
    spec.dedupe_key = merge_marker;
    job.tasks.push_back(std::move(spec));
  }
}

/// nlohmann's messages start with "[json.exception.parse_error.101] ": keep
/// the part a user can act on.
std::string strip_prefix(const std::string& what) {
  auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

} // namespace

job_parse_result parse_job_request(std::string_view body, const job_limits& limits) {
  job_parse_result out;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    out.err = fail("body", "empty; expected a JSON object with \"name\" and \"tasks\"");
    return out;
  }
  // Writing a payload back as JSON text recurses once per level: a body
  // nested a million deep would overflow the stack, so it is refused while
  // it is read (the parser itself keeps its own stack).
  bool too_deep = false;
  auto depth_guard = [&too_deep](int depth, json::parse_event_t, json&) {
    too_deep = too_deep || depth > max_json_depth;
    return !too_deep; // false: drop it, so nothing that deep is ever built
  };
  try {
    auto doc = json::parse(body.begin(), body.end(), depth_guard);
    if (too_deep)
      out.err = fail("body", "nested more than " + std::to_string(max_json_depth)
                               + " levels deep; flatten the payload");
    else
      read_job(doc, limits, out);
  } catch (const json::parse_error& e) {
    out.err = fail("body", "malformed JSON: " + strip_prefix(e.what()));
  } catch (const json::exception& e) { // a check above missed a type: still no crash
    out.err = fail("body", strip_prefix(e.what()));
  }
  if (out.err)
    out.job = job_request{}; // never hand on half a job
  return out;
}

} // namespace drover
