#include "app/rules_client.hpp"

#include <ostream>
#include <thread>

#include <caf/io/all.hpp>

#include "actors/protocol.hpp"
#include "app/remote.hpp"
#include "core/backoff.hpp"
#include "core/log.hpp"
#include "http/port_probe.hpp"
#include "rules/rule_set.hpp"

namespace drover {

namespace {

struct client_config : caf::actor_system_config {
  explicit client_config(const tls_files& tls) {
    configure_node_links(*this, tls);
    add_drover_types(*this);
  }
};

void print_info(std::ostream& out, const rules_info& info) {
  out << "rules in force: " << info.source << " version " << info.version << " hash "
      << info.hash << " (" << info.rules << " rules)\n";
}

/// Worth another try: the registry or manager is away (restarting), not a
/// refusal of what was sent.
bool is_transient(const caf::error& e) {
  return e == caf::sec::request_timeout || e == caf::exit_reason::remote_link_unreachable
         || e == caf::sec::cannot_connect_to_node || e == caf::sec::disconnect_during_handshake
         || (e.category() == caf::atom("drover")
             && (e.code() == static_cast<uint8_t>(ec::no_manager)
                 || e.code() == static_cast<uint8_t>(ec::unreachable)));
}

/// Connects to `manager` and sends `msg` until an answer, a refusal, or
/// `reconnect` has passed (0: keep trying); a new connection every time,
/// since a registry that restarted is a new process.
template <class... Ts>
int ask(const std::string& manager, const tls_files& tls, std::chrono::milliseconds timeout,
        std::chrono::milliseconds reconnect, std::ostream& err, rules_info& info,
        const Ts&... msg) {
  auto parsed = parse_endpoint(manager);
  if (!parsed) {
    err << "drover: --manager: " << parsed.err().message << "\n";
    return 2;
  }
  endpoint ep = *parsed;
  if (auto e = check_tls_files(tls)) {
    err << "drover: " << e.message << "\n";
    return 2;
  }
  client_config cfg{tls};
  caf::actor_system sys{cfg};
  backoff_policy policy{std::chrono::milliseconds{100}, std::chrono::milliseconds{2000}, reconnect};
  using clock = std::chrono::steady_clock;
  auto ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now().time_since_epoch())
      .count();
  };
  auto since = ms();
  for (uint32_t failures = 1;; ++failures) {
    std::string why;
    auto target = connect_to(sys, ep, timeout);
    if (!target) {
      if (failures == 1
          && probe_port(ep.host, ep.port, std::chrono::milliseconds(500)) == port_speaks::http) {
        err << "drover: --manager=" << manager << " is drover's REST port (--http), not a node "
            << "port: --manager wants the registry's --listen address (default 127.0.0.1:4700); "
            << "or ask the REST API: drover rules get --server=http://" << manager << "\n";
        return 2;
      }
      why = target.err().message;
    } else {
      int code = -1;
      caf::scoped_actor self{sys};
      self->request(*target, timeout, msg...)
        .receive([&](rules_info& x) { info = std::move(x), code = 0; },
                 [&](caf::error& e) {
                   if (is_transient(e))
                     why = "the manager did not answer: " + sys.render(e);
                   else
                     err << "drover: the manager refused: " << sys.render(e) << "\n", code = 1;
                 });
      if (code >= 0)
        return code;
    }
    auto d = next_retry(policy, failures, since, ms());
    if (d.give_up) {
      err << "drover: " << why << " (gave up after " << (ms() - since)
          << " ms, --reconnect-timeout)\n";
      return 1; // a runtime failure, not bad usage
    }
    if (worth_logging(failures))
      err << "drover: " << why << "; trying again in " << d.wait.count() << " ms\n";
    std::this_thread::sleep_for(d.wait);
  }
}

} // namespace

int apply_rules_remote(const std::string& file, const std::string& manager,
                       const admin_identity& who, std::chrono::milliseconds timeout, std::chrono::milliseconds reconnect,
                       std::ostream& out, std::ostream& err) {
  auto local = load_rules(file); // the same check the manager makes
  if (!local) {
    err << local.err().message << "\n";
    return 2;
  }
  rules_info info;
  int code = ask(manager, who.tls, timeout, reconnect, err, info, rules_atom::value,
                 apply_atom::value, local->text, file, who.token);
  if (code == 0)
    print_info(out, info);
  return code;
}

int get_rules_remote(const std::string& manager, const admin_identity& who,
                     std::chrono::milliseconds timeout,
                     std::chrono::milliseconds reconnect, std::ostream& out, std::ostream& err) {
  rules_info info;
  int code = ask(manager, who.tls, timeout, reconnect, err, info, rules_atom::value,
                 get_atom::value, who.token);
  if (code == 0) {
    print_info(out, info);
    out << info.text;
    if (!info.text.empty() && info.text.back() != '\n')
      out << "\n";
  }
  return code;
}

} // namespace drover
