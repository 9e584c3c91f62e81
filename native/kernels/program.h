// A fused elementwise program: straight-line code over blocks of elements. JS compiles an
// expression (after fusion) into this form once per layer; every task of the layer runs it over
// its own chunk with its own operands. Registers hold one block each; a LOAD reads operand k.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../common/dtype.h"

namespace tessera {

enum class Op : uint8_t {
  Load, Const,
  // unary
  Neg, Abs, Sqrt, Exp, Log, Log1p, Sin, Cos, Tan, Floor, Ceil, Round, Not, Invert, IsNan, Sign, Cast,
  Log2, Log10, Exp2, Expm1,
  // binary
  Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Minimum, Maximum, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Xor,
  Atan2, Hypot,
  Check,  // raises the error numbered by b where a is non-zero; otherwise 0 (see elementwise.h)
  // ternary
  Where,
  Count_
};

bool op_from_name(const std::string& s, Op* out);
int op_arity(Op op);

struct Instr {
  Op op;
  CType type;       // the type the op computes in (operands already have it; Cast: the target)
  CType src_type;   // Cast only: the operand's type
  int dst = 0, a = -1, b = -1, c = -1;
  double imm = 0;   // Const
  int64_t imm_i = 0;
};

struct Program {
  std::vector<Instr> code;
  int nregs = 0;
  int result = 0;         // register holding the value
  CType result_type = CType::F64;
};

}  // namespace tessera
