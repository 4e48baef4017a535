#include "core/job_identity.hpp"

namespace drover {

namespace {

std::string escaped(const std::string& part) {
  std::string out;
  out.reserve(part.size());
  for (char c : part) {
    if (c == '%')
      out += "%25";
    else if (c == '/')
      out += "%2F";
    else if (c == '@')
      out += "%40";
    else
      out += c;
  }
  return out;
}

} // namespace

std::string job_origin(const std::string& group, const std::string& job,
                       const std::string& run, const std::string& key) {
  if (!key.empty())
    return key;
  auto out = escaped(group) + "/" + escaped(job);
  if (!run.empty())
    out += "@" + escaped(run);
  return out;
}

} // namespace drover
