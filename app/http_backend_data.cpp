// The multi-user data backend of a real process: requests to the courier
// (actors/courier.hpp). Without a courier every call answers 503.
#include "actors/protocol_data.hpp"
#include "app/http_backend.hpp"
#include "app/http_backend_calls.hpp"
#include "http/backend_data.hpp"

namespace drover {

namespace {

class caf_data : public data_backend {
public:
  caf_data(caf::actor_system& sys, const caf_backend_options& o)
    : calls_(sys, {"multi-user data scheduling does not run in this process", "",
                   "the courier or the user's node did not answer: "}),
      courier_(o.courier), timeout_(o.timeout), max_data_(o.max_data) {}

  result<user_info> create_user(const std::string& name) override {
    return ask<user_info>(user_atom::value, put_atom::value, name);
  }
  result<std::vector<user_info>> list_users() override {
    return ask<std::vector<user_info>>(user_atom::value, get_atom::value);
  }
  result<user_info> get_user(uint64_t id) override {
    return ask<user_info>(user_atom::value, get_atom::value, id);
  }
  result<send_receipt> send_data(send_request req) override {
    return ask<send_receipt>(send_atom::value, std::move(req));
  }
  result<recv_batch> recv_data(uint64_t user, uint32_t max) override {
    return ask<recv_batch>(recv_atom::value, user, max);
  }
  result<uint64_t> ack_data(uint64_t user, const std::string& last_id) override {
    return ask<uint64_t>(recv_atom::value, ack_atom::value, user, last_id);
  }
  result<delivery_info> get_delivery(const std::string& id) override {
    return ask<delivery_info>(delivery_atom::value, get_atom::value, id);
  }
  std::size_t max_data() const override { return max_data_; }

private:
  template <class T, class... Ts>
  result<T> ask(Ts&&... xs) {
    return calls_.ask<T>(courier_, timeout_, std::forward<Ts>(xs)...);
  }

  actor_calls calls_;
  caf::actor courier_;
  std::chrono::milliseconds timeout_;
  std::size_t max_data_;
};

} // namespace

std::unique_ptr<data_backend> make_caf_data(caf::actor_system& sys, const caf_backend_options& o) {
  return std::make_unique<caf_data>(sys, o);
}

} // namespace drover
