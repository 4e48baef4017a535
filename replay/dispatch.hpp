// The timeline's actions, dispatched once for every replay: which entry
// does what, and which ones count as a loss of the member (kill, crash,
// partition, deregister: the expectations measure reassignments from
// them). How it is done is the transport's: CAF requests and actor exits
// inside one process (engine_actions.hpp), REST and signals across
// processes (process_actions.hpp). Each transport writes its own trace
// line, in the words of what it did. No CAF here.
#pragma once

#include <cstdint>
#include <string>

#include "replay/outcome.hpp"
#include "replay/scenario.hpp"

namespace drover::replay {

class observer;

class action_transport {
public:
  virtual ~action_transport() = default;
  // -- what an operator asks of the cluster --
  virtual void submit(const action& a) = 0;
  virtual void swap_rules(const action& a) = 0;
  virtual void cancel(const action& a) = 0;
  virtual void command(const action& a) = 0;   ///< a node command
  virtual void schedule(const action& a) = 0;  ///< schedule, _stop, _start, _change
  virtual void data(const action& a) = 0;      ///< send_data, recv_data
  // -- what happens to a member --
  virtual void kill(const action& a) = 0;
  virtual void crash(const action& a) = 0;
  virtual void restart(const action& a) = 0;
  virtual void partition(const action& a, bool on) = 0; ///< on: partition, off: heal
  virtual void deregister(const action& a) = 0;
  virtual void slow(const action& a) = 0;
};

/// Applies `a` through `t` at `now_ms`: records a loss in out.losses when
/// it is one, and traces an `advance`.
void dispatch(action_transport& t, const action& a, int64_t now_ms, observer& obs,
              run_outcome& out);

} // namespace drover::replay
