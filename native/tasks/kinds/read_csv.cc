// The read_csv kind: one partition of a CSV file, the rows that begin in the byte range
// [start, end), parsed into one Table chunk (table/table_format.h) holding the requested columns.
// The planner (collections/dataframe/) gets the rows' layout from the sniffer and exact row
// starts from csvRowStarts (csv/row_scan.h, ADR 0014); its TS twin is
// src-main/collections/dataframe/kinds/read-csv.ts.
//   fields: file, start, end, sep (string), quote (string, "" for none), nfields,
//           ncols, ncols x [name (string), type (table::ColumnType), index],
//           nna, nna x na value (string), the filter's terms (tasks/read_terms.h)
//
// The file is the job's (opened once per worker through the job's file table, checked against the
// size and mtime the job was planned with). Blocks of it are read with pread on the file's
// descriptor (MappedFile::read_at) rather than copied out of the mapping: the parser wants its
// own copy anyway, pread skips a page fault per 4 KiB (18% of the parse time when measured), and a
// file truncated under the job is a short read (INPUT_CHANGED), never a SIGBUS.
// Errors name the file, the line and the column (csv/csv_errors.h); the chunk is published only
// once the whole range has parsed.
#include <cstring>
#include <string>

#include "../../common/error.h"
#include "../../csv/csv_parser.h"
#include "../../csv/row_blocks.h"
#include "../../csv/scan_bytes.h"
#include "../../io/gzip.h"
#include "../../io/mapped_file.h"
#include "../../store/chunk_store.h"
#include "../kind.h"
#include "../read_terms.h"
#include "../publish_result.h"

namespace tessera {

namespace {

using csv::CsvColumn;
using csv::CsvParseOptions;

// 1 MiB: a block and the columns it turns into stay in the L2 cache of most machines.
constexpr size_t kBlock = 1 << 20;

struct ReadCsvTask {
  int file = 0;
  uint64_t start = 0, end = 0;
  CsvParseOptions opts;
  int owner = 0;
};

ReadCsvTask decode(Reader& r, int owner) {
  ReadCsvTask t;
  t.owner = owner;
  t.file = r.file_ref();
  t.start = static_cast<uint64_t>(r.integer(0));
  t.end = static_cast<uint64_t>(r.integer(0));
  if (t.end < t.start) Reader::bad("a read_csv range ends before it starts");
  const std::string& sep = r.string_ref();
  const std::string& quote = r.string_ref();
  try {
    t.opts.dialect = csv::make_dialect(sep, quote);
  } catch (const Error& e) {
    Reader::bad(std::string("read_csv: ") + e.what());
  }
  t.opts.nfields = static_cast<uint32_t>(r.integer(1, 1 << 20));
  const size_t ncols = r.count(t.opts.nfields);
  std::vector<bool> seen(t.opts.nfields, false);
  for (size_t k = 0; k < ncols; ++k) {
    CsvColumn c;
    c.name = r.string_ref();
    c.type = static_cast<table::ColumnType>(r.integer(1, 5));
    c.index = static_cast<uint32_t>(r.integer(0, t.opts.nfields - 1));
    if (seen[c.index]) Reader::bad("read_csv names a field twice");
    seen[c.index] = true;
    t.opts.columns.push_back(std::move(c));
  }
  const size_t nna = r.count(4096);
  for (size_t k = 0; k < nna; ++k) t.opts.na_values.push_back(r.string_ref());
  t.opts.where = read_terms(r, ncols);
  return t;
}

// The 1-based line of a byte offset: the line breaks before it, plus one (for error messages only).
uint64_t line_of(const MappedFile& f, uint64_t offset) {
  std::vector<uint8_t> buf(static_cast<size_t>(std::min<uint64_t>(kBlock, offset)));
  uint64_t lines = 0;
  bool cr = false;  // the previous block ended with \r
  for (uint64_t at = 0; at < offset;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, offset - at));
    f.read_at(at, buf.data(), n);
    lines += csv::count_line_ends(buf.data(), n);
    if (cr && buf[0] == '\n') --lines;  // a \r\n across two blocks, counted as two
    cr = buf[n - 1] == '\r';
    at += n;
  }
  return lines + 1;
}


// A gzip file (one partition: the planner gives it whole): inflated, then parsed from memory; the
// range starts at the header's end in the inflated text and runs to its end.
TaskResult run_gzip(const ReadCsvTask& t, const std::shared_ptr<MappedFile>& f) {
  bool complete = false;
  const std::vector<uint8_t> text = gunzip([&](uint64_t at, uint8_t* out, size_t n) { f->check_unchanged(); f->read_at(at, out, n); }, f->size(), f->path(), SIZE_MAX, &complete);
  csv::CsvErrorContext errors{f->path(), [&text](uint64_t offset) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(offset, text.size()));
    return csv::count_line_ends(text.data(), n) + 1;
  }};
  csv::CsvPartitionParser parser(t.opts, errors);
  const uint64_t start = std::min<uint64_t>(t.start, text.size());
  parser.expect_bytes(text.size() - start);
  const auto read = [&](uint64_t offset, uint8_t* dst, size_t n) { std::memcpy(dst, text.data() + offset, n); };
  const auto parse = [&](const uint8_t* buf, size_t n, uint64_t offset) { parser.parse(buf, n, offset); };
  csv::for_each_row_block(text.size(), start, text.size(), t.opts.dialect, kBlock, read, parse);
  auto out = parser.build(t.owner);
  return publish_result(out, static_cast<int64_t>(f->size()));
}

TaskResult run(const ReadCsvTask& t) {
  auto f = FileRegistry::instance().get(t.file);
  f->check_unchanged();
  uint8_t magic[2] = {0, 0};
  if (f->size() >= 2) f->read_at(0, magic, 2);
  if (is_gzip(magic, 2)) return run_gzip(t, f);
  if (t.end > f->size())
    throw Error("BAD_TASK", "read_csv: the range [" + std::to_string(t.start) + ", " + std::to_string(t.end) + ") is past the end of " + f->path(),
                "this is a bug in the planner, please report it");
  // Line numbers are counted only when an error is raised.
  csv::CsvErrorContext errors{f->path(), [f](uint64_t offset) { return line_of(*f, std::min<uint64_t>(offset, f->size())); }};
  csv::CsvPartitionParser parser(t.opts, errors);
  parser.expect_bytes(t.end - t.start);
  const auto read = [&](uint64_t offset, uint8_t* dst, size_t n) {
    f->check_unchanged();
    f->read_at(offset, dst, n);
  };
  const auto parse = [&](const uint8_t* buf, size_t n, uint64_t offset) { parser.parse(buf, n, offset); };
  const uint64_t bytes_in = csv::for_each_row_block(f->size(), t.start, t.end, t.opts.dialect, kBlock, read, parse);

  auto out = parser.build(t.owner);
  return publish_result(out, static_cast<int64_t>(bytes_in));
}

}  // namespace

extern const TaskKind kReadCsvKind = task_kind<ReadCsvTask, decode, run>();

}  // namespace tessera
