// Where `drover run` keeps its state: one --data-dir holding the SQLite
// store (and its .data companion and schedules), each consumer's
// mailbox-<node>.db and exec-groups-<node>. Relative --store paths are
// read under it; absolute ones stay where they are. No CAF here.
#pragma once

#include <string>

#include "config/options.hpp"

namespace drover {

/// The data dir when --data-dir is not given: drover-data in the working
/// directory when that directory belongs to the user running drover, else
/// drover-data-<user> there, so two users starting drover in one shared
/// directory (/tmp) never share a store.
std::string default_data_dir(bool cwd_is_mine, const std::string& user);

/// `store` (a --store value) with a relative sqlite PATH put under `dir`;
/// memory and absolute paths unchanged.
std::string store_under(const std::string& store, const std::string& dir);

/// True if a process running `o` writes a file into its data dir.
bool writes_data_dir(const run_options& o);

/// Settles o.data_dir (the default above when empty) and o.store (under
/// it), and creates the directory (mode 0700) when this process writes
/// into it. ec::bad_input naming --data-dir if it cannot be created.
error settle_data_dir(run_options& o);

} // namespace drover
