#include "cli/completion.hpp"

#include <functional>

#include <CLI/CLI.hpp>

namespace drover {

namespace {

/// The words offered after `app`'s path: its visible subcommands and flags.
std::string words_of(const CLI::App& app) {
  std::string out;
  for (const auto* sub : app.get_subcommands({}))
    if (!sub->get_group().empty())
      out += sub->get_name() + " ";
  for (const auto* opt : app.get_options()) {
    if (opt->get_group().empty())
      continue;
    for (auto& l : opt->get_lnames())
      out += "--" + l + " ";
  }
  if (!out.empty())
    out.pop_back();
  return out;
}

/// One `case` arm per command path ("", "run", "rules apply", ...).
void arms(const CLI::App& app, const std::string& path, std::string& out) {
  out += "    \"" + path + "\") words=\"" + words_of(app) + "\" ;;\n";
  for (const auto* sub : app.get_subcommands({}))
    if (!sub->get_group().empty())
      arms(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
}

} // namespace

std::string bash_completion(const CLI::App& app) {
  std::string cases;
  arms(app, "", cases);
  return "# bash completion for drover, written by `drover completion bash`.\n"
         "_drover() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" words=\"\" i w\n"
         "  # The command path: the words before the cursor that are not flags.\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    w=\"${COMP_WORDS[i]}\"\n"
         "    case \"$w\" in -*) continue ;; esac\n"
         "    if _drover_known \"${path:+$path }$w\"; then path=\"${path:+$path }$w\"; fi\n"
         "  done\n"
         "  case \"$path\" in\n" + cases +
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "_drover_known() {\n"
         "  case \"$1\" in\n" + [&] {
           std::string known;
           std::function<void(const CLI::App&, const std::string&)> walk =
             [&](const CLI::App& a, const std::string& path) {
               for (const auto* sub : a.get_subcommands({}))
                 if (!sub->get_group().empty()) {
                   auto p = path.empty() ? sub->get_name() : path + " " + sub->get_name();
                   known += "    \"" + p + "\") return 0 ;;\n";
                   walk(*sub, p);
                 }
             };
           walk(app, "");
           return known;
         }() +
         "  esac\n"
         "  return 1\n"
         "}\n"
         "complete -o default -F _drover drover\n";
}

CLI::App* add_completion_command(CLI::App& app, std::string& shell) {
  auto* sub = app.add_subcommand("completion", "print a shell completion script (bash)");
  sub->add_option("shell", shell, "bash")->required()->check(CLI::IsMember({"bash"}));
  sub->group(""); // hidden: packaging/bash-completion/drover calls it
  return sub;
}

} // namespace drover
