#include "exec/process_env.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace drover {

namespace {

const std::string& placeholder_value(const std::string& arg, const exec_request& r,
                                     std::string& scratch, bool& is_placeholder) {
  is_placeholder = true;
  if (arg == "{payload}")
    return r.payload;
  if (arg == "{type}")
    return r.type;
  if (arg == "{id}")
    return scratch = std::to_string(r.id);
  if (arg == "{attempt}")
    return scratch = std::to_string(r.attempt);
  is_placeholder = false;
  return arg;
}

} // namespace

spawn_plan plan_for(const process_spec& p, const exec_request* r) {
  spawn_plan plan;
  plan.argv.reserve(p.argv.size());
  for (auto& a : p.argv) {
    if (r == nullptr || a.empty() || a[0] != '{') {
      plan.argv.push_back(a);
      continue;
    }
    std::string scratch;
    bool is_placeholder = false;
    plan.argv.push_back(placeholder_value(a, *r, scratch, is_placeholder));
  }
  bool has_path = p.set.count("PATH") > 0;
  for (auto& name : p.inherit)
    if (const char* v = std::getenv(name.c_str())) {
      plan.env.push_back(name + "=" + v);
      has_path = has_path || name == "PATH";
    }
  for (auto& [name, value] : p.set)
    plan.env.push_back(name + "=" + value);
  if (!has_path)
    plan.env.push_back(std::string{"PATH="} + default_child_path);
  if (r != nullptr) {
    plan.env.push_back(fmt::format("DROVER_TASK_ID={}", r->id));
    plan.env.push_back(fmt::format("DROVER_ATTEMPT={}", r->attempt));
    plan.env.push_back(fmt::format("DROVER_LEASE={}", r->lease));
    plan.env.push_back("DROVER_TASK_TYPE=" + r->type);
  }
  plan.cwd = p.cwd;
  plan.rlimit_cpu_s = p.rlimit_cpu_s;
  plan.rlimit_as = p.rlimit_as;
  plan.rlimit_nofile = p.rlimit_nofile;
  return plan;
}

void tail_buffer::append(const char* data, size_t n) {
  if (n >= limit_) {
    dropped_ += buf_.size() + (n - limit_);
    buf_.assign(data + (n - limit_), limit_);
    return;
  }
  buf_.append(data, n);
  if (buf_.size() > 2 * limit_) { // trim in steps: amortised, not per write
    auto cut = buf_.size() - limit_;
    dropped_ += cut;
    buf_.erase(0, cut);
  }
}

std::string tail_buffer::take() {
  if (buf_.size() > limit_) {
    auto cut = buf_.size() - limit_;
    dropped_ += cut;
    buf_.erase(0, cut);
  }
  std::string out;
  if (dropped_ > 0)
    out = fmt::format("[drover: {} earlier bytes dropped; the last {} follow]\n", dropped_,
                      buf_.size());
  out += buf_;
  buf_.clear();
  dropped_ = 0;
  return out;
}

std::string tail_buffer::last_line() const {
  auto end = buf_.find_last_not_of("\r\n \t");
  if (end == std::string::npos)
    return {};
  auto start = buf_.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  auto line = buf_.substr(start, end - start + 1);
  if (line.size() > 200)
    line = line.substr(0, 197) + "...";
  return line;
}

} // namespace drover
