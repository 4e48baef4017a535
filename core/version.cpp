#include "core/version.hpp"

#include <caf/config.hpp> // CAF_VERSION only: no actor system here

namespace drover {

extern const char* const build_git_commit; // generated at build time (version_commit.cpp)

const char* drover_version() { return DROVER_VERSION; }

const char* git_commit() { return build_git_commit; }

std::string caf_version() {
  return std::to_string(CAF_MAJOR_VERSION) + "." + std::to_string(CAF_MINOR_VERSION) + "."
         + std::to_string(CAF_PATCH_VERSION);
}

std::string version_text() {
  return std::string{"drover "} + drover_version() + " (commit " + git_commit() + ", CAF "
         + caf_version() + ")";
}

} // namespace drover
