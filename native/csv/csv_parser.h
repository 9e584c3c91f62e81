// Parses whole CSV rows into the columns of one table partition. The caller (the read_csv task, the
// fuzzer) hands it buffers that hold whole rows only (row_scan.h splits a range that way), in
// order; the parser converts the requested columns as it tokenizes, skips the others, and at the
// end lays the columns out as one Table chunk (table/table_builder.h).
//
// Speed: a block whose quotes (if any) only wrap whole simple fields ("Oslo") and whose rows all
// have nfields fields (most blocks of most files) is parsed a column at a time (plain_block.cc):
// one SIMD pass finds every separator and line end, then each wanted column is converted in a
// tight loop over its fields, the filter's columns first so that strings are looked up only for
// the rows kept. Any other block, or one where anything unusual turns up (a bad value, a blank
// line, a stray \r), is parsed row by row, which gives the same table or the same first error.
// Row by row: one pass over the bytes, no allocation per field. Integers and floats are read straight
// from the buffer (digits by hand, floats with fast_float) and checked to end at a separator or a
// line end; anything else (spaces, a sign on a float, quotes, missing values, errors) takes the
// complete path in values.h. Strings go through the partition's dictionary (string_dict.h), so
// each distinct string is copied and checked for UTF-8 once.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../store/chunk_store.h"
#include "../table/read_term.h"
#include "../table/table_builder.h"
#include "../table/table_format.h"
#include "csv_errors.h"
#include "dialect.h"
#include "na_values.h"
#include "string_dict.h"

namespace tessera::csv {

struct CsvColumn {
  std::string name;
  table::ColumnType type = table::ColumnType::String;
  uint32_t index = 0;  // the field's position in a row
};

struct CsvParseOptions {
  CsvDialect dialect;
  uint32_t nfields = 0;            // fields in every row (the header's count)
  std::vector<CsvColumn> columns;  // the fields to parse, in output order (distinct indices < nfields)
  std::vector<std::string> na_values;
  // A filter's terms over `columns` (the planner's pushdown): a row failing one is not kept. It is
  // still parsed and checked whole, so a bad value fails the read whatever the filter says.
  std::vector<table::ReadTerm> where;
  // false: every block row by row (the fuzzer compares the two paths).
  bool columnwise = true;
};

class CsvPartitionParser {
 public:
  // Throws BAD_ARGUMENT for columns that do not fit nfields or repeat an index.
  CsvPartitionParser(CsvParseOptions opts, CsvErrorContext errors);
  ~CsvPartitionParser();

  // The bytes the partition spans: after the first buffer, the columns reserve room for the rows
  // that many bytes will hold (so they are not copied as they grow).
  void expect_bytes(uint64_t n) { expected_bytes_ = n; }

  // Parses buf[0, n): whole rows (the last one ends with a line break or the file). `offset` is
  // buf[0]'s byte offset in the file, for error messages. Throws the CSV_* errors (csv_errors.h).
  void parse(const uint8_t* buf, size_t n, uint64_t offset);

  uint64_t nrows() const { return nrows_; }
  // The table so far, as a new unpublished Table chunk of `owner`.
  std::shared_ptr<Chunk> build(int owner) const;
  // The same bytes into out[0, table_size()) (tests and the fuzzer, without the store).
  size_t table_size() const;
  void write_table(uint8_t* out) const;

 private:
  struct Column;
  bool parse_plain_block(const uint8_t* buf, size_t n);
  void parse_rows(const uint8_t* buf, size_t n);
  void parse_known(Column& c, const uint8_t* s, const uint8_t* e);
  const uint8_t* parse_field(Column& c, const uint8_t* p, const uint8_t* end);
  const uint8_t* skip_field(const uint8_t* p, const uint8_t* end, size_t field);
  const uint8_t* quoted(const uint8_t* p, const uint8_t* end, const std::string& name, size_t field, const uint8_t** text, size_t* n);
  void convert(Column& c, const uint8_t* text, size_t n, const uint8_t* at);
  const uint8_t* field_end(const uint8_t* p, const uint8_t* end) const;
  void null(Column& c);
  void keep_rows(size_t base, size_t rows, uint8_t* keep);
  void drop_row();
  table::TableBuilder table() const;
  uint64_t offset_of(const uint8_t* p) const { return offset_ + static_cast<uint64_t>(p - buf_); }

  CsvParseOptions opts_;
  CsvErrorContext errors_;
  NaSet na_;
  std::vector<std::unique_ptr<Column>> cols_;
  std::vector<Column*> by_field_;  // nfields entries: the column parsing that field, or null
  struct Term {
    const Column* column;
    table::Compare op;
    table::Literal value;
    // A string term's result per dictionary entry so far (codes only grow: each is decided once).
    std::vector<uint8_t> code_passes;
  };
  std::vector<Term> terms_;
  bool delim_[256] = {};           // separator, \n, \r: where an unquoted field ends
  bool fused_numbers_ = true;      // false when the separator could be part of a number
  std::vector<uint8_t> scratch_;   // a quoted field's text when it had to be unescaped
  std::vector<uint8_t> keep_;      // a column-wise block's rows that pass the filter
  int quoted_blocks_ = 0;          // blocks in a row the column-wise path gave up on for quotes
  int skip_blocks_ = 0;            // blocks still to parse row by row without trying
  uint64_t nrows_ = 0;
  uint64_t expected_bytes_ = 0, parsed_bytes_ = 0;
  bool reserved_ = false;
  void reserve_for_expected();
  const uint8_t* buf_ = nullptr;
  uint64_t offset_ = 0;
};

}  // namespace tessera::csv
