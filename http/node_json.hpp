// JSON of node status reports and node commands for
// GET /v1/nodes, GET /v1/nodes/{id}/status and /v1/nodes/{id}/commands, and
// the parser of a command request. No CAF; nlohmann::json throws only here.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "http/api_types.hpp"

namespace drover {

nlohmann::json to_json(const node_status& s);
nlohmann::json to_json(const node_command& c);
/// {"node": ..., "commands": [...]}
nlohmann::json commands_json(const std::string& node, const std::vector<node_command>& cs);
/// {"node": ..., "since_ms": ..., "reports": [...]}
nlohmann::json history_json(const std::string& node, int64_t since_ms,
                            const std::vector<node_status>& ss);
/// Adds "mode" (consumers) and "status" (latest report, if any) to one
/// entry of GET /v1/nodes.
void add_node_fields(nlohmann::json& entry, const node_info& n);

/// The command name of {"command": "<name>"}; ec::bad_input saying what is
/// wrong with anything else (not JSON, not an object, missing or non-string
/// "command", unknown keys, an unknown command name).
result<std::string> parse_command_request(const std::string& body);

} // namespace drover
