// The value of a drover::result in a test, failing the test (with the
// error's message) when there is none.
#pragma once

#include <doctest/doctest.h>

#include "core/errors.hpp"

namespace drover {

template <class T>
T value_of(result<T> r) {
  INFO(r.err().message);
  REQUIRE(r.ok());
  return std::move(*r);
}

} // namespace drover
