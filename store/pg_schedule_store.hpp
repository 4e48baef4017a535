// open_schedule_store() for a "postgres://..." spec: the schedules table of
// the drover schema in that database (store/pg_schedule_store.cpp).
#pragma once

#include <memory>
#include <string>

#include "store/schedule_store.hpp"

namespace drover {

result<std::unique_ptr<schedule_store>> open_pg_schedule_store(const std::string& spec,
                                                               durability d);

} // namespace drover
