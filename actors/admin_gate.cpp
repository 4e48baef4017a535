// The administrative gate: see admin_gate.hpp.
#include "actors/admin_gate.hpp"

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "actors/protocol_watch.hpp"
#include "core/event_log.hpp"
#include "core/log.hpp"
#include "core/tls_files.hpp"

namespace drover {

namespace {

std::string sender_node(caf::scheduled_actor* self) {
  auto& from = self->current_sender();
  return from ? to_string(from->node()) : std::string{"an anonymous sender"};
}

/// Logs the refusal and notes it in the manager's events feed: refused
/// orders are what an operator audits, and a log line is not where a
/// dashboard or a script looks.
void audit(caf::scheduled_actor* self, const caf::actor& audit_to, const std::string& text) {
  log_warn("{}: {}", self->name(), text);
  if (audit_to)
    caf::anon_send(audit_to, note_atom::value, static_cast<uint8_t>(event_type::admin_refused),
               sender_node(self), text, uint64_t{0});
}

} // namespace

caf::error refuse_foreign_admin(caf::scheduled_actor* self, const char* what) {
  auto& from = self->current_sender();
  if (from && from->node() == self->node())
    return {};
  audit(self, caf::actor_cast<caf::actor>(self),
        fmt::format("refused {} from {}: administrative messages are taken only from this "
                    "process (REST with its token, or the registry's door)",
                    what, sender_node(self)));
  return caf::error{ec::forbidden,
                    std::string{what} + " refused: administrative messages are taken only from "
                    "the manager's own process; use the REST API or "
                    "`drover rules ... --manager=REGISTRY`"};
}

caf::error refuse_without_token(caf::scheduled_actor* self, const std::string& expected,
                                const std::string& given, const char* what,
                                const caf::actor& audit_to) {
  if (expected.empty() || same_secret(given, expected))
    return {};
  audit(self, audit_to, fmt::format("refused {} from {}: {} token", what, sender_node(self),
                                    given.empty() ? "no" : "a wrong"));
  return caf::error{ec::forbidden, std::string{what} + " refused: the cluster runs with --token; "
                                   + (given.empty() ? "give it with --token or $DROVER_TOKEN"
                                                    : "the token given is wrong")};
}

} // namespace drover
