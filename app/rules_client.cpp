#include "app/rules_client.hpp"

#include <ostream>

#include <caf/io/all.hpp>

#include "actors/protocol.hpp"
#include "app/remote.hpp"
#include "core/log.hpp"
#include "rules/rule_set.hpp"

namespace drover {

namespace {

struct client_config : caf::actor_system_config {
  client_config() {
    load<caf::io::middleman>();
    add_drover_types(*this);
  }
};

void print_info(std::ostream& out, const rules_info& info) {
  out << "rules in force: " << info.source << " version " << info.version << " hash "
      << info.hash << " (" << info.rules << " rules)\n";
}

/// Connects to `manager` and sends `msg`; on an answer calls `on_info`.
template <class... Ts>
int ask(const std::string& manager, std::chrono::milliseconds timeout, std::ostream& err,
        rules_info& info, Ts&&... msg) {
  endpoint ep;
  if (auto e = parse_endpoint(manager, ep)) {
    err << "drover: --manager: " << e.message << "\n";
    return 2;
  }
  client_config cfg;
  caf::actor_system sys{cfg};
  caf::actor target;
  if (auto e = connect_to(sys, ep, timeout, target)) {
    err << "drover: " << e.message << "\n";
    return 1; // a runtime failure, not bad usage
  }
  int code = 0;
  caf::scoped_actor self{sys};
  self->request(target, timeout, std::forward<Ts>(msg)...)
    .receive([&](rules_info& x) { info = std::move(x); },
             [&](caf::error& e) {
               err << "drover: the manager refused: " << sys.render(e) << "\n";
               code = 1;
             });
  return code;
}

} // namespace

int apply_rules_remote(const std::string& file, const std::string& manager,
                       std::chrono::milliseconds timeout, std::ostream& out, std::ostream& err) {
  rule_set local;
  if (auto e = load_rules(file, local)) { // the same check the manager makes
    err << e.message << "\n";
    return 2;
  }
  rules_info info;
  int code = ask(manager, timeout, err, info, rules_atom::value, apply_atom::value,
                 local.text, file);
  if (code == 0)
    print_info(out, info);
  return code;
}

int get_rules_remote(const std::string& manager, std::chrono::milliseconds timeout,
                     std::ostream& out, std::ostream& err) {
  rules_info info;
  int code = ask(manager, timeout, err, info, rules_atom::value, get_atom::value);
  if (code == 0) {
    print_info(out, info);
    out << info.text;
    if (!info.text.empty() && info.text.back() != '\n')
      out << "\n";
  }
  return code;
}

} // namespace drover
