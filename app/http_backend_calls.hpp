// Internal to app/http_backend*.cpp: one blocking CAF request from an HTTP
// thread, answered with a T or a drover::error within a timeout, and the
// wording of a failed one; and the maker of each feature's backend, one
// file per feature (app/http_backend_<feature>.cpp).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/protocol.hpp"
#include "core/errors.hpp"
#include "http/api_types.hpp"
#include "http/backend.hpp"

namespace drover {

/// How failures read for one kind of actor, so a user knows which part of
/// the process did not answer.
struct actor_wording {
  std::string absent;  ///< the actor does not run in this process
  std::string timeout; ///< it did not answer in time; empty: `other` + CAF's text
  std::string other;   ///< any other failure, followed by CAF's text
};

class actor_calls {
public:
  actor_calls(caf::actor_system& sys, actor_wording words)
    : sys_(sys), words_(std::move(words)) {}

  /// drover's error from a CAF one: drover codes keep their message; a
  /// time-out or a dead actor becomes ec::unreachable.
  error from_caf(const caf::error& e) const {
    if (e.category() == caf::atom("drover"))
      return error{static_cast<ec>(e.code()), text_of(e, sys_)};
    if (e == caf::sec::request_timeout && !words_.timeout.empty())
      return error{ec::unreachable, words_.timeout};
    return error{ec::unreachable, words_.other + sys_.render(e)};
  }

  /// One request to `dest`, answered with a T or an error, within `timeout`.
  template <class T, class... Ts>
  result<T> ask(const caf::actor& dest, std::chrono::milliseconds timeout, Ts&&... xs) const {
    if (!dest)
      return error{ec::unreachable, words_.absent};
    caf::scoped_actor self{sys_};
    std::optional<T> value;
    error err;
    self->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { value = std::move(x); }, [&](caf::error& e) { err = from_caf(e); });
    if (!value)
      return err ? err : error{ec::unreachable, "no answer"};
    return std::move(*value);
  }

  caf::actor_system& system() const { return sys_; }

private:
  caf::actor_system& sys_;
  actor_wording words_;
};

/// The manager's wording, shared by the features it answers.
inline actor_wording manager_wording() {
  return {"no manager runs in this process", "the manager did not answer in time",
          "the manager cannot be reached: "};
}

struct caf_backend_options;

std::unique_ptr<jobs_backend> make_caf_jobs(caf::actor_system& sys, const caf_backend_options& o);
/// `workers` (may be null) adds HTTP workers' last contact to their rows.
std::unique_ptr<nodes_backend> make_caf_nodes(caf::actor_system& sys, const caf_backend_options& o,
                                              worker_backend* workers);
std::unique_ptr<data_backend> make_caf_data(caf::actor_system& sys, const caf_backend_options& o);
std::unique_ptr<schedules_backend> make_caf_schedules(caf::actor_system& sys,
                                                      const caf_backend_options& o);
std::unique_ptr<insight_backend> make_caf_insight(caf::actor_system& sys,
                                                  const caf_backend_options& o);

} // namespace drover
