#include "tests/support/process.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>

namespace drover::testing {

namespace {

std::string folder_of(const std::string& prefix) {
  auto p = std::filesystem::path{prefix}.parent_path().string();
  return p.empty() ? "." : p;
}

} // namespace

child_process::child_process(const std::vector<std::string>& args, const std::string& log_prefix)
  : child(args, folder_of(log_prefix), std::filesystem::path{log_prefix}.filename().string()) {}

scratch_dir::scratch_dir() {
  char tmpl[] = "/tmp/drover-test-XXXXXX";
  path = ::mkdtemp(tmpl);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

uint64_t executed_by(const child_process& consumer) {
  std::smatch m;
  auto log = consumer.err();
  static const std::regex re{"executed ([0-9]+) tasks"};
  return std::regex_search(log, m, re) ? std::stoull(m[1]) : 0;
}

} // namespace drover::testing
