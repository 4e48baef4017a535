// Schedule bodies (http/schedule_json.hpp). The one place nlohmann's
// exceptions are caught for schedule JSON.
#include "http/schedule_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "http/job_json.hpp"

namespace drover {

namespace {

using json = nlohmann::json;

/// Parses `body` as a JSON object whose keys are all in `allowed`.
result<json> object_of(std::string_view body, std::initializer_list<const char*> allowed) {
  // The job template is written back as JSON text, which recurses once per
  // level: refuse deep nesting while reading (as parse_job_request does).
  bool too_deep = false;
  auto out = json::parse(body.begin(), body.end(), [&too_deep](int depth, json::parse_event_t, json&) {
    too_deep = too_deep || depth > max_json_depth;
    return !too_deep;
  }, false);
  if (too_deep)
    return error{ec::bad_input, fmt::format("the body is nested more than {} levels deep",
                                            max_json_depth)};
  if (out.is_discarded() || !out.is_object())
    return error{ec::bad_input, "the body must be a JSON object"};
  for (auto& [key, value] : out.items()) {
    bool known = false;
    for (auto* a : allowed)
      known = known || key == a;
    if (!known)
      return error{ec::bad_input, fmt::format("unknown field '{}' (allowed: {})", key,
                                              fmt::join(allowed, ", "))};
  }
  return out;
}

/// The string at doc[key]; `absent` when the key is missing or null.
result<std::string> string_field(const json& doc, const char* key, std::string absent) {
  auto i = doc.find(key);
  if (i == doc.end() || i->is_null())
    return absent;
  if (!i->is_string())
    return error{ec::bad_input, fmt::format("{}: expected a string", key)};
  return i->get<std::string>();
}

} // namespace

result<schedule_input> parse_schedule_body(std::string_view body) {
  auto parsed_doc = object_of(body, {"name", "every", "cron", "catch_up", "running", "job"});
  if (!parsed_doc)
    return parsed_doc.err();
  const json& doc = *parsed_doc;
  schedule_input in;
  using slot = std::pair<const char*, std::string*>;
  for (auto [key, field] : {slot{"name", &in.name}, slot{"every", &in.every},
                            slot{"cron", &in.cron}, slot{"catch_up", &in.catch_up}}) {
    auto value = string_field(doc, key, *field);
    if (!value)
      return value.err();
    *field = std::move(*value);
  }
  if (auto r = doc.find("running"); r != doc.end()) {
    if (!r->is_boolean())
      return error{ec::bad_input, "running: expected true or false"};
    in.running = r->get<bool>();
  }
  if (auto checked = check_schedule_input(in); !checked)
    return checked.err();
  auto job = doc.find("job");
  if (job == doc.end() || !job->is_object())
    return error{ec::bad_input, "job: expected the job to run, as POST /v1/jobs takes it, e.g. "
                                "{\"name\": \"report\", \"tasks\": [{\"type\": \"echo\"}]}"};
  in.job_template = job->dump(-1, ' ', false, json::error_handler_t::replace);
  if (auto parsed = parse_job_request(in.job_template, job_limits{}); parsed.err)
    return error{ec::bad_input, "job." + parsed.err.message};
  return in;
}

result<schedule_period> parse_period_body(std::string_view body) {
  auto doc = object_of(body, {"every", "cron"});
  if (!doc)
    return doc.err();
  auto every = string_field(*doc, "every", {});
  if (!every)
    return every.err();
  auto cron = string_field(*doc, "cron", {});
  if (!cron)
    return cron.err();
  if (auto rec = parse_recurrence(*every, *cron); !rec)
    return rec.err();
  return schedule_period{std::move(*every), std::move(*cron)};
}

json to_json(const schedule_record& r) {
  json runs = json::array();
  for (auto& run : r.recent) {
    json j{{"fire_ms", run.fire_ms}, {"job", run.job}};
    if (!run.error.empty())
      j["error"] = run.error;
    runs.push_back(std::move(j));
  }
  auto out = to_json(std::vector<schedule_record>{r})["schedules"][0];
  out["job"] = json::parse(r.job_template, nullptr, false);
  out["recent_runs"] = std::move(runs);
  return out;
}

json to_json(const std::vector<schedule_record>& rs) {
  json list = json::array();
  for (auto& r : rs) {
    json j{{"id", r.id},
           {"name", r.name},
           {"catch_up", to_string(r.catch_up)},
           {"state", r.running ? "running" : "stopped"},
           {"runs", r.runs}};
    if (!r.every.empty())
      j["every"] = r.every;
    else
      j["cron"] = r.cron;
    j["next_run_ms"] = r.next_ms >= 0 ? json(r.next_ms) : json(nullptr);
    j["last_run_ms"] = r.recent.empty() ? json(nullptr) : json(r.recent.back().fire_ms);
    j["last_job"] = r.recent.empty() || r.recent.back().job == 0
                      ? json(nullptr) : json(r.recent.back().job);
    list.push_back(std::move(j));
  }
  return json{{"schedules", std::move(list)}};
}

} // namespace drover
