// A table output as a CSV file, as pandas' to_csv(index=False) writes the same frame (csv_rows.h).
// Partitions are formatted in parallel by the write tasks, each with the timestamp and timedelta
// layouts of its own rows as a guess; once the rows around it are in, the layouts of pandas'
// blocks (fixed row ranges of the whole output) are known, and a partition whose guess differs
// from a block it overlaps is formatted again, by block, before it is appended. With uniform
// timestamps (the usual case) nothing is formatted twice.
#pragma once
#include <deque>
#include <string>

#include "../io/output_file.h"
#include "table_writer.h"

namespace tessera::table {

class CsvTableWriter : public TableWriter {
 public:
  CsvTableWriter(std::string path, OutputColumns columns, uint64_t limit);

 protected:
  std::unique_ptr<Prepared> prepare(const Columns& cols, uint64_t nrows) override;
  void consume(const TableView& view, const Columns& cols, std::unique_ptr<Prepared> prepared, uint64_t nrows, uint64_t take) override;
  void finish() override;
  void publish_file() override { file_.publish(); }
  void discard() override;

 private:
  struct Pending {
    TableView view;  // keeps the chunk `cols` read alive
    Columns cols;
    std::unique_ptr<Prepared> prepared;
    uint64_t start, take, nrows;
  };
  void emit_ready(bool final);
  const std::vector<uint8_t>& layout_of(uint64_t block) const;
  void append(const std::string& s);

  OutputFile file_;
  const uint64_t block_rows_;
  std::vector<size_t> temporal_;              // the timestamp and timedelta columns
  std::vector<std::vector<uint8_t>> blocks_;  // the layouts of the blocks complete so far
  std::vector<uint8_t> open_block_;           // the running layout of the block after them
  uint64_t rows_ = 0;                         // rows taken so far
  std::deque<Pending> pending_;               // taken, not yet appended (a block they overlap is open)
  bool header_written_ = false;
};

}  // namespace tessera::table
