// An in-memory leader lease row FOR UNIT TESTS ONLY: several fake_lease
// objects (one per pretend manager process) share one row, judged on a
// clock the test passes in (the CAF test scheduler's virtual clock), and
// the test can make the "database" unreachable. The real one is
// store/pg_lease.cpp against a real PostgreSQL.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "store/leader_lease.hpp"

namespace drover::testing {

struct fake_lease_row {
  std::mutex mtx;
  std::string holder;
  std::string address;
  uint64_t epoch = 0;
  int64_t expires_at_ms = 0;
  bool unreachable = false;       ///< every attempt fails, as with the database down
  std::string cut_off;            ///< this holder's attempts fail (its link to the database cut)
  uint64_t attempts = 0;
  std::function<int64_t()> now;   ///< the "database clock" in ms
};

class fake_lease : public leader_lease {
public:
  fake_lease(std::shared_ptr<fake_lease_row> row, std::string holder, std::string address,
             int64_t ttl_ms)
    : row_(std::move(row)), holder_(std::move(holder)), address_(std::move(address)),
      ttl_ms_(ttl_ms) {}

  result<lease_view> acquire_or_renew() override {
    std::lock_guard<std::mutex> guard{row_->mtx};
    ++row_->attempts;
    if (row_->unreachable || row_->cut_off == holder_)
      return error{ec::unreachable, "fake database unreachable"};
    auto now = row_->now();
    auto& r = *row_;
    if (r.holder == holder_ && r.expires_at_ms > now) {
      r.expires_at_ms = now + ttl_ms_;
    } else if (r.holder.empty() || r.expires_at_ms <= now) {
      r.holder = holder_;
      r.address = address_;
      ++r.epoch;
      r.expires_at_ms = now + ttl_ms_;
    }
    return lease_view{r.holder == holder_, r.epoch, r.holder, r.address, r.expires_at_ms - now};
  }

  error release() override {
    std::lock_guard<std::mutex> guard{row_->mtx};
    if (row_->holder == holder_) {
      row_->holder.clear();
      row_->expires_at_ms = 0;
    }
    return {};
  }

private:
  std::shared_ptr<fake_lease_row> row_;
  std::string holder_;
  std::string address_;
  int64_t ttl_ms_;
};

} // namespace drover::testing
