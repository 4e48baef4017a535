// An immutable 8-byte string for the text fields of task and task_spec (a
// std::string costs 32 bytes even when empty, and a task has six of them:
// most of the memory per queued task that benchmark W5 measures). Up to 6
// characters live inside the 8 bytes ("noop", "c1"); longer text is one heap
// block shared by reference count, so the copies a task makes (manager table,
// memory store, store requests) share its payload instead of duplicating it.
// Reads like a const std::string: converts to std::string_view and
// std::string, compares with both, formats with fmt.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "compact_string keeps its inline tag in the low byte: little-endian only"
#endif

namespace drover {

class compact_string {
public:
  static constexpr std::size_t inline_capacity = 6; ///< + tag byte + NUL

  compact_string() noexcept = default;
  compact_string(std::string_view s) { assign(s); }
  compact_string(const std::string& s) { assign(s); }
  compact_string(const char* s) { assign(std::string_view{s}); }
  compact_string(const compact_string& other) noexcept : bits_(other.bits_) { retain(); }
  compact_string(compact_string&& other) noexcept : bits_(other.bits_) { other.bits_ = 0; }
  ~compact_string() { release(); }

  compact_string& operator=(const compact_string& other) noexcept {
    if (this != &other) {
      other.retain();
      release();
      bits_ = other.bits_;
    }
    return *this;
  }
  compact_string& operator=(compact_string&& other) noexcept {
    if (this != &other) {
      release();
      bits_ = other.bits_;
      other.bits_ = 0;
    }
    return *this;
  }
  compact_string& operator=(std::string_view s) {
    return *this = compact_string{s}; // s may point into this string
  }
  compact_string& operator=(const std::string& s) { return *this = std::string_view{s}; }
  compact_string& operator=(const char* s) { return *this = std::string_view{s}; }

  bool empty() const noexcept { return bits_ == 0; }
  std::size_t size() const noexcept {
    return bits_ == 0 ? 0 : is_inline() ? (bits_ & 0xffu) >> 1 : heap()->size;
  }
  std::size_t length() const noexcept { return size(); }
  /// NUL-terminated, valid while this string is neither changed nor moved.
  const char* data() const noexcept {
    return bits_ == 0   ? ""
           : is_inline() ? reinterpret_cast<const char*>(&bits_) + 1
                         : heap()->chars();
  }
  const char* c_str() const noexcept { return data(); }
  const char* begin() const noexcept { return data(); }
  const char* end() const noexcept { return data() + size(); }
  void clear() noexcept {
    release();
    bits_ = 0;
  }

  std::string_view view() const noexcept { return {data(), size()}; }
  std::string str() const { return std::string{view()}; }
  operator std::string_view() const noexcept { return view(); }
  operator std::string() const { return str(); }

  friend bool operator==(const compact_string& a, const compact_string& b) noexcept {
    return a.bits_ == b.bits_ || a.view() == b.view();
  }
  friend bool operator==(const compact_string& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(std::string_view a, const compact_string& b) noexcept {
    return a == b.view();
  }
  friend bool operator==(const compact_string& a, const std::string& b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const std::string& a, const compact_string& b) noexcept {
    return b.view() == a;
  }
  friend bool operator==(const compact_string& a, const char* b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const char* a, const compact_string& b) noexcept {
    return b.view() == a;
  }
  template <class T>
  friend bool operator!=(const compact_string& a, const T& b) noexcept {
    return !(a == b);
  }
  template <class T, class = std::enable_if_t<!std::is_same_v<T, compact_string>>>
  friend bool operator!=(const T& a, const compact_string& b) noexcept {
    return !(b == a);
  }
  friend bool operator<(const compact_string& a, const compact_string& b) noexcept {
    return a.view() < b.view();
  }

  friend std::string operator+(std::string a, const compact_string& b) {
    return a.append(b.view());
  }
  friend std::string operator+(const char* a, const compact_string& b) {
    return std::string{a}.append(b.view());
  }
  friend std::string operator+(const compact_string& a, std::string_view b) {
    return a.str().append(b);
  }
  friend std::string operator+(const compact_string& a, const char* b) {
    return a.str().append(b);
  }

private:
  // Heap block: the characters and a NUL follow the header in the same
  // allocation. Copies are shared across threads (the manager hands tasks to
  // the store actor), hence the atomic count.
  struct rep {
    std::atomic<uint32_t> refs;
    uint32_t size;
    char* chars() noexcept { return reinterpret_cast<char*>(this + 1); }
  };

  bool is_inline() const noexcept { return (bits_ & 1u) != 0; }
  rep* heap() const noexcept { return reinterpret_cast<rep*>(bits_); }
  void assign(std::string_view s);
  void retain() const noexcept;
  void release() noexcept;

  /// 0: empty. Low bit 1: inline, the low byte is (size << 1) | 1 and the
  /// next bytes are the characters. Otherwise: a rep* (8-aligned).
  std::uintptr_t bits_ = 0;
};

static_assert(sizeof(compact_string) == 8, "compact_string is one word");

} // namespace drover

template <>
struct std::hash<drover::compact_string> {
  std::size_t operator()(const drover::compact_string& s) const noexcept {
    return std::hash<std::string_view>{}(s.view());
  }
};

template <>
struct fmt::formatter<drover::compact_string> : fmt::formatter<fmt::string_view> {
  template <class FormatContext>
  auto format(const drover::compact_string& s, FormatContext& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view{s.data(), s.size()},
                                                    ctx);
  }
};
