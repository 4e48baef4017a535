// Test support: an in-memory rules_backend that checks a new set with the
// real rules parser, as the manager does.
#pragma once

#include <mutex>
#include <string>

#include "http/backend_rules.hpp"
#include "rules/rule_set.hpp"

namespace drover {
namespace http_test {

class fake_rules : public rules_backend {
public:
  std::mutex mtx;
  rules_info rules{1, "0000000000000000", "<default>", "version: 1\nrules: []\n"};

  result<rules_info> get_rules() override {
    std::lock_guard<std::mutex> g{mtx};
    return rules;
  }

  result<rules_info> put_rules(const std::string& yaml) override {
    auto rs = parse_rules(yaml, "<rest>");
    if (!rs)
      return rs.err();
    std::lock_guard<std::mutex> g{mtx};
    rules = rules_info{rs->version, rs->hash, "<rest>", yaml};
    return rules;
  }
};

} // namespace http_test
} // namespace drover
