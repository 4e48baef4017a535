#include "core/compact_string.hpp"

#include <new>
#include <stdexcept>

namespace drover {

static_assert(alignof(std::max_align_t) >= 2, "heap pointers leave the low bit free");

namespace {

// The short texts a thread assigned last (node names such as
// "consumer-4242", repeated payloads): assigning one of them again shares its
// block instead of allocating, so the manager's t.consumer = node costs no
// malloc per assignment. Each entry holds a reference; the thread's exit
// drops them.
struct recent_texts {
  static constexpr std::size_t slots = 4;
  static constexpr std::size_t max_size = 32;
  compact_string entries[slots];
  unsigned next = 0;
};

thread_local recent_texts recent;

} // namespace

void compact_string::assign(std::string_view s) {
  bits_ = 0;
  if (s.empty())
    return;
  if (s.size() <= inline_capacity) {
    bits_ = (static_cast<std::uintptr_t>(s.size()) << 1) | 1u;
    std::memcpy(reinterpret_cast<char*>(&bits_) + 1, s.data(), s.size());
    return;
  }
  bool cacheable = s.size() <= recent_texts::max_size;
  if (cacheable)
    for (auto& e : recent.entries)
      if (e.size() == s.size() && std::memcmp(e.data(), s.data(), s.size()) == 0) {
        bits_ = e.bits_;
        retain();
        return;
      }
  if (s.size() > UINT32_MAX)
    throw std::length_error("compact_string: more than 4 GiB");
  void* mem = ::operator new(sizeof(rep) + s.size() + 1);
  auto* r = new (mem) rep{{1}, static_cast<uint32_t>(s.size())};
  std::memcpy(r->chars(), s.data(), s.size());
  r->chars()[s.size()] = '\0';
  bits_ = reinterpret_cast<std::uintptr_t>(r);
  if (cacheable)
    recent.entries[recent.next++ % recent_texts::slots] = *this;
}

void compact_string::retain() const noexcept {
  if (bits_ != 0 && !is_inline())
    heap()->refs.fetch_add(1, std::memory_order_relaxed);
}

void compact_string::release() noexcept {
  if (bits_ == 0 || is_inline())
    return;
  auto* r = heap();
  if (r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    r->~rep();
    ::operator delete(r);
  }
}

} // namespace drover
