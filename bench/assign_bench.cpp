// Assignment decisions per second: for each strategy, 10,000 tasks
// over 64 members through assigner::choose(), the manager's hot path. inflight
// goes up as tasks are assigned and back to 0 when a choice comes back busy,
// so we time real decisions, not a saturated no-op. Each strategy runs ~0.5 s.
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rules/assign.hpp"

using namespace drover;

namespace {

constexpr int task_count = 10000;
constexpr int member_count = 64;

std::vector<task> make_tasks(std::vector<std::string> tags) {
  const char* types[] = {"render.frame", "deliver", "encode", "noop"};
  std::vector<task> ts(task_count);
  for (int i = 0; i < task_count; ++i) {
    ts[i].id = i;
    ts[i].job = i / 100;
    ts[i].spec.type = types[i % 4];
    ts[i].spec.key = "user" + std::to_string(i * 7919 % 100000);
    ts[i].spec.tags = tags;
  }
  return ts;
}

std::vector<candidate> make_members(bool half_gpu) {
  std::vector<candidate> cs;
  for (int i = 0; i < member_count; ++i) {
    candidate c{"c" + std::to_string(i), {"cpu"}, 64, 0, true,
                {"deliver", "encode", "noop", "render.frame"}};
    if (half_gpu && i % 2 == 0)
      c.tags.push_back("gpu");
    cs.push_back(c);
  }
  return cs;
}

std::shared_ptr<const rule_set> rules_for(strategy_kind s, int decoy_rules) {
  auto rs = std::make_shared<rule_set>(default_rules());
  rs->default_strategy = s;
  rs->default_key = hash_field::key;
  // Rules the tasks do not match, so first_match does some work as in a real file.
  for (int i = 0; i < decoy_rules; ++i) {
    rule r;
    r.name = "decoy" + std::to_string(i);
    r.match.type = glob{"batch" + std::to_string(i) + ".*"};
    rs->rules.push_back(r);
  }
  return rs;
}

/// Runs 10,000-task rounds for ~0.5 s; returns decisions per second.
double measure(strategy_kind s, int decoy_rules, bool with_tags, uint64_t& sink) {
  assigner a{42};
  a.use(rules_for(s, decoy_rules));
  auto cs = make_members(with_tags);
  auto ts = make_tasks(with_tags ? std::vector<std::string>{"gpu"} : std::vector<std::string>{});
  for (const auto& c : cs) // run-time history for fastest / weighted
    for (const char* type : {"render.frame", "deliver", "encode", "noop"})
      a.record_run(c.node, type, 1.0 + (std::hash<std::string>{}(c.node + type) % 100));
  using clock = std::chrono::steady_clock;
  uint64_t decisions = 0;
  auto start = clock::now();
  double elapsed = 0;
  while (elapsed < 0.5) {
    for (const auto& t : ts) {
      auto c = a.choose(t, cs);
      ++decisions;
      if (c.status == choice_status::chosen) {
        cs[c.index].inflight++;
        sink += c.index;
      } else { // everyone (hash: the key's owner) is full: start over
        for (auto& m : cs)
          m.inflight = 0;
      }
    }
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  return decisions / elapsed;
}

} // namespace

int main() {
  uint64_t sink = 0;
  const strategy_kind all[] = {strategy_kind::round_robin, strategy_kind::least_loaded,
                               strategy_kind::hash,        strategy_kind::fastest,
                               strategy_kind::random,      strategy_kind::weighted};
  std::printf("assign_bench: %d tasks over %d members, decisions/s\n", task_count,
              member_count);
  std::printf("%-14s %14s %22s\n", "strategy", "defaults only",
              "4 rules + gpu tag (1/2)");
  for (auto s : all) {
    double plain = measure(s, 0, false, sink);
    double tagged = measure(s, 4, true, sink);
    std::printf("%-14s %14.0f %22.0f\n", to_string(s), plain, tagged);
  }
  std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink));
}
