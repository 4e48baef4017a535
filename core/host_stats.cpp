// Parsers and delta math of host_stats.hpp (the file reading is in
// host_sample.cpp). The /proc formats are documented in proc(5).
#include "core/host_stats.hpp"

#include <charconv>
#include <vector>

namespace drover {

namespace {

/// Splits `line` on blanks into numbers; stops at the first non-number.
std::vector<uint64_t> numbers_of(std::string_view line) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    if (i == line.size())
      break;
    uint64_t v = 0;
    auto [end, err] = std::from_chars(line.data() + i, line.data() + line.size(), v);
    if (err != std::errc{})
      break;
    out.push_back(v);
    i = static_cast<size_t>(end - line.data());
  }
  return out;
}

/// Calls f(line) for each line of `text` until f returns true.
template <class F>
void for_lines(std::string_view text, F f) {
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (f(text.substr(start, end - start)))
      return;
    start = end + 1;
  }
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

} // namespace

result<cpu_times> parse_proc_stat(std::string_view text) {
  cpu_times out;
  bool found = false;
  for_lines(text, [&](std::string_view line) {
    if (line.substr(0, 4) != "cpu ")
      return false;
    // user nice system idle iowait irq softirq steal (guest is inside user)
    auto n = numbers_of(line.substr(4));
    if (n.size() < 4)
      return true;
    n.resize(8, 0);
    out.busy = n[0] + n[1] + n[2] + n[5] + n[6] + n[7];
    out.total = out.busy + n[3] + n[4];
    found = true;
    return true;
  });
  if (!found)
    return {ec::bad_input, "no 'cpu ' line with at least 4 numbers"};
  return out;
}

result<mem_kb> parse_meminfo(std::string_view text) {
  uint64_t total = 0, avail = 0, free = 0, buffers = 0, cached = 0;
  bool has_total = false, has_avail = false;
  for_lines(text, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return false;
    auto key = line.substr(0, colon);
    auto n = numbers_of(line.substr(colon + 1));
    if (n.empty())
      return false;
    if (key == "MemTotal")
      total = n[0], has_total = true;
    else if (key == "MemAvailable")
      avail = n[0], has_avail = true;
    else if (key == "MemFree")
      free = n[0];
    else if (key == "Buffers")
      buffers = n[0];
    else if (key == "Cached")
      cached = n[0];
    return false;
  });
  if (!has_total)
    return error{ec::bad_input, "no 'MemTotal:' line"};
  return mem_kb{total, has_avail ? avail : free + buffers + cached};
}

result<net_bytes> parse_net_dev(std::string_view text) {
  uint64_t rx = 0, tx = 0;
  bool any = false;
  for_lines(text, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return false; // the two header lines
    auto name = trim_left(line.substr(0, colon));
    if (name == "lo")
      return false;
    // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes ...
    auto n = numbers_of(line.substr(colon + 1));
    if (n.size() < 9)
      return false;
    rx += n[0];
    tx += n[8];
    any = true;
    return false;
  });
  if (!any)
    return error{ec::bad_input, "no interface line other than lo"};
  return net_bytes{rx, tx};
}

double cpu_percent(const cpu_times& a, const cpu_times& b) {
  if (b.total <= a.total || b.busy < a.busy)
    return 0;
  auto pct = 100.0 * static_cast<double>(b.busy - a.busy) / static_cast<double>(b.total - a.total);
  return pct > 100.0 ? 100.0 : pct;
}

double bytes_per_second(uint64_t before, uint64_t after, int64_t ms) {
  if (ms <= 0 || after < before)
    return 0;
  return static_cast<double>(after - before) * 1000.0 / static_cast<double>(ms);
}

double used_percent(uint64_t total, uint64_t available) {
  if (total == 0 || available >= total)
    return 0;
  return 100.0 * static_cast<double>(total - available) / static_cast<double>(total);
}

host_figures figures_of(const host_sample& a, const host_sample& b) {
  host_figures f;
  if (a.ok_cpu && b.ok_cpu)
    f.cpu_pct = cpu_percent(a.cpu, b.cpu);
  if (b.ok_mem)
    f.mem_pct = used_percent(b.mem_total_kb, b.mem_available_kb);
  if (b.ok_disk)
    f.disk_pct = used_percent(b.disk_total_bytes, b.disk_free_bytes);
  if (a.ok_net && b.ok_net) {
    auto ms = b.at_ms - a.at_ms;
    f.net_in_bps = bytes_per_second(a.net_rx_bytes, b.net_rx_bytes, ms);
    f.net_out_bps = bytes_per_second(a.net_tx_bytes, b.net_tx_bytes, ms);
  }
  return f;
}

} // namespace drover
