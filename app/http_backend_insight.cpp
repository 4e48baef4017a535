// The insight backend of a real process: the events feed, the series, the
// manager's card and one node's page, each one request to the manager
// (actors/manager_watch.cpp).
#include "actors/protocol.hpp"
#include "actors/protocol_watch.hpp"
#include "app/http_backend.hpp"
#include "app/http_backend_calls.hpp"
#include "http/backend_insight.hpp"

namespace drover {

namespace {

class caf_insight : public insight_backend {
public:
  caf_insight(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, manager_wording()), manager_(o.manager), node_(o.node), timeout_(o.timeout) {}

  result<event_page> events(uint64_t after, uint32_t limit) override {
    return calls_.ask<event_page>(manager_, timeout_, events_atom::value, after, limit);
  }

  result<series_page> series(int64_t since_ms) override {
    return calls_.ask<series_page>(manager_, timeout_, series_atom::value, since_ms);
  }

  result<manager_card> manager() override {
    return calls_.ask<manager_card>(manager_, timeout_, card_atom::value);
  }

  result<node_detail> node(const std::string& node) override {
    auto d = calls_.ask<node_detail>(manager_, timeout_, get_atom::value, members_atom::value,
                                     node);
    if (d)
      for (auto& t : d->held)
        t.ext_id = format_task_id(node_, t.created_ms, t.id);
    return d;
  }

  result<std::vector<node_info>> forget_node(const std::string& node) override {
    return calls_.ask<std::vector<node_info>>(manager_, timeout_, forget_atom::value, node);
  }

private:
  actor_calls calls_;
  caf::actor manager_;
  std::string node_;
  std::chrono::milliseconds timeout_;
};

} // namespace

std::unique_ptr<insight_backend> make_caf_insight(caf::actor_system& sys,
                                                  const caf_backend_options& o) {
  return std::make_unique<caf_insight>(sys, o);
}

} // namespace drover
