// How a compact_string (core/compact_string.hpp) crosses CAF's middleman: as
// a plain string on the wire, so the format is the one std::string had.
#pragma once

#include <string>
#include <type_traits>

#include <caf/error.hpp>
#include <caf/none.hpp>

#include "core/compact_string.hpp"

namespace drover {

template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, compact_string& x) {
  std::string text{x.view()};
  return f(text);
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, compact_string& x) {
  std::string text;
  auto err = f(text);
  if (!err)
    x = text;
  return err;
}

} // namespace drover
