// user_queue: see store/user_queue.hpp.
#include "store/user_queue.hpp"

#include <set>

namespace drover {

namespace {

const char* schema = R"(
CREATE TABLE IF NOT EXISTS items (pos INTEGER PRIMARY KEY AUTOINCREMENT, user INTEGER,
  seq INTEGER, id BLOB, sender INTEGER, data_type BLOB, level INTEGER, body BLOB,
  created_ms INTEGER);
CREATE INDEX IF NOT EXISTS items_user ON items(user, pos);
CREATE TABLE IF NOT EXISTS lanes (user INTEGER PRIMARY KEY, last_seq INTEGER);
)";

} // namespace

result<std::unique_ptr<user_queue>> user_queue::open(const std::string& path, durability d) {
  auto db = sql_db::open(path, schema, d);
  if (!db)
    return std::move(db).err();
  return std::unique_ptr<user_queue>{new user_queue(std::move(*db))};
}

// A failed read must not pass for 0: a count of 0 would let a full queue
// grow past its bound, a last seq of 0 would store a re-sent item twice.
result<int64_t> user_queue::one_number(const char* sql, uint64_t user) {
  int64_t n = 0;
  if (auto err = db_->run(sql, {static_cast<int64_t>(user)},
                          [&](const sql_row& r) { n = r.i64(0); }))
    return err;
  return n;
}

result<int64_t> user_queue::count(uint64_t user) {
  return one_number("SELECT COUNT(*) FROM items WHERE user=?", user);
}

result<int64_t> user_queue::last_seq(uint64_t user) {
  return one_number("SELECT last_seq FROM lanes WHERE user=?", user);
}

result<std::vector<offer_result>> user_queue::offer(const std::vector<data_item>& items,
                                                     uint32_t bound) {
  std::vector<offer_result> out;
  std::set<uint64_t> blocked;
  auto err = db_->transaction([&]() -> error {
    for (auto& it : items) {
      auto user = static_cast<int64_t>(it.user);
      auto seq = static_cast<int64_t>(it.seq);
      if (!blocked.count(it.user)) {
        auto last = last_seq(it.user);
        if (!last)
          return last.err();
        if (seq <= *last) {
          out.push_back(offer_result::stored); // a re-send of what we have (or had)
          continue;
        }
      }
      bool full = blocked.count(it.user) > 0;
      if (!full) {
        auto n = count(it.user);
        if (!n)
          return n.err();
        full = *n >= bound;
      }
      if (full) {
        blocked.insert(it.user);
        out.push_back(offer_result::full);
        continue;
      }
      if (auto err = db_->run("INSERT INTO items (user, seq, id, sender, data_type, level, "
                              "body, created_ms) VALUES (?,?,?,?,?,?,?,?)",
                              {user, seq, it.id, static_cast<int64_t>(it.sender),
                               it.data_type, static_cast<int64_t>(it.level), it.body,
                               it.created_ms}))
        return err;
      if (auto err = db_->run("INSERT OR REPLACE INTO lanes VALUES (?,?)", {user, seq}))
        return err;
      out.push_back(offer_result::stored);
    }
    return {};
  });
  if (err)
    return err;
  return out;
}

result<std::vector<data_item>> user_queue::read(uint64_t user, uint32_t max) {
  std::vector<data_item> out;
  auto err = db_->run("SELECT seq, id, sender, data_type, level, body, created_ms FROM items "
                  "WHERE user=? ORDER BY pos LIMIT ?",
                  {static_cast<int64_t>(user), static_cast<int64_t>(max)},
                  [&](const sql_row& r) {
                    data_item it;
                    it.seq = static_cast<uint64_t>(r.i64(0));
                    it.id = r.text(1);
                    it.sender = static_cast<uint64_t>(r.i64(2));
                    it.user = user;
                    it.data_type = r.text(3);
                    it.level = static_cast<priority>(r.i64(4));
                    it.body = r.text(5);
                    it.created_ms = r.i64(6);
                    out.push_back(std::move(it));
                  });
  if (err)
    return err;
  return out;
}

result<std::vector<std::string>> user_queue::ack(uint64_t user, const std::string& last_id) {
  std::vector<std::string> out;
  auto u = static_cast<int64_t>(user);
  int64_t pos = -1;
  if (auto err = db_->run("SELECT pos FROM items WHERE user=? AND id=?", {u, last_id},
                          [&](const sql_row& r) { pos = r.i64(0); }))
    return err;
  if (pos < 0)
    return {ec::bad_input, "'" + last_id + "' is not in the queue of " + format_user_id(user)
                             + " (already acknowledged, or never delivered there)"};
  auto err = db_->transaction([&]() -> error {
    if (auto err = db_->run("SELECT id FROM items WHERE user=? AND pos<=? ORDER BY pos", {u, pos},
                            [&](const sql_row& r) { out.push_back(r.text(0)); }))
      return err;
    return db_->run("DELETE FROM items WHERE user=? AND pos<=?", {u, pos});
  });
  if (err)
    return err;
  return out;
}

result<uint64_t> user_queue::backlog() {
  int64_t n = 0;
  if (auto err = db_->run("SELECT COUNT(*) FROM items", {},
                          [&](const sql_row& r) { n = r.i64(0); }))
    return err;
  return static_cast<uint64_t>(n);
}

error user_queue::keep_only(const std::vector<uint64_t>& users) {
  std::set<uint64_t> keep(users.begin(), users.end());
  std::vector<int64_t> drop;
  auto err = db_->run("SELECT DISTINCT user FROM lanes", {}, [&](const sql_row& r) {
    if (!keep.count(static_cast<uint64_t>(r.i64(0))))
      drop.push_back(r.i64(0));
  });
  if (err || drop.empty())
    return err;
  return db_->transaction([&]() -> error {
    for (auto u : drop) {
      if (auto e = db_->run("DELETE FROM items WHERE user=?", {u}))
        return e;
      if (auto e = db_->run("DELETE FROM lanes WHERE user=?", {u}))
        return e;
    }
    return {};
  });
}

} // namespace drover
