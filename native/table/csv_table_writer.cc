#include "csv_table_writer.h"

#include <algorithm>

#include "csv_rows.h"

namespace tessera::table {

namespace {

struct CsvPrepared : TableWriter::Prepared {
  std::string text;                            // every row, formatted with `guess`
  std::vector<uint8_t> guess;                  // per column: the largest class in this partition
  std::vector<std::vector<uint8_t>> classes;   // per temporal column: each row's class (0 for a null)
};

}  // namespace

CsvTableWriter::CsvTableWriter(std::string path, OutputColumns columns, uint64_t limit)
    : TableWriter(std::move(columns), limit), file_(std::move(path)), block_rows_(pandas_csv_block_rows(columns_.names.size())) {
  for (size_t c = 0; c < columns_.types.size(); ++c)
    if (csv_block_layout(columns_.types[c])) temporal_.push_back(c);
  open_block_.assign(columns_.types.size(), 0);
}

std::unique_ptr<TableWriter::Prepared> CsvTableWriter::prepare(const Columns& cols, uint64_t nrows) {
  auto p = std::make_unique<CsvPrepared>();
  p->guess.assign(cols.size(), 0);
  for (size_t c : temporal_) {
    std::vector<uint8_t> cls(nrows, 0);
    const ColumnView& col = cols[c];
    uint8_t top = 0;
    for (uint64_t i = 0; i < nrows; ++i)
      if (col.valid(i)) top = std::max(top, cls[i] = csv_value_class(col.type, col.i64()[i]));
    p->guess[c] = top;
    p->classes.push_back(std::move(cls));
  }
  p->text.reserve(nrows * cols.size() * 8);
  append_csv_rows(p->text, cols, 0, nrows, p->guess);
  return p;
}

void CsvTableWriter::consume(const TableView& view, const Columns& cols, std::unique_ptr<Prepared> prepared, uint64_t nrows, uint64_t take) {
  auto& p = static_cast<CsvPrepared&>(*prepared);
  const uint64_t start = rows_;
  // Fold the rows' classes into pandas' blocks; a block is complete once its last row is in.
  for (uint64_t i = 0; i < take; ++i) {
    if ((start + i) / block_rows_ > blocks_.size()) {
      blocks_.push_back(open_block_);
      std::fill(open_block_.begin(), open_block_.end(), 0);
    }
    for (size_t k = 0; k < temporal_.size(); ++k) open_block_[temporal_[k]] = std::max(open_block_[temporal_[k]], p.classes[k][i]);
  }
  rows_ = start + take;
  if (rows_ / block_rows_ > blocks_.size()) {
    blocks_.push_back(open_block_);
    std::fill(open_block_.begin(), open_block_.end(), 0);
  }
  pending_.push_back(Pending{view, cols, std::move(prepared), start, take, nrows});
  emit_ready(false);
}

const std::vector<uint8_t>& CsvTableWriter::layout_of(uint64_t block) const {
  return block < blocks_.size() ? blocks_[block] : open_block_;
}

void CsvTableWriter::append(const std::string& s) {
  if (!header_written_) {
    std::string header;
    append_csv_header(header, columns_.names);
    file_.append(header.data(), header.size());
    header_written_ = true;
  }
  file_.append(s.data(), s.size());
}

void CsvTableWriter::emit_ready(bool final) {
  while (!pending_.empty()) {
    Pending& q = pending_.front();
    if (q.take > 0) {
      const uint64_t first = q.start / block_rows_, last = (q.start + q.take - 1) / block_rows_;
      // Its last block is still open: wait for the rows after it, unless no column's spelling
      // depends on its block (no timestamps or timedeltas), so holding its chunk would gain nothing.
      if (!final && last >= blocks_.size() && !temporal_.empty()) return;
      auto& p = static_cast<CsvPrepared&>(*q.prepared);
      bool as_guessed = q.take == q.nrows;
      for (uint64_t b = first; as_guessed && b <= last; ++b)
        for (size_t c : temporal_) as_guessed = as_guessed && layout_of(b)[c] == p.guess[c];
      if (as_guessed) {
        append(p.text);
      } else {
        std::string text;
        for (uint64_t b = first; b <= last; ++b) {
          const uint64_t from = std::max(q.start, b * block_rows_) - q.start;
          const uint64_t to = std::min(q.start + q.take, (b + 1) * block_rows_) - q.start;
          append_csv_rows(text, q.cols, from, to, layout_of(b));
        }
        append(text);
      }
    }
    pending_.pop_front();
  }
}

void CsvTableWriter::finish() {
  emit_ready(true);
  if (!header_written_) append(std::string());
  file_.close_temp();
}

void CsvTableWriter::discard() {
  pending_.clear();
  file_.abort();
}

}  // namespace tessera::table
