#include "actors/rules_keeper.hpp"

#include <fstream>
#include <sstream>

#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "rules/rule_set.hpp"

namespace drover {

namespace {

/// Rules files are small; this bound keeps a wrong path (a log, a database)
/// from being read into memory every second.
constexpr size_t max_rules_bytes = 1 << 20;

struct keeper_state {
  rules_keeper_options opts;
  caf::actor manager;
  std::string last_seen;   ///< hash of the file text last looked at
  bool file_missing = false;
  static inline const char* name = "rules_keeper";
};

using keeper_ptr = caf::stateful_actor<keeper_state>*;

/// Reads the whole file; the error says why not (missing, unreadable, too
/// large).
result<std::string> read_small_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return error{ec::bad_input, "cannot open it"};
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return error{ec::bad_input, "cannot read it"};
  auto text = buf.str();
  if (text.size() > max_rules_bytes)
    return error{ec::bad_input, "it is larger than 1 MiB"};
  return text;
}

/// Looks at the file; sends the manager a swap when its text changed and is
/// valid. Each text is parsed once, however often it is polled.
void poll_file(keeper_ptr self) {
  auto& st = self->state;
  auto read = read_small_file(st.opts.path);
  if (!read) {
    if (!st.file_missing)
      log_warn("rules: {}: {}; the rules in force stay", st.opts.path, read.err().message);
    st.file_missing = true;
    return;
  }
  st.file_missing = false;
  const std::string& text = *read;
  auto hash = fnv1a_hex(text);
  if (hash == st.last_seen)
    return;
  st.last_seen = hash;
  auto parsed = parse_rules(text, st.opts.path);
  if (!parsed) {
    log_error("rules: {} changed but is invalid; the rules in force stay:\n{}",
              st.opts.path, parsed.err().message);
    return;
  }
  auto next = std::make_shared<rule_set>(std::move(*parsed));
  log_info("rules: {} changed (hash {}); swapping", st.opts.path, hash);
  // The manager logs the swap itself; the answer only needs taking.
  self->request(st.manager, caf::infinite, swap_atom::value, rules_update{std::move(next)})
    .then([](const rules_info&) {});
}

caf::behavior keeper(keeper_ptr self, caf::actor manager, rules_keeper_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.manager = std::move(manager);
  st.last_seen = st.opts.hash_in_force;
  self->set_default_handler(caf::print_and_drop); // never die of a stray message
  bool watching = !st.opts.path.empty() && st.opts.poll.count() > 0;
  if (watching)
    self->delayed_send(self, st.opts.poll, tick_atom::value);
  return {
    [=](tick_atom) {
      poll_file(self);
      self->delayed_send(self, self->state.opts.poll, tick_atom::value);
    },
    [=](rules_atom, apply_atom, const std::string& yaml,
        const std::string& source) -> caf::result<rules_info> {
      auto parsed = parse_rules(yaml, source);
      if (!parsed) {
        log_warn("rules: refused a new set from {}; the rules in force stay:\n{}", source,
                 parsed.err().message);
        return to_caf(parsed.err());
      }
      auto next = std::make_shared<rule_set>(std::move(*parsed));
      // The manager answers the original requester with the new rules_info.
      auto rp = self->make_response_promise();
      rp.delegate(self->state.manager, swap_atom::value, rules_update{std::move(next)});
      return rp;
    },
  };
}

} // namespace

caf::actor spawn_rules_keeper(caf::local_actor* manager, rules_keeper_options opts) {
  auto hdl = caf::actor_cast<caf::actor>(manager);
  return manager->spawn<caf::linked>(keeper, std::move(hdl), std::move(opts));
}

} // namespace drover
