// The filter terms of a read task (table/read_term.h), as read_csv and read_parquet encode them:
//   nterms, nterms x [column (< ncols), op (table::Compare), plain (0/1), literal (string; not for NotNull)]
#pragma once
#include <vector>

#include "../table/read_term.h"
#include "reader.h"

namespace tessera {

std::vector<table::ReadTerm> read_terms(Reader& r, size_t ncols);

}  // namespace tessera
