// What `drover --version` prints: drover's version (the CMake project
// version), the git commit it was built from and the CAF version.
#pragma once

#include <string>

namespace drover {

/// "drover 0.1.0 (commit 1a2b3c4d5e6f, CAF 0.17.6)"; the commit is
/// "unknown" when built outside a git checkout.
std::string version_text();

/// The parts, for the manager card and tests.
const char* drover_version();
const char* git_commit();
std::string caf_version();

} // namespace drover
