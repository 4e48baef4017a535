// worker handlers with the reference libraries (exec/worker_pool): the
// ready line decides the types, results and errors come back, a worker that
// dies or writes garbage fails its task and is replaced, a crash loop
// raises an alert, processes are recycled after max_tasks_per_process.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "exec/group_record.hpp"
#include "exec/io_loop.hpp"
#include "exec/worker_pool.hpp"
#include "tests/unit/exec_support.hpp"

using namespace drover;
using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

const std::string src = DROVER_SOURCE_DIR;

/// A Python worker with handlers that misbehave on demand.
const char* test_worker = R"(
import os, sys
sys.path.insert(0, sys.argv[1])
import drover_worker as dw

@dw.handler("t.pid")
def pid(payload, task):
    return str(os.getpid())

@dw.handler("t.die")
def die(payload, task):
    os._exit(3)

@dw.handler("t.garbage")
def garbage(payload, task):
    dw._out.write("this is not json\n")
    dw._out.flush()
    return "x"

@dw.handler("t.log")
def log(payload, task):
    task.log("step one")
    print("to stderr")
    return "ok"

@dw.handler("t.sleep")
def nap(payload, task):
    import time
    time.sleep(float(payload))
    return "awake"

@dw.handler("t.fail")
def fail(payload, task):
    raise ValueError("bad path " + payload)

if os.environ.get("CRASH_AT_START"):
    sys.exit(1)
dw.run()
)";

struct pool_fixture {
  outcome_box box;
  temp_dir tmp;
  io_loop loop;
  group_record groups;
  std::unique_ptr<worker_pool> pool;

  ~pool_fixture() {
    loop.run_sync([this] { pool.reset(); });
  }
  worker_spec python(uint32_t processes = 1) {
    auto script = tmp.path + "/w.py";
    std::ofstream{script} << test_worker;
    worker_spec w;
    w.proc.argv = {"/usr/bin/python3", script, src + "/workers/python"};
    w.proc.kill_grace_ms = 500;
    w.processes = processes;
    return w;
  }
  void make(worker_spec spec) {
    loop.run_sync([this, spec] {
      worker_pool::hooks h;
      h.done = [this](exec_outcome o) { box.push(std::move(o)); };
      h.types_changed = [this] {
        std::lock_guard<std::mutex> guard{box.mtx};
        ++box.types_changes;
        box.cv.notify_all();
      };
      h.alert = [this](std::string text) {
        std::lock_guard<std::mutex> guard{box.mtx};
        box.alerts.push_back(std::move(text));
        box.cv.notify_all();
      };
      pool = std::make_unique<worker_pool>(loop, groups, "py",
                                           std::make_shared<worker_spec>(spec), h);
      pool->start();
    });
  }
  std::set<std::string> types() {
    std::set<std::string> out;
    loop.run_sync([&] { out = pool->types(); });
    return out;
  }
  bool wait_ready(std::chrono::milliseconds limit = 20s) {
    std::unique_lock<std::mutex> lock{box.mtx};
    return box.cv.wait_for(lock, limit, [&] { return box.types_changes > 0; });
  }
  void submit(exec_request r) {
    loop.post([this, r] { pool->submit(r); });
  }
  exec_outcome run(exec_request r) {
    auto n = box.size();
    submit(std::move(r));
    REQUIRE(box.wait_for(n + 1));
    return box.at(n);
  }
};

} // namespace

TEST_SUITE("exec worker") {

TEST_CASE_FIXTURE(pool_fixture, "the ready line names the types, tasks come back as results") {
  auto spec = python();
  spec.proc.argv = {"/usr/bin/python3", src + "/examples/python/worker.py"};
  make(spec);
  REQUIRE(wait_ready());
  CHECK(types() == std::set<std::string>{"py.noop", "py.wordcount"});
  auto o = run(request(1, "py.wordcount", "the quick brown fox"));
  CHECK(o.outcome == task_outcome::succeeded);
  CHECK(o.result == "4");
  o = run(request(2, "py.wordcount", "   "));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result == "PermanentError: empty text: nothing to count");
  CHECK_FALSE(o.retryable);
}

TEST_CASE_FIXTURE(pool_fixture, "the types it serves can be restricted") {
  auto spec = python();
  spec.types = {"t.pid", "t.nothing"};
  make(spec);
  REQUIRE(wait_ready());
  CHECK(types() == std::set<std::string>{"t.pid"});
}

TEST_CASE_FIXTURE(pool_fixture, "errors, logs and stderr of a task are kept with its attempt") {
  make(python());
  REQUIRE(wait_ready());
  auto o = run(request(1, "t.fail", "/a.png"));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result == "ValueError: bad path /a.png");
  CHECK(o.retryable);
  CHECK(o.log.find("Traceback") != std::string::npos);
  o = run(request(2, "t.log", ""));
  CHECK(o.result == "ok");
  CHECK(o.log.find("info: step one\n") != std::string::npos);
  CHECK(o.log.find("to stderr\n") != std::string::npos);
}

TEST_CASE_FIXTURE(pool_fixture, "a worker that dies mid-task fails it as lost and is started again") {
  make(python());
  REQUIRE(wait_ready());
  auto first = run(request(1, "t.pid", "")).result;
  auto o = run(request(2, "t.die", ""));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result.find("worker lost: py process " + first + " exited (exit code 3)") == 0);
  CHECK(o.retryable);
  auto second = run(request(3, "t.pid", ""));
  CHECK(second.outcome == task_outcome::succeeded);
  CHECK(second.result != first);
}

TEST_CASE_FIXTURE(pool_fixture, "garbage on stdout kills that worker and fails its task with the reason") {
  make(python());
  REQUIRE(wait_ready());
  auto o = run(request(1, "t.garbage", ""));
  CHECK(o.outcome == task_outcome::failed);
  CHECK(o.result.find("wrote a line that is not the worker protocol (not JSON): this is not json")
        != std::string::npos);
  CHECK(run(request(2, "t.pid", "")).outcome == task_outcome::succeeded); // replaced
}

TEST_CASE_FIXTURE(pool_fixture, "a task past the handler's timeout ends timed out, its stuck worker is replaced") {
  auto spec = python();
  spec.proc.timeout_ms = 300;
  spec.proc.kill_grace_ms = 300;
  make(spec);
  REQUIRE(wait_ready());
  auto first = run(request(1, "t.pid", "")).result;
  auto t0 = std::chrono::steady_clock::now();
  auto o = run(request(2, "t.sleep", "30"));
  CHECK(o.outcome == task_outcome::timed_out);
  CHECK(o.result == "timed out after 300 ms");
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  auto next = run(request(3, "t.pid", "")); // waits for the replacement
  CHECK(next.outcome == task_outcome::succeeded);
  CHECK(next.result != first);
  CHECK(box.size() == 3); // the killed attempt was not reported a second time
}

TEST_CASE_FIXTURE(pool_fixture, "a cancelled task gets no outcome; a queued one never starts") {
  auto spec = python();
  spec.proc.kill_grace_ms = 300;
  make(spec);
  REQUIRE(wait_ready());
  submit(request(1, "t.sleep", "30"));
  submit(request(2, "t.pid", ""));     // queued behind it
  std::this_thread::sleep_for(200ms);
  loop.post([this] {
    pool->cancel(2, 1);
    pool->cancel(1, 1);
  });
  auto o = run(request(3, "t.pid", "")); // runs once the stuck process was replaced
  CHECK(o.id == 3);
  CHECK(box.size() == 1);
}

TEST_CASE_FIXTURE(pool_fixture, "processes are replaced after max_tasks_per_process") {
  auto spec = python();
  spec.max_tasks_per_process = 2;
  make(spec);
  REQUIRE(wait_ready());
  std::vector<std::string> pids;
  for (task_id i = 1; i <= 5; ++i)
    pids.push_back(run(request(i, "t.pid", "")).result);
  CHECK(pids[0] == pids[1]);
  CHECK(pids[1] != pids[2]);
  CHECK(pids[2] == pids[3]);
  CHECK(pids[3] != pids[4]);
}

TEST_CASE_FIXTURE(pool_fixture, "a process above max_rss after a task is replaced") {
  auto spec = python();
  spec.max_rss = 1 << 20; // any Python is above 1 MiB
  make(spec);
  REQUIRE(wait_ready());
  auto first = run(request(1, "t.pid", "")).result;
  auto second = run(request(2, "t.pid", "")).result;
  CHECK(first != second);
}

TEST_CASE_FIXTURE(pool_fixture, "a crash loop raises an alert and withdraws the types") {
  auto spec = python();
  spec.proc.set["CRASH_AT_START"] = "1";
  make(spec);
  std::unique_lock<std::mutex> lock{box.mtx};
  REQUIRE(box.cv.wait_for(lock, 20s, [&] { return !box.alerts.empty(); }));
  CHECK(box.alerts[0].find("worker pool py is crash-looping: 6 process exits within 60 s")
        == 0);
  lock.unlock();
  CHECK(types().empty());
}

TEST_CASE_FIXTURE(pool_fixture, "the Node library speaks the same protocol") {
  worker_spec spec;
  spec.proc.argv = {"/usr/bin/node", src + "/examples/node/worker.js"};
  make(spec);
  REQUIRE(wait_ready());
  CHECK(types() == std::set<std::string>{"js.noop", "js.wordcount"});
  CHECK(run(request(1, "js.wordcount", "one two  three")).result == "3");
  auto o = run(request(2, "js.wordcount", ""));
  CHECK(o.result == "PermanentError: empty text: nothing to count");
  CHECK_FALSE(o.retryable);
}

} // TEST_SUITE
