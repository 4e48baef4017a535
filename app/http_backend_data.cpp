#include "app/http_backend_data.hpp"

#include <optional>

#include "actors/protocol_data.hpp"

namespace drover {

template <class T, class... Ts>
result<T> data_calls::ask(Ts&&... xs) {
  if (!courier_)
    return error{ec::unreachable, "multi-user data scheduling does not run in this process"};
  caf::scoped_actor self{sys_};
  std::optional<T> value;
  error err;
  self->request(courier_, timeout_, std::forward<Ts>(xs)...)
    .receive([&](T& x) { value = std::move(x); },
             [&](caf::error& e) {
               if (e.category() == caf::atom("drover")) {
                 std::string msg = e.context().match_elements<std::string>()
                                     ? e.context().get_as<std::string>(0)
                                     : sys_.render(e);
                 err = error{static_cast<ec>(e.code()), msg};
               } else {
                 err = error{ec::unreachable, "the courier or the user's node did not answer: "
                                                + sys_.render(e)};
               }
             });
  if (!value)
    return err ? err : error{ec::unreachable, "no answer"};
  return std::move(*value);
}

result<user_info> data_calls::create_user(const std::string& name) {
  return ask<user_info>(user_atom::value, put_atom::value, name);
}

result<std::vector<user_info>> data_calls::list_users() {
  return ask<std::vector<user_info>>(user_atom::value, get_atom::value);
}

result<user_info> data_calls::get_user(uint64_t id) {
  return ask<user_info>(user_atom::value, get_atom::value, id);
}

result<send_receipt> data_calls::send_data(send_request req) {
  return ask<send_receipt>(send_atom::value, std::move(req));
}

result<recv_batch> data_calls::recv_data(uint64_t user, uint32_t max) {
  return ask<recv_batch>(recv_atom::value, user, max);
}

result<uint64_t> data_calls::ack_data(uint64_t user, const std::string& last_id) {
  return ask<uint64_t>(recv_atom::value, ack_atom::value, user, last_id);
}

result<delivery_info> data_calls::get_delivery(const std::string& id) {
  return ask<delivery_info>(delivery_atom::value, get_atom::value, id);
}

} // namespace drover
