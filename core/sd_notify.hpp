// Readiness and stopping reported to systemd (Type=notify units): one
// datagram to the unix socket named by $NOTIFY_SOCKET, as sd_notify(3)
// sends it. Written here (a dozen lines) rather than linking libsystemd
// for one function. Without NOTIFY_SOCKET nothing is sent.
#pragma once

#include <string>

#include "core/errors.hpp"

namespace drover {

/// Sends `state` ("READY=1", "STOPPING=1", "STATUS=...") to $NOTIFY_SOCKET;
/// no error when the variable is unset. An abstract socket ("@name") is
/// supported.
error sd_notify_state(const std::string& state);

} // namespace drover
