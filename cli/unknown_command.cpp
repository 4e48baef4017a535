// See cli/unknown_command.hpp.
#include "cli/unknown_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "config/flag_layers.hpp"

namespace drover {

namespace {

/// The subcommands a user may type (hidden ones, e.g. completion, left out
/// of the list but still known).
std::vector<std::string> names_of(CLI::App& level, bool visible_only) {
  std::vector<std::string> out;
  for (auto* sub : level.get_subcommands([](CLI::App*) { return true; }))
    if (!visible_only || !sub->get_group().empty())
      out.push_back(sub->get_name());
  return out;
}

} // namespace

std::string unknown_subcommand(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* level = &app;
  std::string path; // the subcommands placed so far, e.g. "rules"
  for (auto& word : args) {
    if (word.empty() || word[0] == '-')
      continue; // a flag; its value, if separate, comes after a subcommand is placed
    auto known = names_of(*level, false);
    if (std::find(known.begin(), known.end(), word) != known.end()) {
      level = level->get_subcommand(word);
      path += (path.empty() ? "" : " ") + word;
      continue;
    }
    if (level->get_require_subcommand_min() == 0)
      return {}; // an argument, not a subcommand
    auto visible = names_of(*level, true);
    auto near = closest_name(word, visible);
    auto hint = near.empty() ? std::string{} : fmt::format("; did you mean '{}'?", near);
    return fmt::format("unknown subcommand '{}'{}{} (subcommands: {})", word,
                       path.empty() ? "" : " of " + path, hint, fmt::join(visible, ", "));
  }
  if (level->get_require_subcommand_min() > 0)
    return fmt::format("{} a subcommand: {}", path.empty() ? "it needs" : path + " needs",
                       fmt::join(names_of(*level, true), ", "));
  return {};
}

} // namespace drover
