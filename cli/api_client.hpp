// The client side of the REST API for cli/: one HTTP call per method, with
// the --server URL, bearer token and timeout applied, and replies turned
// into an exit code plus a one-line message when they are not a success.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/errors.hpp"

namespace httplib {
class Client;
class Result;
} // namespace httplib

namespace drover {

/// A reply: `status` 0 means no reply at all (see `err`).
struct api_reply {
  int status = 0;
  std::string body;
  error err;          ///< ec::unreachable when the server could not be reached
};

class api_client {
public:
  explicit api_client(const client_options& opts);
  ~api_client();

  /// ec::bad_input if --server is not a URL like http://127.0.0.1:8080.
  error check() const;

  api_reply get(const std::string& path);
  api_reply post(const std::string& path, const std::string& body);
  api_reply put(const std::string& path, const std::string& body,
                const std::string& content_type);
  api_reply del(const std::string& path);

  /// The manager that answered last (with several --server URLs, the
  /// leader once found).
  const std::string& server() const { return server_; }

private:
  /// Runs `call` against the current manager; with several URLs, a refused
  /// connection or a standby's 503 moves on (to the leader it names).
  api_reply send(const std::function<httplib::Result(httplib::Client&)>& call);

  struct impl;
  std::string server_;
  error url_error_;
  std::unique_ptr<impl> impl_;
};

/// The exit code for a reply that is not 2xx, after writing one line to
/// `err` (and for 422 one line per rules problem); 0 for a 2xx reply.
/// 2 when the server could not be reached, 1 when it said no.
int report_failure(const api_reply& reply, const std::string& server, std::ostream& err);

/// Parses a 2xx body into a JSON object; on anything else writes a line to
/// `err` and returns ec::bad_input (this is not a drover server).
[[nodiscard]] result<nlohmann::json> parse_reply(const api_reply& reply, const std::string& server,
                                                 std::ostream& err);

} // namespace drover
