#include "core/wire_codec.hpp"

#include <cstdint>
#include <limits>

namespace drover {

namespace {

class writer {
public:
  explicit writer(size_t expected) { out_.reserve(expected); }

  void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<uint8_t>(v));
  }
  /// The difference to the previous value, zigzagged: small either way.
  void delta(uint64_t v, uint64_t& prev) {
    auto d = static_cast<int64_t>(v - prev);
    prev = v;
    varint((static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63));
  }
  void text(std::string_view s) {
    varint(s.size());
    out_.append(s.data(), s.size());
  }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

/// Reads what writer wrote; the first failure sticks and says what broke.
class reader {
public:
  reader(std::string_view in, const char* what) : in_(in), what_(what) {}

  bool failed() const { return !why_.empty(); }
  error err() const { return error{ec::bad_input, std::string{what_} + ": " + why_}; }
  size_t left() const { return in_.size() - pos_; }

  uint8_t byte() {
    if (pos_ >= in_.size())
      return fail("ends in the middle of an item"), 0;
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      auto b = byte();
      if (failed())
        return 0;
      if (shift == 63 && b > 1)
        return fail("a number is larger than 64 bits"), 0;
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0)
        return v;
    }
    return fail("a number is larger than 64 bits"), 0;
  }
  /// An item's flag byte; a bit outside `known` is refused.
  uint8_t flags(uint8_t known, const char* item) {
    auto b = byte();
    if (b & ~known)
      fail(std::string{item} + " has unknown flags " + std::to_string(b));
    return b;
  }
  uint32_t varint32() {
    auto v = varint();
    if (v > std::numeric_limits<uint32_t>::max())
      return fail("a 32-bit field holds " + std::to_string(v)), 0;
    return static_cast<uint32_t>(v);
  }
  uint64_t delta(uint64_t& prev) {
    auto z = varint();
    auto d = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
    prev += static_cast<uint64_t>(d);
    return prev;
  }
  std::string_view text() {
    auto n = varint();
    if (failed())
      return {};
    if (n > left())
      return fail("a text of " + std::to_string(n) + " bytes runs past the end"), std::string_view{};
    auto s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  /// The item count; never more than the bytes left could hold (each item
  /// takes at least one byte), so a hostile count reserves nothing big.
  size_t count() {
    auto n = varint();
    if (!failed() && n > left())
      fail("announces " + std::to_string(n) + " items in " + std::to_string(left()) + " bytes");
    return failed() ? 0 : static_cast<size_t>(n);
  }
  void done() {
    if (!failed() && left() != 0)
      fail(std::to_string(left()) + " bytes follow the last item");
  }
  void fail(std::string why) {
    if (why_.empty())
      why_ = std::move(why);
  }

private:
  std::string_view in_;
  size_t pos_ = 0;
  const char* what_;
  std::string why_;
};

// -- task specs ----------------------------------------------------------------
constexpr uint8_t spec_same = 1;       // equal to the previous spec: nothing follows
constexpr uint8_t spec_same_type = 2;  // the previous spec's type
constexpr uint8_t spec_payload = 4;
constexpr uint8_t spec_key = 8;
constexpr uint8_t spec_dedupe = 16;
constexpr uint8_t spec_tags = 32;
constexpr int spec_prio_shift = 6;     // two bits: priority

bool same_spec(const task_spec& a, const task_spec& b) {
  return a.type == b.type && a.payload == b.payload && a.prio == b.prio && a.key == b.key
         && a.tags == b.tags && a.dedupe_key == b.dedupe_key && a.timeout_ms == b.timeout_ms
         && a.max_attempts == b.max_attempts;
}

// -- assignments -----------------------------------------------------------------
constexpr uint8_t as_same_type = 1;
constexpr uint8_t as_payload = 2;
constexpr uint8_t as_attempt = 4;      // attempt != 1 follows
constexpr uint8_t as_same_timeout = 8;
constexpr uint8_t as_known = as_same_type | as_payload | as_attempt | as_same_timeout;

// -- reports -----------------------------------------------------------------------
constexpr uint8_t rep_outcome_mask = 3;
constexpr uint8_t rep_not_retryable = 4;
constexpr uint8_t rep_result = 8;
constexpr uint8_t rep_log = 16;
constexpr uint8_t rep_known = rep_outcome_mask | rep_not_retryable | rep_result | rep_log;

/// The frame every batch shares: an item count, then the items, nothing after.
template <class T, class ReadItem>
result<std::vector<T>> unpack_all(std::string_view bytes, const char* what, ReadItem read_item) {
  reader r{bytes, what};
  std::vector<T> out;
  auto n = r.count();
  out.reserve(n);
  for (size_t i = 0; i < n && !r.failed(); ++i)
    read_item(r, out);
  r.done();
  if (r.failed())
    return r.err();
  return out;
}

} // namespace

std::string pack_specs(const std::vector<task_spec>& specs) {
  writer w{specs.size() + 16};
  w.varint(specs.size());
  const task_spec* prev = nullptr;
  for (auto& s : specs) {
    if (prev != nullptr && same_spec(s, *prev)) {
      w.byte(spec_same);
      continue;
    }
    bool same_type = prev != nullptr && s.type == prev->type;
    uint8_t flags = (same_type ? spec_same_type : 0) | (s.payload.empty() ? 0 : spec_payload)
                    | (s.key.empty() ? 0 : spec_key) | (s.dedupe_key.empty() ? 0 : spec_dedupe)
                    | (s.tags.empty() ? 0 : spec_tags);
    w.byte(static_cast<uint8_t>(flags | (static_cast<uint8_t>(s.prio) << spec_prio_shift)));
    w.varint(s.timeout_ms);
    w.varint(s.max_attempts);
    if (!same_type)
      w.text(s.type.view());
    if (!s.payload.empty())
      w.text(s.payload.view());
    if (!s.key.empty())
      w.text(s.key.view());
    if (!s.dedupe_key.empty())
      w.text(s.dedupe_key.view());
    if (!s.tags.empty()) {
      w.varint(s.tags.size());
      for (auto& t : s.tags)
        w.text(t);
    }
    prev = &s;
  }
  return w.take();
}

result<std::vector<task_spec>> unpack_specs(std::string_view bytes) {
  return unpack_all<task_spec>(bytes, "a packed task list", [](reader& r, auto& out) {
    auto flags = r.byte();
    if (flags & spec_same) {
      if (out.empty())
        r.fail("its first task refers to a previous one");
      else
        out.push_back(out.back());
      return;
    }
    task_spec s;
    auto prio = flags >> spec_prio_shift;
    if (prio >= priority_count)
      r.fail("priority " + std::to_string(prio) + " is none of high, normal, low");
    s.prio = static_cast<priority>(prio);
    s.timeout_ms = r.varint32();
    s.max_attempts = r.varint32();
    if (flags & spec_same_type) {
      if (out.empty())
        r.fail("its first task refers to a previous type");
      else
        s.type = out.back().type;
    } else {
      s.type = r.text();
    }
    if (flags & spec_payload)
      s.payload = r.text();
    if (flags & spec_key)
      s.key = r.text();
    if (flags & spec_dedupe)
      s.dedupe_key = r.text();
    if (flags & spec_tags) {
      auto tags = r.count();
      for (size_t t = 0; t < tags && !r.failed(); ++t)
        s.tags.emplace_back(r.text());
    }
    out.push_back(std::move(s));
  });
}

std::string pack_assignments(const std::vector<assignment>& batch) {
  writer w{batch.size() * 6 + 16};
  w.varint(batch.size());
  uint64_t prev_id = 0, prev_lease = 0;
  const assignment* prev = nullptr;
  for (auto& a : batch) {
    bool same_type = prev != nullptr && a.type == prev->type;
    bool same_timeout = prev != nullptr && a.timeout_ms == prev->timeout_ms;
    w.byte((same_type ? as_same_type : 0) | (a.payload.empty() ? 0 : as_payload)
           | (a.attempt != 1 ? as_attempt : 0) | (same_timeout ? as_same_timeout : 0));
    w.delta(a.id, prev_id);
    w.delta(a.lease, prev_lease);
    if (a.attempt != 1)
      w.varint(a.attempt);
    if (!same_timeout)
      w.varint(a.timeout_ms);
    if (!same_type)
      w.text(a.type);
    if (!a.payload.empty())
      w.text(a.payload);
    prev = &a;
  }
  return w.take();
}

result<std::vector<assignment>> unpack_assignments(std::string_view bytes) {
  uint64_t prev_id = 0, prev_lease = 0;
  return unpack_all<assignment>(bytes, "a packed assignment batch", [&](reader& r, auto& out) {
    auto flags = r.flags(as_known, "an assignment");
    assignment a;
    a.id = r.delta(prev_id);
    a.lease = r.delta(prev_lease);
    if (flags & as_attempt)
      a.attempt = r.varint32();
    if ((flags & (as_same_type | as_same_timeout)) && out.empty())
      r.fail("its first assignment refers to a previous one");
    else if (flags & as_same_timeout)
      a.timeout_ms = out.back().timeout_ms;
    else
      a.timeout_ms = r.varint32();
    if (r.failed())
      return;
    if (flags & as_same_type)
      a.type = out.back().type;
    else
      a.type = r.text();
    if (flags & as_payload)
      a.payload = r.text();
    out.push_back(std::move(a));
  });
}

std::string pack_reports(const std::vector<task_report>& reports) {
  writer w{reports.size() * 6 + 16};
  w.varint(reports.size());
  uint64_t prev_id = 0, prev_lease = 0;
  for (auto& rep : reports) {
    w.byte(static_cast<uint8_t>(static_cast<uint8_t>(rep.outcome) & rep_outcome_mask)
           | (rep.retryable ? 0 : rep_not_retryable) | (rep.result.empty() ? 0 : rep_result)
           | (rep.log.empty() ? 0 : rep_log));
    w.delta(rep.id, prev_id);
    w.delta(rep.lease, prev_lease);
    w.varint(rep.run_us);
    if (!rep.result.empty())
      w.text(rep.result);
    if (!rep.log.empty())
      w.text(rep.log);
  }
  return w.take();
}

result<std::vector<task_report>> unpack_reports(std::string_view bytes) {
  uint64_t prev_id = 0, prev_lease = 0;
  return unpack_all<task_report>(bytes, "a packed report batch", [&](reader& r, auto& out) {
    auto flags = r.flags(rep_known, "a report");
    task_report rep;
    auto outcome = flags & rep_outcome_mask;
    if (outcome > static_cast<uint8_t>(task_outcome::timed_out))
      r.fail("outcome " + std::to_string(outcome) + " is none of succeeded, failed, timed_out");
    rep.outcome = static_cast<task_outcome>(outcome);
    rep.retryable = (flags & rep_not_retryable) == 0;
    rep.id = r.delta(prev_id);
    rep.lease = r.delta(prev_lease);
    rep.run_us = r.varint32();
    if (flags & rep_result)
      rep.result = r.text();
    if (flags & rep_log)
      rep.log = r.text();
    out.push_back(std::move(rep));
  });
}

} // namespace drover
