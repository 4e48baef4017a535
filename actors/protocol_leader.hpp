// Messages between a manager process's elector, its lease caller and its
// registry (actors/elector.hpp). Atoms only: these never leave the process.
#pragma once

#include <caf/atom.hpp>

namespace drover {

using elect_atom = caf::atom_constant<caf::atom("elect")>;       ///< make one lease attempt
using deadline_atom = caf::atom_constant<caf::atom("deadline")>; ///< a leader's local deadline
/// (leader_atom, registry address) to a standby's registry: who leads now.
using leader_atom = caf::atom_constant<caf::atom("leader")>;

} // namespace drover
