// The consumer's executors (exec/executors.hpp), the hot swap of its users'
// handlers, and the graceful drain. The executors call back from their own
// threads; every call becomes a message to the consumer, which alone
// touches its state.
#include <algorithm>

#include "actors/consumer_state.hpp"
#include "core/log.hpp"

namespace drover {

executors& executors_of(consumer_ptr self) {
  auto& st = self->state;
  if (st.exec)
    return *st.exec;
  executor_options eo;
  eo.threads = st.opts.info.capacity;
  eo.groups_file = st.opts.groups_file;
  eo.builtin = st.opts.handlers.types();
  // Weak: the executors live in this actor's state and must not keep it alive.
  caf::weak_actor_ptr me = caf::actor_cast<caf::weak_actor_ptr>(self);
  executor_hooks hooks;
  hooks.done = [me](std::vector<exec_outcome> outs) {
    auto hdl = caf::actor_cast<caf::actor>(me.lock());
    if (!hdl)
      return;
    std::vector<task_report> rs;
    rs.reserve(outs.size());
    for (auto& o : outs) {
      task_report r;
      r.id = o.id;
      r.lease = o.lease;
      r.outcome = o.outcome;
      r.result = std::move(o.result);
      r.run_us = o.run_us;
      r.retryable = o.retryable;
      r.log = std::move(o.log);
      rs.push_back(std::move(r));
    }
    caf::anon_send(hdl, finish_atom::value, std::move(rs));
  };
  hooks.types_changed = [me] {
    if (auto hdl = caf::actor_cast<caf::actor>(me.lock()))
      caf::anon_send(hdl, register_atom::value);
  };
  hooks.alert = [me](std::string text) {
    if (auto hdl = caf::actor_cast<caf::actor>(me.lock()))
      caf::anon_send(hdl, alert_atom::value, std::move(text));
  };
  st.exec = std::make_unique<executors>(std::move(eo), std::move(hooks));
  return *st.exec;
}

void start_user_handlers(consumer_ptr self) {
  auto& st = self->state;
  // With a record of process groups, make the executors now: they kill the
  // groups a predecessor of this consumer (SIGKILLed) left running.
  if (!st.opts.groups_file.empty())
    executors_of(self);
  if (st.opts.user_handlers && !st.opts.user_handlers->handlers.empty()) {
    st.handlers = st.opts.user_handlers;
    executors_of(self).use(st.handlers);
    std::vector<std::string> names;
    for (auto& [name, h] : st.handlers->handlers)
      names.push_back(name);
    log_info("consumer {}: handlers {} from {}", st.opts.info.node, fmt::join(names, ", "),
             st.handlers->source);
  }
  if (!st.opts.handlers_path.empty() && st.opts.handlers_poll.count() > 0)
    self->delayed_send(self, st.opts.handlers_poll, handlers_atom::value);
}

void poll_handlers(consumer_ptr self) {
  auto& st = self->state;
  self->delayed_send(self, st.opts.handlers_poll, handlers_atom::value);
  auto text = read_handlers_file(st.opts.handlers_path);
  if (text && *text == st.handlers_text)
    return; // each text is parsed once, however often it is polled
  auto parsed = text ? parse_handlers(*text, st.opts.handlers_path, st.opts.handlers_in_config,
                                      st.opts.handlers.types())
                     : result<handler_set>{text.err()};
  if (!parsed) {
    const error& err = parsed.err();
    if (err.message != st.handlers_problem) { // once per problem, not every poll
      log_error("handlers: {} is invalid; the handlers in force stay:\n{}",
                st.opts.handlers_path, err.message);
      // An operator fixes the file: tell the manager, whose alerts the
      // dashboard and GET /v1/alerts show, not only this node's log.
      self->send(self, alert_atom::value,
                 "handlers file " + st.opts.handlers_path + " is invalid; the handlers in "
                 "force stay: " + err.message);
    }
    st.handlers_problem = err.message;
    st.handlers_text.clear(); // a fix that restores the old text is taken again
    return;
  }
  st.handlers_problem.clear();
  st.handlers_text = std::move(*text);
  auto next = std::make_shared<handler_set>(std::move(*parsed));
  auto old_hash = st.handlers ? st.handlers->hash : std::string{};
  if (next->hash == old_hash)
    return;
  log_info("handlers: {} changed; swapping in {} handlers", st.opts.handlers_path,
           next->handlers.size());
  st.handlers = std::move(next);
  executors_of(self).use(st.handlers);
  register_self(self); // the executors re-register again once workers are ready
}

std::vector<std::string> served_types(consumer_ptr self) {
  auto& st = self->state;
  auto out = st.opts.handlers.types();
  if (st.exec) {
    auto mine = st.exec->types();
    out.insert(out.end(), mine.begin(), mine.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void start_drain(consumer_ptr self, uint32_t timeout_ms) {
  auto& st = self->state;
  if (st.draining)
    return;
  st.draining = true;
  log_info("consumer {}: draining: no new tasks; {} running get up to {} ms to finish",
           st.opts.info.node, st.book.running(), timeout_ms);
  if (st.manager)
    self->send(st.manager, drain_atom::value, st.opts.info.node);
  // Tasks that wait for a slot have not begun: back at once, to run elsewhere
  // (with the manager away, it takes them back after the grace).
  auto waiting = st.waiting.take_all();
  if (!waiting.empty() && st.manager)
    self->send(st.manager, handback_atom::value, st.opts.info.node, std::move(waiting),
               std::string{"handed back while draining (not begun)"});
  self->delayed_send(self, std::chrono::milliseconds(timeout_ms), drain_atom::value);
  check_drained(self, false);
}

void check_drained(consumer_ptr self, bool force) {
  auto& st = self->state;
  if (!st.draining || st.opts.drained->load())
    return;
  flush(self);
  // Done once nothing runs and the manager confirmed every result (so none
  // is lost with this process), or at the timeout, whatever is left.
  if (!force && (st.book.running() > 0 || st.book.unconfirmed_reports() > 0))
    return;
  auto back = st.book.drop_running();
  for (auto& r : back)
    if (st.exec)
      st.exec->cancel(r.id, r.lease);
  if (!back.empty())
    log_info("consumer {}: drain timeout: handing {} running tasks back", st.opts.info.node,
             back.size());
  if (st.manager)
    self->send(st.manager, handback_atom::value, st.opts.info.node, std::move(back),
               std::string{"handed back at the drain timeout"});
  else if (!back.empty() || st.book.unconfirmed_reports() > 0)
    log_warn("consumer {}: the manager is away: {} running tasks and {} results it never "
             "confirmed go back to it after its grace (they run again)",
             st.opts.info.node, back.size(), st.book.unconfirmed_reports());
  if (st.link.registry())
    self->send(st.link.registry(), deregister_atom::value, st.opts.info);
  log_info("consumer {}: drained", st.opts.info.node);
  st.opts.drained->store(true);
  self->quit();
}

} // namespace drover
