// `drover completion bash`: a bash completion script written from the
// CLI11 app itself (every subcommand, nested ones, and their flags), so it
// never goes stale. packaging/bash-completion/drover loads it.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace drover {

/// The script: a `_drover` function and `complete -F _drover drover`.
std::string bash_completion(const CLI::App& app);

/// Adds the hidden `completion` subcommand (argument: bash); returns it.
CLI::App* add_completion_command(CLI::App& app, std::string& shell);

} // namespace drover
