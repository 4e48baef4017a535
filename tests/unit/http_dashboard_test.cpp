// The dashboard (http/dashboard.hpp) and the endpoints only it uses
// (/v1/alerts, /v1/overview), on the real server over the fake backend.
// The page itself is tested in Chromium by web/test/dashboard.test.mjs.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "http/dashboard.hpp"
#include "http_fake_monitor.hpp"
#include "http_fake_nodes.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using namespace drover::http_test;
using json = nlohmann::json;

namespace {

using dashboard_fakes = fakes<fake_monitor, fake_nodes>;
using server_fixture = fake_server<dashboard_fakes>;
using token_fixture = token_server<dashboard_fakes>;

} // namespace

TEST_SUITE("http_dashboard") {

TEST_CASE_FIXTURE(server_fixture, "GET / serves the embedded index.html as HTML") {
  auto res = client.Get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->body.find("<title>drover</title>") != std::string::npos);
  CHECK(res->body.find("/web/app.js") != std::string::npos);
  // Nothing from another origin: no CDN, no web fonts (the page must work offline).
  CHECK(res->body.find("http://") == std::string::npos);
  CHECK(res->body.find("https://") == std::string::npos);
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'self'") == 0);
  auto* index = find_web_asset("index.html");
  REQUIRE(index != nullptr);
  CHECK(res->body.size() == index->size);
}

TEST_CASE_FIXTURE(server_fixture, "assets have their content type; an unknown one is a JSON 404") {
  auto js = client.Get("/web/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(js->body.find("import") != std::string::npos);
  auto css = client.Get("/web/style.css");
  REQUIRE(css);
  CHECK(css->status == 200);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");

  for (const char* path : {"/web/nothing.js", "/web/..", "/web/test"}) {
    INFO(path);
    auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(body_of(res)["error"] == "not_found");
  }
  // No directories: a path with a slash after /web/ matches no route.
  CHECK(client.Get("/web/test/dashboard.test.mjs")->status == 404);
  CHECK(client.Post("/", "", "text/plain")->status == 405);
}

TEST_CASE("the asset table names every page file once, NUL-terminated") {
  CHECK(web_content_type("a.html") == std::string{"text/html; charset=utf-8"});
  CHECK(web_content_type("x.bin") == std::string{"application/octet-stream"});
  for (const char* name : {"index.html", "app.js", "api.js", "style.css"}) {
    INFO(name);
    auto* a = find_web_asset(name);
    REQUIRE(a != nullptr);
    CHECK(a->size > 0);
    CHECK(a->data[a->size] == 0);
  }
  CHECK(find_web_asset("embed.cmake") == nullptr); // build script, not page
  CHECK(find_web_asset("") == nullptr);
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/alerts lists supervisor alerts oldest first") {
  CHECK(body_of(client.Get("/v1/alerts")) == json{{"alerts", json::array()}});
  backend.raised = {alert_info{1700000000000, "p1", "consumer c1 restarted 6 times in 10000 ms"},
                    alert_info{1700000000500, "p2", "producer p2 gave up"}};
  auto doc = body_of(client.Get("/v1/alerts"));
  REQUIRE(doc["alerts"].size() == 2);
  CHECK(doc["alerts"][0]["at_ms"] == 1700000000000);
  CHECK(doc["alerts"][0]["node"] == "p1");
  CHECK(doc["alerts"][0]["text"] == "consumer c1 restarted 6 times in 10000 ms");
  CHECK(doc["alerts"][1]["node"] == "p2");
}

TEST_CASE_FIXTURE(server_fixture, "GET /v1/overview is the metrics snapshot as JSON") {
  backend.snapshot.queue_depth = {3, 2, 1};
  backend.snapshot.retry_queue = 4;
  backend.snapshot.members_by_role = {1, 2, 1, 3};
  backend.snapshot.acks = 9;
  backend.snapshot.ack_latency.observe(0.002);
  auto doc = body_of(client.Get("/v1/overview"));
  CHECK(doc["queue_depth"] == json{{"high", 3}, {"normal", 2}, {"low", 1}});
  CHECK(doc["retry_queue"] == 4);
  CHECK(doc["members"] == json{{"producer", 1}, {"consumer", 2}, {"manager", 1}, {"worker", 3}});
  CHECK(doc["tasks"]["PENDING"] == 0);
  CHECK(doc["acks"] == 9);
  CHECK(doc["ack_latency"]["count"] == 1);
  CHECK(doc["ack_latency"]["sum_s"] == doctest::Approx(0.002));
}

TEST_CASE_FIXTURE(token_fixture, "with a token the page loads without it, its data needs it") {
  CHECK(client.Get("/")->status == 200);         // the login field must load
  CHECK(client.Get("/web/app.js")->status == 200);
  for (const char* path : {"/v1/alerts", "/v1/overview", "/v1/nodes"}) {
    INFO(path);
    auto res = client.Get(path);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(res->get_header_value("WWW-Authenticate") == "Bearer");
  }
  client.set_bearer_token_auth("s3cret");
  CHECK(client.Get("/v1/alerts")->status == 200);
  CHECK(client.Get("/v1/overview")->status == 200);
}

}
