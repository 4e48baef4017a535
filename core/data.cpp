// Pure rules of multi-user data scheduling (core/data.hpp).
#include "core/data.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/text_input.hpp"

namespace drover {

namespace {

bool all_digits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  return !text.empty();
}

} // namespace

const char* to_string(delivery_state s) {
  switch (s) {
    case delivery_state::queued: return "queued";
    case delivery_state::stored: return "stored";
    case delivery_state::consumed: return "consumed";
  }
  return "?";
}

std::string format_user_id(uint64_t n) {
  return "u" + std::to_string(n);
}

result<uint64_t> parse_user_id(std::string_view text) {
  auto n = text.size() < 2 || text[0] != 'u' ? result<uint64_t>{ec::bad_input, "no u"}
                                                : parse_whole_number(text.substr(1));
  if (!n || *n == 0)
    return {ec::bad_input, fmt::format("'{}' is not a user id (expected u<N>)", text)};
  return n;
}

std::string format_delivery_id(std::string_view node, int64_t ms, uint32_t digits) {
  return fmt::format("{}_{}_{:06}", node, ms, digits % 1000000);
}

bool looks_like_delivery_id(std::string_view text) {
  auto last = text.rfind('_');
  if (last == std::string_view::npos || last == 0)
    return false;
  auto mid = text.rfind('_', last - 1);
  if (mid == std::string_view::npos || mid == 0)
    return false;
  return text.size() - last - 1 == 6 && all_digits(text.substr(last + 1))
         && all_digits(text.substr(mid + 1, last - mid - 1));
}

result<priority> parse_level(std::string_view text) {
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '2')
    return static_cast<priority>(text[0] - '0');
  if (auto p = parse_priority(text))
    return p;
  return {ec::bad_input, fmt::format("'{}' is not high, normal, low, 0, 1 or 2", text)};
}

result<send_request> parse_send_headers(const std::string* user_agent,
                                        const std::string* level,
                                        const std::string* des_user) {
  auto user = [](const char* name, const std::string* v) -> result<uint64_t> {
    if (!v || v->empty())
      return {ec::bad_input, fmt::format("header {} is missing: give the user id (u<N>)", name)};
    auto id = parse_user_id(*v);
    if (!id)
      return {ec::bad_input, fmt::format("header {}: '{}' is not a user id (expected u<N>, "
                                         "as returned by POST /v1/users)", name, *v)};
    return *id;
  };
  send_request out;
  auto sender = user("USER-AGENT", user_agent);
  if (!sender)
    return std::move(sender).err();
  auto dest = user("DES-USER", des_user);
  if (!dest)
    return std::move(dest).err();
  if (!level || level->empty())
    return {ec::bad_input, "header LEVEL is missing: give high, normal or low (or 0, 1, 2)"};
  auto parsed = parse_level(*level);
  if (!parsed)
    return {ec::bad_input, "header LEVEL: " + parsed.err().message};
  out.sender = *sender;
  out.dest = *dest;
  out.level = *parsed;
  return out;
}

} // namespace drover
