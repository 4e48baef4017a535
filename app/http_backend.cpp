// The REST backends of a real process (app/http_backend.hpp): assembled
// here, with the two features that are one manager request per call (rules
// and monitoring); the others each have their own file.
#include "app/http_backend.hpp"

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "app/http_backend_calls.hpp"
#include "app/worker_backend.hpp"
#include "http/backend_data.hpp"
#include "http/backend_insight.hpp"
#include "http/backend_jobs.hpp"
#include "http/backend_monitor.hpp"
#include "http/backend_nodes.hpp"
#include "http/backend_rules.hpp"
#include "http/backend_schedules.hpp"

namespace drover {

namespace {

class caf_rules : public rules_backend {
public:
  caf_rules(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, manager_wording()), manager_(o.manager), timeout_(o.timeout) {}

  result<rules_info> get_rules() override {
    return calls_.ask<rules_info>(manager_, timeout_, rules_atom::value, get_atom::value);
  }

  result<rules_info> put_rules(const std::string& yaml) override {
    return calls_.ask<rules_info>(manager_, timeout_, rules_atom::value, apply_atom::value, yaml,
                                  std::string{"<rest>"});
  }

private:
  actor_calls calls_;
  caf::actor manager_;
  std::chrono::milliseconds timeout_;
};

class caf_monitor : public monitor_backend {
public:
  caf_monitor(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, manager_wording()), manager_(o.manager), timeout_(o.timeout) {}

  result<metrics_snapshot> metrics() override {
    return calls_.ask<metrics_snapshot>(manager_, timeout_, metrics_atom::value);
  }

  result<std::vector<alert_info>> alerts() override {
    return calls_.ask<std::vector<alert_info>>(manager_, timeout_, get_atom::value,
                                               alert_atom::value);
  }

  result<health_info> health() override {
    // A short bound: a health probe must answer fast, ready or not.
    auto h = calls_.ask<health_info>(manager_, std::chrono::milliseconds(2000),
                                     health_atom::value);
    if (!h) // still recovering (the manager holds requests until then) or gone
      return health_info{false, h.err().message};
    return h;
  }

private:
  actor_calls calls_;
  caf::actor manager_;
  std::chrono::milliseconds timeout_;
};

} // namespace

caf_backends::caf_backends(caf::actor_system& sys, const caf_backend_options& opts)
  : workers_(opts.worker_hub ? make_caf_worker_backend(sys, opts.worker_hub, opts.timeout)
                             : nullptr),
    jobs_(make_caf_jobs(sys, opts)), rules_(std::make_unique<caf_rules>(sys, opts)),
    nodes_(make_caf_nodes(sys, opts, workers_.get())), monitor_(std::make_unique<caf_monitor>(sys, opts)),
    data_(make_caf_data(sys, opts)), schedules_(make_caf_schedules(sys, opts)),
    insight_(make_caf_insight(sys, opts)) {}

caf_backends::~caf_backends() = default;

http_backends caf_backends::bundle() const {
  http_backends b;
  b.jobs = jobs_.get();
  b.rules = rules_.get();
  b.nodes = nodes_.get();
  b.monitor = monitor_.get();
  b.data = data_.get();
  b.schedules = schedules_.get();
  b.workers = workers_.get();
  b.insight = insight_.get();
  return b;
}

} // namespace drover
