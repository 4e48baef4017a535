// The leader's addresses as text: see core/leader_address.hpp.
#include "core/leader_address.hpp"

namespace drover {

namespace {

constexpr const char* refusal_prefix = "leader=";

bool plausible_endpoint(const std::string& s) {
  auto colon = s.rfind(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < s.size()
         && s.find_first_of(" \t\r\n") == std::string::npos;
}

} // namespace

std::string encode_leader_address(const leader_address& a) {
  if (a.http.empty())
    return a.registry;
  return a.registry + " " + a.http;
}

leader_address decode_leader_address(const std::string& text) {
  leader_address out;
  auto space = text.find(' ');
  auto reg = text.substr(0, space);
  if (!plausible_endpoint(reg))
    return out;
  out.registry = reg;
  if (space != std::string::npos) {
    auto url = text.substr(space + 1);
    if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0)
      out.http = url;
  }
  return out;
}

std::string not_leader_text(const std::string& leader_registry) {
  if (leader_registry.empty())
    return "this manager process stands by and no leader is known yet; try the other "
           "addresses";
  return refusal_prefix + leader_registry + ": this manager process stands by; the leader's "
         "registry is at " + leader_registry;
}

std::string leader_in_refusal(const std::string& text) {
  auto at = text.find(refusal_prefix);
  if (at == std::string::npos)
    return {};
  auto start = at + std::char_traits<char>::length(refusal_prefix);
  auto end = text.find(':', text.find(':', start) + 1); // host:port then ':'
  auto candidate = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return plausible_endpoint(candidate) ? candidate : std::string{};
}

} // namespace drover
