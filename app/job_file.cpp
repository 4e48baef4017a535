#include "app/job_file.hpp"

#include <limits>

#include "core/text_input.hpp"
#include "http/job_json.hpp"

namespace drover {

result<job_request> load_job_file(const std::string& path) {
  auto read = read_text_file(path, "the --job-file");
  if (!read)
    return std::move(read).err();
  const std::string& text = *read;
  job_limits limits;
  limits.max_tasks = std::numeric_limits<uint32_t>::max();
  limits.read_files = true;
  auto parsed = parse_job_request(text, limits);
  if (parsed.err)
    return error{ec::bad_input, path + ": " + parsed.err.message};
  return std::move(parsed.job);
}

} // namespace drover
