// HTTP calls of the client commands (cli/api_client.hpp) over cpp-httplib.
#include "cli/api_client.hpp"

#include <ostream>
#include <regex>

#include <unistd.h>

#include "http/httplib_abi.hpp"
#include "http/port_probe.hpp"

namespace drover {

struct api_client::impl {
  httplib::Client client;
  explicit impl(const std::string& url) : client(url) {}
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

api_client::api_client(const client_options& opts) : server_(opts.server) {
  while (server_.size() > 1 && server_.back() == '/') // so paths join cleanly
    server_.pop_back();
  if (!valid_server_url(opts.server)) {
    url_error_ = {ec::bad_input, "--server: '" + opts.server
                                   + "' is not a URL like http://127.0.0.1:8080"};
    return;
  }
  if (!opts.ca.empty() && ::access(opts.ca.c_str(), R_OK) != 0) {
    url_error_ = {ec::bad_input, "--ca: cannot read '" + opts.ca + "' (a PEM CA certificate)"};
    return;
  }
  impl_ = std::make_unique<impl>(server_);
  if (!opts.ca.empty())
    impl_->client.set_ca_cert_path(opts.ca);
  auto timeout = std::chrono::milliseconds(opts.request_timeout_ms);
  impl_->client.set_connection_timeout(std::chrono::seconds(5));
  impl_->client.set_read_timeout(timeout);
  impl_->client.set_write_timeout(timeout);
  if (!opts.token.empty())
    impl_->client.set_bearer_token_auth(opts.token);
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

api_reply api_client::get(const std::string& path) {
  if (!impl_)
    return not_configured(url_error_);
  return to_reply(impl_->client.Get(path.c_str()), server_);
}

api_reply api_client::post(const std::string& path, const std::string& body) {
  if (!impl_)
    return not_configured(url_error_);
  return to_reply(impl_->client.Post(path.c_str(), body, "application/json"), server_);
}

api_reply api_client::put(const std::string& path, const std::string& body,
                          const std::string& content_type) {
  if (!impl_)
    return not_configured(url_error_);
  return to_reply(impl_->client.Put(path.c_str(), body, content_type.c_str()), server_);
}

api_reply api_client::del(const std::string& path) {
  if (!impl_)
    return not_configured(url_error_);
  return to_reply(impl_->client.Delete(path.c_str()), server_);
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
