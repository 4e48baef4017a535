// The strategies of rules/assign.hpp. Each pick_* scans the candidates once
// (hash: a few ring points) with no allocation; fits() is two bit tests
// thanks to member_view.
#include "rules/assign.hpp"

#include "rules/match.hpp"

#include <cmath>

namespace drover {

namespace {

/// Calls f(i) for i = start, start+1, ... wrapping, n times; stops when f
/// returns true. Starting at a rotating cursor spreads ties.
template <class F>
void scan_from(size_t start, size_t n, F f) {
  for (size_t k = 0, i = start; k < n; ++k, i = (i + 1 == n ? 0 : i + 1))
    if (f(i))
      return;
}

} // namespace

assigner::assigner(uint64_t seed)
  : rules_(std::make_shared<const rule_set>(default_rules())),
    cursors_(1, 0),
    rng_(seed) {
}

void assigner::use(std::shared_ptr<const rule_set> rules) {
  rules_ = rules ? std::move(rules) : std::make_shared<const rule_set>(default_rules());
  cursors_.assign(rules_->rules.size() + 1, 0);
  stale_ = true; // the view caches each rule's `to` filter
}

void assigner::refresh(const std::vector<candidate>& cs) {
  if (!stale_ && view_.size() == cs.size())
    return;
  view_.build(cs, *rules_);
  ++epoch_;
  stale_ = false;
  drop_loads(); // slots and eligible sets changed: indexes are made again on use
}

choice assigner::choose(const task& t, std::string_view job_name,
                        const std::vector<candidate>& candidates) {
  refresh(candidates);
  choice c;
  c.matched = first_match(*rules_, t, job_name);
  int type = candidates.empty() ? -1 : view_.type_id(t.spec.type);
  if (type < 0) {
    c.why = unassignable_kind::no_type;
    return c;
  }
  type_ = static_cast<uint32_t>(type);
  if (!view_.tag_ids(t.spec.tags, wanted_)) {
    c.why = unassignable_kind::no_tags; // nobody offers one of the wanted tags
    return c;
  }
  const rule* r = c.matched;
  decision d{t, candidates,
             r ? static_cast<size_t>(r - rules_->rules.data()) : rules_->rules.size(),
             r && r->max_inflight ? r->max_inflight : rules_->default_max_inflight,
             r ? r->key : rules_->default_key,
             r ? r->weights : rules_->default_weights};
  eligible_ = view_.eligible(d.rule_index, type_);
  switch (r ? r->strategy : rules_->default_strategy) {
    case strategy_kind::round_robin: c.status = pick_round_robin(d, c.index); break;
    case strategy_kind::least_loaded: c.status = pick_least_loaded(d, c.index); break;
    case strategy_kind::hash: c.status = pick_hash(d, c.index); break;
    case strategy_kind::fastest: c.status = pick_fastest(d, c.index); break;
    case strategy_kind::random: c.status = pick_random(d, c.index); break;
    case strategy_kind::weighted: c.status = pick_weighted(d, c.index); break;
  }
  if (c.status == choice_status::unassignable)
    c.why = explain(d);
  return c;
}

unassignable_kind assigner::explain(const decision& d) const {
  // The slow path of an unassignable task only: one scan of the members.
  for (size_t i = 0; i < d.cs.size(); ++i)
    if (view_.runs(i, type_) && view_.offers(i, wanted_))
      return unassignable_kind::rule; // it fits but for the rule's `to` filter
  return unassignable_kind::no_tags;
}

void assigner::record_run(const std::string& node, const std::string& type,
                          double run_ms) {
  stats_.record(node, type, run_ms, view_.slot_of(node), epoch_);
}

uint64_t assigner::next_random() {
  // splitmix64: tiny state, good output, and identical on every platform
  // (std distributions are not), so replays with a seed are exact.
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// -- strategies ---------------------------------------------------------------

choice_status assigner::pick_round_robin(const decision& d, int& index) {
  uint32_t& cursor = cursors_[d.rule_index];
  bool any_fit = false;
  scan_from(cursor % d.cs.size(), d.cs.size(), [&](size_t i) {
    if (!fits(d, i))
      return false;
    any_fit = true;
    if (!d.has_room(d.cs[i]))
      return false;
    index = static_cast<int>(i);
    return true;
  });
  if (index >= 0)
    cursor = static_cast<uint32_t>(index + 1);
  return index >= 0 ? choice_status::chosen
                    : any_fit ? choice_status::busy : choice_status::unassignable;
}

choice_status assigner::pick_least_loaded(const decision& d, int& index) {
  if (track_loads_ && wanted_.empty()) // tags narrow the set per task: those scan
    return pick_least_loaded_indexed(d, index);
  uint32_t& cursor = cursors_[d.rule_index];
  bool any_fit = false;
  uint64_t best_in = 0, best_limit = 1;
  scan_from(cursor % d.cs.size(), d.cs.size(), [&](size_t i) {
    if (!fits(d, i))
      return false;
    any_fit = true;
    const auto& c = d.cs[i];
    if (!d.has_room(c))
      return false;
    uint64_t limit = d.limit(c);
    // inflight/limit < best_in/best_limit without division
    if (index < 0 || c.inflight * best_limit < best_in * limit) {
      index = static_cast<int>(i);
      best_in = c.inflight;
      best_limit = limit;
    }
    return best_in == 0; // an idle member cannot be beaten
  });
  if (index >= 0)
    cursor = static_cast<uint32_t>(index + 1);
  return index >= 0 ? choice_status::chosen
                    : any_fit ? choice_status::busy : choice_status::unassignable;
}

choice_status assigner::pick_hash(const decision& d, int& index) {
  if (ring_epoch_ != epoch_) {
    ring_.build(view_.nodes());
    ring_epoch_ = epoch_;
  }
  const auto& s = d.t.spec;
  uint64_t h = 0;
  switch (d.key) {
    case hash_field::key: h = hash_bytes(s.key); break;
    case hash_field::job: h = hash_number(d.t.job); break;
    case hash_field::type: h = hash_bytes(s.type); break;
    case hash_field::payload: h = hash_bytes(s.payload); break;
    case hash_field::dedupe_key: h = hash_bytes(s.dedupe_key); break;
  }
  // Walk clockwise to the first member that fits: restricted to the fitting
  // members this is again a consistent-hash ring.
  bool any_fit = false;
  for (size_t k = 0, pos = ring_.find(h); k < ring_.size(); ++k) {
    uint32_t slot = ring_.slot_at(pos + k);
    if (!fits(d, slot))
      continue;
    any_fit = true;
    const auto& c = d.cs[slot];
    if (!c.accepting)
      continue; // draining: its keys move on, as if it had left
    if (c.inflight >= d.limit(c))
      return choice_status::busy; // wait for the owner: keep the key sticky
    index = static_cast<int>(slot);
    return choice_status::chosen;
  }
  return any_fit ? choice_status::busy : choice_status::unassignable;
}

choice_status assigner::pick_fastest(const decision& d, int& index) {
  const double* avg = stats_.by_slot(d.t.spec.type, view_.nodes(), epoch_);
  uint32_t& cursor = cursors_[d.rule_index];
  bool any_fit = false;
  double best = 0;
  uint64_t best_in = 0, best_limit = 1;
  scan_from(cursor % d.cs.size(), d.cs.size(), [&](size_t i) {
    if (!fits(d, i))
      return false;
    any_fit = true;
    const auto& c = d.cs[i];
    if (!d.has_room(c))
      return false;
    double a = avg && avg[i] >= 0 ? avg[i] : 0.0; // no data: try it
    uint64_t limit = d.limit(c);
    if (index < 0 || a < best
        || (a == best && c.inflight * best_limit < best_in * limit)) {
      index = static_cast<int>(i);
      best = a;
      best_in = c.inflight;
      best_limit = limit;
    }
    return false;
  });
  if (index >= 0)
    cursor = static_cast<uint32_t>(index + 1);
  return index >= 0 ? choice_status::chosen
                    : any_fit ? choice_status::busy : choice_status::unassignable;
}

choice_status assigner::pick_random(const decision& d, int& index) {
  scratch_.clear();
  bool any_fit = false;
  for (size_t i = 0; i < d.cs.size(); ++i)
    if (fits(d, i)) {
      any_fit = true;
      if (d.has_room(d.cs[i]))
        scratch_.push_back(static_cast<int>(i));
    }
  if (scratch_.empty())
    return any_fit ? choice_status::busy : choice_status::unassignable;
  // Lemire's multiply-shift maps 64 random bits onto [0, size) without `%`.
  auto pick = static_cast<size_t>(
    (static_cast<unsigned __int128>(next_random()) * scratch_.size()) >> 64);
  index = scratch_[pick];
  return choice_status::chosen;
}

choice_status assigner::pick_weighted(const decision& d, int& index) {
  const double* avg = stats_.by_slot(d.t.spec.type, view_.nodes(), epoch_);
  double known_sum = 0;
  size_t known = 0;
  for (size_t i = 0; avg && i < d.cs.size(); ++i)
    if (avg[i] >= 0) {
      known_sum += avg[i];
      ++known;
    }
  const double unknown = known ? known_sum / known : 1.0;
  uint32_t& cursor = cursors_[d.rule_index];
  bool any_fit = false;
  double best = 0;
  scan_from(cursor % d.cs.size(), d.cs.size(), [&](size_t i) {
    if (!fits(d, i))
      return false;
    any_fit = true;
    const auto& c = d.cs[i];
    if (!d.has_room(c))
      return false;
    double a = avg && avg[i] >= 0 ? avg[i] : unknown;
    double load = (c.inflight + 1.0) / d.limit(c);
    double score = d.weights.busyness == 1.0 && d.weights.efficiency == 1.0
                     ? load * a // the default: skip pow on the hot path
                     : std::pow(load, d.weights.busyness) * std::pow(a, d.weights.efficiency);
    if (index < 0 || score < best) {
      index = static_cast<int>(i);
      best = score;
    }
    return false;
  });
  if (index >= 0)
    cursor = static_cast<uint32_t>(index + 1);
  return index >= 0 ? choice_status::chosen
                    : any_fit ? choice_status::busy : choice_status::unassignable;
}

} // namespace drover
