#include "app/job_file.hpp"

#include <fstream>
#include <limits>
#include <sstream>

#include "http/job_json.hpp"

namespace drover {

error load_job_file(const std::string& path, producer_options& po) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return {ec::bad_input, "--job-file: cannot read '" + path + "'"};
  std::stringstream text;
  text << in.rdbuf();
  job_limits limits;
  limits.max_tasks = std::numeric_limits<uint32_t>::max();
  limits.read_files = true;
  auto parsed = parse_job_request(text.str(), limits);
  if (parsed.err)
    return {ec::bad_input, path + ": " + parsed.err.message};
  po.specs = std::move(parsed.job.tasks);
  po.tasks = po.specs.size();
  po.job_name = parsed.job.name;
  return {};
}

} // namespace drover
