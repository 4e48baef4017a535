// The bad-input corpus, pure half: config files, job bodies, rules files and
// cron expressions through the parsers the binary uses, one row per hostile
// input with the message fragment that tells the user what to fix. The
// binary and REST half is tests/bad_input_test.cpp.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "config/options.hpp"
#include "core/cron.hpp"
#include "core/job_identity.hpp"
#include "core/text_input.hpp"
#include "http/job_json.hpp"
#include "rules/rule_set.hpp"

using namespace drover;

namespace {

struct row {
  std::string input;
  std::string expect; ///< a fragment of the error; empty: the input is accepted
};

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/drover-corpus-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path + "/" + name;
    std::FILE* f = std::fopen(p.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return p;
  }
};

/// Runs every row through `check` (which returns the error message, empty
/// when accepted) and compares with the row's fragment.
template <class Check>
void run_rows(const std::vector<row>& rows, Check check) {
  for (const auto& r : rows) {
    auto message = check(r.input);
    CAPTURE(r.input.substr(0, 80));
    CAPTURE(message);
    if (r.expect.empty())
      CHECK(message.empty());
    else
      CHECK(message.find(r.expect) != std::string::npos);
  }
}

std::string deep(char open, std::size_t n) {
  return std::string(n, open);
}

} // namespace

TEST_SUITE("bad_input_corpus") {

TEST_CASE("config files: each hostile file is refused with file:line:column and what to fix") {
  temp_dir dir;
  const std::vector<row> rows{
    {"tags: 5\n", "c.yaml:1:7: 'tags' must be a list of tags"},
    {"tags: [gpu, 3.5]\n", "c.yaml:1:7: 'tags' must be a list of tags"},
    {"tags: [\"5\"]\n", ""}, // quoted: the tag named 5
    {"tags: {a: 1}\n", "'tags' must be a list of tags"},
    {"role: [yes]\n", "'role' must be a list of roles"},
    {"node: a\nnode: b\n", "c.yaml:2:1: duplicate key 'node' (first on line 1)"},
    {"queues:\n  high: 5\n  high: 6\n", "c.yaml:3:3: duplicate key 'high'"},
    {"node: \xff\xfe\n", "c.yaml:1:7: byte 0xff is not UTF-8"},
    {"node: \xc0\xaf\n", "c.yaml:1:7: byte 0xc0 is not UTF-8"},        // overlong '/'
    {"node: \xed\xa0\x80\n", "c.yaml:1:7: byte 0xed is not UTF-8"},    // a surrogate
    {std::string{"node: a\0b\n", 10}, "c.yaml:1:8: a NUL byte"},
    {std::string{"\x7f" "ELF\x02\x01\x01\x00\x00", 9}, "c.yaml:1:8: a NUL byte"},
    {"capacity: -5\n", "c.yaml:1:11: 'capacity' must be a whole number"},
    {"capacity: 99999999999999999999\n", "'capacity' must be a whole number"},
    {"capacity: 5.5\n", "'capacity' must be a whole number"},
    {"grace_ms: 1e3\n", "'grace_ms' must be milliseconds"},
    {"grace_ms: +7\n", "'grace_ms' must be milliseconds"},
    {"quiet: maybe\n", "'quiet' must be true or false"},
    {"color: red\n", "c.yaml:1:1: unknown key 'color'"},
    {"- a\n- b\n", "the config file must be a map of keys"},
    {"node: [unclosed\n", "c.yaml:2:1:"},
    {deep('[', 100000), "c.yaml:"}, // yaml-cpp's depth guard, not a stack overflow
    {"schedules:\n  - {name: n, cron: \"0 0 30 2 *\", job: {name: j, tasks: [{type: noop}]}}\n",
     "c.yaml:2:5: cron '0 0 30 2 *' never fires"},
    {"reconnect_timeout_ms: -5\n", "c.yaml:1:23: 'reconnect_timeout_ms' must be milliseconds"},
    {"reconnect_timeout_ms: forever\n", "'reconnect_timeout_ms' must be milliseconds"},
    {"ready_file: [a, b]\n", "c.yaml:1:13: 'ready_file' must be one value, not a list"},
    {"run: {date: 1}\n", "'run' must be one value, not a map"},
    {"idempotency_key: [k]\n", "'idempotency_key' must be one value, not a list"},
    {"tls_cert: [a]\n", "c.yaml:1:11: 'tls_cert' must be one value, not a list"},
    {"tls_key: \"\"\n", "c.yaml:1:10: 'tls_key': is empty; give a PEM file, or leave --tls-key out"},
    {"tls_ca: {x: 1}\n", "'tls_ca' must be one value, not a map"},
    {"insecure: maybe\n", "'insecure' must be true or false"},
    {"grace: 2s\nmax-body: 1MiB\nhttp: 127.0.0.1:0\ntoken: t\n", ""}, // every flag is a key
    {"grace: 2 s\n", "c.yaml:1:8: 'grace' must be milliseconds or a duration"},
    {"graec: 1s\n", "c.yaml:1:1: unknown key 'graec'; did you mean 'grace'?"},
    {"grace_ms: 1\ngrace: 2\n", "c.yaml:2:1: 'grace' sets --grace again ('grace_ms' did already)"},
    {"config: other.yaml\n", "c.yaml:1:1: unknown key 'config'"},
    {"priority: urgent\n", "c.yaml:1:11: 'priority': 'urgent' is not high, normal or low"},
    {"max_body: -1\n", "c.yaml:1:11: 'max_body': must not be negative"},
    {"grace:\n", "'grace' needs a value"},
    {"", ""},                       // empty: every default
    {"# only a comment\n", ""},
  };
  run_rows(rows, [&](const std::string& text) {
    run_options o;
    return load_config_file(dir.write("c.yaml", text), o).message;
  });
  run_options o;
  CHECK(load_config_file(dir.path, o).message == dir.path + ": the config file is a directory; give a file");
  CHECK(load_config_file(dir.path + "/none.yaml", o).message.find("cannot read the config file")
        != std::string::npos);
}

TEST_CASE("job bodies: each hostile body is refused naming the field") {
  const std::vector<row> rows{
    {"", "body: empty; expected a JSON object"},
    {"{", "malformed JSON"},
    {"null", "object"},
    {"[1,2]", "object"},
    {deep('[', 200000), "malformed JSON"},
    {deep('[', 100000) + std::string(100000, ']'), "nested more than 100 levels"}, // refused before it is built
    {std::string{"{\"name\":\"j\0\",\"tasks\":[{\"type\":\"a\"}]}", 36}, "malformed JSON"},
    {"{\"name\":\"\xff\",\"tasks\":[{\"type\":\"a\"}]}", "malformed JSON"},
    {R"({"name":"j","tasks":[]})", "tasks"},
    {R"({"name":"j","tasks":[{"type":""}]})", "tasks[0].type: must not be empty"},
    {R"({"name":"j","tasks":[{"type":5}]})", "tasks[0].type: expected a string"},
    {R"({"name":"j","tasks":[{"type":"a","priority":"urgent"}]})", "tasks[0].priority"},
    {R"({"name":"j","tasks":[{"type":"a","count":-1}]})", "tasks[0].count"},
    {R"({"name":"j","tasks":[{"type":"a","count":1e30}]})", "tasks[0].count"},
    {R"({"name":"j","tasks":[{"type":"a","timeout_ms":-5}]})", "tasks[0].timeout_ms"},
    {R"({"name":"j","tasks":[{"type":"a","max_attempts":99999999999}]})", "tasks[0].max_attempts"},
    {R"({"name":"j","tasks":[{"type":"a","tags":[""]}]})", "tasks[0].tags[0]: must not be empty"},
    {R"({"name":"j","tasks":[{"type":"a","colour":1}]})", "unknown field"},
    {R"({"name":"j","tasks":[{"type":"a","count":2000000}]})", "1000000"},
    {R"({"name":"a\u0000b","tasks":[{"type":"a"}]})", "name: must not contain control characters"},
    {R"({"name":"j","tasks":[{"type":"a\nb"}]})", "tasks[0].type: must not contain control"},
    {R"({"name":"j","tasks":[{"type":"a","tags":["g\u001bpu"]}]})", "tasks[0].tags[0]: must not contain"},
    {R"({"name":"j","tasks":[{"type":"a","payload":"x\u0000y"}]})", ""}, // a payload is data
    {R"({"name":")" + std::string(100000, 'n') + R"(","tasks":[{"type":"a"}]})", ""},
  };
  run_rows(rows, [](const std::string& body) {
    return parse_job_request(body, job_limits{}).err.message;
  });
}

TEST_CASE("rules files: each hostile text is refused with source:line:column") {
  const std::vector<row> rows{
    {"version: 1\n\xff\xfe\n", "r.yaml:2:1: byte 0xff is not UTF-8"},
    {std::string{"version: 1\0\n", 12}, "r.yaml:1:11: a NUL byte"},
    {"version: 1\nversion: 2\n", "r.yaml:2:1: duplicate key 'version'"},
    {deep('[', 100000), "r.yaml:"},
    {"version: -1\n", "r.yaml:1:10:"},
    {"version: 1\nrules: 5\n", "r.yaml:2:8:"},
    {"version: 1\ndefaults: {strategy: nope}\n", "unknown strategy 'nope'"},
  };
  run_rows(rows, [](const std::string& text) {
    return parse_rules(text, "r.yaml").err().message;
  });
  temp_dir dir;
  CHECK(load_rules(dir.path).err().message.find("the rules file is a directory") != std::string::npos);
}

TEST_CASE("cron expressions: never-firing and malformed ones are refused saying why") {
  const std::vector<row> rows{
    {"0 0 30 2 *", "never fires"},
    {"0 0 31 4,6,9,11 *", "never fires"},
    {"0 0 29 2 *", ""},   // leap years
    {"0 0 31 * *", ""},   // months with 31 days
    {"", "has 0 fields"},
    {"* * * * * *", "has 6 fields"},
    {"99 * * * *", "99 is out of range 0-59"},
    {"-1 * * * *", "field 1 (minute)"},
    {"*/99999999999 * * * *", "step"},
    {std::string{"0 0 \0 * *", 9}, "field 3"},
  };
  run_rows(rows, [](const std::string& text) {
    return parse_cron(text).err().message;
  });
}

TEST_CASE("run keys and idempotency keys: each hostile key is refused saying what to fix") {
  const std::vector<row> rows{
    {"2026-12-06", ""},
    {"nightly/etl@v2 %", ""},        // any printable text: job_origin escapes it
    {"caf\xc3\xa9 \xe2\x9c\x93", ""},  // UTF-8
    {std::string(512, 'k'), ""},
    {"", "k: is empty; give a key, or leave it out"},
    {std::string(513, 'k'), "k: 513 bytes is too long; at most 512"},
    {"caf\xe9", "k: is not UTF-8 text"},
    {"\xc0\xaf", "k: is not UTF-8 text"},       // overlong '/'
    {"\xed\xa0\x80", "k: is not UTF-8 text"},   // a surrogate
    {std::string{"a\0b", 3}, "k: must not contain control characters"},
    {"a\nb", "k: must not contain control characters"},
    {"\x1b[31mred", "k: must not contain control characters"},
    {"del\x7f", "k: must not contain control characters"},
  };
  run_rows(rows, [](const std::string& key) { return check_identity(key, "k").message; });
  // The same checks through the options a producer is started with.
  run_options o;
  o.run = "a";
  o.idempotency_key = "b";
  CHECK(validate(o).message == "--run and --idempotency-key both name the run; give one of them");
  o.idempotency_key.clear();
  o.roles = {"consumer"};
  o.registry = "127.0.0.1:1";
  CHECK(validate(o).message == "--run needs the producer role (--role=producer)");
  o.roles = {"producer"};
  o.run = "a\tb";
  CHECK(validate(o).message.find("--run: must not contain control") == 0);
  o.run = "2026-12-06";
  CHECK(validate(o).message.empty());
}

TEST_CASE("text files: a directory, an endless device and a file past the limit are refused") {
  CHECK(read_text_file("/", "the x file").err().message
        == "/: the x file is a directory; give a file");
  auto endless = read_text_file("/dev/zero", "the x file", 1 << 20);
  CHECK_FALSE(endless);
  CHECK(endless.err().message == "/dev/zero: the x file is larger than 1 MiB");
  CHECK(check_text("ok\nalso ok \xc3\xa9\n", "t").message.empty());
  CHECK(check_text("a\nbc\xe2\x82", "t").message == "t:2:3: byte 0xe2 is not UTF-8; the file must be UTF-8 text");
}

} // TEST_SUITE
