// See app/worker_backend.hpp.
#include "app/worker_backend.hpp"

#include "actors/protocol.hpp"
#include "actors/protocol_workers.hpp"
#include "app/http_backend_calls.hpp"

namespace drover {

namespace {

class caf_worker_backend : public worker_backend {
public:
  caf_worker_backend(caf::actor_system& sys, caf::actor hub, std::chrono::milliseconds timeout)
    : calls_(sys, manager_wording()), hub_(std::move(hub)), timeout_(timeout) {}

  void poll(worker_poll p, poll_answer answer) override {
    auto send = std::make_shared<std::function<bool(const std::vector<worker_task>&)>>(
      std::move(answer));
    caf::anon_send(hub_, wpoll_atom::value, std::move(p), poll_reply{std::move(send)});
  }

  result<worker_beat> heartbeat(task_id id, uint64_t lease) override {
    return calls_.ask<worker_beat>(hub_, timeout_, wbeat_atom::value, id, lease);
  }

  result<std::vector<worker_verdict>> complete(std::vector<worker_result> results) override {
    auto v = calls_.ask<std::vector<uint8_t>>(hub_, timeout_, wdone_atom::value,
                                              std::move(results));
    if (!v)
      return v.err();
    std::vector<worker_verdict> out;
    out.reserve(v->size());
    for (auto x : v.value())
      out.push_back(static_cast<worker_verdict>(x));
    return out;
  }

  result<std::vector<worker_view>> workers() override {
    return calls_.ask<std::vector<worker_view>>(hub_, timeout_, get_atom::value,
                                                wview_atom::value);
  }

private:
  actor_calls calls_; ///< the hub lives beside the manager: the manager's wording
  caf::actor hub_;
  std::chrono::milliseconds timeout_;
};

} // namespace

std::unique_ptr<worker_backend> make_caf_worker_backend(caf::actor_system& sys, caf::actor hub,
                                                        std::chrono::milliseconds timeout) {
  return std::make_unique<caf_worker_backend>(sys, std::move(hub), timeout);
}

} // namespace drover
