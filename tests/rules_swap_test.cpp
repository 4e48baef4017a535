// Hot swap of the assignment rules (DESIGN.md §4) on virtual time:
// by message (what `drover rules apply` and REST send) and by watching the
// rules file. A swap happens between two dispatch rounds, so no task is
// assigned under two rule sets and nothing already assigned moves.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "support/manager_fixture.hpp"
#include "support/process.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// Every task goes to members tagged `tag`.
std::string rules_to(const std::string& tag, int version) {
  return "version: " + std::to_string(version) + "\nrules:\n  - name: only-" + tag
         + "\n    to: { tags: [" + tag + "] }\n";
}

struct swap_fixture : manager_fixture {
  using manager_fixture::manager_fixture;

  /// Sends (rules, apply) as `drover rules apply` does; the answer or error.
  caf::expected<rules_info> apply(const std::string& yaml) {
    caf::expected<rules_info> out{caf::error{}};
    auto req = self->request(mgr, caf::infinite, rules_atom::value, apply_atom::value, yaml,
                             std::string{"<test>"});
    sched.run();
    req.receive([&](rules_info& x) { out = std::move(x); },
                [&](caf::error& e) { out = std::move(e); });
    return out;
  }

  /// ACKs everything the consumer holds and forgets it; returns the ids.
  std::vector<task_id> finish_all(const std::string& node, inbox& box) {
    std::vector<task_id> ids;
    for (auto& a : box.tasks)
      ids.push_back(a.id);
    auto reports = ok_all(box);
    box.tasks.clear();
    report(node, std::move(reports));
    return ids;
  }
};

std::shared_ptr<const rule_set> parsed(const std::string& yaml, const std::string& source) {
  auto rs = parse_rules(yaml, source);
  REQUIRE(rs);
  return std::make_shared<rule_set>(std::move(*rs));
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream{path, std::ios::trunc} << text;
}

} // namespace

TEST_SUITE("rules swap") {

TEST_CASE_FIXTURE(swap_fixture, "a swap under load: assigned tasks stay, new ones follow the new set") {
  REQUIRE(apply(rules_to("a", 1)));
  auto a = join("ca", 10, {"a"});
  auto b = join("cb", 10, {"b"});
  auto ack = submit(100);
  REQUIRE(a->tasks.size() == 10); // the a-rules: only ca
  REQUIRE(b->tasks.empty());
  std::set<task_id> held_by_a;
  for (auto& t : a->tasks)
    held_by_a.insert(t.id);

  auto info = apply(rules_to("b", 2));
  REQUIRE(info);
  CHECK(info->version == 2);
  CHECK(info->source == "<test>");
  CHECK(snap().rules_version == 2);
  CHECK(b->tasks.size() == 10); // the very next round used the b-rules
  for (auto& t : snap(true).tasks)
    if (held_by_a.count(t.id))
      CHECK(t.consumer == "ca"); // nothing already assigned moved

  std::multiset<task_id> ran_on_a;
  std::multiset<task_id> ran_on_b;
  for (auto id : finish_all("ca", *a))
    ran_on_a.insert(id);
  for (int round = 0; round < 20 && (!b->tasks.empty() || !a->tasks.empty()); ++round) {
    CHECK(a->tasks.empty()); // after the swap ca never gets a task again
    for (auto id : finish_all("cb", *b))
      ran_on_b.insert(id);
  }
  CHECK(ran_on_a.size() == 10);
  CHECK(ran_on_b.size() == 90);
  std::set<task_id> all{ran_on_a.begin(), ran_on_a.end()};
  all.insert(ran_on_b.begin(), ran_on_b.end());
  CHECK(all.size() == 100); // none twice, none lost
  CHECK(count(progress(ack.job), task_state::succeeded) == 100);
}

TEST_CASE_FIXTURE(swap_fixture, "a bad set is refused with positions and the old one stays") {
  REQUIRE(apply(rules_to("a", 3)));
  auto hash = snap().rules_hash;
  auto res = apply("version: 4\nrules:\n  - name: x\n    strategy: fastest-ever\n    extra: 1\n");
  REQUIRE_FALSE(res);
  auto text = sys.render(res.error());
  INFO(text);
  CHECK(res.error().code() == static_cast<uint8_t>(ec::invalid_rules));
  CHECK(text.find("<test>:4:15: unknown strategy 'fastest-ever'") != std::string::npos);
  CHECK(text.find("<test>:5:5: unknown key 'extra'") != std::string::npos);
  CHECK(snap().rules_hash == hash);
  CHECK(snap().rules_version == 3);
}

TEST_CASE_FIXTURE(swap_fixture, "tasks no member could take are assigned once a swap lets them") {
  REQUIRE(apply("version: 1\nrules:\n  - name: nowhere\n    to: { nodes: [nobody] }\n"));
  auto c = join("c1", 10);
  auto ack = submit(5);
  CHECK(c->tasks.empty());
  CHECK(progress(ack.job).unassignable == 5);
  REQUIRE(apply("version: 2\n"));
  CHECK(c->tasks.size() == 5);
  CHECK(progress(ack.job).unassignable == 0);
}

TEST_CASE_FIXTURE(swap_fixture, "(rules, get) describes the set in force") {
  REQUIRE(apply(rules_to("a", 9)));
  rules_info info;
  auto req = self->request(mgr, caf::infinite, rules_atom::value, get_atom::value);
  sched.run();
  req.receive([&](rules_info& x) { info = std::move(x); },
              [&](caf::error& e) { FAIL(sys.render(e)); });
  CHECK(info.version == 9);
  CHECK(info.rules == 1);
  CHECK(info.text == rules_to("a", 9));
  CHECK(info.hash == fnv1a_hex(info.text));
}

} // TEST_SUITE

namespace {

/// A manager that watches a rules file in a scratch directory every second.
struct watch_fixture {
  scratch_dir dir;
  std::string path = dir.path + "/rules.yaml";

  manager_options options() {
    write_file(path, rules_to("a", 1));
    manager_options o;
    o.rules = parsed(rules_to("a", 1), path);
    o.rules_path = path;
    o.rules_poll = 1s;
    return o;
  }
};

struct watched_manager : watch_fixture, swap_fixture {
  watched_manager() : swap_fixture(options()) {}
};

} // namespace

TEST_SUITE("rules swap") {

TEST_CASE_FIXTURE(watched_manager, "the manager swaps in a changed rules file at the next poll") {
  CHECK(snap().rules_version == 1);
  write_file(path, rules_to("b", 2));
  advance(999ms);
  CHECK(snap().rules_version == 1); // not looked at yet
  advance(1ms);
  CHECK(snap().rules_version == 2);
  CHECK(snap().rules_source == path);

  write_file(path, "version: 3\nrules: 7\n"); // a bad edit
  advance(1s);
  CHECK(snap().rules_version == 2);  // refused: the old set stays

  std::remove(path.c_str());                 // a missing file changes nothing
  advance(1s);
  CHECK(snap().rules_version == 2);

  write_file(path, rules_to("a", 4));        // fixed: swapped in
  advance(1s);
  CHECK(snap().rules_version == 4);
}

TEST_CASE_FIXTURE(watched_manager, "a set applied by message stays until the file changes again") {
  REQUIRE(apply(rules_to("b", 5)));
  advance(3s); // the file is unchanged: it does not undo the applied set
  CHECK(snap().rules_version == 5);
  write_file(path, rules_to("a", 6));
  advance(1s);
  CHECK(snap().rules_version == 6);
}

} // TEST_SUITE
