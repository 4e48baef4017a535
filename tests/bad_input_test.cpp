// The bad-input corpus against the binary: one row per hostile command line
// (flags, config, job and rules files, client usage) with the exit code and
// the message fragment that says what to fix, then one row per hostile REST
// request to a running node (status and fragment). Every run is bounded; a
// hang, a crash (exit >= 128) or a 5xx fails its row. The pure half is
// tests/unit/bad_input_corpus_test.cpp.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// A listening socket on a free port of 127.0.0.1, held for the test: the
/// "port in use" rows point drover at it.
struct taken_port {
  int fd = -1;
  uint16_t port = 0;
  taken_port() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~taken_port() { ::close(fd); }
  std::string at() const { return "127.0.0.1:" + std::to_string(port); }
};

struct cli_row {
  std::vector<std::string> args;  ///< after the binary
  int code;                       ///< expected exit code
  std::string expect;             ///< fragment of stderr
  std::string absent = {};        ///< must not appear (e.g. a role that started)
};

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream{path, std::ios::binary} << text;
  return path;
}

std::string headers(int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "X-H" + std::to_string(i) + ": v\r\n";
  return out;
}

} // namespace

TEST_SUITE("bad_input") {

TEST_CASE("hostile command lines: exit 2 for usage, 1 for runtime, one line saying what to fix") {
  scratch_dir dir;
  taken_port busy;
  auto d = dir.path;
  auto junk = write_file(d + "/junk.yaml", std::string{"\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10});
  auto tags5 = write_file(d + "/tags.yaml", "tags: 5\n");
  auto dup = write_file(d + "/dup.yaml", "node: a\ncapacity: 4\nnode: b\n");
  auto bad_utf8 = write_file(d + "/utf8.yaml", "node: caf\xe9\n");
  auto bad_job = write_file(d + "/job.json", R"({"name": "j", "tasks": [{"type": "a", "count": -1}]})");
  auto empty = write_file(d + "/empty.json", "");
  auto rules_utf8 = write_file(d + "/rules.yaml", "version: 1\n\xff\n");
  auto nowhere = "--server=http://127.0.0.1:1";
  auto memory = "--store=memory";
  // Two test PKIs for the --tls-* rows: the cluster's and a stranger's.
  for (auto [pki, nodes] : {std::pair{"/pki", "a,b"}, std::pair{"/rogue", "x"}}) {
    child_process init({DROVER_BINARY, "certs", "init", d + pki, std::string{"--node="} + nodes},
                       d + pki + "-init");
    REQUIRE(init.wait(60s) == 0);
  }
  auto tls = [&](std::string cert, std::string key, std::string ca) {
    return std::vector<std::string>{"--tls-cert=" + cert, "--tls-key=" + key, "--tls-ca=" + ca};
  };
  auto tls_run = [&](std::vector<std::string> flags) {
    std::vector<std::string> a{"run", "--http=127.0.0.1:0", "--listen=127.0.0.1:0", "--store=memory"};
    a.insert(a.end(), flags.begin(), flags.end());
    return a;
  };
  auto pem = write_file(d + "/not.pem", "-----BEGIN NOTHING-----\nxx\n");
  const std::vector<cli_row> rows{
    // -- the cases first reported ---------------------------------------------
    {{"run", "--config=" + d}, 2, "the config file is a directory"},
    {{"run", "--threads=1000000000", memory}, 2, "--threads: 1000000000 is out of range; use 0"},
    {{"run", "--max-body=-1", memory}, 2, "must not be negative"},
    {{"run", "--max-tasks=-1", memory}, 2, "must not be negative"},
    {{"run", "--tasks=5", "--type=", memory}, 2, "--type must not be empty"},
    {{"run", "--token=", "--http=127.0.0.1:0", memory}, 2, "--token: is empty"},
    {{"run", "--http=nonsense", memory}, 2, "--http: 'nonsense' is not HOST:PORT", "registry listening"},
    {{"run", "--http=127.0.0.1:99999", memory}, 2, "bad port '99999'", "registry listening"},
    {{"run", "--http=" + busy.at(), "--listen=127.0.0.1:0", memory}, 2,
     "http: cannot listen on " + busy.at() + " for HTTP: port " + std::to_string(busy.port) + " on 127.0.0.1 is already in use", "registry listening"},
    {{"run", "--listen=" + busy.at(), "--http=127.0.0.1:0", memory}, 2,
     "cannot listen on " + busy.at() + " for the registry: port " + std::to_string(busy.port) + " on 127.0.0.1 is already in use", "manager started"},
    {{"run", "--role=producer", "--registry=127.0.0.1:1", "--job-file=" + d + "/none.json"}, 2,
     "cannot read the --job-file", "cannot reach"},
    {{"run", "--role=producer", "--registry=127.0.0.1:1", "--job-file=" + bad_job}, 2,
     "tasks[0].count", "cannot reach"},
    {{"run", "--job-file=" + d, "--http=127.0.0.1:0", "--listen=127.0.0.1:0", memory}, 2,
     "the --job-file is a directory", "registry listening"},
    {{"run", "--config=" + tags5}, 2, "tags.yaml:1:7: 'tags' must be a list of tags"},
    {{"run", "--config=" + dup}, 2, "dup.yaml:3:1: duplicate key 'node'"},
    {{"run", "--config=" + bad_utf8}, 2, "utf8.yaml:1:10: byte 0xe9 is not UTF-8"},
    {{"status", "abc"}, 2, "'abc' is not a job id"},
    // -- more hostile rows ---------------------------------------------------------
    {{"run", "--config="}, 2, "--config: needs a file"},
    {{"run", "--config=" + junk}, 2, "junk.yaml:1:8: a NUL byte"},
    {{"run", "--config=" + d + "/none.yaml"}, 2, "cannot read the config file"},
    {{"run", "--tasks=-1", memory}, 2, "must not be negative"},
    {{"run", "--grace=-5", memory}, 2, "must not be negative"},
    {{"run", "--grace=99999999999999999999", memory}, 2, "--grace"},
    {{"run", "--capacity=1e9", memory}, 2, "--capacity"},
    {{"run", "--prefetch=-3", memory}, 2, "--prefetch: '-3' is not auto or a whole number"},
    {{"run", "--prefetch=100001", memory}, 2, "--prefetch: '100001' is not auto"},
    {{"simulate", "--prefetch=lots"}, 2, "drover: --prefetch: 'lots' is not auto or a whole number"},
    {{"run", "--list-size=2000000000", memory}, 2, "--list-size: 2000000000 is out of range"},
    {{"run", "--threads=257", memory}, 2, "--threads: 257 is out of range"},
    {{"run", "--durability=fsync", memory}, 2, "--durability: 'fsync' is not disk or process"},
    {{"run", "--max-body=2GiB", memory}, 2, "--max-body: 2147483648 bytes is out of range"},
    {{"run", "--max-tasks=0", memory}, 2, "--max-tasks: 0 is out of range"},
    {{"run", "--priority=urgent", memory}, 2, "--priority: 'urgent' is not high, normal or low"},
    {{"run", "--log-level=loud", memory}, 2, "--log-level: use error, warn, info or debug"},
    {{"run", "--rules=" + rules_utf8, "--http=127.0.0.1:0", "--listen=127.0.0.1:0", memory}, 2,
     "rules.yaml:2:1: byte 0xff is not UTF-8", "registry listening"},
    {{"run", "--rules=" + d, "--http=127.0.0.1:0", "--listen=127.0.0.1:0", memory}, 2,
     "the rules file is a directory", "registry listening"},
    {{"run", "--store=sqlite:" + d + "/no/such/dir/x.db", "--http=127.0.0.1:0",
      "--listen=127.0.0.1:0"}, 2, "store: ", "registry listening"},
    {{"run", "--store=postgres:x", "--http=127.0.0.1:0", "--listen=127.0.0.1:0"}, 2,
     "unknown store 'postgres:x'", "registry listening"},
    {{"run", std::string{"--node=a\x01"}, "--unknown"}, 2, "--unknown"},
    {{"cancel", "12x"}, 2, "'12x' is not a job id"},
    {{"status", "--task", "abc_"}, 2, "'abc_' is not a task id"},
    {{"status", "99999999999999999999999"}, 2, "is not a job id"},
    {{"status", ""}, 2, "is not a job id"},
    {{"jobs", "--offset=-1"}, 2, "must not be negative"},
    {{"jobs", "--limit=0"}, 2, "--limit"},
    {{"submit", "--tasks=-5"}, 2, "must not be negative"},
    {{"submit", "--tasks=1", "--token="}, 2, "--token: is empty"},
    {{"submit", "--tasks=1", "--type="}, 2, "tasks[0].type: must not be empty"},
    {{"submit", d + "/none.json"}, 2, "cannot read"},
    {{"submit", empty}, 2, "empty.json"},
    {{"submit", bad_job}, 2, "tasks[0].count"},
    {{"submit", "--tasks=1", "--server=ftp://x"}, 2, "--server: 'ftp://x' is not a URL"},
    {{"nodes", nowhere}, 1, "cannot reach http://127.0.0.1:1"},
    {{"status", "5", nowhere}, 1, "cannot reach"},
    {{"rules", "apply", rules_utf8, nowhere}, 2, "not UTF-8"},
    {{"frobnicate"}, 2, "unknown subcommand 'frobnicate'"},
    // -- members that outlive the manager, job run identity ----------------------
    {{"run", "--reconnect-timeout=-1", memory}, 2, "must not be negative"},
    {{"run", "--reconnect-timeout=soon", memory}, 2, "--reconnect-timeout"},
    {{"run", "--reconnect-timeout=99999999999", memory}, 2, "--reconnect-timeout"},
    {{"run", "--ready-file=", "--http=127.0.0.1:0", memory}, 2,
     "--ready-file: is empty; give a file path"},
    {{"run", "--ready-file=" + d, "--http=127.0.0.1:0", "--listen=127.0.0.1:0", memory}, 2,
     "--ready-file: '" + d + "' is a directory", "registry listening"},
    {{"run", "--role=consumer", "--registry=127.0.0.1:1", "--ready-file=" + d + "/no/dir/r.json"},
     2, "--ready-file: cannot write '" + d + "/no/dir/r.json.tmp'", "cannot reach"},
    {{"run", "--run=", memory}, 2, "--run: is empty; give a run key"},
    {{"run", "--idempotency-key=", "--http=127.0.0.1:0", memory}, 2,
     "--idempotency-key: is empty; give a key"},
    {{"run", "--run=a", "--idempotency-key=b", memory}, 2,
     "--run and --idempotency-key both name the run; give one of them"},
    {{"run", "--role=consumer", "--registry=127.0.0.1:1", "--run=2026-12-06"}, 2,
     "--run needs the producer role", "cannot reach"},
    {{"run", "--run=" + std::string(600, 'r'), memory}, 2, "--run: 600 bytes is too long; at most 512"},
    {{"run", std::string{"--idempotency-key=a\x01b"}, memory}, 2,
     "--idempotency-key: must not contain control characters"},
    {{"run", "--idempotency-key=caf\xe9", memory}, 2, "--idempotency-key: is not UTF-8 text"},
    // -- mutual TLS on node links --------------------------------------------------
    {{"run", "--tls-cert=", memory}, 2, "--tls-cert: is empty; give a PEM file"},
    {tls_run({"--tls-cert=" + d + "/pki/a.pem"}), 2,
     "--tls-key is missing: TLS needs --tls-cert, --tls-key and --tls-ca together",
     "registry listening"},
    {tls_run(tls(d + "/none.pem", d + "/pki/a.key", d + "/pki/ca.pem")), 2,
     "--tls-cert: '" + d + "/none.pem' cannot be read: No such file", "registry listening"},
    {tls_run(tls(d + "/pki", d + "/pki/a.key", d + "/pki/ca.pem")), 2,
     "--tls-cert: '" + d + "/pki' is a directory", "registry listening"},
    {tls_run(tls(pem, d + "/pki/a.key", d + "/pki/ca.pem")), 2,
     "--tls-cert: '" + pem + "' holds no PEM certificate", "registry listening"},
    {tls_run(tls(d + "/pki/a.pem", d + "/pki/a.pem", d + "/pki/ca.pem")), 2,
     "--tls-key: '" + d + "/pki/a.pem' holds no unencrypted PEM private key", "registry listening"},
    {tls_run(tls(d + "/pki/a.pem", d + "/pki/b.key", d + "/pki/ca.pem")), 2,
     "--tls-key: '" + d + "/pki/b.key' does not belong to the certificate", "registry listening"},
    {tls_run(tls(d + "/rogue/x.pem", d + "/rogue/x.key", d + "/pki/ca.pem")), 2,
     "--tls-cert: '" + d + "/rogue/x.pem' is not accepted by the CA in '" + d + "/pki/ca.pem'",
     "registry listening"},
    {{"run", "--listen=0.0.0.0:0", "--http=127.0.0.1:0", memory}, 2,
     "--listen=0.0.0.0:0 is reachable from other machines", "registry listening"},
    {{"rules", "get", "--manager=127.0.0.1:1", "--tls-ca=" + d + "/pki/ca.pem"}, 2,
     "--tls-cert is missing"},
    {{"certs", "init", d + "/c3", "--node=../x"}, 2, "node name '../x' must be"},
    {{"certs", "init", d + "/pki", "--node=a"}, 2, "cannot write '" + d + "/pki/a.key': File exists"},
  };
  int i = 0;
  for (const auto& r : rows) {
    std::vector<std::string> argv{DROVER_BINARY};
    argv.insert(argv.end(), r.args.begin(), r.args.end());
    child_process p(argv, d + "/row" + std::to_string(i++));
    auto code = p.wait(15s);
    auto said = p.err() + p.out();
    CAPTURE(r.args);
    CAPTURE(said);
    CHECK(code == r.code); // -1: still running (a hang); >= 128: a crash
    CHECK(said.find(r.expect) != std::string::npos);
    if (!r.absent.empty())
      CHECK(said.find(r.absent) == std::string::npos);
  }
  MESSAGE(rows.size() << " command-line rows");
}

TEST_CASE("hostile REST requests: a 4xx naming the problem, never a 5xx, and the node stays up") {
  scratch_dir dir;
  rest_node node({"--store=memory", "--role=registry,manager"}, dir.path + "/node");
  struct rest_row {
    std::string request; ///< the raw request, without the final Connection/blank line
    std::string body;
    int status;
    std::string expect;
  };
  auto post = [](const std::string& path, const std::string& type) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\n"
           + (type.empty() ? std::string{} : "Content-Type: " + type + "\r\n");
  };
  const std::string job = R"({"name": "j", "tasks": [{"type": "noop"}]})";
  const std::string json = "application/json";
  const std::string send = "POST /v1/send_data/text HTTP/1.1\r\nUSER-AGENT: u1\r\nDES-USER: u2\r\n";
  const std::vector<rest_row> rows{
    // -- the cases first reported ---------------------------------------------
    {post("/v1/jobs", "text/plain"), job, 415, "'text/plain' is not JSON: send the body as application/json"},
    {post("/v1/jobs", "application/x-www-form-urlencoded"), job, 415, "is not JSON"},
    {post("/v1/schedules", json), R"({"name": "n", "cron": "0 0 30 2 *", "job": )" + job + "}", 400,
     "never fires"},
    {"PUT /v1/rules HTTP/1.1\r\nContent-Type: application/yaml\r\n", "version: 1\n\xff\xfe\n", 422,
     "byte 0xff is not UTF-8"},
    {send + "LEVEL: low\r\nLEVEL: high\r\n", "hi", 400, "header LEVEL appears 2 times; send it once"},
    {"GET /v1/nodes HTTP/1.1\r\n" + headers(10000), "", 431, "header_fields_too_large"},
    // -- more hostile rows ---------------------------------------------------------
    {"GET /v1/nodes HTTP/1.1\r\n" + headers(101), "", 431, "100 header fields"},
    {"GET /v1/nodes HTTP/1.1\r\n" + headers(98), "", 200, "\"nodes\""}, // + 2 added below: 100
    {"GET /v1/nodes HTTP/1.1\r\nX-Big: " + std::string(100000, 'a') + "\r\n", "", 431,
     "header_fields_too_large"},
    {"GET /v1/" + std::string(100000, 'a') + " HTTP/1.1\r\n", "", 431, "header_fields_too_large"},
    {post("/v1/jobs", ""), job, 201, "task_ids"}, // no Content-Type: read as JSON
    {post("/v1/jobs", "application/json; charset=utf-8"), job, 201, "task_ids"},
    {post("/v1/jobs", "application/problem+json"), job, 201, "task_ids"},
    {post("/v1/jobs", json) + "Content-Type: text/plain\r\n", job, 400, "Content-Type appears 2 times"},
    {post("/v1/jobs", json) + "Content-Length: 5\r\nContent-Length: " + std::to_string(job.size())
       + "\r\n", job, 400, "Content-Length appears 2 times"},
    {post("/v1/jobs", json), "", 400, "body: empty"},
    {post("/v1/jobs", json), "null", 400, "object"},
    {post("/v1/jobs", json), std::string(500000, '['), 400, "malformed JSON"},
    {post("/v1/jobs", json), std::string{"\x00\x01\x02\xff", 4}, 400, "malformed JSON"},
    {post("/v1/jobs", json), "{\"name\":\"\xff\",\"tasks\":[{\"type\":\"a\"}]}", 400, "malformed JSON"},
    {post("/v1/jobs", json), R"({"name":"j","tasks":[{"type":"a","count":1e30}]})", 400, "tasks[0].count"},
    {post("/v1/jobs", json), R"({"name":"a\u0000b","tasks":[{"type":"a"}]})", 400,
     "name: must not contain control characters"},
    {post("/v1/jobs", json), R"({"name":"j","tasks":[{"type":"a","priority":"asap"}]})", 400,
     "tasks[0].priority"},
    {post("/v1/jobs", json), R"({"name":"j","tasks":[{"type":"a","count":5000000}]})", 413,
     "too_many_tasks"},
    {"GET /v1/jobs/99999999999999999999999 HTTP/1.1\r\n", "", 400, "is not a number"},
    {"GET /v1/jobs/-1 HTTP/1.1\r\n", "", 400, "is not a number"},
    {"GET /v1/tasks/" + std::string(2000, 'x') + " HTTP/1.1\r\n", "", 400, "task id"},
    {"GET /v1/jobs?limit=-1 HTTP/1.1\r\n", "", 400, "limit: expected an integer from 1 to 1000"},
    {"GET /v1/jobs?limit=99999999999999999999999 HTTP/1.1\r\n", "", 400, "limit"},
    {post("/v1/schedules", json), R"({"name": "n", "every": "-5s", "job": )" + job + "}", 400, "every"},
    {post("/v1/schedules", json), R"({"name": "n", "cron": "99 * * * *", "job": )" + job + "}", 400,
     "99 is out of range 0-59"},
    {post("/v1/schedules", json), R"({"name": "n", "every": "5s", "catch_up": "most", "job": )" + job + "}",
     400, "catch_up"},
    {post("/v1/schedules", "text/csv"), "{}", 415, "is not JSON"},
    {"PATCH /v1/schedules/1 HTTP/1.1\r\nContent-Type: text/plain\r\n", R"({"every":"1m"})", 415,
     "is not JSON"},
    {post("/v1/nodes/x/commands", json), R"({"command": "explode"})", 400, "command"},
    {post("/v1/nodes/x/commands", "text/plain"), R"({"command": "drain"})", 415, "is not JSON"},
    {post("/v1/users", json), R"({"name": ""})", 400, "name"},
    {post("/v1/users", json), std::string{"{\"name\": \"a\0b\"}", 14}, 400, "the body is not JSON"},
    {"PUT /v1/rules HTTP/1.1\r\n", std::string{"version: 1\0\n", 12}, 422, "a NUL byte"},
    {"PUT /v1/rules HTTP/1.1\r\n", std::string(100000, '['), 422, "invalid YAML"},
    {"PUT /v1/rules HTTP/1.1\r\n", "version: 1\nversion: 2\n", 422, "duplicate key 'version'"},
    {send + "LEVEL: urgent\r\n", "hi", 400, "LEVEL"},
    {send + "LEVEL: low\r\nDES-USER: u3\r\n", "hi", 400, "header DES-USER appears 2 times"},
    {"POST /v1/jobs HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n", "", 413, "body_too_large"},
    {"POST /v1/jobs HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n", 411,
     "Content-Length"},
    {"BREW /v1/jobs HTTP/1.1\r\n", "", 400, ""},
    // -- the idempotency key ------------------------------------------------------
    {post("/v1/jobs", json) + "Idempotency-Key: a\r\nIdempotency-Key: b\r\n", job, 400,
     "header Idempotency-Key appears 2 times; send it once"},
    {post("/v1/jobs", json) + "Idempotency-Key: " + std::string(600, 'k') + "\r\n", job, 400,
     "the Idempotency-Key header: 600 bytes is too long"},
    {post("/v1/jobs", json) + "Idempotency-Key: caf\xe9\r\n", job, 400,
     "the Idempotency-Key header: is not UTF-8 text"},
    {post("/v1/jobs", json), R"({"name":"j","idempotency_key":"a\u0001b","tasks":[{"type":"noop"}]})",
     400, "idempotency_key: must not contain control characters"},
    {post("/v1/jobs", json) + "Idempotency-Key: x\r\n",
     R"({"name":"j","idempotency_key":"y","tasks":[{"type":"noop"}]})", 400, "differ; give one of them"},
    {post("/v1/jobs", "text/plain") + "Idempotency-Key: k-refused\r\n", job, 415, "is not JSON"},
    {post("/v1/jobs", json) + "Idempotency-Key: k-refused\r\n", job, 201, "task_ids"}, // nothing was kept
    {post("/v1/jobs", json) + "Idempotency-Key: k-refused\r\n", job, 200, "\"existing\":true"},
  };
  for (const auto& r : rows) {
    auto raw = r.request;
    if (r.request.find("Content-Length") == std::string::npos
        && r.request.find("Transfer-Encoding") == std::string::npos)
      raw += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    raw += "Connection: close\r\n\r\n" + r.body;
    auto reply = exchange(node.http_port, raw, false);
    CAPTURE(r.request.substr(0, 120));
    CAPTURE(reply.substr(0, 400));
    CHECK(reply.rfind("HTTP/1.1 " + std::to_string(r.status) + " ", 0) == 0);
    CHECK(reply.find(r.expect) != std::string::npos);
  }
  MESSAGE(rows.size() << " REST rows");
  auto health = node.http->Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(node.proc->running());
}

} // TEST_SUITE
