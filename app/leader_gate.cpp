#include "app/leader_gate.hpp"

#include <nlohmann/json.hpp>

namespace drover {

bool leader_gate::answer(const http_request& req, http_response& res) const {
  if (leading())
    return false;
  leader_address leader;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    leader = leader_;
  }
  res.status = 503;
  res.set_header("Retry-After", "1");
  if (!leader.http.empty())
    res.set_header(leader_header, leader.http);
  nlohmann::json body;
  if (req.path == "/healthz") {
    body = {{"status", "standby"},
            {"detail", "this manager process stands by; another one leads"}};
  } else {
    body = {{"error", "not_leader"},
            {"detail", leader.http.empty()
                         ? std::string{"this manager process stands by and no leader is known "
                                       "yet; retry shortly or ask another manager"}
                         : "this manager process stands by; send requests to the leader at "
                             + leader.http}};
  }
  body["leader"] = leader.http.empty() ? nlohmann::json(nullptr) : nlohmann::json(leader.http);
  res.set_content(body.dump(), "application/json");
  return true;
}

void leader_gate::stand_by(const leader_address& leader) {
  std::lock_guard<std::mutex> guard{mtx_};
  leader_ = leader;
}

void leader_gate::lead() { leading_.store(true, std::memory_order_release); }

} // namespace drover
