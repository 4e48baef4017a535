// Options of `drover run`: one struct with defaults, filled from flags,
// DROVER_* variables and the YAML config file in that order of precedence
// (config/flag_layers.hpp). config/drover.yaml documents every key. No CAF
// here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/queue_bounds.hpp"
#include "core/schedule_book.hpp"
#include "core/task.hpp"
#include "core/tls_files.hpp"
#include "store/durability.hpp"

namespace CLI {
class App;
class Option;
class Validator;
}
namespace YAML {
class Node;
}

namespace drover {

struct endpoint {
  std::string host;
  uint16_t port = 0;
};

/// Parses "HOST:PORT" (port 1..65535, or 0 with `allow_any_port`: the OS
/// picks one); the error says what is wrong.
result<endpoint> parse_endpoint(std::string_view text, bool allow_any_port = false);
/// Parses "HOST:PORT,HOST:PORT,..." (the registries of several manager
/// processes, one of which leads); at least one, no empty entries.
result<std::vector<endpoint>> parse_endpoints(std::string_view text);

/// The task a producer run submits unless told otherwise: type noop.
inline task_spec default_task() {
  task_spec t;
  t.type = "noop";
  return t;
}

struct run_options {
  std::vector<std::string> roles;   ///< empty: every role in this process
  std::string listen = "127.0.0.1:4700";   ///< where the registry listens
  std::string registry;             ///< HOST:PORT of a remote registry
  std::string node;                 ///< node name; default <role>-<pid>
  std::vector<std::string> tags;
  uint32_t capacity = 64;
  std::string prefetch = "auto";    ///< tasks held beyond capacity (core/lease_window.hpp)
  std::string store = "sqlite:drover.db"; ///< a relative PATH is under data_dir
  std::string durability = "disk";  ///< disk: fsync per commit; process: write only (store/durability.hpp)
  std::string rules;                ///< assignment rules file; empty: config/rules.yaml if present
  uint32_t rules_poll_ms = 1000;    ///< how often the manager re-reads it; 0: never
  uint32_t grace_ms = 1000;
  uint32_t heartbeat_ms = 1000;     ///< members -> registry; 0: only CAF down messages
  uint32_t heartbeat_misses = 3;    ///< lost after this many missed in a row
  uint32_t default_timeout_ms = 0;  ///< manager: for tasks without timeout_ms; 0: none
  uint32_t max_restarts = 5;        ///< supervisor: restarts of a role allowed ...
  uint32_t restart_window_ms = 10000; ///< ... within this many ms, then an alert
  uint32_t threads = 0;             ///< CAF scheduler threads; 0 = cores
  uint32_t connect_timeout_ms = 5000;
  uint32_t reconnect_timeout_ms = 0; ///< members: give up reaching a lost registry/manager after; 0 = never
  std::string ready_file;           ///< written once the roles are up and members registered
  int ready_fd = -1;                ///< the same JSON written to this inherited fd, then closed; -1: none
  std::string log_level = "info";
  std::string log_format = "text";  ///< text or json (core/log_format.hpp)
  // the producer's job
  uint64_t tasks = 0;
  task_spec task = default_task();  ///< every task of it: --type, --payload, --priority, ...
  std::string job = "job";
  std::string run;                  ///< a run key: the same job name runs again under a new one
  std::string idempotency_key;      ///< the run's identity, verbatim (instead of group/job/run)
  std::string group = "default";
  uint32_t list_size = 8192;
  bool quiet = false;               ///< no progress lines
  bool demo = false;                ///< --demo: the first run of a new user (app/demo.hpp)
  // multi-user data scheduling, flags in config/data_flags.cpp
  std::string data_dir;             ///< every state file; empty: the default (config/data_dir.hpp)
  uint32_t topology_ms = 5000;      ///< consumer: topology fetch interval
  uint32_t user_queue = 1000;       ///< consumer: items per user queue
  uint32_t max_data = 1048576;      ///< manager: bytes per send_data body
  // node status, commands and sleep/wake (actors/manager idle policy)
  uint32_t status_every_ms = 2000;  ///< consumers' status reports; 0 = none
  uint32_t idle_after_ms = 30000;   ///< manager: idle this long -> surplus consumers sleep; 0 = never
  uint32_t min_awake = 1;           ///< manager: consumers the idle policy keeps awake
  uint32_t wake_backlog = 64;       ///< manager: pending tasks per awake consumer that wake more
  std::string config_path;          ///< the --config file (the update command re-reads it)
  // -- queue bounds, job files, schedules --
  queue_limits queues;              ///< manager: `queues:` bounds, standby, weights
  std::string job_file;             ///< producer: job definition JSON (split, merge)
  std::vector<schedule_input> schedules; ///< config `schedules:`, upserted by name at start
  // -- users' handlers and graceful drain (consumer) --
  std::string handlers;             ///< handlers file; empty: the config's `handlers:` section
  uint32_t handlers_poll_ms = 1000; ///< how often the consumer re-reads it; 0: never
  uint32_t drain_timeout_ms = 30000; ///< SIGTERM: running tasks get this long, then go back
  // -- mutual TLS on node links (config/tls_flags.cpp) --
  tls_files tls;                    ///< --tls-cert, --tls-key, --tls-ca; none: plain TCP
  bool insecure = false;            ///< --insecure: listen beyond loopback without TLS
};

/// `base` with the config file's `queues:` map applied (keys left out keep
/// their value); ec::bad_input if a key or value is wrong.
result<queue_limits> read_queue_limits(const YAML::Node& n, queue_limits base);
/// `base` with `--queues=normal:1000,standby:500` applied (keys high,
/// normal, low, standby); the error names the bad part.
result<queue_limits> parse_queues_flag(const std::string& text, queue_limits base);

/// The durability --durability names; disk unless it says process.
/// REQUIRES: validate(opts) passed.
durability durability_of(const run_options& opts);

/// The roles drover knows, in start order.
const std::vector<std::string>& known_roles();
/// True if `opts` runs `role` (an empty role list runs all of them).
bool runs_role(const run_options& opts, std::string_view role);

/// Adds every flag of `drover run` to `app`, bound to `opts`.
void add_run_flags(CLI::App& app, run_options& opts);

/// Adds the flags of members that outlive the manager and of job run
/// identity (config/link_flags.cpp) to `app`, bound to `opts`.
void add_link_flags(CLI::App& app, run_options& opts);

/// Adds the data-scheduling flags to `app`, bound to `opts`.
void add_data_flags(CLI::App& app, run_options& opts);

/// Adds --tls-cert, --tls-key and --tls-ca to `app`, bound to `files`
/// (drover run and the CAF client commands).
void add_tls_flags(CLI::App& app, tls_files& files);

/// True if `host` can only be reached from this machine (127.0.0.0/8,
/// ::1, localhost).
bool is_loopback_host(const std::string& host);

/// Reads a YAML config file into `opts`. Unknown keys and wrong types are
/// reported as "file:line:column: what is wrong", all of them at once.
error load_config_file(const std::string& path, run_options& opts);

/// Checks values that flags and the file cannot check alone (roles,
/// endpoints, priority, ...). The error names the option to fix.
error validate(const run_options& opts);
/// The part of validate() for a producer run's identity (--run,
/// --idempotency-key; config/link_flags.cpp).
error validate_run_identity(const run_options& opts);

/// Most CAF scheduler threads --threads may ask for. A thread costs a stack
/// and a queue; past a few per core they only add switching, and 256 still
/// covers the largest machines drover runs on.
constexpr uint32_t max_threads = 256;
/// Most tasks in one pushed list (--list-size): a list is one message and one
/// transaction, held whole in memory on both sides.
constexpr uint32_t max_list_size = 1'000'000;

/// argv as strings, with `--name=` (nothing after '=') split into `--name`
/// and an empty value: CLI11 would take the next argument as the value
/// (`--token= --http=x` set the token to "--http=x").
std::vector<std::string> split_empty_values(int argc, char** argv);

/// Makes every unsigned option of `app` and its subcommands refuse a value
/// with a leading '-': CLI11 2.1 reads "--tasks=-1" as 2^64-1.
void refuse_negative_numbers(CLI::App& app);

/// "1500", "1500ms", "2s", "1m", "1h" as milliseconds; nullopt for
/// anything else (no sign, no fraction, at most 12 digits).
std::optional<uint64_t> parse_duration_ms(std::string_view text);

/// A CLI11 transform that turns a duration into milliseconds (every flag
/// whose type shows as MS takes one).
CLI::Validator ms_duration();

/// Adds a milliseconds option (type MS, durations accepted) to `app`.
CLI::Option* ms_option(CLI::App& app, const std::string& name, uint32_t& value,
                       const std::string& help);

} // namespace drover
