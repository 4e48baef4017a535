// The `tasks` columns for PostgreSQL, generated from the one column list
// (store/task_column_list.hpp) like SQLite's: the CREATE TABLE, COPY rows of
// new tasks and of changes, and reading a text-format row back.
#pragma once

#include <string>

namespace drover {

struct task;
struct task_change;
class pg_rows;

/// "CREATE TABLE tasks(...)" with PostgreSQL types.
const std::string& pg_task_table_sql();
/// "ALTER TABLE tasks ADD COLUMN IF NOT EXISTS ..." for every column: an
/// older database gains the columns added since (each has a DEFAULT).
const std::string& pg_add_task_columns_sql();
/// How many columns the list has.
int pg_task_column_count();
/// The columns a task_change carries, "id, state, version, ...", in the
/// order append_change_copy() writes them.
const std::string& pg_change_column_list();
/// "state=c.state, version=c.version, ...": the SET of an UPDATE ... FROM
/// a table `c` of changes.
const std::string& pg_change_set_sql();
/// "state int8, ...": the temp table a COPY of changes goes into.
const std::string& pg_change_table_columns();

/// One COPY text-format line (every column in table order) of `t`.
void append_task_copy(std::string& out, const task& t);
/// One COPY line of pg_change_column_list() for `c`.
void append_change_copy(std::string& out, const task_change& c);
/// Reads row `row` of a SELECT task_column_list() in text format.
void read_pg_task(const pg_rows& rows, int row, task& t);

} // namespace drover
