// See dispatch.hpp.
#include "replay/dispatch.hpp"

#include "replay/observe.hpp"

namespace drover::replay {

void dispatch(action_transport& t, const action& a, int64_t now_ms, observer& obs,
              run_outcome& out) {
  auto lost = [&] { out.losses[a.member].push_back(now_ms); };
  switch (a.kind) {
    case action_kind::submit:
      return t.submit(a);
    case action_kind::swap_rules:
      return t.swap_rules(a);
    case action_kind::cancel:
      return t.cancel(a);
    case action_kind::command:
      return t.command(a);
    case action_kind::schedule:
    case action_kind::schedule_stop:
    case action_kind::schedule_start:
    case action_kind::schedule_change:
      return t.schedule(a);
    case action_kind::send_data:
    case action_kind::recv_data:
      return t.data(a);
    case action_kind::kill:
      lost();
      return t.kill(a);
    case action_kind::crash:
      lost();
      return t.crash(a);
    case action_kind::restart:
      return t.restart(a);
    case action_kind::partition:
      lost();
      return t.partition(a, true);
    case action_kind::heal:
      return t.partition(a, false);
    case action_kind::deregister:
      lost();
      return t.deregister(a);
    case action_kind::slow:
      return t.slow(a);
    case action_kind::advance:
      return obs.line(now_ms, "advance");
  }
}

} // namespace drover::replay
