#include "reader.h"

#include "../common/error.h"

namespace tessera {

Access Reader::access() {
  Access a;
  int64_t kind = integer(0, 4);
  a.kind = static_cast<Access::Kind>(kind);
  a.dtype = dtype();
  a.byteswap = integer(0, 1) != 0;
  if (a.kind == Access::Kind::Chunk) a.chunk = chunk_ref();
  else if (a.kind == Access::Kind::File) a.file = file_ref();
  else number();
  a.data_offset = integer(0);
  a.data_elements = integer(0);
  a.base = integer();
  a.seed = static_cast<uint64_t>(integer(0));
  a.start = number();
  a.step = number();
  a.strides = ints(count(64), std::numeric_limits<int64_t>::min() / 2);
  return a;
}

std::vector<Access> Reader::accesses() {
  size_t n = count(4096);
  std::vector<Access> out;
  out.reserve(n);
  for (size_t k = 0; k < n; ++k) out.push_back(access());
  return out;
}

ReduceSpec Reader::reduce_spec() {
  ReduceSpec s;
  s.kind = static_cast<ReduceKind>(integer(0, static_cast<int64_t>(ReduceKind::CountNonzero)));
  s.acc = ctype();
  s.ddof = static_cast<int>(integer(-(1 << 30), 1 << 30));
  s.sqrt = integer(0, 1) != 0;
  s.out_dtype = dtype();
  return s;
}

void Reader::bad(const std::string& why) {
  throw Error("BAD_TASK", "malformed task: " + why, "this is a bug in the task encoder, please report it");
}

}  // namespace tessera
