#include "app/io_inline.hpp"

#include <chrono>
#include <cstring>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "actors/actor_names.hpp"

namespace drover {

namespace {

using clock_type = std::chrono::steady_clock;

/// Messages one hand-over runs at most: a lone task's message and the
/// answers of a memory store to it; what is left goes to the workers.
constexpr size_t messages_per_run = 8;
/// A run that took longer than this (a large task list) leaves the actors
/// to the workers for `pause_after_long_run`: the network thread must keep
/// reading while an actor works through a backlog.
constexpr auto long_run = std::chrono::milliseconds(1);
constexpr auto pause_after_long_run = std::chrono::seconds(1);

/// Set on the network thread only (the thread that runs the multiplexer).
thread_local caf::execution_unit* network_thread = nullptr;
thread_local int running_inline = 0; ///< nesting: an actor run here sends to another
thread_local clock_type::time_point paused_until{};

bool named(caf::resumable* job, const char* name) {
  return std::strcmp(static_cast<caf::scheduled_actor*>(job)->name(), name) == 0;
}

/// The actors whose lone messages are cheap and on a task's path: the
/// manager and the consumer, and (sent to by them) a store actor that is
/// scheduled here at all, which only a store without its own thread (the
/// memory store) is: the disk-backed stores run detached and never come
/// through the scheduler.
bool runs_here(caf::resumable* job) {
  if (network_thread == nullptr || job->subtype() != caf::resumable::scheduled_actor)
    return false;
  if (running_inline == 0)
    return (named(job, actor_names::manager) || named(job, actor_names::consumer))
           && clock_type::now() >= paused_until;
  return running_inline == 1 && named(job, actor_names::store);
}

struct inline_stealing : caf::policy::work_stealing {
  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    if (!runs_here(job))
      return caf::policy::work_stealing::central_enqueue(self, job);
    auto start = clock_type::now();
    ++running_inline;
    auto result = job->resume(network_thread, messages_per_run);
    --running_inline;
    if (running_inline == 0 && clock_type::now() - start > long_run)
      paused_until = clock_type::now() + pause_after_long_run;
    // As CAF's workers do with a job's result.
    switch (result) {
      case caf::resumable::resume_later:
        caf::policy::work_stealing::central_enqueue(self, job);
        break;
      case caf::resumable::done:
      case caf::resumable::awaiting_message:
        intrusive_ptr_release(job);
        break;
      default: // shutdown_execution_unit: CAF's own shutdown helper, never an actor
        break;
    }
  }
};

/// CAF's epoll loop, on a thread marked as the network thread.
class marked_multiplexer : public caf::io::network::default_multiplexer {
public:
  using default_multiplexer::default_multiplexer;
  void run() override {
    network_thread = this;
    default_multiplexer::run();
  }
};

} // namespace

void load_inline_middleman(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman, marked_multiplexer>();
  // The network thread hands a message to its actor itself; with a
  // deserialization worker in between, that worker (another thread) would.
  cfg.set("middleman.workers", size_t{0});
}

void install_inline_scheduler(caf::actor_system_config& cfg) {
  // A scheduler module loaded by the config takes the place of CAF's own.
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<inline_stealing>(sys);
  });
}

} // namespace drover
