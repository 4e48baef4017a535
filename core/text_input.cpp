// read_text_file and check_text: see core/text_input.hpp.
#include "core/text_input.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include <sys/stat.h>

#include <fmt/format.h>

namespace drover {

namespace {

/// Length of the UTF-8 sequence starting at `s[i]`, 0 if it is not one
/// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80)
    return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size())
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  unsigned char c1 = byte(i + 1);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90)
      || (c == 0xF4 && c1 > 0x8F))
    return 0;
  return n;
}

} // namespace

result<uint64_t> parse_whole_number(std::string_view text) {
  uint64_t n = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || err != std::errc{} || end != text.data() + text.size())
    return error{ec::bad_input, fmt::format("'{}' is not a whole number", text)};
  return n;
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto n = utf8_length(text, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

error check_text(std::string_view text, std::string_view source) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto n = text[i] == '\0' ? 0 : utf8_length(text, i);
    if (n == 0) {
      auto what = text[i] == '\0' ? std::string{"a NUL byte"}
                                  : fmt::format("byte 0x{:02x} is not UTF-8",
                                                static_cast<unsigned char>(text[i]));
      return {ec::bad_input, fmt::format("{}:{}:{}: {}; the file must be UTF-8 text", source,
                                         line, column, what)};
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return {};
}

result<std::string> read_text_file(const std::string& path, const std::string& what,
                                   std::size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return {ec::bad_input, fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno))};
  if (S_ISDIR(st.st_mode))
    return {ec::bad_input, fmt::format("{}: {} is a directory; give a file", path, what)};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f{std::fopen(path.c_str(), "rb"), std::fclose};
  if (!f)
    return {ec::bad_input, fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno))};
  std::string out;
  char buf[65536];
  for (;;) {
    auto n = std::fread(buf, 1, sizeof buf, f.get());
    out.append(buf, n);
    if (out.size() > max_bytes)
      return {ec::bad_input, fmt::format("{}: {} is larger than {} MiB", path, what,
                                         max_bytes >> 20)};
    if (n < sizeof buf)
      break;
  }
  if (std::ferror(f.get()))
    return {ec::bad_input, fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno))};
  if (auto err = check_text(out, path))
    return err;
  return out;
}

} // namespace drover
