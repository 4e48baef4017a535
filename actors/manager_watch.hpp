// The manager's side of what operators look back on (manager/watch.hpp):
// hooks its handlers call when members come and go, work moves or rules
// change, the 1 s sampling timer, and the answers to the REST queries.
// Include from manager .cpp files only (it pulls in the manager's state).
#pragma once

#include <string>
#include <vector>

#include "actors/manager_state.hpp"
#include "actors/protocol_watch.hpp"

namespace drover {

/// A member registered: the roster and the feed ("joined" or "back").
void watch_joined(manager_ptr self, const member_info& info);
/// A member was lost (`how` lost) or deregistered (left), `why` in words;
/// a lost consumer or worker also raises an alert.
void watch_gone(manager_ptr self, const member_info& who, presence how, const std::string& why);
/// A consumer's mode changed (drain, sleep, wake), `why` in words.
void watch_mode(manager_ptr self, const std::string& node, node_mode mode, const std::string& why);
/// `moved` tasks of `node` went back to PENDING: an event and an alert.
void watch_reassigned(manager_ptr self, const std::string& node, uint64_t moved,
                      const std::string& why);
/// One attempt on `node` ended with `effect`: per-node and series counters.
void watch_attempt(manager_state& st, std::string_view node, ack_effect effect);
/// Appends one event to the feed.
void watch_event(manager_ptr self, event_type type, const std::string& node,
                 const std::string& text, uint64_t count = 0);
/// Keeps an alert for GET /v1/alerts (the last 100) and puts it in the feed.
void raise_alert(manager_ptr self, const std::string& kind, const std::string& node,
                 const std::string& text);
/// Sets the series' baseline and starts the 1 s sampling timer.
void start_watch(manager_ptr self);
/// One sample of the series and the jobs' recent rates; re-arms the timer.
void on_watch_tick(manager_ptr self);

/// Adds where each member stands and why to GET /v1/nodes' rows, and the
/// rows of members that are gone (lost past the grace, or left).
void add_roster_views(const manager_state& st, std::vector<node_info>& out);
/// Tasks per second of job `id` over the last 30 s; -1 while unknown.
double recent_rate_of(const manager_state& st, job_id id);

event_page query_events(const manager_state& st, uint64_t after, uint32_t limit);
series_page query_series(const manager_state& st, int64_t since_ms);
manager_card query_card(manager_ptr self);
/// One node: its rows as GET /v1/nodes shows them, the tasks it holds.
caf::result<node_detail> query_node(manager_ptr self, const std::string& node);
/// An operator forgets a member that is gone; the rows dropped.
caf::result<std::vector<node_info>> forget_member(manager_ptr self, const std::string& node);

} // namespace drover
