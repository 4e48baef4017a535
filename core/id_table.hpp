// A map from 64-bit ids to values for ids that are handed out densely (task
// ids: next_task++), stored in pages of 512 slots instead of one heap node
// per entry (issue 8, W5): an unordered_map<task_id, task> costs a node
// allocation (+24 bytes and malloc's header) and a bucket per task.
// Reads like that unordered_map: find/end, emplace, erase, iteration over
// pair<const id, T> (in id order). A page is freed when its last entry goes,
// so a few long-lived entries keep their whole page: meant for tables whose
// entries mostly leave in about the order they came (or never leave).
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <new>
#include <utility>

namespace drover {

template <class T, unsigned PageBits = 9>
class id_table {
public:
  using key_type = uint64_t;
  using value_type = std::pair<const key_type, T>;
  static constexpr std::size_t page_size = std::size_t{1} << PageBits;

private:
  struct page {
    alignas(value_type) unsigned char raw[page_size * sizeof(value_type)];
    std::bitset<page_size> used;
    std::size_t live = 0;
    value_type* slot(std::size_t i) {
      return std::launder(reinterpret_cast<value_type*>(raw) + i);
    }
    ~page() {
      for (std::size_t i = 0; live > 0 && i < page_size; ++i)
        if (used[i]) {
          slot(i)->~value_type();
          --live;
        }
    }
  };
  using page_map = std::map<key_type, std::unique_ptr<page>>; // by id >> PageBits

public:
  class iterator {
  public:
    using value_type = id_table::value_type;
    using reference = value_type&;
    using pointer = value_type*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;

    iterator() = default;
    reference operator*() const { return *pg_->slot(i_); }
    pointer operator->() const { return pg_->slot(i_); }
    iterator& operator++() {
      ++i_;
      settle();
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) {
      return a.pg_ == b.pg_ && a.i_ == b.i_;
    }
    friend bool operator!=(const iterator& a, const iterator& b) { return !(a == b); }

  private:
    friend class id_table;
    iterator(const page_map* pages, page* pg, key_type key, std::size_t i)
      : pages_(pages), pg_(pg), key_(key), i_(i) {}
    /// Moves forward to the next used slot, on this page or a later one.
    void settle() {
      while (pg_ != nullptr) {
        while (i_ < page_size && !pg_->used[i_])
          ++i_;
        if (i_ < page_size)
          return;
        auto next = pages_->upper_bound(key_);
        pg_ = next == pages_->end() ? nullptr : next->second.get();
        key_ = next == pages_->end() ? 0 : next->first;
        i_ = 0;
      }
    }
    const page_map* pages_ = nullptr;
    page* pg_ = nullptr; ///< nullptr: end
    key_type key_ = 0;   ///< pg_'s page number
    std::size_t i_ = 0;
  };

  id_table() = default;
  id_table(const id_table&) = delete;
  id_table& operator=(const id_table&) = delete;
  id_table(id_table&& other) noexcept { *this = std::move(other); }
  id_table& operator=(id_table&& other) noexcept {
    pages_ = std::move(other.pages_);
    size_ = other.size_;
    last_page_ = nullptr;
    other.clear();
    return *this;
  }

  iterator begin() {
    if (pages_.empty())
      return end();
    auto first = pages_.begin();
    iterator it{&pages_, first->second.get(), first->first, 0};
    it.settle();
    return it;
  }
  iterator end() { return {&pages_, nullptr, 0, 0}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t count(key_type id) const {
    auto* pg = page_of(id);
    return pg != nullptr && pg->used[slot_of(id)] ? 1 : 0;
  }

  iterator find(key_type id) {
    auto* pg = page_of(id);
    if (pg == nullptr || !pg->used[slot_of(id)])
      return end();
    return {&pages_, pg, id >> PageBits, slot_of(id)};
  }

  template <class... Args>
  std::pair<iterator, bool> emplace(key_type id, Args&&... args) {
    auto* pg = page_of(id);
    if (pg == nullptr) {
      auto& owner = pages_[id >> PageBits];
      owner = std::make_unique<page>();
      pg = owner.get();
      remember(id >> PageBits, pg);
    }
    auto i = slot_of(id);
    iterator it{&pages_, pg, id >> PageBits, i};
    if (pg->used[i])
      return {it, false};
    new (pg->raw + i * sizeof(value_type))
      value_type(std::piecewise_construct, std::forward_as_tuple(id),
                 std::forward_as_tuple(std::forward<Args>(args)...));
    pg->used.set(i);
    ++pg->live;
    ++size_;
    return {it, true};
  }

  /// Removes the entry; returns the next one (like unordered_map::erase).
  /// Iterators to other entries stay valid.
  iterator erase(iterator it) {
    auto next = it;
    ++next;
    auto& pg = *it.pg_;
    pg.slot(it.i_)->~value_type();
    pg.used.reset(it.i_);
    --size_;
    if (--pg.live == 0) { // then `next` is on a later page
      if (last_page_ == &pg)
        last_page_ = nullptr;
      pages_.erase(it.key_);
    }
    return next;
  }
  std::size_t erase(key_type id) {
    auto it = find(id);
    if (it == end())
      return 0;
    erase(it);
    return 1;
  }
  void clear() {
    pages_.clear();
    last_page_ = nullptr;
    size_ = 0;
  }

private:
  static std::size_t slot_of(key_type id) {
    return static_cast<std::size_t>(id & (page_size - 1));
  }
  /// The page holding `id`, or nullptr. Lookups mostly hit the page of the
  /// previous one (ids are dispatched and ACKed roughly in order).
  page* page_of(key_type id) const {
    auto key = id >> PageBits;
    if (last_page_ != nullptr && last_key_ == key)
      return last_page_;
    auto p = pages_.find(key);
    if (p == pages_.end())
      return nullptr;
    remember(key, p->second.get());
    return last_page_;
  }
  void remember(key_type key, page* pg) const {
    last_key_ = key;
    last_page_ = pg;
  }

  page_map pages_;
  std::size_t size_ = 0;
  mutable key_type last_key_ = 0;
  mutable page* last_page_ = nullptr;
};

} // namespace drover
