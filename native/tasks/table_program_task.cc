#include "table_program_task.h"

#include "../common/error.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace tessera {

namespace {

table::ColumnType column_type(Reader& r) { return static_cast<table::ColumnType>(r.integer(1, 6)); }

int64_t decimal(const std::string& s) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || errno || *end) Reader::bad("an integer literal is not a decimal int64");
  return v;
}

}  // namespace

std::vector<table::ColumnType> read_column_types(Reader& r) {
  std::vector<table::ColumnType> t(r.count(1 << 16));
  for (auto& x : t) x = column_type(r);
  return t;
}

table::Program read_program(Reader& r, const std::vector<table::ColumnType>& input_types) {
  using table::ExprOp;
  table::Program p;
  const size_t n = r.count(1 << 16);
  p.nodes.resize(n);
  for (size_t k = 0; k < n; ++k) {
    table::ExprNode& e = p.nodes[k];
    e.op = static_cast<ExprOp>(r.integer(1, 255));
    e.type = column_type(r);
    const size_t nargs = r.count(1 << 16);
    for (size_t a = 0; a < nargs; ++a) e.args.push_back(static_cast<int>(r.integer(0, static_cast<int64_t>(k))));
    switch (e.op) {
      case ExprOp::Column: e.i0 = r.integer(0, 1 << 20); break;
      case ExprOp::Literal:
        e.null = r.integer(0, 1) != 0;
        if (e.null) break;
        if (e.type == table::ColumnType::Float64) e.f = r.number();
        else if (e.type == table::ColumnType::Bool) e.i = r.integer(0, 1);
        else if (e.type == table::ColumnType::String) e.s = r.string_ref();
        else e.i = decimal(r.string_ref());
        break;
      case ExprOp::StrContains:
      case ExprOp::StrStartsWith:
      case ExprOp::StrEndsWith:
      case ExprOp::StrLike: e.s = r.string_ref(); break;
      case ExprOp::DtTrunc: e.i0 = r.integer(1, 8); break;
      case ExprOp::StrSlice: {
        constexpr int64_t open = std::numeric_limits<int64_t>::min();
        const bool has_start = r.integer(0, 1) != 0;
        const int64_t start = r.integer(-(1LL << 40), 1LL << 40);
        const bool has_stop = r.integer(0, 1) != 0;
        const int64_t stop = r.integer(-(1LL << 40), 1LL << 40);
        e.i0 = has_start ? start : open;
        e.i1 = has_stop ? stop : open;
        break;
      }
      default: break;
    }
  }
  table::check_program(p, input_types);
  return p;
}

PartitionProgram read_partition_program(Reader& r, const char* kind) {
  PartitionProgram p;
  if (r.nids() != 1) Reader::bad(std::string("a ") + kind + " task reads one partition");
  p.input = static_cast<uint64_t>(r.ids()[0]);
  p.input_types = read_column_types(r);
  p.program = read_program(r, p.input_types);
  return p;
}

void read_filter(Reader& r, PartitionProgram& p) {
  p.filter = static_cast<int>(r.integer(0, static_cast<int64_t>(p.program.nodes.size()))) - 1;
  if (p.filter >= 0 && p.program.nodes[static_cast<size_t>(p.filter)].type != table::ColumnType::Bool) Reader::bad("a table program's filter is not bool");
}

ProgramValues run_partition_program(const PartitionProgram& p, const char* kind) {
  ProgramValues out;
  out.chunk = ChunkStore::instance().get_table(p.input);
  const table::TableView view = table::TableView::of_chunk(out.chunk);
  if (view.ncols() != p.input_types.size())
    throw Error("BAD_TASK", std::string(kind) + ": the partition has another number of columns than planned", "this is a bug in the planner, please report it");
  out.nrows = static_cast<size_t>(view.nrows());
  out.values = table::evaluate(p.program, view);
  out.filtered = p.filter >= 0;
  if (out.filtered) out.kept = table::selection(out.values[static_cast<size_t>(p.filter)], out.nrows);
  return out;
}

}  // namespace tessera
