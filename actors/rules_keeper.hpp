// The rules keeper: parses and validates new rule sets so that the manager
// never does (DESIGN.md §4, hot swap). Two sources of new sets:
//   - the rules file, re-read every `poll` and swapped in when its text
//     changed (a bad edit is logged and the set in force stays);
//   - (rules, apply, yaml, source) requests, which the manager delegates here
//     from `drover rules apply`, the registry or REST; the requester gets the
//     new rules_info, or ec::invalid_rules with one "source:line:col: ..."
//     line per problem.
// A valid set goes to the manager as (swap, rules_update); the manager swaps
// between two dispatch rounds, so no task is assigned under two sets.
#pragma once

#include <chrono>
#include <string>

#include <caf/fwd.hpp>

namespace drover {

struct rules_keeper_options {
  std::string path;                       ///< the file to watch; empty: none
  std::chrono::milliseconds poll{1000};   ///< how often to look at it; 0: never
  std::string hash_in_force;              ///< skip the file while its text has this hash
};

/// Spawns the keeper linked to `manager`, which receives the swaps.
caf::actor spawn_rules_keeper(caf::local_actor* manager, rules_keeper_options opts);

} // namespace drover
