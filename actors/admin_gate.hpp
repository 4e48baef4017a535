// Who may give administrative orders over CAF. Administrative messages are
// the ones an operator sends, not a member: rules get/apply and the swap
// they end in, cancel (task or job), seal, and node commands. The manager
// obeys them only from its own process (the REST server, which checked the
// bearer token itself; the rules keeper; the scheduler; the registry's
// door below). A member elsewhere that holds the manager's handle cannot
// give them, with or without TLS.
//
// The one door from outside is the registry (`drover rules apply|get
// --manager=HOST:PORT`): with --token set, the request must carry it. With
// TLS on, only peers with a certificate of the cluster's CA reach the
// registry at all (app/remote.cpp).
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace drover {

/// An error to answer the current administrative message `what` with when
/// its sender is not in this process, else an empty error. `self` is the
/// manager: a refusal is logged and noted in its own events feed (GET
/// /v1/events, type admin_refused) for the operator to see.
caf::error refuse_foreign_admin(caf::scheduled_actor* self, const char* what);

/// An error to answer `what` with when `expected` (the --token) is set and
/// `given` differs (compared in constant time), else an empty error;
/// audited like refuse_foreign_admin.
caf::error refuse_without_token(caf::scheduled_actor* self, const std::string& expected,
                                const std::string& given, const char* what,
                                const caf::actor& audit_to);

} // namespace drover
