// The administrative gate: see admin_gate.hpp.
#include "actors/admin_gate.hpp"

#include <caf/all.hpp>

#include "actors/protocol.hpp"
#include "core/log.hpp"
#include "core/tls_files.hpp"

namespace drover {

namespace {

std::string sender_node(caf::scheduled_actor* self) {
  auto& from = self->current_sender();
  return from ? to_string(from->node()) : std::string{"an anonymous sender"};
}

} // namespace

caf::error refuse_foreign_admin(caf::scheduled_actor* self, const char* what) {
  auto& from = self->current_sender();
  if (from && from->node() == self->node())
    return {};
  log_warn("{}: refused {} from {}: administrative messages are taken only from this "
           "process (REST with its token, or the registry's door)",
           self->name(), what, sender_node(self));
  return caf::error{ec::forbidden,
                    std::string{what} + " refused: administrative messages are taken only from "
                    "the manager's own process; use the REST API or "
                    "`drover rules ... --manager=REGISTRY`"};
}

caf::error refuse_without_token(caf::scheduled_actor* self, const std::string& expected,
                                const std::string& given, const char* what) {
  if (expected.empty() || same_secret(given, expected))
    return {};
  log_warn("{}: refused {} from {}: {} token", self->name(), what, sender_node(self),
           given.empty() ? "no" : "a wrong");
  return caf::error{ec::forbidden, std::string{what} + " refused: the cluster runs with --token; "
                                   + (given.empty() ? "give it with --token or $DROVER_TOKEN"
                                                    : "the token given is wrong")};
}

} // namespace drover
