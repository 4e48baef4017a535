#include "actors/supervisor.hpp"

#include <memory>

#include "actors/member_link.hpp"
#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "core/restart_window.hpp"

namespace drover {

namespace {

struct child {
  child_spec spec;
  caf::actor handle;
  restart_window window;
};

struct supervisor_state {
  supervisor_options opts;
  std::vector<std::unique_ptr<child>> children;
  static inline const char* name = "supervisor";
};

using supervisor_ptr = caf::stateful_actor<supervisor_state>*;

int64_t clock_ms(supervisor_ptr self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           self->clock().now().time_since_epoch())
    .count();
}

void start(supervisor_ptr self, child& c) {
  c.handle = c.spec.start(self->system());
  self->monitor(c.handle);
}

bool is_clean_stop(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal
         || reason == caf::exit_reason::user_shutdown;
}

void give_up(supervisor_ptr self, const child& c, const std::string& why) {
  auto& st = self->state;
  auto text = fmt::format("{} crashed {} times within {} ms (last: {}); its supervisor on {} "
                          "gave up and stopped the role",
                          c.spec.name, c.window.max_restarts() + 1, st.opts.within.count(),
                          why, st.opts.node);
  log_error("ALERT: {}", text);
  if (st.opts.alert_to)
    self->send(st.opts.alert_to, alert_atom::value, st.opts.node, text);
}

void on_child_down(supervisor_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto i = st.children.begin(); i != st.children.end(); ++i) {
    auto& c = **i;
    if (c.handle.address() != dm.source)
      continue;
    auto why = self->system().render(dm.reason);
    if (is_name_refusal(dm.reason)) { // another process runs this name: so must not we
      for (auto& other : st.children)
        if (other.get() != &c)
          self->send_exit(other->handle, caf::exit_reason::user_shutdown);
      st.children.clear();
      self->quit(dm.reason);
      return;
    }
    if (is_restart_request(dm.reason)) {
      log_info("supervisor: restarting {} on request", c.spec.name);
      start(self, c);
    } else if (is_clean_stop(dm.reason)) {
      st.children.erase(i);
    } else if (c.window.allow(clock_ms(self))) {
      log_warn("supervisor: {} stopped ({}); restarting it ({} of {} allowed in {} ms)",
               c.spec.name, why, c.window.recent(), c.window.max_restarts(),
               st.opts.within.count());
      start(self, c);
    } else {
      give_up(self, c, why);
      st.children.erase(i);
    }
    break;
  }
  if (st.children.empty())
    self->quit();
}

caf::behavior supervisor(supervisor_ptr self, supervisor_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  for (auto& spec : st.opts.children) {
    auto c = std::make_unique<child>(child{spec, {}, restart_window{st.opts.max_restarts,
                                                                     st.opts.within.count()}});
    start(self, *c);
    st.children.push_back(std::move(c));
  }
  self->set_down_handler([=](caf::down_msg& dm) { on_child_down(self, dm); });
  self->set_exit_handler([=](caf::exit_msg& em) {
    for (auto& c : self->state.children)
      self->send_exit(c->handle, em.reason);
    self->state.children.clear();
    self->quit(em.reason);
  });
  return {[](int) { /* no messages of its own; see the handlers above */ }};
}

} // namespace

caf::error restart_request() {
  return caf::error{1, caf::atom("restart")};
}

bool is_restart_request(const caf::error& reason) {
  // category() of an empty error (a normal stop) is undefined in CAF 0.17.
  return reason && reason.category() == caf::atom("restart");
}

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_options opts) {
  return sys.spawn(supervisor, std::move(opts));
}

} // namespace drover
