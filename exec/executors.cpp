#include "exec/executors.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/log.hpp"
#include "exec/exec_runner.hpp"
#include "exec/group_record.hpp"
#include "exec/io_loop.hpp"
#include "exec/thread_pool.hpp"
#include "exec/worker_pool.hpp"

namespace drover {

/// The executors' state on the loop thread: the handler set in force, the
/// runners, attempts waiting for a pool's first ready line, and the
/// outcomes of this round.
struct executors::loop_side {
  executors& owner;
  io_loop& loop;
  std::vector<std::string> builtin;
  group_record groups;
  std::shared_ptr<const handler_set> set;
  std::unique_ptr<exec_runner> exec;
  std::map<std::string, std::unique_ptr<worker_pool>> pools;
  std::vector<std::unique_ptr<worker_pool>> retired;
  std::vector<exec_request> parked;
  std::vector<exec_outcome> outbox;

  loop_side(executors& o, io_loop& l, executor_options& opts)
    : owner(o), loop(l), builtin(std::move(opts.builtin)), groups(opts.groups_file) {}

  worker_pool::hooks pool_hooks() {
    worker_pool::hooks h;
    h.done = [this](exec_outcome o) { outbox.push_back(std::move(o)); };
    // Deferred: the pool is in the middle of a call of its own.
    h.types_changed = [this] { loop.post([this] { types_changed(); }); };
    h.alert = [this](std::string text) {
      if (owner.hooks_.alert)
        owner.hooks_.alert(std::move(text));
    };
    return h;
  }

  void apply(std::shared_ptr<const handler_set> next) {
    set = std::move(next);
    std::map<std::string, std::unique_ptr<worker_pool>> kept;
    for (auto& [name, h] : set->handlers) {
      if (!h.worker)
        continue;
      auto old = pools.find(name);
      if (old != pools.end() && old->second->fingerprint() == h.fingerprint) {
        kept[name] = std::move(old->second);
        pools.erase(old);
        continue;
      }
      auto p = std::make_unique<worker_pool>(loop, groups, name, h.worker, pool_hooks());
      p->set_fingerprint(h.fingerprint);
      p->start();
      kept[name] = std::move(p);
    }
    std::vector<exec_request> requeue;
    for (auto& [name, p] : pools) {
      log_info("handlers: worker pool {} is replaced; its running tasks finish first", name);
      auto* raw = p.get();
      auto left = p->retire([this, raw] {
        loop.post([this, raw] { // not inside the pool's own call
          retired.erase(std::remove_if(retired.begin(), retired.end(),
                                       [raw](auto& q) { return q.get() == raw; }),
                        retired.end());
        });
      });
      requeue.insert(requeue.end(), left.begin(), left.end());
      retired.push_back(std::move(p));
    }
    pools = std::move(kept);
    for (auto& r : requeue)
      route(std::move(r));
    types_changed();
  }

  void route(exec_request r) {
    if (set) {
      auto h = set->handlers.find(r.type);
      if (h != set->handlers.end() && h->second.exec)
        return exec->start(h->second.exec, std::move(r));
    }
    bool warming = false;
    for (auto& [name, p] : pools) {
      if (p->types().count(r.type) > 0)
        return p->submit(std::move(r));
      warming = warming || p->warming_up();
    }
    if (warming)
      return parked.push_back(std::move(r)); // its pool may serve it once ready
    auto known = builtin;
    auto mine = types_now();
    known.insert(known.end(), mine.begin(), mine.end());
    std::sort(known.begin(), known.end());
    outbox.push_back(failed_outcome(r, fmt::format("unknown task type '{}'; this consumer "
                                                   "runs: {}", r.type,
                                                   fmt::join(known, ", "))));
  }

  std::vector<std::string> types_now() const {
    std::set<std::string> out;
    if (set)
      for (auto& [name, h] : set->handlers)
        if (h.exec)
          out.insert(name);
    for (auto& [name, p] : pools)
      out.insert(p->types().begin(), p->types().end());
    return {out.begin(), out.end()};
  }

  void types_changed() {
    auto now = types_now();
    {
      std::lock_guard<std::mutex> guard{owner.mtx_};
      owner.types_ = now;
    }
    auto waiting = std::move(parked);
    parked.clear();
    for (auto& r : waiting)
      route(std::move(r));
    if (owner.hooks_.types_changed)
      owner.hooks_.types_changed();
  }

  void cancel(task_id id, uint64_t lease) {
    exec->cancel(id, lease);
    for (auto& [name, p] : pools)
      p->cancel(id, lease);
    for (auto& p : retired)
      p->cancel(id, lease);
    parked.erase(std::remove_if(parked.begin(), parked.end(),
                                [&](auto& r) { return r.id == id && r.lease == lease; }),
                 parked.end());
  }

  void flush() {
    if (outbox.empty())
      return;
    auto batch = std::move(outbox);
    outbox.clear();
    owner.hooks_.done(std::move(batch));
  }

  void stop() {
    pools.clear(); // each kills its processes
    retired.clear();
    exec.reset();
    parked.clear();
    outbox.clear();
  }
};

executors::executors(executor_options opts, executor_hooks hooks)
  : hooks_(std::move(hooks)), threads_(opts.threads) {
  loop_ = std::make_unique<io_loop>();
  side_ = std::make_unique<loop_side>(*this, *loop_, opts);
  auto* side = side_.get();
  loop_->run_sync([side] {
    side->groups.clean_up_left_over(); // what a SIGKILLed predecessor left
    side->exec = std::make_unique<exec_runner>(side->loop, side->groups, [side](exec_outcome o) {
      side->outbox.push_back(std::move(o));
    });
  });
  loop_->after_round([side] { side->flush(); });
  loop_->at_stop([side] { side->stop(); });
}

executors::~executors() {
  loop_.reset(); // runs stop() on the loop thread, then joins it
  side_.reset();
  pool_.reset();
}

void executors::use(std::shared_ptr<const handler_set> set) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    handler_count_ = set ? set->handlers.size() : 0;
  }
  auto* side = side_.get();
  loop_->post([side, set = std::move(set)]() mutable { side->apply(std::move(set)); });
}

void executors::start(exec_request r) {
  auto* side = side_.get();
  loop_->post([side, r = std::move(r)]() mutable { side->route(std::move(r)); });
}

void executors::start(std::vector<exec_request> batch) {
  auto* side = side_.get();
  loop_->post([side, batch = std::move(batch)]() mutable {
    for (auto& r : batch)
      side->route(std::move(r));
  });
}

void executors::run_in_pool(task_handler fn, exec_request r) {
  if (!pool_)
    pool_ = std::make_unique<thread_pool>(threads_);
  auto done = hooks_.done;
  pool_->submit([fn = std::move(fn), r = std::move(r), done] {
    auto t0 = std::chrono::steady_clock::now();
    exec_outcome o;
    o.id = r.id;
    o.lease = r.lease;
    try {
      auto res = fn(r.payload, r.attempt);
      o.outcome = res.ok ? task_outcome::succeeded : task_outcome::failed;
      o.result = std::move(res.result);
    } catch (const std::exception& e) {
      o = failed_outcome(r, fmt::format("the {} handler threw: {}", r.type, e.what()));
    } catch (...) {
      o = failed_outcome(r, fmt::format("the {} handler threw", r.type));
    }
    o.run_us = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - t0).count());
    done({std::move(o)});
  });
}

void executors::cancel(task_id id, uint64_t lease) {
  auto* side = side_.get();
  loop_->post([side, id, lease] { side->cancel(id, lease); });
}

std::vector<std::string> executors::types() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return types_;
}

size_t executors::handler_count() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return handler_count_;
}

} // namespace drover
