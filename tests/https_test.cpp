// HTTPS for the REST API (--http-tls-cert/--http-tls-key) against a real
// `drover run`: certificates made here with the openssl CLI (a CA, a
// server certificate for 127.0.0.1 it signed, and a second CA that signed
// nothing of ours), then curl and the drover client over HTTPS, a wrong CA
// refused, and bad certificate files refused at start with the flag named.
#include <doctest/doctest.h>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/rest_node.hpp"

using namespace drover::testing;
using namespace std::chrono_literals;

namespace {

/// The full path of program `name` on $PATH (children are started without
/// a PATH search); `name` itself if none is found.
std::string on_path(const std::string& name) {
  const char* path = ::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    auto candidate = dirs.substr(start, end - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return name;
}

/// Runs `args` to completion (bounded); returns {exit code, stdout + stderr}.
std::pair<int, std::string> run(std::vector<std::string> args, const std::string& log) {
  if (args[0].find('/') == std::string::npos)
    args[0] = on_path(args[0]);
  child_process p(args, log);
  int code = p.wait(30s);
  return {code, p.out() + p.err()};
}

/// A CA, a server certificate it signed for 127.0.0.1/localhost, and
/// another CA, all in `dir`.
struct test_pki {
  std::string dir, ca, cert, key, other_ca;
  explicit test_pki(const std::string& d)
    : dir(d), ca(d + "/ca.crt"), cert(d + "/server.crt"), key(d + "/server.key"),
      other_ca(d + "/other-ca.crt") {
    std::ofstream{dir + "/san.ext"} << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    auto step = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "openssl");
      auto [code, said] = run(args, dir + "/openssl");
      INFO(said);
      REQUIRE(code == 0);
    };
    for (auto name : {"ca", "other-ca"})
      step({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            std::string{"/CN=drover test "} + name, "-keyout", dir + "/" + name + ".key", "-out",
            dir + "/" + name + ".crt"});
    step({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key,
          "-out", dir + "/server.csr"});
    step({"x509", "-req", "-in", dir + "/server.csr", "-CA", ca, "-CAkey", dir + "/ca.key",
          "-CAcreateserial", "-days", "2", "-extfile", dir + "/san.ext", "-out", cert});
  }
};

struct https_fixture {
  scratch_dir dir;
  test_pki pki{dir.path};
  rest_node rest{{"--store=memory", "--role=registry,manager", "--token=s3cret",
                  "--http-tls-cert=" + pki.cert, "--http-tls-key=" + pki.key},
                 dir.path + "/node"};
  std::string url = "https://127.0.0.1:" + std::to_string(rest.http_port);

  ~https_fixture() {
    rest.proc->signal(SIGTERM);
    rest.proc->wait(10s);
  }
  std::pair<int, std::string> curl(std::vector<std::string> args) {
    args.insert(args.begin(), {"curl", "-sS", "--max-time", "10"});
    return run(args, dir.path + "/curl");
  }
};

} // namespace

TEST_SUITE("https") {

TEST_CASE_FIXTURE(https_fixture, "curl talks HTTPS to the REST API when it trusts the CA") {
  CHECK(rest.proc->err().find("with TLS") != std::string::npos);
  auto [code, said] = curl({"--cacert", pki.ca, url + "/healthz"});
  INFO(said);
  CHECK(code == 0);
  CHECK(said.find("\"status\":\"ok\"") != std::string::npos);
  auto [posted, reply] = curl({"--cacert", pki.ca, "-H", "Authorization: Bearer s3cret", "--json",
                               R"({"name": "j", "tasks": [{"type": "noop", "count": 3}]})",
                               url + "/v1/jobs"});
  INFO(reply);
  CHECK(posted == 0);
  CHECK(reply.find("\"job_id\":1") != std::string::npos);
  auto [refused, no_token] = curl({"--cacert", pki.ca, "-w", "%{http_code}", url + "/v1/jobs"});
  CHECK(no_token.find("401") != std::string::npos); // the token still guards /v1
}

TEST_CASE_FIXTURE(https_fixture, "a client that trusts another CA is refused, plain HTTP gets 400") {
  auto [code, said] = curl({"--cacert", pki.other_ca, url + "/healthz"});
  INFO(said);
  CHECK(code == 60); // curl: peer certificate cannot be authenticated
  auto [plain, what] = curl({"-w", " %{http_code}",
                             "http://127.0.0.1:" + std::to_string(rest.http_port) + "/healthz"});
  INFO(what);
  CHECK(plain == 0); // plain HTTP on the TLS port is told what to fix
  CHECK(what.find("https_required") != std::string::npos);
  CHECK(what.find(" 400") != std::string::npos);
  CHECK(rest.proc->running());
}

TEST_CASE_FIXTURE(https_fixture, "the drover client verifies the server with --ca or DROVER_CA") {
  auto [code, said] = run({DROVER_BINARY, "submit", "--tasks=2", "--type=noop", "--server=" + url,
                           "--ca=" + pki.ca, "--token=s3cret"},
                          dir.path + "/submit");
  INFO(said);
  CHECK(code == 0);
  ::setenv("DROVER_CA", pki.ca.c_str(), 1);
  auto [listed, jobs] = run({DROVER_BINARY, "jobs", "--server=" + url, "--token=s3cret"},
                            dir.path + "/jobs");
  ::unsetenv("DROVER_CA");
  INFO(jobs);
  CHECK(listed == 0);
  auto [wrong, why] = run({DROVER_BINARY, "jobs", "--server=" + url, "--ca=" + pki.other_ca,
                           "--token=s3cret"},
                          dir.path + "/wrong");
  INFO(why);
  CHECK(wrong == 1);
  CHECK(why.find("not signed by the CA") != std::string::npos);
}

TEST_CASE("bad certificate files stop drover run before it listens, naming the flag") {
  scratch_dir dir;
  test_pki pki{dir.path};
  std::ofstream{dir.path + "/junk.pem"} << "not a certificate\n";
  struct row {
    std::vector<std::string> flags;
    std::string expect;
  };
  const std::vector<row> rows{
    {{"--http-tls-cert=" + dir.path + "/missing.crt", "--http-tls-key=" + pki.key},
     "--http-tls-cert: cannot read"},
    {{"--http-tls-cert=" + pki.cert, "--http-tls-key=" + dir.path + "/missing.key"},
     "--http-tls-key: cannot read"},
    {{"--http-tls-cert=" + dir.path + "/junk.pem", "--http-tls-key=" + pki.key},
     "holds no PEM certificate"},
    {{"--http-tls-cert=" + pki.cert, "--http-tls-key=" + dir.path + "/junk.pem"},
     "holds no PEM private key"},
    {{"--http-tls-cert=" + pki.cert, "--http-tls-key=" + dir.path + "/ca.key"},
     "is not the key of the certificate"},
    {{"--http-tls-cert=" + pki.cert}, "--http-tls-cert needs --http-tls-key"},
  };
  int i = 0;
  for (const auto& r : rows) {
    std::vector<std::string> args{DROVER_BINARY, "run", "--store=memory", "--role=registry,manager",
                                  "--listen=127.0.0.1:0", "--http=127.0.0.1:0"};
    args.insert(args.end(), r.flags.begin(), r.flags.end());
    auto [code, said] = run(args, dir.path + "/row" + std::to_string(i++));
    CAPTURE(r.flags);
    CAPTURE(said);
    CHECK(code == 2);
    CHECK(said.find(r.expect) != std::string::npos);
    CHECK(said.find("listening on") == std::string::npos); // nothing was bound
  }
}

}
