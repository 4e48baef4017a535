// leader_lease on PostgreSQL (store/leader_lease.hpp): the row
// drover_leader(id=1) taken or renewed by ONE statement judged by the
// database's now(), on a connection of its own (never queued behind the
// store's writes). Every statement is bounded: statement_timeout and
// lock_timeout below the TTL, tcp_user_timeout for a peer that went silent,
// so a caller learns of a lost database in about one TTL at most.
#include "store/leader_lease.hpp"

#include <algorithm>

#include "store/pg_conn.hpp"
#include "store/pg_schema.hpp"

namespace drover {

namespace {

// Takes the row if it is free or expired, renews it if we hold it; the
// epoch moves on whenever the term changes hands (or ours had expired, so a
// holder coming back starts a new term too), and drover_term, the fencing
// token writes check, with it: only then does the statement wait for the
// writes in flight. If the WHERE refuses, the last branch reports the row
// as it stands (the CTE's snapshot).
constexpr const char* acquire_sql = R"sql(
WITH up AS (
  INSERT INTO drover_leader AS l (id, holder, address, epoch, expires_at)
  VALUES (1, $1, $2, 1, now() + $3::bigint * interval '1 millisecond')
  ON CONFLICT (id) DO UPDATE SET
    holder = excluded.holder, address = excluded.address,
    epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at >= now()
                 THEN l.epoch ELSE l.epoch + 1 END,
    expires_at = excluded.expires_at
  WHERE l.holder = excluded.holder OR l.expires_at < now()
  RETURNING l.epoch, l.holder, l.address, l.expires_at),
term AS (
  UPDATE drover_term t SET epoch = up.epoch FROM up WHERE t.id = 1 AND t.epoch <> up.epoch)
SELECT true, epoch, holder, address,
       (extract(epoch FROM expires_at - now()) * 1000)::bigint FROM up
UNION ALL
SELECT false, epoch, holder, address,
       greatest(0, (extract(epoch FROM expires_at - now()) * 1000)::bigint)
  FROM drover_leader WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM up)
)sql";

class pg_leader_lease final : public leader_lease {
public:
  pg_leader_lease(std::unique_ptr<pg_connection> c, std::string holder, std::string address,
                  int64_t ttl_ms)
    : conn_(std::move(c)), holder_(std::move(holder)), address_(std::move(address)),
      ttl_ms_(ttl_ms) {}

  result<lease_view> acquire_or_renew() override {
    if (!conn_->alive())
      if (auto err = conn_->reconnect())
        return err;
    pg_params p;
    p.add(holder_).add(address_).add(ttl_ms_);
    auto r = conn_->exec(acquire_sql, p);
    if (!r)
      return std::move(r).err();
    if (r->size() != 1)
      return {ec::store_failure, "PostgreSQL " + conn_->server()
                                   + ": the leader lease row answered no row"};
    lease_view v;
    v.mine = r->text(0, 0) == "t";
    v.epoch = static_cast<uint64_t>(r->i64(0, 1));
    v.holder = std::string{r->text(0, 2)};
    v.address = std::string{r->text(0, 3)};
    v.expires_in_ms = r->i64(0, 4);
    if (v.mine)
      epoch_ = v.epoch;
    return v;
  }

  error release() override {
    if (epoch_ == 0)
      return {};
    if (!conn_->alive())
      if (auto err = conn_->reconnect())
        return err;
    pg_params p;
    p.add(holder_).add(static_cast<int64_t>(epoch_));
    auto r = conn_->exec("UPDATE drover_leader SET expires_at = now() - interval '1 second' "
                         "WHERE id = 1 AND holder = $1 AND epoch = $2", p);
    if (!r)
      return std::move(r).err();
    epoch_ = 0;
    return {};
  }

private:
  std::unique_ptr<pg_connection> conn_;
  std::string holder_, address_;
  int64_t ttl_ms_;
  uint64_t epoch_ = 0; ///< the term we last held: release() ends only that one
};

} // namespace

result<std::unique_ptr<leader_lease>> open_leader_lease(const std::string& store_spec,
                                                        const std::string& holder,
                                                        const std::string& address,
                                                        int64_t ttl_ms) {
  if (!is_pg_url(store_spec))
    return {ec::bad_input, "a leader lease needs a PostgreSQL store (--store=postgres://...), "
                           "not '" + store_spec + "'"};
  if (holder.empty() || ttl_ms <= 0)
    return {ec::bad_input, "a leader lease needs a holder name and a positive TTL"};
  pg_timeouts t;
  t.connect_s = static_cast<int>(std::max<int64_t>(2, ttl_ms / 1000));
  t.io_ms = static_cast<int>(std::max<int64_t>(200, ttl_ms));
  // Bounded statements: a renewal that cannot finish well inside the TTL is
  // a failed renewal, never a call that blocks past the holder's deadline.
  auto bound = std::to_string(std::max<int64_t>(100, ttl_ms / 2));
  // Renewals do not wait for their WAL flush: a disk busy with the store's
  // commits (or anything else) must not make a healthy leader miss its
  // deadline. A renewal lost in a database crash only ends the term sooner,
  // and a lost change of term is caught by the fence (the writer's epoch no
  // longer matches), so neither can let two leaders write.
  auto c = open_pg_session(store_spec,
                           "SET statement_timeout = " + bound + "; SET lock_timeout = " + bound
                             + "; SET synchronous_commit = off",
                           t);
  if (!c)
    return std::move(c).err();
  return std::unique_ptr<leader_lease>{
    new pg_leader_lease(std::move(*c), holder, address, ttl_ms)};
}

} // namespace drover
