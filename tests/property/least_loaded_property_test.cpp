// least_loaded from the load index (assigner::track_loads) against the scan
// it replaces: whatever the members (capacities, acceptance, types, tags),
// the rules (limits, `to` filters) and the steps in between (choices,
// reports, drains, capacity changes, joins), both assigners answer the same
// status and the same member, and a chosen member has the lowest
// inflight / limit among the eligible members with room.
#include <string>
#include <vector>

#include "property.hpp"
#include "rules/assign.hpp"
#include "rules/load_index.hpp"

namespace drover {
namespace {

enum class ll_op { choose, release, toggle, resize, join };

struct ll_step {
  ll_op kind = ll_op::choose;
  int member = 0; ///< taken modulo the member count
  int type = 0;   ///< 0: a, 1: b (the rule with the `to` filter), 2: a wanting gpu
  uint32_t value = 0;
};

const char* const rules_yaml = "version: 1\n"
                               "defaults: { strategy: least_loaded, max_inflight_per_consumer: 5 }\n"
                               "rules:\n"
                               "  - name: b-on-gpu\n"
                               "    match: { type: b }\n"
                               "    to: { tags: [gpu] }\n"
                               "    strategy: least_loaded\n"
                               "    max_inflight: 3\n";

candidate member(int i, uint32_t capacity, bool accepting, int types, bool gpu) {
  candidate c;
  c.node = "c" + std::to_string(i);
  c.capacity = capacity;
  c.accepting = accepting;
  if (types & 1)
    c.types.push_back("a");
  if (types & 2)
    c.types.push_back("b");
  if (gpu)
    c.tags.push_back("gpu");
  return c;
}

task task_of(int type) {
  task t;
  t.spec.type = type == 1 ? "b" : "a";
  if (type == 2)
    t.spec.tags = {"gpu"};
  return t;
}

/// The limit the rules give `c` for a task of `type`.
uint32_t limit_of(const candidate& c, int type) {
  uint32_t rule = type == 1 ? 3 : 5;
  return c.capacity < rule ? c.capacity : rule;
}

bool eligible(const candidate& c, int type) {
  bool runs = false;
  for (auto& t : c.types)
    runs = runs || t == (type == 1 ? "b" : "a");
  bool gpu = !c.tags.empty();
  return runs && (type == 0 || gpu);
}

} // namespace

TEST_CASE("least_loaded from the load index chooses what the scan chooses") {
  DROVER_PROPERTY("indexed least_loaded == scanned least_loaded", [] {
    auto parsed = parse_rules(rules_yaml, "t.yaml");
    RC_ASSERT(parsed.ok());
    auto rules = std::make_shared<const rule_set>(std::move(*parsed));
    int n = *rc::gen::inRange(1, 40);
    std::vector<candidate> cs;
    for (int i = 0; i < n; ++i)
      cs.push_back(member(i, *rc::gen::inRange<uint32_t>(0, 7), *rc::gen::weightedElement<bool>(
                                                                  {{5, true}, {1, false}}),
                          *rc::gen::inRange(0, 4), *rc::gen::arbitrary<bool>()));
    assigner scanned, indexed;
    scanned.use(rules);
    indexed.use(rules);
    indexed.track_loads(true);
    auto steps = *rc::gen::container<std::vector<ll_step>>(rc::gen::build<ll_step>(
      rc::gen::set(&ll_step::kind,
                   rc::gen::weightedElement<ll_op>({{12, ll_op::choose}, {6, ll_op::release},
                                                    {1, ll_op::toggle}, {1, ll_op::resize},
                                                    {1, ll_op::join}})),
      rc::gen::set(&ll_step::member, rc::gen::inRange(0, 1000)),
      rc::gen::set(&ll_step::type, rc::gen::inRange(0, 3)),
      rc::gen::set(&ll_step::value, rc::gen::inRange<uint32_t>(0, 7))));
    for (auto& s : steps) {
      std::size_t i = static_cast<std::size_t>(s.member) % cs.size();
      switch (s.kind) {
        case ll_op::choose: {
          auto t = task_of(s.type);
          auto a = scanned.choose(t, cs);
          auto b = indexed.choose(t, cs);
          RC_ASSERT(a.status == b.status);
          RC_ASSERT(a.index == b.index);
          if (b.status != choice_status::chosen)
            break;
          auto& c = cs[b.index];
          uint64_t lim = limit_of(c, s.type);
          RC_ASSERT(eligible(c, s.type));
          RC_ASSERT(c.accepting && c.inflight < lim);
          for (auto& o : cs) { // no eligible member with room is less loaded
            uint64_t olim = limit_of(o, s.type);
            if (eligible(o, s.type) && o.accepting && o.inflight < olim)
              RC_ASSERT(!(o.inflight * lim < c.inflight * olim));
          }
          ++c.inflight; // the manager counts it out at once
          indexed.load_changed(b.index);
          break;
        }
        case ll_op::release:
          if (cs[i].inflight > 0) {
            --cs[i].inflight;
            indexed.load_changed(i);
          }
          break;
        case ll_op::toggle:
          cs[i].accepting = !cs[i].accepting;
          indexed.load_changed(i);
          break;
        case ll_op::resize:
          cs[i].capacity = s.value;
          indexed.load_changed(i);
          break;
        case ll_op::join: // a new member at the front: every slot moves
          cs.insert(cs.begin(), member(static_cast<int>(1000 + cs.size()), s.value, true,
                                       3, s.value % 2 == 0));
          scanned.members_changed();
          indexed.members_changed();
          break;
      }
    }
  });
}

TEST_CASE("the load index answers the least loaded slot, ties from the cursor") {
  DROVER_PROPERTY("load_index == a scan of its members", [] {
    std::size_t n = *rc::gen::inRange<std::size_t>(1, 300);
    load_index ix;
    ix.reset(n);
    struct model_place {
      bool room = false;
      uint32_t inflight = 0, limit = 1;
    };
    std::vector<model_place> model(n);
    auto ops = *rc::gen::container<std::vector<std::pair<uint32_t, uint32_t>>>(
      rc::gen::pair(rc::gen::inRange<uint32_t>(0, 100000), rc::gen::inRange<uint32_t>(0, 64)));
    for (auto& [a, b] : ops) {
      auto slot = static_cast<uint32_t>(a % n);
      bool room = (a / n) % 4 != 0;
      uint32_t limit = b % 8 + 1, inflight = room ? b / 8 % limit : 0;
      ix.set(slot, room, inflight, limit);
      model[slot] = model_place{room, inflight, limit};
      std::size_t from = (a / 7) % n;
      int64_t want = -1;
      for (std::size_t k = 0; k < n; ++k) { // the scan: strict < keeps the first
        std::size_t s = (from + k) % n;
        auto& m = model[s];
        if (!m.room)
          continue;
        if (want < 0
            || uint64_t{m.inflight} * model[want].limit < uint64_t{model[want].inflight} * m.limit)
          want = static_cast<int64_t>(s);
      }
      RC_ASSERT(ix.least(from) == want);
    }
  });
}

} // namespace drover
