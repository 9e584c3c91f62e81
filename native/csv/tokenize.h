// A plain row tokenizer for the sniffer (which looks at a sample, not at gigabytes): splits one
// row into its fields' text, unquoted as csv_parser.cc does (dialect.h), one std::string each.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dialect.h"

namespace tessera::csv {

struct Field {
  std::string text;
  size_t at = 0;  // the field's first byte, as an offset into the buffer
};

enum class RowKind { Row, Blank, Unterminated };

// Tokenizes the row at buf[*i] (a row start) into `fields` and moves *i past its line end.
// Blank: an empty or all-blank line (skipped, as pandas does); Unterminated: a quoted field runs
// to `n` (fields then holds the row so far, and *i is n).
RowKind tokenize_row(const uint8_t* buf, size_t n, size_t* i, const CsvDialect& d, std::vector<Field>* fields);

}  // namespace tessera::csv
