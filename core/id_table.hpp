// A map from 64-bit ids to values for ids that are handed out densely (task
// ids: next_task++), stored in pages of 1024 slots instead of one heap node
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

template <class T>
class id_table {
public:
  using key_type = uint64_t;
  using value_type = std::pair<const key_type, T>;
  static constexpr unsigned page_bits = 10;
  static constexpr std::size_t page_size = std::size_t{1} << page_bits;

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
  using page_map = std::map<key_type, std::unique_ptr<page>>; // by id >> page_bits

public:
  class iterator {
  public:
    using value_type = id_table::value_type;
    using reference = value_type&;
    using pointer = value_type*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;

    iterator() = default;
    reference operator*() const { return *pg_->second->slot(i_); }
    pointer operator->() const { return pg_->second->slot(i_); }
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
    iterator(typename page_map::iterator pg, typename page_map::iterator end, std::size_t i)
      : pg_(pg), end_(end), i_(i) {}
    /// Moves forward to the next used slot (or to end).
    void settle() {
      while (pg_ != end_) {
        while (i_ < page_size && !pg_->second->used[i_])
          ++i_;
        if (i_ < page_size)
          return;
        ++pg_;
        i_ = 0;
      }
      i_ = 0;
    }
    typename page_map::iterator pg_{};
    typename page_map::iterator end_{};
    std::size_t i_ = 0;
  };

  id_table() = default;
  id_table(const id_table&) = delete;
  id_table& operator=(const id_table&) = delete;
  id_table(id_table&&) noexcept = default;
  id_table& operator=(id_table&&) noexcept = default;

  iterator begin() {
    iterator it{pages_.begin(), pages_.end(), 0};
    it.settle();
    return it;
  }
  iterator end() { return {pages_.end(), pages_.end(), 0}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::size_t count(key_type id) const {
    auto p = pages_.find(id >> page_bits);
    return p != pages_.end() && p->second->used[id & (page_size - 1)] ? 1 : 0;
  }

  iterator find(key_type id) {
    auto p = pages_.find(id >> page_bits);
    auto i = static_cast<std::size_t>(id & (page_size - 1));
    if (p == pages_.end() || !p->second->used[i])
      return end();
    return {p, pages_.end(), i};
  }

  template <class... Args>
  std::pair<iterator, bool> emplace(key_type id, Args&&... args) {
    auto& owner = pages_[id >> page_bits];
    if (!owner)
      owner = std::make_unique<page>();
    auto p = pages_.find(id >> page_bits);
    auto i = static_cast<std::size_t>(id & (page_size - 1));
    iterator it{p, pages_.end(), i};
    if (owner->used[i])
      return {it, false};
    new (owner->raw + i * sizeof(value_type))
      value_type(std::piecewise_construct, std::forward_as_tuple(id),
                 std::forward_as_tuple(std::forward<Args>(args)...));
    owner->used.set(i);
    ++owner->live;
    ++size_;
    return {it, true};
  }

  /// Removes the entry; returns the next one (like unordered_map::erase).
  iterator erase(iterator it) {
    auto next = it;
    ++next;
    auto& pg = *it.pg_->second;
    pg.slot(it.i_)->~value_type();
    pg.used.reset(it.i_);
    --size_;
    if (--pg.live == 0) // then `next` is on a later page, whose iterator stays valid
      pages_.erase(it.pg_);
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
    size_ = 0;
  }

private:
  page_map pages_;
  std::size_t size_ = 0;
};

} // namespace drover
