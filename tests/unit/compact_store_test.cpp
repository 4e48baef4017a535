// The compact task representation (bench W5): compact_string keeps a
// task's text in 8 bytes, id_table keeps tasks in dense pages.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/compact_string.hpp"
#include "core/id_table.hpp"
#include "core/task.hpp"

using namespace drover;

TEST_CASE("compact_string reads like the std::string it replaced") {
  std::string long_text(100, 'x');
  for (std::string text : {std::string{}, std::string{"noop"}, std::string{"sixsix"},
                           std::string{"seven77"}, std::string{"consumer-4242"}, long_text,
                           std::string{"a\0b", 3}}) {
    CAPTURE(text);
    compact_string s{text};
    CHECK(s.size() == text.size());
    CHECK(s.empty() == text.empty());
    CHECK(s == text);
    CHECK(text == s);
    CHECK_FALSE(s != text);
    CHECK(s.view() == text);
    CHECK(s.str() == text);
    CHECK(std::string{s} == text);
    CHECK(s.c_str()[s.size()] == '\0'); // NUL-terminated like c_str()
    compact_string copy = s;
    CHECK(copy == s);
    compact_string moved = std::move(copy);
    CHECK(moved == text);
    CHECK(copy.empty()); // NOLINT: moved-from is empty, by design
    CHECK(fmt::format("<{}>", s) == "<" + text + ">");
    CHECK("to " + s == "to " + text);
  }
  compact_string s = "noop";
  CHECK(s == "noop");
  CHECK(s != "echo");
  s = std::string{"a longer text than six"};
  CHECK(s == "a longer text than six");
  s = s.view().substr(2); // from a view into itself
  CHECK(s == "longer text than six");
  s.clear();
  CHECK(s.empty());
  CHECK(s == "");
}

TEST_CASE("a task's text costs 8 bytes a field") {
  CHECK(sizeof(compact_string) == 8);
  CHECK(sizeof(task) <= 160); // was 312 with std::string fields
}

TEST_CASE("copies share one block, the last one frees it, on any thread") {
  std::vector<compact_string> copies;
  {
    compact_string original{std::string(64, 'p')};
    for (int i = 0; i < 100; ++i)
      copies.push_back(original);
    CHECK(copies.front().data() == original.data()); // shared, not copied
  }
  std::thread other([moved = std::move(copies)]() mutable {
    for (auto& c : moved)
      CHECK(c == std::string(64, 'p'));
    moved.clear();
  });
  other.join();
}

TEST_CASE("assigning a recent short text again shares its block") {
  std::string node = "consumer-4242";
  compact_string a{node};
  compact_string b{node};
  CHECK(a.data() == b.data());
  compact_string c{std::string{"consumer-4243"}};
  CHECK(c.data() != a.data());
  CHECK(c == "consumer-4243");
}

TEST_CASE("id_table: find, emplace, erase and iteration in id order") {
  id_table<std::string> table;
  CHECK(table.empty());
  CHECK(table.begin() == table.end());
  std::vector<uint64_t> ids{5, 1, 3000, 1023, 1024, 70000};
  for (auto id : ids)
    CHECK(table.emplace(id, std::to_string(id)).second);
  CHECK_FALSE(table.emplace(5, "again").second);
  CHECK(table.find(5)->second == "5");
  CHECK(table.size() == ids.size());
  CHECK(table.count(1024) == 1);
  CHECK(table.count(2) == 0);
  CHECK(table.find(2) == table.end());
  std::vector<uint64_t> seen;
  for (auto& [id, text] : table) {
    CHECK(text == std::to_string(id));
    seen.push_back(id);
  }
  CHECK(seen == std::vector<uint64_t>{1, 5, 1023, 1024, 3000, 70000});
  // erase returns the next entry, also across a page that empties
  auto it = table.find(3000);
  it = table.erase(it);
  REQUIRE(it != table.end());
  CHECK(it->first == 70000);
  CHECK(table.erase(uint64_t{1}) == 1);
  CHECK(table.erase(uint64_t{1}) == 0);
  for (auto i = table.begin(); i != table.end();)
    i = i->first == 1023 ? table.erase(i) : std::next(i);
  seen.clear();
  for (auto& entry : table)
    seen.push_back(entry.first);
  CHECK(seen == std::vector<uint64_t>{5, 1024, 70000});
  CHECK(table.size() == 3);
  table.clear();
  CHECK(table.empty());
  CHECK(table.find(5) == table.end());
}

TEST_CASE("id_table: a page is freed with its last entry, and reused after") {
  id_table<int, 2> table; // pages of 4 ids
  for (uint64_t id = 0; id < 12; ++id)
    table.emplace(id, static_cast<int>(id));
  for (uint64_t id = 4; id < 8; ++id) // empties the middle page
    CHECK(table.erase(id) == 1);
  CHECK(table.find(5) == table.end());
  std::vector<uint64_t> seen;
  for (auto& [id, v] : table)
    seen.push_back(id);
  CHECK(seen == std::vector<uint64_t>{0, 1, 2, 3, 8, 9, 10, 11});
  CHECK(table.emplace(6, 60).second);
  CHECK(table.find(6)->second == 60);
  CHECK(table.size() == 9);
  id_table<int, 2> moved = std::move(table);
  CHECK(moved.size() == 9);
  CHECK(moved.find(6)->second == 60);
  CHECK(table.empty()); // NOLINT: a moved-from table is empty
  CHECK(table.find(6) == table.end());
}

TEST_CASE("id_table: memory follows the entries live at once, not the ids seen") {
  id_table<std::string> table;
  uint64_t next = 1;
  // A straggler stays while wave after wave of others comes and goes: freed
  // cells are reused, so room stays at the largest wave.
  table.emplace(next++, "straggler");
  for (int wave = 0; wave < 20; ++wave) {
    std::vector<uint64_t> ids;
    for (int i = 0; i < 1000; ++i) {
      ids.push_back(next);
      table.emplace(next, std::to_string(next));
      ++next;
    }
    for (auto id : ids)
      CHECK(table.erase(id) == 1);
  }
  CHECK(table.size() == 1);
  CHECK(table.find(1)->second == "straggler");
  CHECK(table.capacity() <= 1001 + decltype(table)::page_size);
}
