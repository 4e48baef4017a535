// Parsing and validating users' handlers (exec/handler_spec.hpp): a full
// file, the config-file form, and every kind of bad input with its
// line:column, several at once, with `out` left as it was.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "exec/handler_spec.hpp"

using namespace drover;

namespace {

const std::vector<std::string> builtin{"burn", "echo", "fail", "noop", "sleep"};

std::string problems(const std::string& yaml, bool whole_config = false) {
  auto hs = parse_handlers(yaml, "h.yaml", whole_config, builtin);
  if (!hs)
    CHECK(hs.err().code == ec::bad_input);
  return hs.err().message;
}

handler_set parsed(const std::string& yaml, bool whole_config = false) {
  auto hs = parse_handlers(yaml, "h.yaml", whole_config, builtin);
  INFO(hs.err().message);
  REQUIRE(hs);
  return std::move(*hs);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("exec handlers parse") {

TEST_CASE("a full file parses into exec and worker handlers with defaults") {
  auto hs = parsed(R"(handlers:
  upper: { exec: { argv: [tr, a-z, A-Z], timeout: 10s } }
  thumb:
    exec:
      argv: [/bin/sh, -c, "echo $0", "{payload}"]
      cwd: /tmp
      env: { inherit: [HOME], set: { LANG: C.UTF-8 } }
      stdin: none
      timeout: 5m
      kill_grace: 250ms
      max_output: 64KiB
      rlimits: { cpu: 10s, address_space: 1GiB, open_files: 64 }
      no_retry_exit_codes: [2, 3]
  py: { worker: { argv: [sh, -c, "exit 0"], processes: 3, max_rss: 512MiB, types: [a] } }
)");
  REQUIRE(hs.handlers.size() == 3);
  auto& up = *hs.handlers.at("upper").exec;
  CHECK(up.proc.argv[0].front() == '/'); // resolved on PATH
  CHECK(up.proc.timeout_ms == 10000);
  CHECK(up.proc.kill_grace_ms == 5000);
  CHECK(up.max_output == 1 << 20);
  CHECK(up.stdin_payload);
  auto& th = *hs.handlers.at("thumb").exec;
  CHECK(th.proc.argv[3] == "{payload}");
  CHECK(th.proc.cwd == "/tmp");
  CHECK(th.proc.inherit == std::vector<std::string>{"HOME"});
  CHECK(th.proc.set.at("LANG") == "C.UTF-8");
  CHECK_FALSE(th.stdin_payload);
  CHECK(th.proc.timeout_ms == 300000);
  CHECK(th.proc.kill_grace_ms == 250);
  CHECK(th.max_output == 65536);
  CHECK(th.proc.rlimit_cpu_s == 10);
  CHECK(th.proc.rlimit_as == (1ULL << 30));
  CHECK(th.proc.rlimit_nofile == 64);
  CHECK(th.no_retry_exit_codes == std::vector<int>{2, 3});
  auto& py = *hs.handlers.at("py").worker;
  CHECK(py.processes == 3);
  CHECK(py.max_rss == (512ULL << 20));
  CHECK(py.types == std::vector<std::string>{"a"});
  CHECK_FALSE(hs.hash.empty());
}

TEST_CASE("the config-file form reads only the handlers section") {
  auto hs = parsed("capacity: 4\nhandlers:\n  up: { exec: { argv: [cat] } }\n", true);
  CHECK(hs.handlers.count("up") == 1);
  CHECK(parsed("capacity: 4\n", true).handlers.empty());
  // A handlers file of its own takes no other keys.
  CHECK(has(problems("capacity: 4\nhandlers: {}\n"), "h.yaml:1:1: unknown key 'capacity'"));
}

TEST_CASE("an unknown key is reported at its line and column") {
  auto p = problems("handlers:\n  up:\n    exec:\n      argv: [cat]\n      shell: true\n");
  CHECK(has(p, "h.yaml:5:7: unknown key 'shell' in 'exec'"));
}

TEST_CASE("a missing program, a non-executable file and a relative path without cwd are refused") {
  char dir[] = "/tmp/drover-handlers-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  auto plain = std::string{dir} + "/plain.sh";
  std::ofstream{plain} << "echo hi\n";
  auto p = problems("handlers:\n"
                    "  a: { exec: { argv: [no-such-program-drover] } }\n"
                    "  b: { exec: { argv: [" + plain + "] } }\n"
                    "  c: { exec: { argv: [./run.sh] } }\n"
                    "  d: { exec: { argv: [./plain.sh], cwd: " + std::string{dir} + " } }\n");
  CHECK(has(p, "h.yaml:2:23: the program 'no-such-program-drover' was not found on PATH"));
  CHECK(has(p, "h.yaml:3:23: the program '" + plain + "' is not executable"));
  CHECK(has(p, "h.yaml:4:23: the program './run.sh' is a relative path but the handler has no cwd"));
  CHECK(has(p, "h.yaml:5:23: the program '" + std::string{dir} + "/./plain.sh' is not executable"));
  ::chmod(plain.c_str(), 0755);
  auto hs = parsed("handlers:\n  d: { exec: { argv: [./plain.sh], cwd: " + std::string{dir} + " } }\n");
  CHECK(hs.handlers.at("d").exec->proc.argv[0] == std::string{dir} + "/./plain.sh");
  std::remove(plain.c_str());
  ::rmdir(dir);
}

TEST_CASE("negative and malformed limits are refused, all problems at once") {
  auto p = problems("handlers:\n"
                    "  a:\n"
                    "    exec:\n"
                    "      argv: [cat]\n"
                    "      timeout: -5s\n"
                    "      max_output: -1\n"
                    "      rlimits: { cpu: -1, open_files: -3, address_space: lots }\n"
                    "      no_retry_exit_codes: [0, 300]\n"
                    "  w: { worker: { argv: [cat], processes: -2 } }\n");
  CHECK(has(p, "h.yaml:5:16: 'timeout' must be a duration"));
  CHECK(has(p, "h.yaml:6:19: 'max_output' must be a size"));
  CHECK(has(p, "h.yaml:7:23: 'rlimits.cpu' must be a duration"));
  CHECK(has(p, "h.yaml:7:39: 'rlimits.open_files' must be a whole number"));
  CHECK(has(p, "h.yaml:7:58: 'rlimits.address_space' must be a size"));
  CHECK(has(p, "'no_retry_exit_codes item' must be a whole number from 1 to 255, got '0'"));
  CHECK(has(p, "got '300'"));
  CHECK(has(p, "h.yaml:9:42: 'processes' must be a whole number from 1 to 256"));
}

TEST_CASE("placeholders are whole arguments only and known ones are listed") {
  auto p = problems("handlers:\n  a: { exec: { argv: [echo, \"--in={payload}\"] } }\n");
  CHECK(has(p, "h.yaml:2:29: '--in={payload}' holds the placeholder {payload} inside other text"));
  CHECK(has(p, "{payload}, {id}, {attempt}, {type}"));
  // Braces that are no placeholder are plain text (awk programs, JSON).
  parsed("handlers:\n  a: { exec: { argv: [awk, \"{print $1}\"] } }\n");
}

TEST_CASE("a handler needs exactly one of exec and worker, and may not hide a built-in") {
  CHECK(has(problems("handlers:\n  a: { exec: { argv: [cat] }, worker: { argv: [cat] } }\n"),
            "handler 'a' has both exec and worker"));
  CHECK(has(problems("handlers:\n  a: {}\n"), "handler 'a' needs exec"));
  CHECK(has(problems("handlers:\n  echo: { exec: { argv: [cat] } }\n"),
            "'echo' is a built-in task type"));
  CHECK(has(problems("handlers:\n  a: { exec: { cwd: /tmp } }\n"), "'argv' is missing"));
  CHECK(has(problems("handlers:\n  a: { exec: { argv: [] } }\n"), "'argv' must name at least"));
  CHECK(has(problems("handlers:\n  a: { exec: { argv: [cat], cwd: /no/such/dir } }\n"),
            "cwd '/no/such/dir' is not a directory"));
  CHECK(has(problems("handlers: [a, b]\n"), "'handlers' must map each name"));
  CHECK(has(problems("handlers:\n  a: { exec: { argv: [cat], env: { set: { \"A=B\": x } } } }\n"),
            "NAME: value (no '=' in NAME)"));
}

TEST_CASE("broken YAML is reported with its position") {
  auto p = problems("handlers:\n  a: { exec: { argv: [cat }\n");
  CHECK(has(p, "h.yaml:2:"));
}

TEST_CASE("load_handlers reads a file and says when it cannot") {
  auto hs = load_handlers("/no/such/handlers.yaml", false, builtin);
  REQUIRE_FALSE(hs);
  CHECK(has(hs.err().message, "/no/such/handlers.yaml: cannot open the handlers file"));
}

} // TEST_SUITE
