// The columns of the `tasks` table, declared once (store/task_columns.cpp):
// the CREATE TABLE, the INSERT of a new task, the version-guarded UPDATE of
// a task_change, the SELECT of a whole task and the reads and binds are all
// generated from that one list. Adding a task field to the store is one line
// there (plus the field itself); files written before it gain the column on
// open (add_missing_task_columns). Used by sqlite_store only.
#pragma once

#include <string>
#include <vector>

#include "core/errors.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace drover {

struct task;
struct task_change;

/// "CREATE TABLE tasks(...)" for a fresh file.
const std::string& task_table_sql();
/// "id, job, ...": every column in table order, as read_task() expects.
const std::string& task_column_list();
/// INSERT of every column; bind with bind_task().
const std::string& task_insert_sql();
/// UPDATE of the columns a task_change carries, WHERE id=?1 AND the stored
/// version is lower (an older or replayed change leaves the row alone);
/// bind with bind_change().
const std::string& task_update_sql();

void bind_task(sqlite3_stmt* st, const task& t);
void bind_change(sqlite3_stmt* st, const task_change& c);
/// Reads a row of SELECT task_column_list().
void read_task(sqlite3_stmt* st, task& t);
/// Reads the columns `names` (a subset, in that order) of a row into `t`.
void read_task_columns(sqlite3_stmt* st, const std::vector<std::string>& names, task& t);
/// "a, b, c" of `names`, each checked against the table (a typo fails loudly
/// in tests, never silently in production).
std::string task_columns_of(const std::vector<std::string>& names);

/// Adds every column of the list that an older file's `tasks` table lacks,
/// with its declared default. Run inside the schema upgrade transaction.
error add_missing_task_columns(sqlite3* db, const std::string& path);

} // namespace drover
