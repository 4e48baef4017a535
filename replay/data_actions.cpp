// Timeline actions of multi-user data on a replay cluster: create the
// scenario's users, send data between them, read and acknowledge a user's
// queue. Requests go to the courier as REST would send them. Virtual time
// only: on a real clock they are traced as not supported.
#include "replay/engine_actions.hpp"

#include <caf/all.hpp>
#include <fmt/format.h>

#include <set>

#include "actors/protocol_data.hpp"
#include "replay/cluster.hpp"
#include "replay/observe.hpp"

namespace drover::replay {

namespace {

/// A request to the courier answered by running the deterministic scheduler.
/// The answer is a T; the error's message is what to print.
template <class T, class... Ts>
result<T> ask_courier(action_context& ctx, Ts&&... xs) {
  if (!ctx.cl.courier || ctx.reply_timeout.count() > 0)
    return error{ec::bad_input, "multi-user data replays on virtual time only"};
  caf::scoped_actor self{ctx.sys, true};
  auto req = self->request(ctx.cl.courier, caf::infinite, std::forward<Ts>(xs)...);
  ctx.run();
  if (self->mailbox().empty())
    return error{ec::unreachable, "no answer"};
  result<T> out{error{ec::unreachable, "no answer"}};
  req.receive([&](T& x) { out = std::move(x); },
              [&](caf::error& e) { out = error{ec::unreachable, ctx.sys.render(e)}; });
  return out;
}

std::string user_name(const sim_cluster& cl, uint64_t id) {
  for (auto& [name, n] : cl.user_ids)
    if (n == id)
      return name;
  return format_user_id(id);
}

void send(action_context& ctx, const action& a) {
  auto& sent = ctx.outcome.data_sent[a.from + ">" + a.to];
  send_request req{ctx.cl.user_ids[a.from], ctx.cl.user_ids[a.to], priority::normal, "replay",
                   ""};
  if (auto level = parse_level(a.level)) // empty: normal; data_parse refused any other
    req.level = *level;
  uint64_t ok = 0;
  std::string err;
  for (uint64_t i = 0; i < a.count && err.empty(); ++i) {
    req.body = fmt::format("{}#{}", a.from, sent + 1);
    if (auto r = ask_courier<send_receipt>(ctx, send_atom::value, req)) {
      ++sent;
      ++ok;
    } else {
      err = r.err().message;
    }
  }
  ctx.obs.line(ctx.now_ms, fmt::format("send_data {} -> {}: {} of {} accepted{}", a.from, a.to,
                                       ok, a.count, err.empty() ? "" : " (" + err + ")"));
}

/// Counts the lifecycle records of a consumed item, once per kind.
void note_records(action_context& ctx, const std::string& user, const std::string& id) {
  auto d = ask_courier<delivery_info>(ctx, delivery_atom::value, get_atom::value, id);
  if (!d)
    return;
  std::set<std::string> kinds;
  for (auto& ev : d->events)
    kinds.insert(ev.kind);
  for (auto& k : kinds)
    ++ctx.outcome.data_records[user][k];
}

/// Reads and acknowledges until the queue is empty or the node is down.
void receive(action_context& ctx, const action& a) {
  auto user = ctx.cl.user_ids[a.to];
  auto& got = ctx.outcome.data_received[a.to];
  size_t before = got.size();
  std::string err;
  for (;;) {
    auto b = ask_courier<recv_batch>(ctx, recv_atom::value, user, uint32_t{100});
    if (!b) {
      err = b.err().message;
      break;
    }
    if (b->items.empty())
      break;
    auto acked = ask_courier<uint64_t>(ctx, recv_atom::value, ack_atom::value, user,
                                       b->items.back().id);
    if (!acked) {
      err = acked.err().message;
      break;
    }
    for (auto& it : b->items) {
      got.push_back(it.body);
      note_records(ctx, a.to, it.id);
    }
  }
  ctx.obs.line(ctx.now_ms, fmt::format("recv_data {}: {} items consumed{}", a.to,
                                       got.size() - before, err.empty() ? "" : " (" + err + ")"));
}

} // namespace

void apply_data_action(action_context& ctx, const action& a) {
  if (a.kind == action_kind::send_data)
    return send(ctx, a);
  receive(ctx, a);
}

void create_data_users(action_context& ctx, const std::vector<std::string>& users) {
  for (auto& name : users) {
    auto u = ask_courier<user_info>(ctx, user_atom::value, put_atom::value, name);
    if (!u) {
      ctx.obs.line(ctx.now_ms, fmt::format("user {} not created: {}", name, u.err().message));
      continue;
    }
    ctx.cl.user_ids[name] = u->id;
    ctx.obs.line(ctx.now_ms, fmt::format("user {} = {} on {}", name, format_user_id(u->id),
                                         u->node.empty() ? "no node" : u->node));
  }
}

void collect_user_nodes(action_context& ctx) {
  auto all = ask_courier<std::vector<user_info>>(ctx, user_atom::value, get_atom::value);
  if (!all)
    return;
  for (auto& u : *all)
    ctx.outcome.user_nodes[user_name(ctx.cl, u.id)] = u.node;
}

} // namespace drover::replay
