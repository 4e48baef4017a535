// Where each `drover run` flag gets its value, decided once for every flag:
// the command line, else the environment (DROVER_<FLAG>: upper case, dashes
// as underscores), else the config file (the flag's name as the key), else
// the default. Values from the environment and the file go through the
// flag's own CLI11 checks and conversions, so `grace: 1s`, DROVER_GRACE=1s
// and --grace=1s mean the same and are refused the same way.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/http_flags.hpp"
#include "config/options.hpp"

namespace CLI {
class App;
class Option;
}

namespace drover {

/// The process environment, NAME -> value (tests pass their own).
using env_map = std::map<std::string, std::string>;
env_map process_env();

/// The config file read when neither --config nor DROVER_CONFIG names
/// one, if it exists: $DROVER_SYSTEM_CONFIG, else /etc/drover/drover.yaml.
std::string system_config_path(const env_map& env);

/// "DROVER_MAX_BODY" for the flag --max-body.
std::string env_name_of(const std::string& flag);

/// The values a config file gives to flags, checked against the flags of
/// `drover run` but not yet applied (the command line may override them).
struct file_layer {
  struct entry {
    std::string key;                 ///< as written in the file
    std::string flag;                ///< the option's name, without "--"
    std::vector<std::string> values; ///< one, or a list's items
    std::string where;               ///< "file:line:column"
    bool names = false;              ///< a list of names (role, tags)
  };
  std::string path;
  std::vector<entry> entries;
  std::vector<std::string> warnings; ///< old key names still accepted
  bool queues = false;               ///< a `queues:` map was applied to the options
};

/// Adds every flag of `drover run` (config/options.cpp, config/http_flags.cpp)
/// to `app`, with negative numbers refused.
void add_all_run_flags(CLI::App& app, run_options& opts, http_flags& http);

/// Reads the YAML config file at `path` for the flags of `run`: keys that
/// name a flag go into the layer returned; `queues:` (a map), `schedules:`
/// and `handlers:` are read into `opts` now. Unknown keys, wrong shapes, bad
/// bytes: ec::bad_input with "file:line:column: ..." lines, all at once.
result<file_layer> read_config_layer(const std::string& path, const CLI::App& run,
                                     run_options& opts);

/// Applies the environment, then the file, to every option of `run` that
/// the command line left unset. A DROVER_ variable one or two letters away
/// from a flag's is refused as a typo, naming the closest.
error apply_flag_layers(CLI::App& run, const env_map& env, const file_layer& file);

/// The whole of it for a parsed `drover run`: finds the config file
/// (--config, DROVER_CONFIG, else the system file if it exists), reads it
/// and applies both layers. `warnings` gets what the caller should log.
error resolve_run_flags(CLI::App& run, run_options& opts, const env_map& env,
                        std::vector<std::string>& warnings);

/// The valid name closest to `name` (edit distance), "" if `names` is empty.
std::string closest_name(const std::string& name, const std::vector<std::string>& names);

} // namespace drover
