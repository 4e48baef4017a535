// The executors facade the consumer calls (exec/executors.hpp): routing by
// type to exec and worker handlers, unknown types answered with the known
// ones, attempts waiting for a starting pool, blocking in-process handlers
// truly in parallel on the thread pool, and a worker pool replaced by a swap.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "exec/executors.hpp"
#include "tests/unit/exec_support.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

const std::string src = DROVER_SOURCE_DIR;

struct executors_fixture {
  outcome_box box;
  executors ex{executor_options{4, {}, {"noop", "sleep"}}, hooks()};

  executor_hooks hooks() {
    executor_hooks h;
    h.done = [this](std::vector<exec_outcome> outs) {
      for (auto& o : outs)
        box.push(std::move(o));
    };
    h.types_changed = [this] {
      std::lock_guard<std::mutex> guard{box.mtx};
      ++box.types_changes;
      box.cv.notify_all();
    };
    return h;
  }
  std::shared_ptr<handler_set> set_of(const std::string& yaml) {
    auto hs = parse_handlers(yaml, src + "/h.yaml", false, {"noop", "sleep"});
    INFO(hs.err().message);
    REQUIRE(hs);
    return std::make_shared<handler_set>(std::move(*hs));
  }
  exec_outcome run(exec_request r) {
    auto n = box.size();
    ex.start(std::move(r));
    REQUIRE(box.wait_for(n + 1));
    return box.at(n);
  }
};

} // namespace

TEST_SUITE("exec executors") {

TEST_CASE_FIXTURE(executors_fixture, "types route to their handler; an unknown one fails naming the known ones") {
  ex.use(set_of("handlers:\n  up: { exec: { argv: [tr, a-z, A-Z] } }\n"
                "  py: { worker: { argv: [python3, examples/python/worker.py], cwd: . } }\n"));
  // Sent before the worker said ready: it waits for the pool, then runs.
  auto o = run(request(1, "py.wordcount", "a b"));
  CHECK(o.result == "2");
  CHECK(run(request(2, "up", "abc")).result == "ABC");
  auto bad = run(request(3, "nope", ""));
  CHECK(bad.outcome == task_outcome::failed);
  CHECK(bad.result == "unknown task type 'nope'; this consumer runs: noop, py.noop, py.wordcount, "
                      "sleep, up");
  CHECK(ex.types() == std::vector<std::string>{"py.noop", "py.wordcount", "up"});
  CHECK(ex.handler_count() == 2);
}

TEST_CASE_FIXTURE(executors_fixture, "blocking in-process handlers run side by side on the pool") {
  auto nap = [](const std::string&, uint32_t) {
    std::this_thread::sleep_for(300ms);
    return handler_result{true, "rested", {}};
  };
  auto t0 = std::chrono::steady_clock::now();
  for (task_id i = 1; i <= 4; ++i)
    ex.run_in_pool(nap, request(i, "nap", ""));
  REQUIRE(box.wait_for(4));
  auto took = std::chrono::steady_clock::now() - t0;
  MESSAGE("4 x 300 ms on a pool of 4: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took < 900ms); // one after the other: 1200 ms
  CHECK(box.at(0).result == "rested");
  auto thrower = [](const std::string&, uint32_t) -> handler_result {
    throw std::runtime_error("boom");
  };
  ex.run_in_pool(thrower, request(5, "bad", ""));
  REQUIRE(box.wait_for(5));
  CHECK(box.at(4).result == "the bad handler threw: boom");
}

TEST_CASE_FIXTURE(executors_fixture, "a swap replaces a changed worker pool and keeps the exec handlers current") {
  ex.use(set_of("handlers:\n  py: { worker: { argv: [python3, examples/python/worker.py], cwd: . } }\n"
                "  say: { exec: { argv: [echo, one] } }\n"));
  CHECK(run(request(1, "py.noop", "")).outcome == task_outcome::succeeded);
  CHECK(run(request(2, "say", "")).result == "one\n");
  ex.use(set_of("handlers:\n  py: { worker: { argv: [python3, examples/python/worker.py], cwd: ., "
                "types: [py.noop] } }\n  say: { exec: { argv: [echo, two] } }\n"));
  CHECK(run(request(3, "say", "")).result == "two\n");
  CHECK(run(request(4, "py.noop", "")).outcome == task_outcome::succeeded);
  // The new pool serves only py.noop: wordcount is unknown from now on.
  CHECK(run(request(5, "py.wordcount", "a")).result.find("unknown task type") == 0);
}

} // TEST_SUITE
