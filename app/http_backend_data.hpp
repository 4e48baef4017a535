// The data-scheduling half (#9) of the real REST backend: each call is a CAF
// request from the HTTP thread to the courier (actors/courier.hpp), bounded
// by a timeout. app/http_backend.cpp forwards its overrides here.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "core/data.hpp"
#include "http/api_types.hpp"

namespace drover {

class data_calls {
public:
  data_calls(caf::actor_system& sys, caf::actor courier, std::chrono::milliseconds timeout)
    : sys_(sys), courier_(std::move(courier)), timeout_(timeout) {}

  result<user_info> create_user(const std::string& name);
  result<std::vector<user_info>> list_users();
  result<user_info> get_user(uint64_t id);
  result<send_receipt> send_data(send_request req);
  result<recv_batch> recv_data(uint64_t user, uint32_t max);
  result<uint64_t> ack_data(uint64_t user, const std::string& last_id);
  result<delivery_info> get_delivery(const std::string& id);

private:
  template <class T, class... Ts>
  result<T> ask(Ts&&... xs);
  caf::actor_system& sys_;
  caf::actor courier_;
  std::chrono::milliseconds timeout_;
};

} // namespace drover
