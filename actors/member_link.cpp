#include "actors/member_link.hpp"

#include <algorithm>

#include "actors/protocol.hpp"
#include "actors/protocol_links.hpp"
#include "core/leader_address.hpp"
#include "core/log.hpp"

namespace drover {

void ignore_strays(caf::scheduled_actor* self, std::string who) {
  self->set_default_handler(caf::print_and_drop);
  self->set_error_handler([self, who](caf::error& err) {
    log_warn("{}: ignored an error message: {}", who, self->system().render(err));
  });
}

bool is_drover_error(const caf::error& err, uint8_t code) {
  return err.category() == caf::atom("drover") && err.code() == code;
}

bool is_name_refusal(const caf::error& err) {
  return err && is_drover_error(err, static_cast<uint8_t>(ec::name_taken));
}

void send_heartbeat(caf::event_based_actor* self, const caf::actor& registry,
                    const member_info& info, std::chrono::milliseconds interval,
                    std::function<void()> on_forgotten, std::function<void(bool)> on_answer) {
  if (interval.count() <= 0)
    return;
  if (registry) // none while reconnecting: the timer keeps running
    self->request(registry, interval, heartbeat_atom::value, info)
      .then([=] {
              if (on_answer)
                on_answer(true);
            },
            [=](caf::error& err) {
              if (on_answer)
                on_answer(!(err.category() == caf::atom("system")
                            && err.code() == static_cast<uint8_t>(caf::sec::request_timeout)));
              if (is_drover_error(err, static_cast<uint8_t>(ec::unknown_member))) {
                log_warn("{} {}: the registry lost track of us; registering again",
                         to_string(info.role), info.node);
                on_forgotten();
              }
              // A time-out is not ours to judge: the registry decides liveness.
            });
  self->delayed_send(self, interval, heartbeat_atom::value);
}

// -- member_link ---------------------------------------------------------------

int64_t member_link::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           self_->clock().now().time_since_epoch())
    .count();
}

member_link::join_step member_link::registering(caf::event_based_actor* self,
                                                std::function<member_info()> info) {
  return [self, info](const caf::actor& reg, std::function<void(caf::actor)> ok,
                      std::function<void(const caf::error&)> failed) {
    self->request(reg, std::chrono::seconds(30), register_atom::value, info())
      .then([ok](const caf::actor& mgr) { ok(mgr); }, [failed](caf::error& e) { failed(e); });
  };
}

void member_link::start(caf::event_based_actor* self, std::string who, link_options opts,
                        const caf::actor& registry, hooks h) {
  self_ = self;
  who_ = std::move(who);
  opts_ = std::move(opts);
  if (!opts_.registry)
    opts_.registry = registry;
  hooks_ = std::move(h);
  registry_ = opts_.registry;
  if (registry_) {
    self_->monitor(registry_);
    join();
  } else {
    connect();
  }
}

void member_link::join() {
  auto gen = ++gen_;
  attempting_ = true;
  hooks_.join(
    registry_,
    [this, gen](caf::actor peer) {
      if (gen != gen_)
        return;
      attempting_ = false;
      on_joined(std::move(peer));
      if (info_changed_) { // what this join sent is already out of date
        info_changed_ = false;
        join();
      }
    },
    [this, gen](const caf::error& err) {
      if (gen != gen_)
        return;
      attempting_ = false;
      info_changed_ = false; // the retry sends what is current then
      if (is_drover_error(err, static_cast<uint8_t>(ec::not_leader)) && opts_.reconnect)
        return follow_leader(text_of(err, self_->system()));
      if (is_name_refusal(err)) {
        ++gen_; // nothing pending may act any more
        log_error("{}: the registry refused it: {}", who_, text_of(err, self_->system()));
        self_->quit(err);
        return;
      }
      retry_later("joining failed: " + self_->system().render(err));
    });
}

void member_link::connect() {
  auto gen = ++gen_;
  attempting_ = true;
  opts_.reconnect(
    self_,
    [this, gen](caf::actor reg) {
      if (gen != gen_)
        return;
      attempting_ = false;
      registry_ = std::move(reg);
      self_->monitor(registry_);
      log_info("{}: connected to the registry at {} again", who_, opts_.address);
      join();
    },
    [this, gen](std::string why) {
      if (gen != gen_)
        return;
      attempting_ = false;
      retry_later(why);
    });
}

void member_link::on_joined(caf::actor peer) {
  if (peer_ != peer) {
    if (peer_)
      self_->demonitor(peer_);
    peer_ = std::move(peer);
    self_->monitor(peer_);
  }
  bool again = ever_joined_;
  if (failures_ > 0 || lost_at_ms_ > 0)
    log_info("{}: back in the cluster after {} attempts, {} ms without it", who_,
             failures_ + 1, lost_at_ms_ > 0 ? now_ms() - lost_at_ms_ : 0);
  joined_ = true;
  ever_joined_ = true;
  followed_ = false;
  silent_ = 0;
  failures_ = 0;
  lost_at_ms_ = 0;
  hooks_.joined(peer_, again);
  if (opts_.joined)
    opts_.joined();
}

void member_link::retry_later(const std::string& why) {
  if (failures_++ == 0)
    failing_since_ms_ = now_ms();
  auto d = next_retry(opts_.backoff, failures_, failing_since_ms_, now_ms());
  if (d.give_up) {
    auto text = fmt::format("gave up reaching the cluster after {} attempts in {} ms "
                            "(--reconnect-timeout): {}",
                            failures_, now_ms() - failing_since_ms_, why);
    log_error("{}: {}", who_, text);
    ++gen_; // nothing pending may act any more
    if (hooks_.gave_up)
      hooks_.gave_up(text);
    return;
  }
  if (worth_logging(failures_))
    log_warn("{}: {}; attempt {} in {} ms", who_, why, failures_ + 1, d.wait.count());
  self_->delayed_send(self_, d.wait, reconnect_atom::value, gen_);
}

void member_link::on_retry(uint64_t gen) {
  if (gen != gen_)
    return; // an older wait: something newer already runs
  if (registry_)
    join();
  else
    connect();
}

void member_link::rejoin() {
  if (!registry_)
    return; // connecting: the join that follows sends what is current then
  if (attempting_)
    info_changed_ = true; // the join on its way carries the old info: send again once it lands
  else
    join();
}

bool member_link::on_down(const caf::down_msg& dm) {
  bool registry_down = registry_ && dm.source == registry_.address();
  bool peer_down = peer_ && dm.source == peer_.address();
  if (!registry_down && !peer_down)
    return false;
  on_gone(registry_down, peer_down, self_->system().render(dm.reason),
          dm.reason == caf::exit_reason::user_shutdown);
  return true;
}

void member_link::on_heartbeat(bool answered) {
  if (answered) {
    silent_ = 0;
    return;
  }
  if (opts_.silent_misses == 0 || !registry_ || ++silent_ < opts_.silent_misses)
    return;
  silent_ = 0;
  // Its process hangs (stopped, or cut off without a reset): no down
  // message will come. The other registries may have a leader by now.
  self_->demonitor(registry_);
  if (peer_ && peer_ != registry_)
    self_->demonitor(peer_);
  on_gone(true, static_cast<bool>(peer_),
          fmt::format("{} heartbeats in a row unanswered", opts_.silent_misses), false);
}

void member_link::follow_leader(const std::string& refusal) {
  auto leader = leader_in_refusal(refusal);
  if (opts_.follow)
    opts_.follow(leader);
  if (registry_)
    self_->demonitor(registry_);
  registry_ = nullptr;
  if (!leader.empty() && !followed_) { // straight there, once per round
    followed_ = true;
    log_info("{}: that registry stands by; following the leader at {}", who_, leader);
    return connect();
  }
  retry_later(leader.empty() ? "no manager process leads yet"
                             : "the registry stands by; the leader it names is " + leader);
}

bool member_link::on_gone(bool registry_down, bool peer_down, const std::string& why,
                          bool shutdown) {
  bool was_joined = joined_;
  if (joined_) {
    joined_ = false;
    lost_at_ms_ = now_ms();
    if (hooks_.lost)
      hooks_.lost();
  }
  if (peer_down) {
    peer_ = nullptr;
    log_warn("{}: lost its peer ({}); joining again through the registry", who_, why);
  }
  if (registry_down) {
    registry_ = nullptr;
    if (!opts_.reconnect) { // in this process: it only stops when the process does
      ++gen_;
      // Stopped on purpose is the process shutting down: no error to report.
      if (hooks_.gave_up)
        hooks_.gave_up(shutdown ? std::string{}
                                : "the registry in this process stopped (" + why + ")");
      return false;
    }
    log_warn("{}: lost the registry at {} ({}); reconnecting", who_, opts_.address, why);
  }
  if (was_joined) {
    ++gen_; // answers still on their way belong to the connection that broke
    retry_later(registry_ ? "the peer went away" : "the registry went away");
  } else if (registry_down && attempting_) {
    // A join was on its way to the registry that just died: its answer
    // will never come. Try again (connecting first) after the same wait.
    ++gen_;
    attempting_ = false;
    self_->delayed_send(self_, backoff_delay(opts_.backoff, std::max<uint32_t>(failures_, 1)),
                        reconnect_atom::value, gen_);
  } // else a retry is already scheduled; it connects first if the registry is gone
  return true;
}

} // namespace drover
