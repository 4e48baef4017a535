// How the batches of task specs, assignments and reports cross CAF's
// middleman: each as one byte string packed by core/wire_codec.hpp instead
// of field by field. CAF prefers a matching inspect() to its own walk over a
// container, and calls it only when it serializes, i.e. for a message that
// leaves the process: local sends keep moving the vectors untouched, and
// printing a message (stringification) still lists the items.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

#include "core/wire_codec.hpp"

namespace drover {

namespace wire_detail {

template <class Inspector>
constexpr bool saves = std::is_base_of<caf::serializer, Inspector>::value;
template <class Inspector>
constexpr bool loads = std::is_base_of<caf::deserializer, Inspector>::value;

template <class Inspector, class T, class Pack>
caf::error save(Inspector& f, const std::vector<T>& xs, Pack pack) {
  auto bytes = pack(xs);
  return f(bytes);
}

template <class Inspector, class T, class Unpack>
caf::error load(Inspector& f, std::vector<T>& xs, Unpack unpack) {
  std::string bytes;
  if (auto err = f(bytes))
    return err;
  auto got = unpack(bytes);
  if (!got)
    return caf::make_error(caf::sec::invalid_argument, got.err().message);
  xs = std::move(*got);
  return {};
}

} // namespace wire_detail

template <class Inspector>
typename std::enable_if<wire_detail::saves<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<task_spec>& xs) {
  return wire_detail::save(f, xs, pack_specs);
}
template <class Inspector>
typename std::enable_if<wire_detail::loads<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<task_spec>& xs) {
  return wire_detail::load(f, xs, unpack_specs);
}

template <class Inspector>
typename std::enable_if<wire_detail::saves<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<assignment>& xs) {
  return wire_detail::save(f, xs, pack_assignments);
}
template <class Inspector>
typename std::enable_if<wire_detail::loads<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<assignment>& xs) {
  return wire_detail::load(f, xs, unpack_assignments);
}

template <class Inspector>
typename std::enable_if<wire_detail::saves<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<task_report>& xs) {
  return wire_detail::save(f, xs, pack_reports);
}
template <class Inspector>
typename std::enable_if<wire_detail::loads<Inspector>, caf::error>::type
inspect(Inspector& f, std::vector<task_report>& xs) {
  return wire_detail::load(f, xs, unpack_reports);
}

} // namespace drover
