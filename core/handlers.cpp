#include "core/handlers.hpp"

#include <algorithm>
#include <charconv>

namespace drover {

void handler_registry::add(std::string type, task_handler fn, bool off_actor) {
  handlers_[std::move(type)] = entry{std::move(fn), off_actor};
}

const task_handler* handler_registry::find(const std::string& type) const {
  auto i = handlers_.find(type);
  return i == handlers_.end() ? nullptr : &i->second.fn;
}

bool handler_registry::runs_off_actor(const std::string& type) const {
  auto i = handlers_.find(type);
  return i != handlers_.end() && i->second.off_actor;
}

std::vector<std::string> handler_registry::types() const {
  std::vector<std::string> xs;
  for (auto& [name, e] : handlers_)
    xs.push_back(name);
  std::sort(xs.begin(), xs.end());
  return xs;
}

std::string handler_registry::names() const {
  std::string out;
  for (auto& x : types()) {
    if (!out.empty())
      out += ", ";
    out += x;
  }
  return out;
}

namespace {

/// Parses a non-negative integer payload; false with an explanation if not.
bool parse_count(const std::string& payload, uint64_t& out, handler_result& err,
                 const char* what) {
  auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), out);
  if (payload.empty() || ec != std::errc{} || end != payload.data() + payload.size()) {
    err.ok = false;
    err.result = std::string{"payload must be "} + what + ", got '" + payload + "'";
    return false;
  }
  return true;
}

handler_result burn(const std::string& payload, uint32_t) {
  handler_result r;
  uint64_t us = 0;
  if (!parse_count(payload, us, r, "a number of microseconds"))
    return r;
  // CPU work by design: this handler exists to load a consumer's core.
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  uint64_t x = 0;
  while (std::chrono::steady_clock::now() < until)
    for (int i = 0; i < 256; ++i)
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  r.result = std::to_string(x & 0xff);
  return r;
}

} // namespace

handler_registry builtin_handlers() {
  handler_registry reg;
  reg.add("noop", [](const std::string&, uint32_t) { return handler_result{}; });
  reg.add("echo", [](const std::string& payload, uint32_t) {
    return handler_result{true, payload, {}};
  });
  reg.add("sleep", [](const std::string& payload, uint32_t) {
    handler_result r;
    uint64_t ms = 0;
    if (parse_count(payload, ms, r, "a number of milliseconds"))
      r.delay = std::chrono::milliseconds(ms);
    return r;
  });
  reg.add("fail", [](const std::string& payload, uint32_t attempt) {
    handler_result r;
    uint64_t k = 0;
    if (!parse_count(payload, k, r, "the number of attempts to fail"))
      return r;
    if (attempt <= k) {
      r.ok = false;
      r.result = "failing attempt " + std::to_string(attempt) + " of the first "
                 + std::to_string(k) + " on purpose";
    }
    return r;
  });
  reg.add("burn", burn, true); // CPU for as long as asked: never in the actor
  return reg;
}

} // namespace drover
