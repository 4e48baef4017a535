// How the batches of task specs, assignments and reports cross CAF's
// middleman: each as one byte string packed by core/wire_codec.hpp instead
// of field by field. CAF prefers a matching inspect() to its own walk over a
// container, and calls it only when it serializes, i.e. for a message that
// leaves the process: local sends keep moving the vectors untouched, and
// printing a message (stringification) still lists the items.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <caf/deserializer.hpp>
#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <caf/serializer.hpp>

#include "core/wire_codec.hpp"

namespace drover {

/// The batches that cross packed, each with its pair of functions.
template <class T>
struct wire_packing : std::false_type {};
template <>
struct wire_packing<task_spec> : std::true_type {
  static std::string pack(const std::vector<task_spec>& xs) { return pack_specs(xs); }
  static auto unpack(std::string_view b) { return unpack_specs(b); }
};
template <>
struct wire_packing<assignment> : std::true_type {
  static std::string pack(const std::vector<assignment>& xs) { return pack_assignments(xs); }
  static auto unpack(std::string_view b) { return unpack_assignments(b); }
};
template <>
struct wire_packing<task_report> : std::true_type {
  static std::string pack(const std::vector<task_report>& xs) { return pack_reports(xs); }
  static auto unpack(std::string_view b) { return unpack_reports(b); }
};

template <class Inspector, class T>
typename std::enable_if<wire_packing<T>::value
                          && std::is_base_of<caf::serializer, Inspector>::value,
                        caf::error>::type
inspect(Inspector& f, std::vector<T>& xs) {
  auto bytes = wire_packing<T>::pack(xs);
  return f(bytes);
}

/// A malformed batch from a peer fails that message's deserialization.
template <class Inspector, class T>
typename std::enable_if<wire_packing<T>::value
                          && std::is_base_of<caf::deserializer, Inspector>::value,
                        caf::error>::type
inspect(Inspector& f, std::vector<T>& xs) {
  std::string bytes;
  if (auto err = f(bytes))
    return err;
  auto got = wire_packing<T>::unpack(bytes);
  if (!got)
    return caf::make_error(caf::sec::invalid_argument, got.err().message);
  xs = std::move(*got);
  return {};
}

} // namespace drover
