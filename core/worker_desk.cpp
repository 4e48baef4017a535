// See core/worker_desk.hpp.
#include "core/worker_desk.hpp"

#include <algorithm>

namespace drover {

uint32_t effective_capacity(const worker_poll& p) {
  if (p.capacity > 0)
    return p.capacity;
  return std::min<uint32_t>(worker_limits::max_capacity, std::max<uint32_t>(1, 2 * p.max));
}

namespace {

bool same_membership(const worker_poll& a, const worker_poll& b) {
  return a.types == b.types && a.tags == b.tags
         && effective_capacity(a) == effective_capacity(b);
}

} // namespace

std::vector<worker_task> worker_desk::hand_out(worker_entry& w, uint32_t max, int64_t now) {
  std::vector<worker_task> out;
  while (!w.queue.empty() && out.size() < max) {
    auto t = std::move(w.queue.front());
    w.queue.pop_front();
    t.lease_expires_ms = now + w.info.lease_ms;
    t.heartbeat_ms = std::max<uint32_t>(1, w.info.lease_ms / 3);
    held_[t.id] = held_lease{t.lease, w.info.worker, false, t.lease_expires_ms};
    ++w.held;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<worker_desk::delivery> worker_desk::serve_parked(worker_entry& w, int64_t now) {
  std::vector<delivery> out;
  while (!w.queue.empty() && !w.polls.empty()) {
    auto p = w.polls.front();
    w.polls.pop_front();
    out.push_back(delivery{p.id, hand_out(w, p.max, now)});
  }
  return out;
}

worker_desk::poll_answer worker_desk::poll(const worker_poll& asked, uint64_t poll_id,
                                           int64_t now) {
  poll_answer out;
  auto p = asked;
  auto i = workers_.find(p.worker);
  if (p.capacity == 0) // unsaid: as before, so a varying `max` does not re-register it
    p.capacity = i != workers_.end() ? effective_capacity(i->second.info) : effective_capacity(p);
  if (i == workers_.end()) {
    i = workers_.emplace(p.worker, worker_entry{}).first;
    i->second.info = p;
    out.step = join_step::spawn;
  } else {
    auto& w = i->second;
    if (w.lost || !same_membership(w.info, p))
      out.step = join_step::rejoin;
    w.lost = false;
    w.info = p;
  }
  auto& w = i->second;
  w.last_poll_ms = w.last_contact_ms = now;
  out.tasks = hand_out(w, p.max, now);
  if (out.tasks.empty() && p.wait_ms > 0) {
    out.parked = true;
    w.polls.push_back(parked_poll{poll_id, p.max});
  }
  return out;
}

std::vector<worker_desk::delivery> worker_desk::leased(const std::string& worker,
                                                       std::vector<worker_task> batch,
                                                       int64_t now) {
  auto i = workers_.find(worker);
  if (i == workers_.end())
    return {};
  for (auto& t : batch)
    i->second.queue.push_back(std::move(t));
  return serve_parked(i->second, now);
}

std::vector<worker_desk::delivery> worker_desk::returned(const std::string& worker,
                                                         std::vector<worker_task> tasks,
                                                         int64_t now) {
  auto i = workers_.find(worker);
  if (i == workers_.end())
    return {};
  auto& w = i->second;
  for (auto t = tasks.rbegin(); t != tasks.rend(); ++t) {
    auto h = held_.find(t->id);
    if (h == held_.end() || h->second.lease != t->lease || h->second.cancel)
      continue; // aborted meanwhile: the manager expects nothing for it
    forget(h);
    w.queue.push_front(std::move(*t));
  }
  return serve_parked(w, now);
}

bool worker_desk::expire_poll(const std::string& worker, uint64_t poll_id) {
  auto i = workers_.find(worker);
  if (i == workers_.end())
    return false;
  auto& polls = i->second.polls;
  auto p = std::find_if(polls.begin(), polls.end(),
                        [&](const parked_poll& x) { return x.id == poll_id; });
  if (p == polls.end())
    return false;
  polls.erase(p);
  return true;
}

void worker_desk::aborted(const std::string& worker, task_id id, uint64_t lease) {
  auto h = held_.find(id);
  if (h != held_.end() && h->second.lease == lease) {
    h->second.cancel = true;
    return;
  }
  auto i = workers_.find(worker);
  if (i == workers_.end())
    return;
  auto& q = i->second.queue;
  q.erase(std::remove_if(q.begin(), q.end(),
                         [&](const worker_task& t) { return t.id == id && t.lease == lease; }),
          q.end());
}

std::optional<worker_beat> worker_desk::heartbeat(task_id id, uint64_t lease, int64_t now) {
  auto h = held_.find(id);
  if (h == held_.end() || h->second.lease != lease)
    return std::nullopt;
  auto& w = workers_.at(h->second.worker);
  w.last_beat_ms = w.last_contact_ms = now;
  worker_beat out;
  out.lease_expires_ms = h->second.expires_ms = now + w.info.lease_ms;
  out.cancel_requested = h->second.cancel;
  return out;
}

std::string worker_desk::holder(task_id id, uint64_t lease, int64_t now) {
  auto h = held_.find(id);
  if (h == held_.end() || h->second.lease != lease)
    return {};
  workers_.at(h->second.worker).last_contact_ms = now;
  return h->second.worker;
}

void worker_desk::forget(std::unordered_map<task_id, held_lease>::iterator i) {
  auto w = workers_.find(i->second.worker);
  if (w != workers_.end() && w->second.held > 0)
    --w->second.held;
  held_.erase(i);
}

void worker_desk::settled(task_id id, uint64_t lease) {
  auto h = held_.find(id);
  if (h != held_.end() && h->second.lease == lease)
    forget(h);
}

void worker_desk::expire_leases(int64_t now, std::vector<expired_lease>& out) {
  for (auto h = held_.begin(); h != held_.end();) {
    auto& l = h->second;
    auto w = workers_.find(l.worker);
    bool worker_lost = w == workers_.end() || w->second.lost; // the membership moves those
    if (worker_lost || now - l.expires_ms <= grace_ms_) {
      ++h;
      continue;
    }
    if (!l.cancel) // an aborted lease is the manager's no more
      out.push_back(expired_lease{l.worker, h->first, l.lease});
    auto next = std::next(h);
    forget(h);
    h = next;
  }
}

worker_desk::tick_result worker_desk::tick(int64_t now) {
  tick_result out;
  expire_leases(now, out.expired);
  for (auto i = workers_.begin(); i != workers_.end();) {
    auto& w = i->second;
    if (!w.lost && w.polls.empty() && now - w.last_contact_ms > w.info.lease_ms) {
      w.lost = true;
      w.lost_since_ms = now;
      out.lost.push_back(lost_worker{w.info.worker, {w.queue.begin(), w.queue.end()}});
      w.queue.clear();
    }
    if (w.lost && now - w.lost_since_ms > grace_ms_) {
      for (auto h = held_.begin(); h != held_.end();)
        h = h->second.worker == i->first ? held_.erase(h) : std::next(h);
      out.dropped.push_back(i->first);
      i = workers_.erase(i);
      continue;
    }
    ++i;
  }
  return out;
}

std::vector<std::pair<task_id, uint64_t>> worker_desk::leases_of(const std::string& worker) const {
  std::vector<std::pair<task_id, uint64_t>> out;
  for (auto& [id, h] : held_)
    if (h.worker == worker)
      out.emplace_back(id, h.lease);
  if (auto i = workers_.find(worker); i != workers_.end())
    for (auto& t : i->second.queue)
      out.emplace_back(t.id, t.lease);
  return out;
}

uint32_t worker_desk::capacity_of(const std::string& worker) const {
  auto i = workers_.find(worker);
  return i == workers_.end() ? 0 : effective_capacity(i->second.info);
}

std::vector<worker_view> worker_desk::views() const {
  std::vector<worker_view> out;
  for (auto& [name, w] : workers_) {
    worker_view v;
    v.worker = name;
    v.types = w.info.types;
    v.tags = w.info.tags;
    v.capacity = effective_capacity(w.info);
    v.lease_ms = w.info.lease_ms;
    v.held = w.held;
    v.queued = w.queue.size();
    v.parked = w.polls.size();
    v.last_poll_ms = w.last_poll_ms;
    v.last_heartbeat_ms = w.last_beat_ms;
    v.lost = w.lost;
    out.push_back(std::move(v));
  }
  return out;
}

} // namespace drover
