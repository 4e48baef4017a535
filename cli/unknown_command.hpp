// What to say when CLI11 cannot place a word as a subcommand: `drover statsu`
// would otherwise answer "A subcommand is required". Names the word, the
// closest subcommand and the list, at any depth (`drover rules aply`).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace drover {

/// "unknown subcommand 'statsu'; did you mean 'status'? (subcommands: run,
/// submit, ...)" for the first word of `args` (argv without the program)
/// that is not a subcommand where one is required, or "drover rules needs a
/// subcommand: get, apply" when the words end where one is required; "" if
/// the words place every subcommand.
[[nodiscard]] std::string unknown_subcommand(CLI::App& app, const std::vector<std::string>& args);

} // namespace drover
