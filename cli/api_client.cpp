// HTTP calls of the client commands (cli/api_client.hpp) over cpp-httplib.
#include "cli/api_client.hpp"

#include <map>
#include <ostream>
#include <regex>
#include <vector>

#include <unistd.h>

#include "http/httplib_abi.hpp"
#include "http/port_probe.hpp"
#include "http/status.hpp"

namespace drover {

/// One client per manager URL, made on first use; `current` is the one
/// that answered last (the leader, when several managers share a store).
struct api_client::impl {
  std::vector<std::string> urls;
  size_t current = 0;
  client_options opts;
  std::map<std::string, std::unique_ptr<httplib::Client>> clients;

  httplib::Client& client(const std::string& url) {
    auto& c = clients[url];
    if (!c) {
      c = std::make_unique<httplib::Client>(url);
      if (!opts.ca.empty())
        c->set_ca_cert_path(opts.ca);
      auto timeout = std::chrono::milliseconds(opts.request_timeout_ms);
      c->set_connection_timeout(std::chrono::seconds(5));
      c->set_read_timeout(timeout);
      c->set_write_timeout(timeout);
      if (!opts.token.empty())
        c->set_bearer_token_auth(opts.token);
    }
    return *c;
  }
};

namespace {

/// http://HOST[:PORT] or https://..., HOST may be [IPv6]; an optional
/// trailing slash, no path.
bool valid_server_url(const std::string& url) {
  static const std::regex re{R"(^https?://(\[[0-9a-fA-F:.]+\]|[^/\s:\[\]]+)(:[0-9]{1,5})?/?$)"};
  return std::regex_match(url, re);
}

std::string transport_hint(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "connection refused or host unknown (is the manager running with --http?"
             " point --server at it)";
    case httplib::Error::ConnectionTimeout: return "timed out while connecting";
    case httplib::Error::Read: return "no complete reply (timed out or the connection closed;"
                                      " try a larger --request-timeout)";
    case httplib::Error::Write: return "the request could not be sent (the server closed"
                                       " the connection; is the body over its --max-body?)";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed (is the server HTTPS? an http:// server needs http://)";
    case httplib::Error::SSLServerVerification:
      return "the server's certificate is not signed by the CA given (--ca or DROVER_CA),"
             " or does not name the host in --server";
    case httplib::Error::SSLLoadingCerts: return "cannot load the CA file (--ca or DROVER_CA)";
    default: return httplib::to_string(e);
  }
}

/// The transport hint, unless the server is no HTTP server at all but a
/// drover node port: users mix the two up.
std::string wrong_port_hint(const std::string& server, httplib::Error e) {
  std::string host;
  uint16_t port = 0;
  bool maybe_node = e == httplib::Error::Read || e == httplib::Error::Write
                    || e == httplib::Error::SSLConnection || e == httplib::Error::Unknown;
  if (maybe_node && split_url_host_port(server, host, port)
      && probe_port(host, port, std::chrono::milliseconds(500)) == port_speaks::drover_node)
    return "that is a drover node port (a registry's --listen, where consumers and producers "
           "connect), not the REST API: point --server at the manager's --http address "
           "(e.g. http://127.0.0.1:8080; `drover run` logs it, its --ready-file holds it)";
  return transport_hint(e);
}

} // namespace

namespace {

/// "URL,URL,...": the managers of a cluster, one of which leads.
std::vector<std::string> split_urls(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    auto comma = text.find(',', start);
    auto url = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (url.size() > 1 && url.back() == '/') // so paths join cleanly
      url.pop_back();
    out.push_back(url);
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

} // namespace

api_client::api_client(const client_options& opts) {
  auto urls = split_urls(opts.server);
  server_ = urls.front();
  for (auto& url : urls)
    if (!valid_server_url(url)) {
      url_error_ = {ec::bad_input, "--server: '" + (urls.size() > 1 ? url : opts.server)
                                     + "' is not a URL like http://127.0.0.1:8080"};
      return;
    }
  if (!opts.ca.empty() && ::access(opts.ca.c_str(), R_OK) != 0) {
    url_error_ = {ec::bad_input, "--ca: cannot read '" + opts.ca + "' (a PEM CA certificate)"};
    return;
  }
  impl_ = std::make_unique<impl>();
  impl_->urls = std::move(urls);
  impl_->opts = opts;
}

api_client::~api_client() = default;

error api_client::check() const { return url_error_; }

namespace {

api_reply to_reply(httplib::Result&& r, const std::string& server) {
  api_reply out;
  if (!r) {
    out.err = {ec::unreachable, "cannot reach " + server + ": " + wrong_port_hint(server, r.error())};
    return out;
  }
  out.status = r->status;
  out.body = std::move(r->body);
  return out;
}

api_reply not_configured(const error& e) {
  api_reply out;
  out.err = e;
  return out;
}

} // namespace

api_reply api_client::send(const std::function<httplib::Result(httplib::Client&)>& call) {
  if (!impl_)
    return not_configured(url_error_);
  auto& m = *impl_;
  auto next = [&m] {
    m.current = (m.current + 1) % m.urls.size();
    return m.urls[m.current];
  };
  std::string url = m.urls[m.current];
  api_reply last;
  // Each manager once, plus a hop to the leader a standby names. Only
  // requests no manager took are sent again: a refused connection, or a
  // standby's 503 (it handles nothing); never one that may have run.
  for (size_t tries = 0; tries < m.urls.size() + 2; ++tries) {
    auto r = call(m.client(url));
    bool refused = !r && r.error() == httplib::Error::Connection;
    // A standby names the leader in a header (when it knows one) and says
    // not_leader in its body.
    bool standby = r && r->status == 503
                   && (r->has_header(leader_header)
                       || r->body.find("\"not_leader\"") != std::string::npos);
    auto leader = standby ? r->get_header_value(leader_header) : std::string{};
    last = to_reply(std::move(r), url);
    server_ = url;
    if (!leader.empty() && leader != url && valid_server_url(leader)) {
      url = leader; // the standby names the leader: straight there
      continue;
    }
    if ((refused || standby) && m.urls.size() > 1) {
      url = next();
      continue;
    }
    break;
  }
  return last;
}

api_reply api_client::get(const std::string& path) {
  return send([&](httplib::Client& c) { return c.Get(path.c_str()); });
}

api_reply api_client::post(const std::string& path, const std::string& body) {
  return send([&](httplib::Client& c) { return c.Post(path.c_str(), body, "application/json"); });
}

api_reply api_client::put(const std::string& path, const std::string& body,
                          const std::string& content_type) {
  return send([&](httplib::Client& c) { return c.Put(path.c_str(), body, content_type.c_str()); });
}

api_reply api_client::del(const std::string& path) {
  return send([&](httplib::Client& c) { return c.Delete(path.c_str()); });
}

int report_failure(const api_reply& reply, const std::string& server, std::ostream& err) {
  if (reply.status >= 200 && reply.status < 300)
    return 0;
  if (reply.status == 0) { // unreachable: a runtime failure (1), not bad usage (2)
    err << "drover: " << reply.err.message << "\n";
    return 1;
  }
  // A drover server says {"error": ..., "detail": ...}; anything else is shown raw.
  auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  std::string name, detail;
  if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
    name = doc["error"].get<std::string>();
    if (doc.contains("detail") && doc["detail"].is_string())
      detail = doc["detail"].get<std::string>();
  } else {
    name = "unexpected reply from " + server;
    detail = reply.body.substr(0, 200);
  }
  if (name == "invalid_rules" && doc.contains("errors") && doc["errors"].is_array()) {
    err << "drover: the rules were rejected (HTTP " << reply.status << "); the old rules stay:\n";
    for (auto& line : doc["errors"])
      err << "  " << (line.is_string() ? line.get<std::string>() : line.dump()) << "\n";
    return 1;
  }
  err << "drover: " << name << " (HTTP " << reply.status << "): " << detail << "\n";
  return 1;
}

result<nlohmann::json> parse_reply(const api_reply& reply, const std::string& server,
                                   std::ostream& err) {
  auto doc = nlohmann::json::parse(reply.body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object())
    return doc;
  std::string what = server + " did not answer with drover JSON; is --server a drover manager?";
  err << "drover: " << what << "\n";
  return error{ec::bad_input, what};
}

} // namespace drover
