// Internal to cli/: one function per client command, called by
// cli/commands.cpp once CLI11 has parsed the flags. Each returns the exit
// code of cli/commands.hpp (0 ok, 1 runtime/server failure, 2 bad usage).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "cli/api_client.hpp"
#include "cli/commands.hpp"

namespace drover {

struct client_io {
  std::ostream& out;
  std::ostream& err;
  bool tty;               ///< stdout is a terminal: draw a progress bar
};

int run_submit(const client_commands& c, api_client& api, client_io& io);
int run_status(const client_commands& c, api_client& api, client_io& io);
int run_cancel(const client_commands& c, api_client& api, client_io& io);
int run_seal(const client_commands& c, api_client& api, client_io& io);
int run_jobs(const client_commands& c, api_client& api, client_io& io);
int run_nodes(const client_commands& c, api_client& api, client_io& io);
int run_results(const client_commands& c, api_client& api, client_io& io);

/// Prints the first `max` tasks of finished `job` (GET /v1/jobs/{id} JSON)
/// that did not succeed, with their errors, then "and N more"; with
/// `collected` it appends their JSON there instead of printing. 0 or the
/// exit code of a failed request.
int print_failed_tasks(api_client& api, client_io& io, const nlohmann::json& job, uint32_t max,
                       nlohmann::json* collected = nullptr);
int run_rules_get(const client_commands& c, api_client& api, client_io& io);
int run_rules_apply(const client_commands& c, api_client& api, client_io& io);

/// The exit code of `reply`; on success prints its JSON with `human`, or as
/// indented JSON with `as_json`.
int print_reply(api_client& api, client_io& io, bool as_json, const api_reply& reply,
                const std::function<void(const nlohmann::json&)>& human);


/// Reads a whole file; ec::bad_input with a one-line reason if it cannot.
[[nodiscard]] result<std::string> read_file(const std::string& path);

/// Percent-encodes one URL path segment (ids may hold any character).
std::string url_segment(const std::string& text);

} // namespace drover
