// The worker protocol's fixed wire format (exec/worker_protocol.hpp): every
// line kind a worker sends, every way a line can be wrong, and the lines
// drover sends, checked as JSON.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "exec/worker_protocol.hpp"

using namespace drover;
using json = nlohmann::json;

namespace {

worker_msg parsed(std::string_view line) {
  auto m = parse_worker_line(line);
  INFO(m.err().message);
  REQUIRE(m);
  return std::move(*m);
}

} // namespace

TEST_SUITE("worker protocol") {

TEST_CASE("the lines a worker sends parse as the protocol says") {
  worker_msg m;
  m = parsed(R"({"t":"ready","types":["resize","thumb"]})");
  CHECK(m.kind == worker_msg_kind::ready);
  CHECK(m.types == std::vector<std::string>{"resize", "thumb"});
  m = parsed(R"({"t":"result","id":"7","ok":true,"result":"done"})");
  CHECK(m.kind == worker_msg_kind::result);
  CHECK(m.ok);
  CHECK(m.result == "done");
  m = parsed(
    R"({"t":"result","id":"7","ok":false,"error":{"type":"ValueError","message":"bad path","retryable":false}})");
  CHECK_FALSE(m.ok);
  CHECK(m.error_type == "ValueError");
  CHECK(m.error_message == "bad path");
  CHECK_FALSE(m.retryable);
  m = parsed(R"({"t":"result","id":"7","ok":false,"error":{}})");
  CHECK(m.retryable); // retryable unless it says otherwise
  m = parsed(R"({"t":"progress","id":"7","done":3,"total":10})");
  CHECK(m.kind == worker_msg_kind::progress);
  CHECK(m.done == 3);
  CHECK(m.total == 10);
  m = parsed(R"({"t":"log","id":"7","level":"info","msg":"hello"})");
  CHECK(m.kind == worker_msg_kind::log);
  CHECK(m.msg == "hello");
  // A result that is not a string is kept as its JSON text.
  m = parsed(R"({"t":"result","id":"7","ok":true,"result":{"n":1}})");
  CHECK(m.result == R"({"n":1})");
}

TEST_CASE("a line that is not the protocol says what is wrong") {
  auto why = [](const char* line) {
    auto m = parse_worker_line(line);
    CHECK_FALSE(m);
    return m.err().message;
  };
  CHECK(why("hello world") == "not JSON");
  CHECK(why("[1,2]") == "not a JSON object");
  CHECK(why(R"({"type":"ready"})").find("no \"t\"") == 0);
  CHECK(why(R"({"t":"ready"})").find("a ready line needs \"types\"") == 0);
  CHECK(why(R"({"t":"ready","types":[]})").find("a ready line needs") == 0);
  CHECK(why(R"({"t":"ready","types":[1]})").find("each of \"types\"") == 0);
  CHECK(why(R"({"t":"result","ok":true})") == "a result \"id\" must be a string");
  CHECK(why(R"({"t":"result","id":7,"ok":true})") == "a result \"id\" must be a string");
  CHECK(why(R"({"t":"result","id":"7"})").find("needs \"ok\"") != std::string::npos);
  CHECK(why(R"({"t":"result","id":"7","ok":false})").find("needs \"error\"") != std::string::npos);
  CHECK(why(R"({"t":"progress","id":"7","done":"x"})").find("wrong type") != std::string::npos);
  CHECK(why(R"({"t":"hello"})").find("unknown \"t\": \"hello\"") == 0);
  CHECK(why("").find("not JSON") == 0);
}

TEST_CASE("task, cancel and shutdown lines are one JSON object each, newline-terminated") {
  exec_request r{42, 7, 2, "resize", "{\"path\":\"/a.png\"}\nline2\t\x01", 0, 1796559200000};
  auto line = task_line(r);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1); // the payload's newline is escaped
  auto j = json::parse(line);
  CHECK(j["t"] == "task");
  CHECK(j["id"] == "42");
  CHECK(j["attempt"] == 2);
  CHECK(j["lease"] == 7);
  CHECK(j["type"] == "resize");
  CHECK(j["deadline_ms"] == 1796559200000);
  CHECK(j["payload"] == r.payload);
  CHECK(json::parse(cancel_line(42)) == json{{"t", "cancel"}, {"id", "42"}});
  CHECK(json::parse(shutdown_line()) == json{{"t", "shutdown"}});
}

TEST_CASE("payload bytes that are not UTF-8 become U+FFFD, valid ones pass") {
  std::string out;
  append_json_string(out, "a\xff" "b\xc3\xa9" "c\xe2\x82\xac" "d\xf0\x9f\x98\x80" "e\xed\xa0\x80");
  auto s = json::parse(out).get<std::string>();
  CHECK(s == "a\xEF\xBF\xBD" "b\xc3\xa9" "c\xe2\x82\xac" "d\xf0\x9f\x98\x80"
             "e\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

} // TEST_SUITE
