// A member's way into the cluster (consumers, producers, mailboxes): it
// joins through the registry and survives the registry and the manager
// going away. `member_link` runs the member's join step (register, or ask
// for the courier), monitors the registry and the peer the join returned,
// and when either goes down it does not quit: it joins again with backoff
// (core/backoff), first connecting anew to the registry's address if the
// registry itself went away (a dead process's proxy never comes back). It
// gives up only after --reconnect-timeout. The member keeps its work while
// it waits and hears `joined(peer, again)` once it is back.
//
// Also the registry's liveness check: every `interval` a member sends
// (heartbeat, info). If the registry answers that it no longer knows the
// member (it was declared lost after missed heartbeats), the member joins
// again; the manager then treats it like any re-registration.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "core/backoff.hpp"
#include "core/membership.hpp"

namespace drover {

/// Connects anew to the registry's address without blocking the actor
/// (app/run.cpp makes one with CAF's middleman); calls exactly one of
/// `connected` or `failed` later, on the actor.
using registry_connector =
  std::function<void(caf::event_based_actor* self, std::function<void(caf::actor)> connected,
                     std::function<void(std::string why)> failed)>;

struct link_options {
  caf::actor registry;           ///< as connected at start (or local)
  registry_connector reconnect;  ///< null: the registry lives in this process
  std::string address;           ///< for logs, e.g. "127.0.0.1:4700"
  backoff_policy backoff;        ///< give_up_after is --reconnect-timeout (0: never)
  std::function<void()> joined;  ///< after every join (drover run's --ready-file); may be null
  /// Several registries (one per manager process, one of which leads): a
  /// standby's refusal names the leader's registry, which `follow` makes
  /// the next address `reconnect` tries ("" : simply the next one). Null
  /// with a single registry address.
  std::function<void(const std::string& leader)> follow;
  /// With several registries: this many heartbeats in a row without an
  /// answer mean the registry's process hangs (stopped, cut off), and the
  /// member moves on as if it had gone down. 0: never (one registry).
  uint32_t silent_misses = 0;
};

class member_link {
public:
  /// Sends the member's join request to `registry`; calls `ok(peer)` with
  /// the actor the member works with, or `failed(err)`.
  using join_step = std::function<void(const caf::actor& registry,
                                       std::function<void(caf::actor)> ok,
                                       std::function<void(const caf::error&)> failed)>;
  struct hooks {
    join_step join;
    /// Joined; `again` after a loss (the member re-reports what it holds).
    std::function<void(const caf::actor& peer, bool again)> joined;
    /// The peer or the registry went away: stop sending, keep the work.
    std::function<void()> lost;
    /// --reconnect-timeout passed: the member should stop.
    std::function<void(const std::string& why)> gave_up;
  };

  /// Joins now through opts.registry, else `registry` (connecting first if
  /// both are null). `who` names the member in logs, e.g. "consumer c1".
  void start(caf::event_based_actor* self, std::string who, link_options opts,
             const caf::actor& registry, hooks h);
  /// The join of consumers and producers: (register, info()) to the
  /// registry, whose answer is the manager.
  static join_step registering(caf::event_based_actor* self,
                               std::function<member_info()> info);
  /// Call from the down handler: true if `dm` was about the registry or the
  /// peer, which then starts the way back.
  bool on_down(const caf::down_msg& dm);
  /// Call from the (reconnect_atom, gen) handler.
  void on_retry(uint64_t gen);
  /// A heartbeat to the registry was answered (or timed out: false).
  void on_heartbeat(bool answered);
  /// The registry forgot us (heartbeat answer) or our info changed: join
  /// again now, with the same registry.
  void rejoin();

  const caf::actor& registry() const { return registry_; }
  const caf::actor& peer() const { return peer_; }
  bool is_joined() const { return joined_; }

private:
  void join();
  void connect();
  void retry_later(const std::string& why);
  void on_joined(caf::actor peer);
  /// The registry and/or the peer are gone (down, or silent): back to
  /// joining. False if `registry_gone` ends the link (a local registry).
  bool on_gone(bool registry_gone, bool peer_gone, const std::string& why, bool shutdown);
  /// A standby registry refused the join and named the leader (or not).
  void follow_leader(const std::string& refusal);
  int64_t now_ms() const;

  caf::event_based_actor* self_ = nullptr;
  std::string who_;
  link_options opts_;
  hooks hooks_;
  caf::actor registry_;
  caf::actor peer_;
  bool joined_ = false;
  bool ever_joined_ = false;
  bool attempting_ = false;   ///< a connect or join is on its way
  bool info_changed_ = false; ///< rejoin() came while a join was on its way
  uint64_t gen_ = 0;          ///< answers and timers of an older attempt are ignored
  uint32_t failures_ = 0;     ///< in a row, since the last join
  uint32_t silent_ = 0;       ///< heartbeats in a row the registry did not answer
  bool followed_ = false;     ///< went straight to a named leader since the last join
  int64_t failing_since_ms_ = 0;
  int64_t lost_at_ms_ = 0;    ///< for "back after N ms"
};

/// Sends one heartbeat now and schedules (heartbeat_atom) to `self` after
/// `interval`; the actor's handler for that atom calls this again.
/// `on_forgotten` runs when the registry says "register again".
/// `on_answer` (may be null) hears whether the registry answered in time.
void send_heartbeat(caf::event_based_actor* self, const caf::actor& registry,
                    const member_info& info, std::chrono::milliseconds interval,
                    std::function<void()> on_forgotten,
                    std::function<void(bool answered)> on_answer = nullptr);

/// A stray message or an error message (e.g. a peer of another version
/// refusing one of ours) is logged and dropped; CAF's default for an error
/// message would stop the actor. `who` names it in the log.
void ignore_strays(caf::scheduled_actor* self, std::string who);

/// True if `err` is drover's ec `code` (errors cross actors as caf::error).
bool is_drover_error(const caf::error& err, uint8_t code);

/// The registry refused this member: a live process runs its node name and
/// role. Retrying cannot help; the member stops with this as its reason,
/// its supervisor does not restart it, and the process exits 2.
bool is_name_refusal(const caf::error& err);

} // namespace drover
