// The remote-worker routes' backend in a real process: calls to the worker
// hub actor (actors/worker_hub.hpp). A poll is a plain send whose answer
// comes back through a callback (no thread waits); heartbeats and
// completions are requests bounded by `timeout`.
#pragma once

#include <chrono>
#include <memory>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "http/worker_backend.hpp"

namespace drover {

std::unique_ptr<worker_backend> make_caf_worker_backend(caf::actor_system& sys, caf::actor hub,
                                                        std::chrono::milliseconds timeout);

} // namespace drover
