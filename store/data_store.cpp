// data_store: see store/data_store.hpp.
#include "store/data_store.hpp"

#include "store/pg_conn.hpp"

namespace drover {

namespace {

const char* schema = R"(
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name BLOB, node BLOB,
  consumed INTEGER, sent INTEGER, created_ms INTEGER);
CREATE TABLE IF NOT EXISTS deliveries (seq INTEGER PRIMARY KEY, id BLOB UNIQUE,
  sender INTEGER, user INTEGER, data_type BLOB, level INTEGER, body BLOB,
  created_ms INTEGER, state INTEGER, node BLOB, attempts INTEGER);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries(state);
CREATE TABLE IF NOT EXISTS delivery_events (seq INTEGER, kind BLOB, at_ms INTEGER,
  detail BLOB);
CREATE INDEX IF NOT EXISTS delivery_events_seq ON delivery_events(seq);
)";

constexpr const char* delivery_columns =
  "seq, id, sender, user, data_type, level, body, created_ms, state, node, attempts";

delivery_info read_delivery(const sql_row& r) {
  delivery_info d;
  d.item.seq = static_cast<uint64_t>(r.i64(0));
  d.item.id = r.text(1);
  d.item.sender = static_cast<uint64_t>(r.i64(2));
  d.item.user = static_cast<uint64_t>(r.i64(3));
  d.item.data_type = r.text(4);
  d.item.level = static_cast<priority>(r.i64(5));
  d.item.body = r.text(6);
  d.item.created_ms = r.i64(7);
  d.state = static_cast<delivery_state>(r.i64(8));
  d.node = r.text(9);
  d.attempts = static_cast<uint32_t>(r.i64(10));
  return d;
}

error add_event(sql_db& db, uint64_t seq, const data_event& e) {
  return db.run("INSERT INTO delivery_events VALUES (?,?,?,?)",
                {static_cast<int64_t>(seq), e.kind, e.at_ms, e.detail});
}

} // namespace

result<std::unique_ptr<data_store>> data_store::open(const std::string& path, durability d) {
  auto db = sql_db::open(path, schema, d);
  if (!db)
    return std::move(db).err();
  return std::unique_ptr<data_store>{new data_store(std::move(*db))};
}

error data_store::write_user(const user_info& u) {
  return db_->run("INSERT OR REPLACE INTO users VALUES (?,?,?,?,?,?)",
                  {static_cast<int64_t>(u.id), u.name, u.node,
                   static_cast<int64_t>(u.consumed), static_cast<int64_t>(u.sent),
                   u.created_ms});
}

error data_store::put_user(const user_info& u) {
  return db_->transaction([&] { return write_user(u); });
}

error data_store::put_delivery(const data_item& it, const data_event& generated) {
  return db_->transaction([&]() -> error {
    if (auto err = db_->run("INSERT INTO deliveries VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                            {static_cast<int64_t>(it.seq), it.id,
                             static_cast<int64_t>(it.sender), static_cast<int64_t>(it.user),
                             it.data_type, static_cast<int64_t>(it.level), it.body,
                             it.created_ms, int64_t{0}, std::string{}, int64_t{0}}))
      return err;
    return add_event(*db_, it.seq, generated);
  });
}

error data_store::write_change(const delivery_change& c) {
  auto seq = static_cast<int64_t>(c.seq);
  auto st = static_cast<int64_t>(c.state);
  error err = c.state == delivery_state::consumed
                ? db_->run("UPDATE deliveries SET state=?, node=?, attempts=?, body=x'' "
                           "WHERE seq=?", {st, c.node, int64_t{c.attempts}, seq})
                : db_->run("UPDATE deliveries SET state=?, node=?, attempts=? WHERE seq=?",
                           {st, c.node, int64_t{c.attempts}, seq});
  if (err || c.event.kind.empty())
    return err;
  return add_event(*db_, c.seq, c.event);
}

error data_store::apply(const std::vector<delivery_change>& changes,
                        const std::vector<user_info>& users) {
  if (changes.empty() && users.empty())
    return {};
  return db_->transaction([&]() -> error {
    for (auto& c : changes)
      if (auto err = write_change(c))
        return err;
    for (auto& u : users)
      if (auto err = write_user(u))
        return err;
    return {};
  });
}

result<data_snapshot> data_store::load() {
  data_snapshot out;
  auto err = db_->run("SELECT id, name, node, consumed, sent, created_ms FROM users ORDER BY id",
                      {}, [&](const sql_row& r) {
                        user_info u;
                        u.id = static_cast<uint64_t>(r.i64(0));
                        u.name = r.text(1);
                        u.node = r.text(2);
                        u.consumed = static_cast<uint64_t>(r.i64(3));
                        u.sent = static_cast<uint64_t>(r.i64(4));
                        u.created_ms = r.i64(5);
                        out.users.push_back(std::move(u));
                      });
  if (err)
    return err;
  err = db_->run(std::string{"SELECT "} + delivery_columns
                   + " FROM deliveries WHERE state < 2 ORDER BY seq",
                 {}, [&](const sql_row& r) { out.unfinished.push_back(read_delivery(r)); });
  if (err)
    return err;
  err = db_->run("SELECT COALESCE(MAX(seq), 0) FROM deliveries", {},
                 [&](const sql_row& r) { out.max_seq = static_cast<uint64_t>(r.i64(0)); });
  if (err)
    return err;
  return out;
}

result<std::optional<delivery_info>> data_store::get(const std::string& id) {
  std::optional<delivery_info> out;
  auto err = db_->run(std::string{"SELECT "} + delivery_columns + " FROM deliveries WHERE id=?",
                      {id}, [&](const sql_row& r) { out = read_delivery(r); });
  if (err)
    return err;
  if (!out)
    return out;
  err = db_->run("SELECT kind, at_ms, detail FROM delivery_events WHERE seq=? ORDER BY rowid",
                 {static_cast<int64_t>(out->item.seq)}, [&](const sql_row& r) {
                   out->events.push_back(data_event{r.text(0), r.i64(1), r.text(2)});
                 });
  if (err)
    return err;
  return out;
}

std::string data_store_path(const std::string& store_flag, const std::string& local_dir,
                            const std::string& node) {
  const std::string prefix = "sqlite:";
  if (store_flag.rfind(prefix, 0) == 0)
    return store_flag.substr(prefix.size()) + ".data";
  if (is_pg_url(store_flag))
    return (local_dir.empty() ? std::string{} : local_dir + "/") + "courier-" + node + ".data";
  return ":memory:";
}

} // namespace drover
