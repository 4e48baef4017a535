// /proc parsing and the delta math of core/host_stats.hpp, on sample text
// taken from a Linux 6.1 host (no reads of the real /proc, except one
// check that read_host copes with a missing root).
#include <doctest/doctest.h>

#include "core/host_stats.hpp"

using namespace drover;

namespace {

const char* proc_stat = "cpu  100 20 30 800 50 5 5 0 0 0\n"
                        "cpu0 50 10 15 400 25 2 3 0 0 0\n"
                        "intr 12345 0 0\n";

const char* meminfo = "MemTotal:        8000000 kB\n"
                      "MemFree:          500000 kB\n"
                      "MemAvailable:    2000000 kB\n"
                      "Buffers:          100000 kB\n"
                      "Cached:          1000000 kB\n";

const char* net_dev =
  "Inter-|   Receive                                                |  Transmit\n"
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
  "    lo: 9999999   100    0    0    0     0          0         0  9999999   100    0    0    0     0       0          0\n"
  "  eth0: 1000      10    0    0    0     0          0         0  2000      20    0    0    0     0       0          0\n"
  "wlan0:  500        5    0    0    0     0          0         0  700        7    0    0    0     0       0          0\n";

} // namespace

TEST_SUITE("host_stats") {

TEST_CASE("the aggregate cpu line gives busy and total ticks") {
  auto t = parse_proc_stat(proc_stat);
  REQUIRE(t);
  CHECK(t->busy == 100 + 20 + 30 + 5 + 5);
  CHECK(t->total == t->busy + 800 + 50);
  CHECK(parse_proc_stat("cpu0 1 2 3 4\n").err().code == ec::bad_input); // no aggregate line
  CHECK_FALSE(parse_proc_stat("cpu  1 2\n"));                           // too few numbers
}

TEST_CASE("CPU percent is the busy share of the ticks between two samples") {
  cpu_times a{100, 1000}, b{150, 1100};
  CHECK(cpu_percent(a, b) == doctest::Approx(50.0));
  CHECK(cpu_percent(a, a) == 0);          // no tick passed
  CHECK(cpu_percent(b, a) == 0);          // counters went backwards
}

TEST_CASE("memory uses MemAvailable, or free+buffers+cached on old kernels") {
  auto mem = parse_meminfo(meminfo);
  REQUIRE(mem);
  CHECK(mem->total == 8000000);
  CHECK(mem->available == 2000000);
  CHECK(used_percent(mem->total, mem->available) == doctest::Approx(75.0));
  mem = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 50 kB\n");
  REQUIRE(mem);
  CHECK(mem->available == 200);
  CHECK_FALSE(parse_meminfo("MemFree: 1 kB\n"));
  CHECK(parse_meminfo("MemFree: 1 kB\n").err().code == ec::bad_input);
}

TEST_CASE("network bytes sum every interface but lo") {
  auto net = parse_net_dev(net_dev);
  REQUIRE(net);
  CHECK(net->rx == 1500);
  CHECK(net->tx == 2700);
  CHECK_FALSE(parse_net_dev("Inter-|\n face |\n    lo: 1 2 3 4 5 6 7 8 9 10\n"));
}

TEST_CASE("bytes per second come from two counters and the time between them") {
  CHECK(bytes_per_second(1000, 3000, 2000) == doctest::Approx(1000.0));
  CHECK(bytes_per_second(1000, 3000, 0) == 0);
  CHECK(bytes_per_second(3000, 1000, 2000) == 0); // an interface reset
}

TEST_CASE("figures need two samples for CPU and network, one for the gauges") {
  host_sample a, b;
  a.ok_cpu = b.ok_cpu = a.ok_net = b.ok_net = b.ok_mem = b.ok_disk = true;
  a.cpu = {100, 1000};
  b.cpu = {200, 1200};
  a.net_rx_bytes = 0;
  b.net_rx_bytes = 4000;
  a.net_tx_bytes = 0;
  b.net_tx_bytes = 2000;
  a.at_ms = 10000;
  b.at_ms = 12000;
  b.mem_total_kb = 100;
  b.mem_available_kb = 25;
  b.disk_total_bytes = 1000;
  b.disk_free_bytes = 900;
  auto f = figures_of(a, b);
  CHECK(f.cpu_pct == doctest::Approx(50.0));
  CHECK(f.net_in_bps == doctest::Approx(2000.0));
  CHECK(f.net_out_bps == doctest::Approx(1000.0));
  CHECK(f.mem_pct == doctest::Approx(75.0));
  CHECK(f.disk_pct == doctest::Approx(10.0));
  auto first = figures_of(host_sample{}, b); // the first report
  CHECK(first.cpu_pct == 0);
  CHECK(first.net_in_bps == 0);
  CHECK(first.mem_pct == doctest::Approx(75.0));
}

TEST_CASE("reading a missing /proc root leaves every part unread, not a crash") {
  auto s = read_host("/nonexistent-proc-root", "/nonexistent-disk", 5);
  CHECK_FALSE(s.ok_cpu);
  CHECK_FALSE(s.ok_mem);
  CHECK_FALSE(s.ok_net);
  CHECK_FALSE(s.ok_disk);
  CHECK(s.at_ms == 5);
}

TEST_CASE("the real /proc of this Linux host parses") {
  auto s = read_host("/proc", ".", 0);
  CHECK(s.ok_cpu);
  CHECK(s.ok_mem);
  CHECK(s.ok_disk);
  CHECK(s.mem_total_kb > 0);
}

}
