#include "core/handlers.hpp"

#include <algorithm>
#include <charconv>

#include "core/errors.hpp"
#include "core/text_input.hpp"

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

/// A non-negative integer payload; the error says what it must be.
result<uint64_t> parse_count(const std::string& payload, const char* what) {
  if (auto n = parse_whole_number(payload))
    return n;
  return error{ec::bad_input, std::string{"payload must be "} + what + ", got '" + payload + "'"};
}

/// A handler's failure: the attempt failed with `e`'s message as its result.
handler_result failed_with(const error& e) {
  handler_result r;
  r.ok = false;
  r.result = e.message;
  return r;
}

handler_result burn(const std::string& payload, uint32_t) {
  auto us = parse_count(payload, "a number of microseconds");
  if (!us)
    return failed_with(us.err());
  handler_result r;
  // CPU work by design: this handler exists to load a consumer's core.
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(*us);
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
    auto ms = parse_count(payload, "a number of milliseconds");
    if (!ms)
      return failed_with(ms.err());
    handler_result r;
    r.delay = std::chrono::milliseconds(*ms);
    return r;
  });
  reg.add("fail", [](const std::string& payload, uint32_t attempt) {
    auto k = parse_count(payload, "the number of attempts to fail");
    if (!k)
      return failed_with(k.err());
    handler_result r;
    if (attempt <= *k) {
      r.ok = false;
      r.result = "failing attempt " + std::to_string(attempt) + " of the first "
                 + std::to_string(*k) + " on purpose";
    }
    return r;
  });
  reg.add("burn", burn, true); // CPU for as long as asked: never in the actor
  return reg;
}

} // namespace drover
