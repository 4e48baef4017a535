// Flag > DROVER_* > config file > default, over many flags of `drover run`
// (config/flag_layers.hpp): one table, four layerings per row, then the
// old key names, typos in keys and variables, and where the file comes from.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "config/flag_layers.hpp"
#include "tests/unit/store_test_support.hpp"

using namespace drover;
using drover::store_test::temp_dir;

namespace {

struct resolved {
  run_options run;
  http_flags http;
  std::vector<std::string> warnings;
  error err;
};

/// `drover run ARGS` with `env`, and `yaml` as the --config file (none if
/// empty).
resolved resolve(std::vector<std::string> args, const env_map& env, const std::string& yaml,
                 const std::string& dir) {
  resolved r;
  if (!yaml.empty()) {
    std::ofstream{dir + "/c.yaml"} << yaml;
    args.push_back("--config=" + dir + "/c.yaml");
  }
  CLI::App app;
  auto* run = app.add_subcommand("run");
  add_all_run_flags(*run, r.run, r.http);
  args.insert(args.begin(), "run");
  std::reverse(args.begin(), args.end()); // CLI11 takes a vector in reverse order
  app.parse(args);
  auto hermetic = env; // never this machine's /etc/drover/drover.yaml
  hermetic.emplace("DROVER_SYSTEM_CONFIG", dir + "/no-system.yaml");
  r.err = resolve_run_flags(*run, r.run, hermetic, r.warnings);
  return r;
}

struct row {
  std::string flag;                                   ///< without "--"
  std::function<std::string(const resolved&)> read;   ///< the field, as text
  std::string file_value, file_expect;                ///< YAML text, what it reads as
  std::string env_value, env_expect;
  std::string flag_value, flag_expect;
};

std::string num(uint64_t v) { return std::to_string(v); }

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& x : v)
    out += (out.empty() ? "" : ",") + x;
  return out;
}

} // namespace

TEST_SUITE("flag_layers") {

TEST_CASE("every row: default, file, environment over file, flag over both") {
  const std::vector<row> rows{
    {"grace", [](auto& r) { return num(r.run.grace_ms); }, "2s", "2000", "2500", "2500", "3m", "180000"},
    {"heartbeat", [](auto& r) { return num(r.run.heartbeat_ms); }, "250ms", "250", "1h", "3600000", "0", "0"},
    {"heartbeat-misses", [](auto& r) { return num(r.run.heartbeat_misses); }, "5", "5", "6", "6", "7", "7"},
    {"capacity", [](auto& r) { return num(r.run.capacity); }, "3", "3", "4", "4", "5", "5"},
    {"store", [](auto& r) { return r.run.store; }, "memory", "memory", "sqlite:e.db", "sqlite:e.db", "sqlite:f.db", "sqlite:f.db"},
    {"listen", [](auto& r) { return r.run.listen; }, "127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:3"},
    {"node", [](auto& r) { return r.run.node; }, "file", "file", "env", "env", "flag", "flag"},
    {"tags", [](auto& r) { return joined(r.run.tags); }, "[gpu, ssd]", "gpu,ssd", "a,b,c", "a,b,c", "x", "x"},
    {"role", [](auto& r) { return joined(r.run.roles); }, "[manager]", "manager", "consumer,producer", "consumer,producer", "registry", "registry"},
    {"http", [](auto& r) { return r.http.listen; }, "127.0.0.1:9001", "127.0.0.1:9001", "off", "off", "127.0.0.1:0", "127.0.0.1:0"},
    {"token", [](auto& r) { return r.http.token; }, "t-file", "t-file", "t-env", "t-env", "t-flag", "t-flag"},
    {"max-body", [](auto& r) { return num(r.http.max_body); }, "1MiB", "1048576", "2k", "2048", "100", "100"},
    {"max-tasks", [](auto& r) { return num(r.http.max_tasks); }, "10", "10", "20", "20", "30", "30"},
    {"http-tls-cert", [](auto& r) { return r.http.tls_cert; }, "a.pem", "a.pem", "b.pem", "b.pem", "c.pem", "c.pem"},
    {"log-level", [](auto& r) { return r.run.log_level; }, "debug", "debug", "warn", "warn", "error", "error"},
    {"log-format", [](auto& r) { return r.run.log_format; }, "json", "json", "text", "text", "json", "json"},
    {"quiet", [](auto& r) { return num(r.run.quiet); }, "true", "1", "false", "0", "true", "1"},
    {"type", [](auto& r) { return std::string{r.run.task.type}; }, "echo", "echo", "sleep", "sleep", "burn", "burn"},
    {"priority", [](auto& r) { return num(static_cast<int>(r.run.task.prio)); }, "high", "0", "low", "2", "normal", "1"},
    {"timeout", [](auto& r) { return num(r.run.task.timeout_ms); }, "2s", "2000", "300", "300", "1m", "60000"},
    {"max-attempts", [](auto& r) { return num(r.run.task.max_attempts); }, "2", "2", "3", "3", "4", "4"},
    {"data-dir", [](auto& r) { return r.run.data_dir; }, "/d/file", "/d/file", "/d/env", "/d/env", "/d/flag", "/d/flag"},
    {"topology-every", [](auto& r) { return num(r.run.topology_ms); }, "2s", "2000", "3s", "3000", "4s", "4000"},
    {"reconnect-timeout", [](auto& r) { return num(r.run.reconnect_timeout_ms); }, "1m", "60000", "5", "5", "6s", "6000"},
    {"max-data", [](auto& r) { return num(r.run.max_data); }, "10", "10", "20", "20", "30", "30"},
    {"durability", [](auto& r) { return r.run.durability; }, "process", "process", "disk", "disk", "process", "process"},
    {"drain-timeout", [](auto& r) { return num(r.run.drain_timeout_ms); }, "1s", "1000", "2s", "2000", "3s", "3000"},
  };
  temp_dir dir;
  for (auto& r : rows) {
    CAPTURE(r.flag);
    auto var = env_name_of(r.flag);
    auto key = r.flag + ": " + r.file_value + "\n";
    auto defaults = resolve({}, {}, "", dir.path);
    REQUIRE_FALSE(defaults.err);
    auto file = resolve({}, {}, key, dir.path);
    REQUIRE_MESSAGE(!file.err, file.err.message);
    CHECK(r.read(file) == r.file_expect);
    CHECK(r.read(file) != r.read(defaults));
    auto env = resolve({}, {{var, r.env_value}}, key, dir.path);
    REQUIRE_MESSAGE(!env.err, env.err.message);
    CHECK(r.read(env) == r.env_expect);
    auto flag = resolve({"--" + r.flag + "=" + r.flag_value}, {{var, r.env_value}}, key, dir.path);
    REQUIRE_MESSAGE(!flag.err, flag.err.message);
    CHECK(r.read(flag) == r.flag_expect);
    // Dashes of a file key may be written as underscores, as YAML files do.
    auto underscored = r.flag;
    std::replace(underscored.begin(), underscored.end(), '-', '_');
    auto file2 = resolve({}, {}, underscored + ": " + r.file_value + "\n", dir.path);
    REQUIRE_MESSAGE(!file2.err, file2.err.message);
    CHECK(r.read(file2) == r.file_expect);
  }
}

TEST_CASE("env_name_of: upper case, dashes as underscores") {
  CHECK(env_name_of("max-body") == "DROVER_MAX_BODY");
  CHECK(env_name_of("http-tls-cert") == "DROVER_HTTP_TLS_CERT");
  CHECK(env_name_of("grace") == "DROVER_GRACE");
}

TEST_CASE("old key names still work, with a warning naming the new one") {
  temp_dir dir;
  auto r = resolve({}, {}, "grace_ms: 1500\nrules_poll_ms: 0\n", dir.path);
  REQUIRE_FALSE(r.err);
  CHECK(r.run.grace_ms == 1500);
  CHECK(r.run.rules_poll_ms == 0);
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].find("c.yaml:1:1: 'grace_ms' is the old name of 'grace'") != std::string::npos);
  auto both = resolve({}, {}, "grace_ms: 1500\ngrace: 2s\n", dir.path);
  REQUIRE(both.err);
  CHECK(both.err.message.find("c.yaml:2:1: 'grace' sets --grace again ('grace_ms' did already)")
        != std::string::npos);
}

TEST_CASE("a misspelt key or variable is refused naming the closest valid one") {
  temp_dir dir;
  auto key = resolve({}, {}, "graec: 1s\n", dir.path);
  REQUIRE(key.err);
  CHECK(key.err.message.find("c.yaml:1:1: unknown key 'graec'; did you mean 'grace'?") != std::string::npos);
  auto body = resolve({}, {}, "max_bdy: 1k\n", dir.path);
  CHECK(body.err.message.find("did you mean 'max-body'?") != std::string::npos);
  auto var = resolve({}, {{"DROVER_GRACEE", "1s"}}, "", dir.path);
  REQUIRE(var.err);
  CHECK(var.err.message == "unknown environment variable DROVER_GRACEE; did you mean DROVER_GRACE? "
                           "(DROVER_<FLAG> sets a flag of drover run)");
  CHECK(resolve({}, {{"DROVER_MAX_BDOY", "1"}}, "", dir.path).err.message.find("DROVER_MAX_BODY")
        != std::string::npos);
  // Variables that are no flag's and not near one are someone else's.
  for (auto other : {"DROVER_SERVER", "DROVER_CHAOS_SEED", "DROVER_TASK_ID", "DROVER_URL", "DROVER_CA"})
    CHECK_FALSE(resolve({}, {{other, "1"}}, "", dir.path).err);
}

TEST_CASE("a bad value names its source: the variable, or file:line:column and key") {
  temp_dir dir;
  auto env = resolve({}, {{"DROVER_CAPACITY", "many"}}, "", dir.path);
  REQUIRE(env.err);
  CHECK(env.err.message.rfind("DROVER_CAPACITY must be a whole number", 0) == 0);
  auto file = resolve({}, {}, "node: n\ngrace: soon\n", dir.path);
  REQUIRE(file.err);
  CHECK(file.err.message.find("c.yaml:2:8: 'grace' must be milliseconds or a duration") != std::string::npos);
  auto list = resolve({}, {}, "node: [a, b]\n", dir.path);
  CHECK(list.err.message.find("c.yaml:1:7: 'node' must be one value, not a list") != std::string::npos);
  auto token = resolve({}, {}, "token: \"\"\n", dir.path);
  CHECK(token.err.message.find("c.yaml:1:8: 'token': is empty") != std::string::npos);
  // An empty variable is an unset one (as `DROVER_GRACE= drover run` means in a shell).
  auto empty = resolve({}, {{"DROVER_GRACE", ""}}, "grace: 7\n", dir.path);
  REQUIRE_FALSE(empty.err);
  CHECK(empty.run.grace_ms == 7);
}

TEST_CASE("queues: the file's map is the base that --queues and DROVER_QUEUES edit") {
  temp_dir dir;
  auto yaml = "queues:\n  high: 10\n  normal: 20\n";
  auto file = resolve({}, {}, yaml, dir.path);
  REQUIRE_FALSE(file.err);
  CHECK(file.run.queues.capacity[0] == 10);
  CHECK(file.run.queues.capacity[1] == 20);
  auto flag = resolve({"--queues=normal:30"}, {}, yaml, dir.path);
  REQUIRE_FALSE(flag.err);
  CHECK(flag.run.queues.capacity[0] == 10);
  CHECK(flag.run.queues.capacity[1] == 30);
  auto env = resolve({}, {{"DROVER_QUEUES", "high:40"}}, yaml, dir.path);
  REQUIRE_FALSE(env.err);
  CHECK(env.run.queues.capacity[0] == 40);
  CHECK(env.run.queues.capacity[1] == 20);
}

TEST_CASE("the config file: --config, else DROVER_CONFIG, else the system file if it exists") {
  temp_dir dir;
  std::ofstream{dir.path + "/system.yaml"} << "node: system\n";
  std::ofstream{dir.path + "/env.yaml"} << "node: env-file\n";
  env_map env{{"DROVER_SYSTEM_CONFIG", dir.path + "/system.yaml"}};
  auto sys = resolve({}, env, "", dir.path);
  REQUIRE_FALSE(sys.err);
  CHECK(sys.run.node == "system");
  CHECK(sys.run.config_path == dir.path + "/system.yaml");
  env["DROVER_CONFIG"] = dir.path + "/env.yaml";
  CHECK(resolve({}, env, "", dir.path).run.node == "env-file");
  CHECK(resolve({}, env, "node: flag-file\n", dir.path).run.node == "flag-file");
  // No system file: nothing read, defaults stand.
  auto none = resolve({}, {{"DROVER_SYSTEM_CONFIG", dir.path + "/absent.yaml"}}, "", dir.path);
  REQUIRE_FALSE(none.err);
  CHECK(none.run.node.empty());
  CHECK(none.run.config_path.empty());
}

TEST_CASE("parse_duration_ms: plain milliseconds or a number with ms, s, m or h") {
  CHECK(parse_duration_ms("1500") == 1500u);
  CHECK(parse_duration_ms("1500ms") == 1500u);
  CHECK(parse_duration_ms("2s") == 2000u);
  CHECK(parse_duration_ms("3m") == 180000u);
  CHECK(parse_duration_ms("1h") == 3600000u);
  for (auto bad : {"", "s", "-1", "+1", "1.5s", "1e3", "1 s", "1d", "10000000000000"})
    CHECK_FALSE(parse_duration_ms(bad));
}

}
