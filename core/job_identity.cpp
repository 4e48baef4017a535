#include "core/job_identity.hpp"

#include "core/text_input.hpp"

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

error check_identity(std::string_view text, std::string_view what) {
  auto fail = [&](const std::string& why) {
    return error{ec::bad_input, std::string{what} + ": " + why};
  };
  if (text.empty())
    return fail("is empty; give a key, or leave it out");
  if (text.size() > max_identity_bytes)
    return fail(std::to_string(text.size()) + " bytes is too long; at most "
                + std::to_string(max_identity_bytes));
  if (!is_utf8(text))
    return fail("is not UTF-8 text");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      return fail("must not contain control characters such as NUL or a newline (it is a "
                  "name, shown in tables and logs)");
  return {};
}

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
