// Names of the node status and command enums (core/node_status.hpp).
#include "core/node_status.hpp"

namespace drover {

const char* to_string(node_mode m) {
  switch (m) {
    case node_mode::awake: return "awake";
    case node_mode::asleep: return "asleep";
    case node_mode::draining: return "draining";
  }
  return "unknown";
}

namespace {

constexpr command_kind all_kinds[] = {command_kind::restart, command_kind::clear_cache,
                                      command_kind::drain,   command_kind::update,
                                      command_kind::sleep,   command_kind::wake};

} // namespace

const char* to_string(command_kind k) {
  switch (k) {
    case command_kind::restart: return "restart";
    case command_kind::clear_cache: return "clear_cache";
    case command_kind::drain: return "drain";
    case command_kind::update: return "update";
    case command_kind::sleep: return "sleep";
    case command_kind::wake: return "wake";
  }
  return "unknown";
}

result<command_kind> parse_command_kind(const std::string& text) {
  for (auto k : all_kinds)
    if (text == to_string(k))
      return k;
  return error{ec::bad_input, "unknown command '" + text + "' (one of " + command_names() + ")"};
}

const char* command_names() {
  return "restart, clear_cache, drain, update, sleep, wake";
}

const char* to_string(command_state s) {
  switch (s) {
    case command_state::queued: return "queued";
    case command_state::running: return "running";
    case command_state::done: return "done";
    case command_state::failed: return "failed";
  }
  return "unknown";
}

} // namespace drover
