// Helpers shared by the rules tests: a parsed rule set, members c1..cN and
// a task, each in one line of a test.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "rules/assign.hpp"

namespace drover {
namespace {

inline std::shared_ptr<const rule_set> rules_from(const std::string& yaml) {
  auto rs = parse_rules(yaml, "t.yaml");
  INFO(rs.err().message);
  REQUIRE(rs);
  return std::make_shared<rule_set>(std::move(*rs));
}

/// Every task type the rules tests use: members run all of them unless a
/// test says otherwise.
inline std::vector<std::string> test_types() {
  return {"deliver", "encode", "fast", "lost", "noop", "other", "render", "render.frame",
          "report", "slow", "t", "x"};
}

/// Members c1..cN with the given tags, capacity and task types.
inline std::vector<candidate> members(int n, std::vector<std::string> tags = {},
                                      uint32_t capacity = 64,
                                      std::vector<std::string> types = test_types()) {
  std::vector<candidate> cs;
  for (int i = 1; i <= n; ++i)
    cs.push_back(candidate{"c" + std::to_string(i), tags, capacity, 0, true, types});
  return cs;
}

inline task make_task(std::string type, priority p = priority::normal,
               std::vector<std::string> tags = {}, std::string key = {}) {
  task t;
  t.spec.type = std::move(type);
  t.spec.prio = p;
  t.spec.tags = std::move(tags);
  t.spec.key = std::move(key);
  return t;
}

} // namespace
} // namespace drover
