// Swapping the assignment rules while the manager runs (DESIGN.md §4). The
// rules keeper parses and validates; this file only swaps the parsed set in
// between two messages, which is what makes the swap atomic: every dispatch
// round runs under exactly one set.
#include "actors/manager_state.hpp"
#include "actors/manager_watch.hpp"
#include "core/log.hpp"

namespace drover {

rules_info describe_rules(const manager_state& st) {
  auto& rs = st.chooser.rules();
  rules_info info;
  info.source = rs.source;
  info.version = rs.version;
  info.hash = rs.hash;
  info.text = rs.text;
  info.rules = static_cast<uint32_t>(rs.rules.size());
  info.since_ms = st.rules_since_ms;
  return info;
}

rules_info swap_rules(manager_ptr self, std::shared_ptr<const rule_set> next) {
  auto& st = self->state;
  auto old_version = st.chooser.rules().version;
  auto old_hash = st.chooser.rules().hash;
  st.chooser.use(std::move(next));
  st.rules_since_ms = now_ms(self);
  auto& rs = st.chooser.rules();
  log_info("manager: rules swapped: {} version {} hash {} ({} rules); was version {} hash {}",
           rs.source, rs.version, rs.hash, rs.rules.size(), old_version, old_hash);
  watch_event(self, event_type::rules_swapped, "",
              fmt::format("rules swapped: {} version {} hash {}, was version {} hash {}", rs.source,
                          rs.version, rs.hash, old_version, old_hash),
              rs.version);
  // A task parked as unassignable may fit the new `to:` filters.
  requeue_unassignable(st);
  dispatch(self);
  flush_changes(self);
  return describe_rules(st);
}

} // namespace drover
