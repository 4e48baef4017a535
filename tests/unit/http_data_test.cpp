// The multi-user data endpoints on the real REST server over an in-memory
// data backend (and the jobs fake, for task ids on GET /v1/tasks/{id}):
// what reaches the backend, and every refusal (400 naming the header, 404,
// 413, 429) with nothing stored.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http/backend_data.hpp"
#include "http/httplib_abi.hpp"
#include "http/server.hpp"
#include "http_fake_jobs.hpp"
#include "http_fake_server.hpp"

using namespace drover;
using json = nlohmann::json;

namespace {

/// Users 1 and 2 exist; sends are kept; reads answer the kept items.
class data_fake : public data_backend {
public:
  std::vector<send_request> sent;
  std::vector<std::pair<uint64_t, std::string>> acks;
  bool full = false;

  result<user_info> create_user(const std::string& name) override {
    return user_info{3, name, "c1", 0, 0, 0, 0, 1};
  }
  result<std::vector<user_info>> list_users() override {
    return std::vector<user_info>{user_info{1, "x", "c1", 0, 0, 0, 0, 1}};
  }
  result<user_info> get_user(uint64_t id) override {
    if (id > 2)
      return error{ec::unknown_member, format_user_id(id) + " is not a user"};
    return user_info{id, "x", "c1", 1, 2, 3, 4, 5};
  }
  result<send_receipt> send_data(send_request r) override {
    if (r.dest > 2)
      return error{ec::unknown_member, format_user_id(r.dest) + " is not a user"};
    if (full)
      return error{ec::overloaded, "too much waits"};
    sent.push_back(r);
    return send_receipt{"m1_1700000000000_000042", r.dest, "c1"};
  }
  result<recv_batch> recv_data(uint64_t user, uint32_t max) override {
    recv_batch b{user, {}};
    for (auto& s : sent)
      if (s.dest == user && b.items.size() < max)
        b.items.push_back(data_item{1, "m1_1700000000000_00000" + std::to_string(b.items.size()),
                                    s.sender, user, s.data_type, s.level, s.body, 7});
    return b;
  }
  result<uint64_t> ack_data(uint64_t user, const std::string& last) override {
    acks.emplace_back(user, last);
    return uint64_t{2};
  }
  result<delivery_info> get_delivery(const std::string& id) override {
    if (id != "m1_1700000000000_000042")
      return error{ec::unknown_task, "no delivery " + id};
    delivery_info d;
    d.item.id = id;
    d.item.sender = 1;
    d.item.user = 2;
    d.events.push_back({"generated", 1, ""});
    return d;
  }
  std::size_t max_data() const override { return 16; }
};

struct data_server {
  http_test::fakes<http_test::fake_jobs, data_fake> backend;
  http_server server{http_test::bundle_of(backend)};
  std::unique_ptr<httplib::Client> client;
  data_server() {
    REQUIRE_FALSE(server.start("127.0.0.1", 0));
    client = std::make_unique<httplib::Client>("127.0.0.1", server.port());
    client->set_read_timeout(std::chrono::seconds(10));
  }
  httplib::Result send(const httplib::Headers& h, const std::string& body = "hello",
                       const std::string& type = "text") {
    return client->Post(("/v1/send_data/" + type).c_str(), h, body, "application/octet-stream");
  }
};

void refused(const httplib::Result& res, int status, const std::string& part) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  auto j = json::parse(res->body, nullptr, false);
  CHECK(j.contains("error"));
  CHECK(j["detail"].get<std::string>().find(part) != std::string::npos);
}

} // namespace

TEST_SUITE("http_data") {

TEST_CASE_FIXTURE(data_server, "send_data passes the headers, type and body to the backend") {
  auto res = send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "u2"}}, "hi there");
  REQUIRE(res);
  CHECK(res->status == 201);
  auto j = json::parse(res->body);
  CHECK(j["id"] == "m1_1700000000000_000042");
  CHECK(j["dest"] == "u2");
  REQUIRE(backend.sent.size() == 1);
  CHECK(backend.sent[0].sender == 1);
  CHECK(backend.sent[0].level == priority::low);
  CHECK(backend.sent[0].data_type == "text");
  CHECK(backend.sent[0].body == "hi there");
}

TEST_CASE_FIXTURE(data_server, "send_data refusals name what to fix and store nothing") {
  refused(send({{"LEVEL", "low"}, {"DES-USER", "u2"}}), 400, "USER-AGENT");
  refused(send({{"USER-AGENT", "u1"}, {"DES-USER", "u2"}}), 400, "LEVEL is missing");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "9"}, {"DES-USER", "u2"}}), 400, "LEVEL: '9'");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}}), 400, "DES-USER is missing");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "bob"}}), 400,
          "DES-USER: 'bob'");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "u2"}}, "x", "bad type!"),
          400, "data type");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "u2"}},
               std::string(17, 'x')), 413, "limit is 16");
  refused(send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "u9"}}), 404,
          "u9 is not a user");
  backend.full = true;
  auto res = send({{"USER-AGENT", "u1"}, {"LEVEL", "low"}, {"DES-USER", "u2"}});
  refused(res, 429, "too much");
  CHECK(res->get_header_value("Retry-After") == "1");
  CHECK(backend.sent.empty());
}

TEST_CASE_FIXTURE(data_server, "recv_data returns items with a cursor and ack takes it") {
  send({{"USER-AGENT", "u1"}, {"LEVEL", "high"}, {"DES-USER", "u2"}}, "one");
  auto res = client->Get("/v1/recv_data?user=u2&max=5");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto j = json::parse(res->body);
  REQUIRE(j["items"].size() == 1);
  CHECK(j["items"][0]["data"] == "one");
  CHECK(j["items"][0]["sender"] == "u1");
  CHECK(j["items"][0]["data_type"] == "text");
  CHECK(j["items"][0]["level"] == "high");
  CHECK(j["cursor"] == j["items"][0]["id"]);
  res = client->Post("/v1/recv_data/ack", json{{"user", "u2"}, {"last", j["cursor"]}}.dump(),
                     "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["consumed"] == 2);
  REQUIRE(backend.acks.size() == 1);
  CHECK(backend.acks[0].first == 2);
}

TEST_CASE_FIXTURE(data_server, "recv_data and ack refuse bad parameters") {
  refused(client->Get("/v1/recv_data"), 400, "user is missing");
  refused(client->Get("/v1/recv_data?user=alice"), 400, "'alice' is not a user id");
  refused(client->Get("/v1/recv_data?user=u1&max=0"), 400, "max: expected");
  refused(client->Get("/v1/recv_data?user=u1&max=5000"), 400, "max: expected");
  refused(client->Get("/v1/recv_data?user=u1&limit=3"), 400, "unknown query parameter 'limit'");
  refused(client->Post("/v1/recv_data/ack", "nope", "application/json"), 400, "not JSON");
  refused(client->Post("/v1/recv_data/ack", R"({"user":"u1"})", "application/json"), 400,
          "'last'");
  CHECK(backend.acks.empty());
}

TEST_CASE_FIXTURE(data_server, "users: create, show, unknown") {
  auto res = client->Post("/v1/users", R"({"name":"alice"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->get_header_value("Location") == "/v1/users/u3");
  CHECK(json::parse(res->body)["name"] == "alice");
  refused(client->Post("/v1/users", R"({"name":""})", "application/json"), 400, "'name'");
  res = client->Get("/v1/users/u2");
  REQUIRE(res);
  auto j = json::parse(res->body);
  CHECK(j["backlog"] == 3);
  CHECK(j["consumed"] == 3);
  refused(client->Get("/v1/users/u9"), 404, "u9 is not a user");
  refused(client->Get("/v1/users/x"), 400, "not a user id");
}

TEST_CASE_FIXTURE(data_server, "GET /v1/tasks/{id} shows a delivery and still serves task ids") {
  auto res = client->Get("/v1/tasks/m1_1700000000000_000042");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto j = json::parse(res->body);
  CHECK(j["kind"] == "delivery");
  CHECK(j["history"][0]["kind"] == "generated");
  res = client->Get("/v1/tasks/m1_1700000000000_123456"); // delivery-shaped, unknown: a task id
  REQUIRE(res);
  CHECK(res->status == 404);
}

} // TEST_SUITE
