// Glob compilation and matching; see glob.hpp.
#include "rules/glob.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace drover {

bool is_type_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
         || c == '_' || c == '.' || c == ':' || c == '-';
}

std::string why_type_glob_cannot_match(std::string_view pattern) {
  if (pattern.empty())
    return "glob is empty, so it can never match a task type";
  for (char c : pattern)
    if (c != '*' && c != '?' && !is_type_char(c))
      return fmt::format("glob \"{}\" can never match: task types cannot contain "
                         "'{}' (allowed: A-Z a-z 0-9 _ . : - and the wildcards * ?)",
                         pattern, c);
  return {};
}

glob::glob(std::string pattern) : pattern_(std::move(pattern)) {
  auto stars = std::count(pattern_.begin(), pattern_.end(), '*');
  bool has_question = pattern_.find('?') != std::string::npos;
  if (has_question) {
    kind_ = kind::general;
  } else if (stars == 0) {
    kind_ = kind::exact;
    literal_ = pattern_;
  } else if (pattern_.find_first_not_of('*') == std::string::npos) {
    kind_ = kind::any;
  } else if (stars == 1 && pattern_.back() == '*') {
    kind_ = kind::prefix;
    literal_ = pattern_.substr(0, pattern_.size() - 1);
  } else if (stars == 1 && pattern_.front() == '*') {
    kind_ = kind::suffix;
    literal_ = pattern_.substr(1);
  } else {
    kind_ = kind::general;
  }
}

bool glob::matches(std::string_view text) const {
  switch (kind_) {
    case kind::any: return true;
    case kind::exact: return text == literal_;
    case kind::prefix:
      return text.size() >= literal_.size()
             && text.compare(0, literal_.size(), literal_) == 0;
    case kind::suffix:
      return text.size() >= literal_.size()
             && text.compare(text.size() - literal_.size(), literal_.size(),
                             literal_)
                  == 0;
    case kind::general: return match_general(text);
  }
  return false;
}

// Iterative matcher with one backtrack point (the last `*`): linear in
// practice, O(n*m) worst case, no allocation.
bool glob::match_general(std::string_view text) const {
  std::string_view p = pattern_;
  size_t ti = 0, pi = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (ti < text.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == text[ti])) {
      ++ti;
      ++pi;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      resume = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*')
    ++pi;
  return pi == p.size();
}

} // namespace drover
