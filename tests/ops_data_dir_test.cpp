// Every state file of `drover run` under one --data-dir: the default
// ./drover-data (per user), relative --store paths under it, absolute ones
// where they say, and nothing loose in the working directory.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir))
    out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A job of 20 echo tasks with every role in one process, in `dir`.
int run_job(const std::string& dir, std::vector<std::string> extra) {
  std::vector<std::string> args{DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=127.0.0.1:0",
                                "--tasks=20", "--type=echo", "--node=c1", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  child_process p{args, dir + "/job"};
  int code = p.wait(30s);
  CHECK_MESSAGE(code == 0, p.err());
  return code;
}

} // namespace

TEST_CASE("by default every state file goes under ./drover-data, none loose in the working directory") {
  scratch_dir dir;
  REQUIRE(run_job(dir.path, {}) == 0);
  CHECK(files_in(dir.path) == std::vector<std::string>{"drover-data", "job.err", "job.out"});
  auto data = files_in(dir.path + "/drover-data");
  CHECK(std::find(data.begin(), data.end(), "drover.db") != data.end());
  CHECK(std::find(data.begin(), data.end(), "drover.db.data") != data.end());
  CHECK(std::find(data.begin(), data.end(), "mailbox-c1.db") != data.end());
  CHECK((fs::status(dir.path + "/drover-data").permissions() & fs::perms::all) == fs::perms::owner_all);
}

TEST_CASE("--data-dir takes them elsewhere, a relative --store is under it, an absolute one is not") {
  scratch_dir dir;
  REQUIRE(run_job(dir.path, {"--data-dir=" + dir.path + "/state/a", "--store=sqlite:jobs.db"}) == 0);
  auto data = files_in(dir.path + "/state/a");
  CHECK(std::find(data.begin(), data.end(), "jobs.db") != data.end());
  CHECK(std::find(data.begin(), data.end(), "mailbox-c1.db") != data.end());
  REQUIRE(run_job(dir.path, {"--data-dir=" + dir.path + "/state/b",
                             "--store=sqlite:" + dir.path + "/abs.db"}) == 0);
  CHECK(fs::exists(dir.path + "/abs.db"));
  CHECK_FALSE(fs::exists(dir.path + "/state/b/abs.db"));
  CHECK(fs::exists(dir.path + "/state/b/mailbox-c1.db"));
  CHECK_FALSE(fs::exists(dir.path + "/drover-data"));
}

TEST_CASE("in a directory of another user the default is drover-data-<user>") {
  if (::geteuid() != 0)
    return; // only root can hand a directory to another user; the rule is unit-tested too
  scratch_dir dir;
  REQUIRE(::chown(dir.path.c_str(), 65534, 65534) == 0); // nobody
  REQUIRE(run_job(dir.path, {}) == 0);
  CHECK(fs::exists(dir.path + "/drover-data-root/drover.db"));
  CHECK_FALSE(fs::exists(dir.path + "/drover-data"));
}

TEST_CASE("a --data-dir that cannot be made is refused before anything starts") {
  scratch_dir dir;
  std::ofstream{dir.path + "/file"} << "x";
  child_process p{{DROVER_BINARY, "run", "--listen=127.0.0.1:0", "--http=127.0.0.1:0",
                   "--data-dir=" + dir.path + "/file/sub"}, dir.path + "/bad"};
  REQUIRE(p.wait(10s) == 2);
  CHECK(p.err().find("--data-dir: cannot create '" + dir.path + "/file/sub'") != std::string::npos);
  CHECK(p.err().find("registry listening") == std::string::npos);
}
