// The consumer's side of node status reports and commands: builds reports
// with node_agent, runs the commands that need the actor (update, restart).
#include "actors/consumer_state.hpp"
#include "actors/protocol_nodes.hpp"
#include "actors/supervisor.hpp"
#include "core/log.hpp"

namespace drover {

int64_t clock_ms(consumer_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           self->clock().now().time_since_epoch())
    .count();
}

namespace {

/// update: re-reads the config file and announces the new tags/capacity
/// (registering again makes the manager take them in).
void update_config(consumer_ptr self, const node_command& c) {
  auto& st = self->state;
  if (!st.agent.hooks().reload)
    return st.agent.record(c.id, command_state::failed,
                           "this node was started without --config: nothing to re-read");
  auto info = st.opts.info;
  if (auto err = st.agent.hooks().reload(info))
    return st.agent.record(c.id, command_state::failed, err.message);
  info.node = st.opts.info.node; // identity never changes live
  info.role = st.opts.info.role;
  st.opts.info = info;
  st.agent.record(c.id, command_state::done,
                  fmt::format("reloaded: tags [{}], capacity {}", fmt::join(info.tags, ","),
                              info.capacity));
  register_self(self);
}

} // namespace

void run_commands(consumer_ptr self, const std::vector<node_command>& cmds) {
  auto& st = self->state;
  bool restart = false;
  for (auto& c : cmds) {
    log_info("consumer {}: command {} #{}", st.opts.info.node, to_string(c.kind), c.id);
    if (st.agent.apply(c))
      continue;
    if (c.kind == command_kind::update)
      update_config(self, c);
    else if (c.kind == command_kind::restart)
      restart = true, st.agent.record(c.id, command_state::running, "restarting its actors");
  }
  if (restart && st.manager) {
    // Tell what ran, then let the supervisor start this role afresh; the
    // new incarnation's first report marks the restart done.
    self->send(st.manager, nstatus_atom::value,
               st.agent.report(st.opts.info, st.book.running(), clock_ms(self)));
    flush(self);
    self->quit(restart_request());
  }
}

void send_status(consumer_ptr self) {
  auto& st = self->state;
  if (!st.manager)
    return;
  auto report = st.agent.report(st.opts.info, st.book.running(), clock_ms(self));
  auto updates = report.commands;
  self->request(st.manager, st.opts.status_every, nstatus_atom::value, std::move(report))
    .then([=](const std::vector<node_command>& cmds) { run_commands(self, cmds); },
          [=](caf::error&) { self->state.agent.requeue(updates); }); // tell them next time
}

} // namespace drover
