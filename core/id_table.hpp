// A map from 64-bit ids to values, for ids that are handed out densely (task
// ids: next_task++), because memory per queued task (benchmark W5) matters:
// an unordered_map<task_id, task> costs a heap node per entry (malloc's
// header, the next pointer) and a bucket, and a malloc/free per task. Here:
// - the index is pages of 512 pointers by id (4 KB a page, freed with the
//   page's last entry), so a straggler keeps 4 KB, not its neighbours;
// - the entries live in slabs of 512 and freed ones are reused (a free list),
//   so memory is bounded by the most entries ever live at once and there is
//   no malloc per entry. Slabs are kept for reuse, like malloc keeps its heap.
// Reads like that unordered_map: find/end, emplace, erase, count, size,
// iteration over pair<const id, T> (in id order). Like unordered_map,
// references stay valid until their entry is erased.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

namespace drover {

template <class T, unsigned PageBits = 9>
class id_table {
public:
  using key_type = uint64_t;
  using value_type = std::pair<const key_type, T>;
  static constexpr std::size_t page_size = std::size_t{1} << PageBits;

private:
  struct index_page {
    std::array<value_type*, page_size> slot{}; ///< nullptr: no entry
    std::size_t live = 0;
  };
  using page_map = std::map<key_type, std::unique_ptr<index_page>>; // by id >> PageBits

  /// Storage for one entry; a free one links to the next free one.
  union cell {
    cell* next_free;
    alignas(value_type) unsigned char raw[sizeof(value_type)];
    cell() : next_free(nullptr) {}
  };
  using slab = std::array<cell, page_size>;

public:
  class iterator {
  public:
    using value_type = id_table::value_type;
    using reference = value_type&;
    using pointer = value_type*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;

    iterator() = default;
    reference operator*() const { return *pg_->slot[i_]; }
    pointer operator->() const { return pg_->slot[i_]; }
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
    iterator(const page_map* pages, index_page* pg, key_type key, std::size_t i)
      : pages_(pages), pg_(pg), key_(key), i_(i) {}
    /// Moves forward to the next entry, on this page or a later one.
    void settle() {
      while (pg_ != nullptr) {
        while (i_ < page_size && pg_->slot[i_] == nullptr)
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
    index_page* pg_ = nullptr; ///< nullptr: end
    key_type key_ = 0;         ///< pg_'s page number
    std::size_t i_ = 0;
  };

  id_table() = default;
  id_table(const id_table&) = delete;
  id_table& operator=(const id_table&) = delete;
  id_table(id_table&& other) noexcept { *this = std::move(other); }
  id_table& operator=(id_table&& other) noexcept {
    clear();
    pages_ = std::move(other.pages_);
    slabs_ = std::move(other.slabs_);
    free_ = other.free_;
    size_ = other.size_;
    other.pages_.clear();
    other.slabs_.clear();
    other.free_ = nullptr;
    other.size_ = 0;
    other.last_page_ = nullptr;
    return *this;
  }
  ~id_table() { clear(); }

  iterator begin() {
    if (pages_.empty())
      return end();
    auto first = pages_.begin();
    iterator it{&pages_, first->second.get(), first->first, 0};
    it.settle();
    return it;
  }
  iterator end() { return {&pages_, nullptr, 0, 0}; }
  /// Calls f(id, value) for every entry, ids ascending, without changing any.
  template <class F>
  void for_each(F&& f) const {
    // Iteration only reads the pages; the iterator type is shared with the
    // mutable walk, so it is reused here under a const promise.
    auto& self = const_cast<id_table&>(*this);
    for (auto i = self.begin(); i != self.end(); ++i)
      f(i->first, static_cast<const T&>(i->second));
  }
  std::size_t size() const { return size_; }
  /// Entries the slabs hold room for (live and free): the memory in use.
  std::size_t capacity() const { return slabs_.size() * page_size; }
  bool empty() const { return size_ == 0; }
  std::size_t count(key_type id) const {
    auto* pg = page_of(id);
    return pg != nullptr && pg->slot[slot_of(id)] != nullptr ? 1 : 0;
  }

  /// The value under `id`, or nullptr: the lookup for const readers.
  const T* get(key_type id) const {
    auto* pg = page_of(id);
    auto* v = pg == nullptr ? nullptr : pg->slot[slot_of(id)];
    return v == nullptr ? nullptr : &v->second;
  }

  iterator find(key_type id) {
    auto* pg = page_of(id);
    if (pg == nullptr || pg->slot[slot_of(id)] == nullptr)
      return end();
    return {&pages_, pg, id >> PageBits, slot_of(id)};
  }

  template <class... Args>
  std::pair<iterator, bool> emplace(key_type id, Args&&... args) {
    auto* pg = page_of(id);
    if (pg == nullptr) {
      auto& owner = pages_[id >> PageBits];
      owner = std::make_unique<index_page>();
      pg = owner.get();
      remember(id >> PageBits, pg);
    }
    auto i = slot_of(id);
    iterator it{&pages_, pg, id >> PageBits, i};
    if (pg->slot[i] != nullptr)
      return {it, false};
    cell* c = take_cell();
    try {
      pg->slot[i] = new (c->raw)
        value_type(std::piecewise_construct, std::forward_as_tuple(id),
                   std::forward_as_tuple(std::forward<Args>(args)...));
    } catch (...) {
      give_back(c);
      throw;
    }
    ++pg->live;
    ++size_;
    return {it, true};
  }

  /// Removes the entry; returns the next one (like unordered_map::erase).
  /// Iterators and references to other entries stay valid.
  iterator erase(iterator it) {
    auto next = it;
    ++next;
    auto& pg = *it.pg_;
    value_type* v = pg.slot[it.i_];
    v->~value_type();
    give_back(reinterpret_cast<cell*>(v));
    pg.slot[it.i_] = nullptr;
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
    for (auto& [key, pg] : pages_)
      for (auto* v : pg->slot)
        if (v != nullptr)
          v->~value_type();
    pages_.clear();
    slabs_.clear();
    free_ = nullptr;
    last_page_ = nullptr;
    size_ = 0;
  }

private:
  static std::size_t slot_of(key_type id) {
    return static_cast<std::size_t>(id & (page_size - 1));
  }
  /// The index page of `id`, or nullptr. Lookups mostly hit the page of the
  /// previous one (ids are dispatched and ACKed roughly in order).
  index_page* page_of(key_type id) const {
    auto key = id >> PageBits;
    if (last_page_ != nullptr && last_key_ == key)
      return last_page_;
    auto p = pages_.find(key);
    if (p == pages_.end())
      return nullptr;
    remember(key, p->second.get());
    return last_page_;
  }
  void remember(key_type key, index_page* pg) const {
    last_key_ = key;
    last_page_ = pg;
  }
  cell* take_cell() {
    if (free_ == nullptr) { // a new slab, all of it on the free list
      slabs_.push_back(std::make_unique<slab>());
      auto& s = *slabs_.back();
      for (std::size_t i = 0; i + 1 < page_size; ++i)
        s[i].next_free = &s[i + 1];
      s[page_size - 1].next_free = nullptr;
      free_ = &s[0];
    }
    cell* c = free_;
    free_ = c->next_free;
    return c;
  }
  void give_back(cell* c) {
    c->next_free = free_;
    free_ = c;
  }

  page_map pages_;
  std::vector<std::unique_ptr<slab>> slabs_;
  cell* free_ = nullptr;
  std::size_t size_ = 0;
  mutable key_type last_key_ = 0;
  mutable index_page* last_page_ = nullptr;
};

} // namespace drover
