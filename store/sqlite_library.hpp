// Process-wide SQLite settings. SQLite takes them only before its first use
// in a process, so every connection drover opens asks for them first.
#pragma once

namespace drover {

/// Turns SQLite's memory statistics off: with them on (SQLite's default)
/// every allocation takes a global mutex to count bytes that drover never
/// reads. Applied by the first call in a process, before the first
/// connection; if SQLite was in use already, its default stays.
void prepare_sqlite_library();

} // namespace drover
