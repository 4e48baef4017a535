// The schedules on PostgreSQL: the `schedules` table of the drover schema
// (store/pg_schema.cpp), on a connection of its own owned by the store
// actor like the task store's. Writes are rare (a change or a run), so each
// is one statement in a transaction fenced like the task store's (a deposed
// leader changes no schedule); a broken connection is reconnected once per
// call.
#include "store/pg_schedule_store.hpp"

#include <atomic>

#include "store/pg_conn.hpp"
#include "store/pg_schema.hpp"

namespace drover {

namespace {

class pg_schedule_store final : public schedule_store {
public:
  explicit pg_schedule_store(std::unique_ptr<pg_connection> c) : conn_(std::move(c)) {}

  error save(const schedule_record& r) override {
    pg_params p;
    p.add(static_cast<int64_t>(r.id)).add(r.name).add(r.job_template).add(r.every).add(r.cron)
      .add(int64_t{static_cast<int>(r.catch_up)}).add(int64_t{r.running ? 1 : 0})
      .add(r.anchor_ms).add(r.last_fire_ms).add(static_cast<int64_t>(r.runs))
      .add(encode_runs(r.recent));
    return write("saving schedule " + r.name,
                 "INSERT INTO schedules VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) "
                 "ON CONFLICT (id) DO UPDATE SET name=excluded.name, "
                 "job_template=excluded.job_template, every=excluded.every, cron=excluded.cron, "
                 "catch_up=excluded.catch_up, running=excluded.running, "
                 "anchor_ms=excluded.anchor_ms, last_fire_ms=excluded.last_fire_ms, "
                 "runs=excluded.runs, recent=excluded.recent", p);
  }

  error remove(uint64_t id) override {
    pg_params p;
    p.add(static_cast<int64_t>(id));
    return write("removing schedule " + std::to_string(id), "DELETE FROM schedules WHERE id = $1",
                 p);
  }

  result<std::vector<schedule_record>> load() override {
    auto rows = run("SELECT id, name, job_template, every, cron, catch_up, running, "
                    "anchor_ms, last_fire_ms, runs, recent FROM schedules ORDER BY id", {});
    if (!rows)
      return std::move(rows).err();
    std::vector<schedule_record> got;
    for (int i = 0; i < rows->size(); ++i) {
      schedule_record r;
      r.id = static_cast<uint64_t>(rows->i64(i, 0));
      r.name = std::string{rows->text(i, 1)};
      r.job_template = std::string{rows->text(i, 2)};
      r.every = std::string{rows->text(i, 3)};
      r.cron = std::string{rows->text(i, 4)};
      auto policy = rows->i64(i, 5);
      r.catch_up = policy >= 0 && policy <= 2 ? static_cast<catch_up_policy>(policy)
                                              : catch_up_policy::one;
      r.running = rows->i64(i, 6) != 0;
      r.anchor_ms = rows->i64(i, 7);
      r.last_fire_ms = rows->i64(i, 8);
      r.runs = static_cast<uint64_t>(rows->i64(i, 9));
      r.recent = decode_runs(std::string{rows->text(i, 10)});
      got.push_back(std::move(r));
    }
    return got;
  }

  void set_fence(uint64_t epoch) override { fence_ = epoch; }

private:
  /// `sql` in a transaction that commits only under the fence.
  error write(const std::string& what, const std::string& sql, const pg_params& p) {
    auto attempt = [&]() -> error {
      error err;
      if (auto begun = conn_->exec("BEGIN"); !begun)
        err = std::move(begun).err();
      else if (auto done = conn_->exec(sql, p); !done)
        err = std::move(done).err();
      else
        err = commit_fenced(*conn_, fence_, what);
      if (err && conn_->alive())
        (void)conn_->exec("ROLLBACK"); // `err` says what went wrong; nothing is left open
      return err;
    };
    auto err = attempt();
    if (err && pg_retryable(err) && !conn_->reconnect())
      err = attempt();
    return err;
  }

  result<pg_rows> run(const std::string& sql, const pg_params& p) {
    auto r = conn_->exec(sql, p);
    if (!r && pg_retryable(r.err()) && !conn_->reconnect())
      r = conn_->exec(sql, p);
    return r;
  }

  std::unique_ptr<pg_connection> conn_;
  std::atomic<uint64_t> fence_{0};
};

} // namespace

result<std::unique_ptr<schedule_store>> open_pg_schedule_store(const std::string& spec,
                                                               durability d) {
  auto c = open_pg_session(spec, std::string{"SET synchronous_commit = "}
                                    + (d == durability::disk ? "on" : "off"));
  if (!c)
    return std::move(c).err();
  return std::unique_ptr<schedule_store>{new pg_schedule_store(std::move(*c))};
}

} // namespace drover
