// A node's host figures from Linux's /proc text and statvfs: pure parsers
// of the text (tested on samples), the delta math that turns two samples
// into CPU % and network bytes/s, and one reader of the real files
// (host_sample.cpp). No CAF: the consumer's status reporter calls these.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/errors.hpp"

namespace drover {

/// The aggregate "cpu" line of /proc/stat, in clock ticks.
struct cpu_times {
  uint64_t busy = 0;   ///< user+nice+system+irq+softirq+steal
  uint64_t total = 0;  ///< busy + idle + iowait
};

/// One reading of the host. `ok_*` say which parts could be read.
struct host_sample {
  cpu_times cpu;
  uint64_t mem_total_kb = 0;
  uint64_t mem_available_kb = 0;
  uint64_t disk_total_bytes = 0;
  uint64_t disk_free_bytes = 0;   ///< available to unprivileged users
  uint64_t net_rx_bytes = 0;      ///< all interfaces but lo
  uint64_t net_tx_bytes = 0;
  int64_t at_ms = 0;              ///< when it was taken (the caller's clock)
  bool ok_cpu = false, ok_mem = false, ok_disk = false, ok_net = false;
};

/// What a status report shows, from two samples (or one, for the gauges).
struct host_figures {
  double cpu_pct = 0;
  double mem_pct = 0;
  double disk_pct = 0;
  double net_in_bps = 0;
  double net_out_bps = 0;
};

/// Parses the first "cpu " line of /proc/stat. ec::bad_input if there is
/// none or it has fewer than 4 numbers.
result<cpu_times> parse_proc_stat(std::string_view text);
/// Total and available memory of /proc/meminfo, in kB.
struct mem_kb {
  uint64_t total = 0;
  uint64_t available = 0;
};
/// Reads MemTotal and MemAvailable from /proc/meminfo; ec::bad_input if
/// MemTotal is missing. Without MemAvailable (kernels < 3.14) uses
/// MemFree + Buffers + Cached.
[[nodiscard]] result<mem_kb> parse_meminfo(std::string_view text);
/// Bytes received and transmitted.
struct net_bytes {
  uint64_t rx = 0;
  uint64_t tx = 0;
};
/// Sums received and transmitted bytes over every interface of
/// /proc/net/dev except lo; ec::bad_input if no interface line parses.
[[nodiscard]] result<net_bytes> parse_net_dev(std::string_view text);

/// Busy share of the ticks between `a` and `b`, 0..100; 0 if no tick passed
/// or the counters went backwards.
double cpu_percent(const cpu_times& a, const cpu_times& b);
/// Bytes per second between two counter readings `ms` apart; 0 if ms <= 0
/// or the counter went backwards (an interface reset).
double bytes_per_second(uint64_t before, uint64_t after, int64_t ms);
/// Used share of a total, 0..100; 0 for an empty total.
double used_percent(uint64_t total, uint64_t available);
/// Figures from the previous sample `a` and the current `b`; CPU and net
/// need both (first report: pass a default `a`, they read 0).
host_figures figures_of(const host_sample& a, const host_sample& b);

/// Reads /proc/stat, /proc/meminfo, /proc/net/dev under `proc_root` and
/// statvfs of `disk_path`; parts that cannot be read stay 0 with ok_* false.
host_sample read_host(const std::string& proc_root, const std::string& disk_path,
                      int64_t at_ms);

} // namespace drover
