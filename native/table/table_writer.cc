#include "table_writer.h"

#include "../common/error.h"

namespace tessera::table {

namespace {
// int64, timestamp and timedelta share a layout: a partition may carry a timedelta the plan names
// as such in a column the kernels made as int64 (and the reverse), so the output's type wins.
bool same_layout(ColumnType a, ColumnType b) {
  return a == b || (value_width(a) == 8 && value_width(b) == 8 && a != ColumnType::Float64 && b != ColumnType::Float64);
}
}  // namespace

Columns TableWriter::project(const TableView& t) const {
  Columns out;
  for (size_t k = 0; k < columns_.names.size(); ++k) {
    const ColumnView* found = nullptr;
    for (size_t c = 0; c < t.ncols() && !found; ++c)
      if (t.column(c).name == columns_.names[k]) found = &t.column(c);
    if (!found || !same_layout(found->type, columns_.types[k]))
      throw Error("INTERNAL", "a partition of a table output lacks its column '" + columns_.names[k] + "'", "this is a bug, please report it");
    out.push_back(*found);
    out.back().type = columns_.types[k];
  }
  return out;
}

void TableWriter::write(uint64_t index, std::shared_ptr<Chunk> chunk, uint64_t skip) {
  TableView view = TableView::of_chunk(std::move(chunk));
  if (skip > view.nrows()) throw Error("BAD_TASK", "a table output skips more rows than its partition holds", "this is a bug in the planner, please report it");
  Columns cols = project(view);
  // The rows from `skip` on: each column's values and validity start later (dictionaries stay).
  for (ColumnView& col : cols) {
    col.data += skip * value_width(col.type);
    if (col.validity) col.validity += skip;
  }
  const uint64_t nrows = view.nrows() - skip;
  std::unique_ptr<Prepared> prepared = prepare(cols, nrows);
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::Open) throw Error("WRITE_FAILED", "the table output was already closed or failed", "");
  waiting_.emplace(index, Waiting{std::move(view), std::move(cols), nrows, std::move(prepared)});
  try {
    for (auto it = waiting_.find(next_); it != waiting_.end(); it = waiting_.find(next_)) {
      Waiting w = std::move(it->second);
      waiting_.erase(it);
      const uint64_t take = std::min<uint64_t>(w.nrows, limit_ - taken_);
      taken_ += take;
      consume(w.view, w.cols, std::move(w.prepared), w.nrows, take);
      ++next_;
    }
  } catch (...) {
    fail_locked();
    throw;
  }
}

void TableWriter::commit(uint64_t partitions, int64_t inline_rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::Open) throw Error("WRITE_FAILED", "the table output was already closed or failed", "");
  if (next_ != partitions || !waiting_.empty()) {
    fail_locked();
    throw Error("INTERNAL", "a table output was committed before all its partitions were written", "this is a bug, please report it");
  }
  if (inline_rows >= 0 && taken_ <= static_cast<uint64_t>(inline_rows)) {
    fail_locked();  // not an error: the rows go back inline, and no file is left
    return;
  }
  try {
    finish();
  } catch (...) {
    fail_locked();
    throw;
  }
  state_ = State::Finished;
}

void TableWriter::publish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Open) throw Error("INTERNAL", "a table output was published before its commit", "this is a bug, please report it");
  if (state_ != State::Finished) return;  // removed at the commit (its rows went back inline)
  try {
    publish_file();
  } catch (...) {
    fail_locked();
    throw;
  }
  state_ = State::Published;
}

uint64_t TableWriter::rows() {
  std::lock_guard<std::mutex> lock(mu_);
  return taken_;
}

void TableWriter::fail_locked() {
  state_ = State::Closed;
  waiting_.clear();
  discard();
}

void TableWriter::abort() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == State::Open || state_ == State::Finished) fail_locked();
}

TableWriterRegistry& TableWriterRegistry::instance() {
  static TableWriterRegistry r;
  return r;
}

int TableWriterRegistry::declare(std::unique_ptr<TableWriter> w) {
  std::lock_guard<std::mutex> lock(mu_);
  const int id = next_id_++;
  writers_[id] = std::shared_ptr<TableWriter>(std::move(w));
  return id;
}

std::shared_ptr<TableWriter> TableWriterRegistry::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writers_.find(id);
  if (it == writers_.end()) throw Error("INTERNAL", "table writer " + std::to_string(id) + " is unknown", "this is a bug");
  return it->second;
}

std::shared_ptr<TableWriter> TableWriterRegistry::find(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writers_.find(id);
  return it == writers_.end() ? nullptr : it->second;
}

void TableWriterRegistry::forget(int id) {
  std::shared_ptr<TableWriter> w;  // destroyed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  auto it = writers_.find(id);
  if (it == writers_.end()) return;
  w = std::move(it->second);
  writers_.erase(it);
}

}  // namespace tessera::table
