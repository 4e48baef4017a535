// core/id_table against std::map: any sequence of emplace, erase (by id and
// through an iterator), find and clear leaves both with the same entries,
// the same size, and iteration in id order. Ids cluster near page edges and
// span several pages so pages are created, emptied and freed, and slab cells
// are reused.
#include <map>
#include <string>
#include <vector>

#include "core/id_table.hpp"
#include "property.hpp"

namespace drover {
namespace {

enum class op_kind { emplace, erase_id, erase_found, find, clear };

struct op {
  op_kind kind = op_kind::emplace;
  uint64_t id = 0;
  int value = 0;
};

/// Ids on a few small pages (8 slots a page), some far away.
rc::Gen<uint64_t> ids() {
  return rc::gen::weightedOneOf<uint64_t>({
    {8, rc::gen::inRange<uint64_t>(0, 64)},
    {1, rc::gen::inRange<uint64_t>(1'000'000, 1'000'020)},
    {1, rc::gen::just<uint64_t>(~uint64_t{0})},
  });
}

rc::Gen<op> ops() {
  return rc::gen::build<op>(
    rc::gen::set(&op::kind, rc::gen::weightedElement<op_kind>({{6, op_kind::emplace},
                                                                {3, op_kind::erase_id},
                                                                {2, op_kind::erase_found},
                                                                {2, op_kind::find},
                                                                {1, op_kind::clear}})),
    rc::gen::set(&op::id, ids()), rc::gen::set(&op::value, rc::gen::arbitrary<int>()));
}

template <class Table>
std::vector<std::pair<uint64_t, std::string>> entries(Table& t) {
  std::vector<std::pair<uint64_t, std::string>> out;
  for (auto& [id, v] : t)
    out.emplace_back(id, v);
  return out;
}

} // namespace

TEST_CASE("id_table behaves like std::map under any sequence of operations") {
  DROVER_PROPERTY("id_table == std::map", [] {
    auto script = *rc::gen::container<std::vector<op>>(ops());
    id_table<std::string, 3> table; // 8 ids a page: many pages from few ids
    std::map<uint64_t, std::string> model;
    for (auto& o : script) {
      auto text = std::to_string(o.value);
      switch (o.kind) {
        case op_kind::emplace: {
          auto [it, fresh] = table.emplace(o.id, text);
          auto [mit, mfresh] = model.emplace(o.id, text);
          RC_ASSERT(fresh == mfresh);
          RC_ASSERT(it->first == o.id);
          RC_ASSERT(it->second == mit->second); // an existing entry is kept
          break;
        }
        case op_kind::erase_id:
          RC_ASSERT(table.erase(o.id) == model.erase(o.id));
          break;
        case op_kind::erase_found: {
          auto it = table.find(o.id);
          auto mit = model.find(o.id);
          RC_ASSERT((it == table.end()) == (mit == model.end()));
          if (it != table.end()) {
            auto next = table.erase(it);
            auto mnext = model.erase(mit);
            RC_ASSERT((next == table.end()) == (mnext == model.end()));
            if (next != table.end())
              RC_ASSERT(next->first == mnext->first); // the next id in order
          }
          break;
        }
        case op_kind::find: {
          auto it = table.find(o.id);
          auto mit = model.find(o.id);
          RC_ASSERT((it == table.end()) == (mit == model.end()));
          RC_ASSERT(table.count(o.id) == model.count(o.id));
          if (it != table.end())
            RC_ASSERT(it->second == mit->second);
          auto* got = static_cast<const id_table<std::string, 3>&>(table).get(o.id);
          RC_ASSERT((got == nullptr) == (mit == model.end()));
          break;
        }
        case op_kind::clear:
          table.clear();
          model.clear();
          break;
      }
      RC_ASSERT(table.size() == model.size());
      RC_ASSERT(table.empty() == model.empty());
    }
    std::vector<std::pair<uint64_t, std::string>> want(model.begin(), model.end());
    RC_ASSERT(entries(table) == want);
  });
}

TEST_CASE("a moved id_table takes every entry and leaves an empty one") {
  DROVER_PROPERTY("id_table move", [] {
    auto keys = *rc::gen::container<std::vector<uint64_t>>(ids());
    id_table<std::string, 3> a;
    std::map<uint64_t, std::string> model;
    for (auto k : keys) {
      a.emplace(k, std::to_string(k));
      model.emplace(k, std::to_string(k));
    }
    id_table<std::string, 3> b{std::move(a)};
    RC_ASSERT(a.size() == 0u);
    RC_ASSERT(a.begin() == a.end());
    std::vector<std::pair<uint64_t, std::string>> want(model.begin(), model.end());
    RC_ASSERT(entries(b) == want);
    a.emplace(7, "reused"); // the moved-from table still works
    RC_ASSERT(a.size() == 1u);
  });
}

} // namespace drover
