// The rules feature of the REST backend (http/routes_rules.cpp).
// The shared contract (threads, bounded waits, error codes): http/backend.hpp.
#pragma once

#include <string>

#include "http/api_types.hpp"

namespace drover {

class rules_backend {
public:
  virtual ~rules_backend() = default;

  /// The rule set in force.
  virtual result<rules_info> get_rules() = 0;

  /// Parses and validates `yaml`, then swaps it in atomically. On a bad set
  /// returns ec::invalid_rules whose message has one "source:line:column:
  /// what is wrong" line per problem; the old set stays.
  virtual result<rules_info> put_rules(const std::string& yaml) = 0;
};

} // namespace drover
