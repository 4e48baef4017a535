#include "tests/support/process.hpp"

#include <cstdlib>
#include <filesystem>

#include <doctest/doctest.h>

namespace drover::testing {

namespace {

std::string folder_of(const std::string& prefix) {
  auto p = std::filesystem::path{prefix}.parent_path().string();
  return p.empty() ? "." : p;
}

} // namespace

child_process::child_process(const std::vector<std::string>& args, const std::string& log_prefix)
  : child(args, folder_of(log_prefix), std::filesystem::path{log_prefix}.filename().string()) {}

namespace {

std::vector<std::string> plus_ready_file(std::vector<std::string> args,
                                         const std::string& log_prefix) {
  args.push_back("--ready-file=" + log_prefix + ".ready");
  return args;
}

} // namespace

ready_process::ready_process(std::vector<std::string> args, const std::string& log_prefix)
  : child_process(plus_ready_file(std::move(args), log_prefix), log_prefix),
    path_(log_prefix + ".ready") {}

replay::ready_doc ready_process::ready(std::chrono::milliseconds limit) {
  auto doc = replay::wait_ready(*this, path_, limit);
  REQUIRE_MESSAGE(doc, name() << " wrote no ready file within " << limit.count()
                              << " ms; stderr:\n" << err());
  return *doc;
}

std::string ready_process::registry_flag(std::chrono::milliseconds limit) {
  auto doc = ready(limit);
  REQUIRE(doc.registry_port != 0);
  return "--registry=127.0.0.1:" + std::to_string(doc.registry_port);
}

scratch_dir::scratch_dir() {
  char tmpl[] = "/tmp/drover-test-XXXXXX";
  path = ::mkdtemp(tmpl);
}

scratch_dir::~scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

uint64_t executed_by(const child_process& consumer) {
  auto doc = replay::read_ready(consumer.ready_file());
  REQUIRE_MESSAGE((doc && doc->exited && doc->executed >= 0),
                  consumer.name() << " left no exit record with a task count in "
                                  << consumer.ready_file() << "; stderr:\n" << consumer.err());
  return static_cast<uint64_t>(doc->executed);
}

} // namespace drover::testing
