// One blocking request from a non-actor thread (the REST server's), bounded
// by a timeout, and the mapping of CAF errors to drover's: what every
// app/ backend call does. Include only from app/*.cpp (pulls in CAF).
#pragma once

#include <chrono>
#include <optional>
#include <utility>

#include <caf/all.hpp>

#include "http/api_types.hpp"

namespace drover {

/// drover's own errors keep their code and message; a timeout or a lost
/// actor is ec::unreachable.
inline error from_caf(caf::actor_system& sys, const caf::error& e) {
  if (e.category() == caf::atom("drover")) {
    std::string msg = sys.render(e);
    if (e.context().match_elements<std::string>())
      msg = e.context().get_as<std::string>(0);
    return error{static_cast<ec>(e.code()), msg};
  }
  if (e == caf::sec::request_timeout)
    return error{ec::unreachable, "the manager did not answer in time"};
  return error{ec::unreachable, "the manager cannot be reached: " + sys.render(e)};
}

/// One request, answered with a T or an error, within `timeout`.
template <class T, class... Ts>
result<T> ask(caf::actor_system& sys, const caf::actor& dest, std::chrono::milliseconds timeout,
              Ts&&... xs) {
  caf::scoped_actor self{sys};
  std::optional<T> value;
  error err;
  self->request(dest, timeout, std::forward<Ts>(xs)...)
    .receive([&](T& x) { value = std::move(x); }, [&](caf::error& e) { err = from_caf(sys, e); });
  if (!value)
    return err ? err : error{ec::unreachable, "no answer"};
  return std::move(*value);
}

} // namespace drover
