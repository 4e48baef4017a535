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

void json_fields::check(error err) {
  if (!problem_)
    problem_ = std::move(err);
}

std::optional<std::string> json_fields::text(const char* key) {
  return read_text(key, false);
}

std::optional<std::string> json_fields::name(const char* key) {
  return read_text(key, true);
}

std::optional<std::string> json_fields::read_text(const char* key, bool required) {
  if (problem_)
    return std::nullopt;
  auto path = field_path(prefix_, key);
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required)
      problem_ = fail(path, "missing; expected a string");
    return std::nullopt;
  }
  if (!it->is_string()) {
    problem_ = fail(path, "expected a string, got " + describe(*it));
    return std::nullopt;
  }
  const auto& text = it->get_ref<const std::string&>();
  if (required && text.empty())
    problem_ = fail(path, "must not be empty");
  else if (std::string_view{key} != "payload" && has_control(text))
    problem_ = fail(path, no_control);
  if (problem_)
    return std::nullopt;
  return text;
}

std::optional<uint64_t> json_fields::number(const char* key, uint64_t lo, uint64_t hi) {
  if (problem_)
    return std::nullopt;
  auto it = obj_.find(key);
  if (it == obj_.end())
    return std::nullopt;
  if (it->is_number_unsigned()) {
    auto n = it->get<uint64_t>();
    if (n >= lo && n <= hi)
      return n;
  }
  problem_ = fail(field_path(prefix_, key), "expected an integer from " + std::to_string(lo)
                                              + " to " + std::to_string(hi) + ", got "
                                              + describe(*it));
  return std::nullopt;
}

std::optional<std::vector<std::string>> json_fields::names(const char* key) {
  if (problem_)
    return std::nullopt;
  auto it = obj_.find(key);
  if (it == obj_.end())
    return std::nullopt;
  auto path = field_path(prefix_, key);
  if (!it->is_array()) {
    problem_ = fail(path, "expected an array of strings, got " + describe(*it));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    const auto& tag = (*it)[i];
    auto tag_path = path + "[" + std::to_string(i) + "]";
    if (!tag.is_string())
      problem_ = fail(tag_path, "expected a string, got " + describe(tag));
    else if (tag.get_ref<const std::string&>().empty())
      problem_ = fail(tag_path, "must not be empty");
    else if (has_control(tag.get_ref<const std::string&>()))
      problem_ = fail(tag_path, no_control);
    if (problem_)
      return std::nullopt;
    out.push_back(tag.get<std::string>());
  }
  return out;
}

namespace {

/// The payload: a string is passed as is, any other JSON value as its JSON
/// text, so {"path": "/a.png"} reaches the handler as {"path":"/a.png"}.
std::optional<std::string> payload_of(const json& obj) {
  auto it = obj.find("payload");
  if (it == obj.end())
    return std::nullopt;
  return it->is_string() ? it->get_ref<const std::string&>() : it->dump();
}

/// One entry of "tasks" (or "merge"): the task and how many copies of it.
struct counted_task {
  task_spec spec;
  uint64_t count = 1;
};

result<counted_task> read_task(const json& v, const std::string& path) {
  if (!v.is_object())
    return fail(path, "expected an object with at least \"type\", got " + describe(v));
  counted_task out;
  auto& spec = out.spec;
  constexpr uint64_t u32_max = std::numeric_limits<uint32_t>::max();
  json_fields f{v, path};
  f.check(check_fields(v, path, {"type", "payload", "priority", "key", "tags", "timeout_ms",
                                 "max_attempts", "dedupe_key", "count"}));
  if (auto type = f.name("type"))
    spec.type = *type;
  if (auto payload = payload_of(v))
    spec.payload = *payload;
  auto prio_name = f.text("priority");
  if (auto key = f.text("key"))
    spec.key = *key;
  if (auto tags = f.names("tags"))
    spec.tags = std::move(*tags);
  if (auto timeout = f.number("timeout_ms", 0, u32_max))
    spec.timeout_ms = static_cast<uint32_t>(*timeout);
  if (auto attempts = f.number("max_attempts", 1, 1000))
    spec.max_attempts = static_cast<uint32_t>(*attempts);
  if (auto dedupe = f.text("dedupe_key"))
    spec.dedupe_key = *dedupe;
  if (auto count = f.number("count", 1, u32_max))
    out.count = *count;
  if (f.problem())
    return f.problem();
  if (prio_name) {
    auto prio = parse_priority(*prio_name);
    if (!prio)
      return fail(field_path(path, "priority"),
                  "expected one of high, normal, low, got " + describe(v["priority"]));
    spec.prio = *prio;
  }
  return out;
}

/// Validates the parsed document; `out.err` says the first problem.
void read_job(const json& doc, const job_limits& limits, job_parse_result& out) {
  if (!doc.is_object()) {
    out.err = fail("body", "expected a JSON object with \"name\" and \"tasks\", got "
                             + describe(doc));
    return;
  }
  auto& job = out.job;
  json_fields f{doc, ""};
  f.check(check_fields(doc, "body", {"name", "group", "origin", "idempotency_key", "tasks",
                                     "split", "merge"}));
  if (auto name = f.name("name"))
    job.name = *name;
  if (auto group = f.text("group"))
    job.group = *group;
  if (auto origin = f.text("origin"))
    job.origin = *origin;
  // "idempotency_key" is the same as the older "origin"
  if (auto key = f.text("idempotency_key"); key && !key->empty()) {
    if (!job.origin.empty() && job.origin != *key)
      f.check(fail("idempotency_key", "differs from \"origin\"; give one of them"));
    job.origin = *key;
  }
  if (f.problem()) {
    out.err = f.problem();
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
    auto task = read_task((*tasks)[i], "tasks[" + std::to_string(i) + "]");
    if (!task) {
      out.err = task.err();
      return;
    }
    expanded += task->count;
    if (expanded > limits.max_tasks)
      return over(expanded);
    for (uint64_t k = 1; k < task->count; ++k)
      job.tasks.push_back(task->spec);
    job.tasks.push_back(std::move(task->spec));
  }
  // split the template into parts, then append the merge step.
  if ((out.err = check_reserved_keys(job.tasks)) || (out.err = apply_split(doc, limits, job.tasks)))
    return;
  if (auto m = doc.find("merge"); m != doc.end()) {
    auto merge = read_task(*m, "merge");
    if (!merge) {
      out.err = merge.err();
      return;
    }
    auto& spec = merge->spec;
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
