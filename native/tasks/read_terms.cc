#include "read_terms.h"

namespace tessera {

std::vector<table::ReadTerm> read_terms(Reader& r, size_t ncols) {
  const size_t n = r.count(1 << 16);
  std::vector<table::ReadTerm> terms;
  for (size_t k = 0; k < n; ++k) {
    table::ReadTerm t;
    t.column = static_cast<size_t>(r.integer(0, static_cast<int64_t>(ncols) - 1));
    t.op = static_cast<table::Compare>(r.integer(0, static_cast<int64_t>(table::Compare::NotNull)));
    t.plain = r.integer(0, 1) != 0;
    if (t.op != table::Compare::NotNull) t.literal = r.string_ref();
    terms.push_back(std::move(t));
  }
  return terms;
}

}  // namespace tessera
