// The one place that reads the host's /proc files and statvfs for
// host_stats.hpp; everything it reads is handed to the pure parsers.
#include <sys/statvfs.h>

#include <fstream>
#include <sstream>

#include "core/host_stats.hpp"

namespace drover {

namespace {

bool slurp(const std::string& path, std::string& out) {
  std::ifstream in{path};
  if (!in)
    return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

} // namespace

host_sample read_host(const std::string& proc_root, const std::string& disk_path,
                      int64_t at_ms) {
  host_sample s;
  s.at_ms = at_ms;
  std::string text;
  if (slurp(proc_root + "/stat", text)) {
    auto cpu = parse_proc_stat(text);
    s.ok_cpu = cpu.ok(); // unreadable: the sample says so, the node stays up
    if (cpu)
      s.cpu = *cpu;
  }
  if (slurp(proc_root + "/meminfo", text)) {
    auto mem = parse_meminfo(text);
    s.ok_mem = mem.ok();
    if (mem)
      s.mem_total_kb = mem->total, s.mem_available_kb = mem->available;
  }
  if (slurp(proc_root + "/net/dev", text)) {
    auto net = parse_net_dev(text);
    s.ok_net = net.ok();
    if (net)
      s.net_rx_bytes = net->rx, s.net_tx_bytes = net->tx;
  }
  struct statvfs vfs {};
  if (::statvfs(disk_path.c_str(), &vfs) == 0) {
    s.disk_total_bytes = static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize;
    s.disk_free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    s.ok_disk = true;
  }
  return s;
}

} // namespace drover
