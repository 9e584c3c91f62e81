#include "program_check.h"

#include <string>
#include <vector>

#include "../common/error.h"
#include "op_table.h"

namespace tessera {

void check_program(const Program& p) {
  auto bad = [](const std::string& why) { throw Error("BAD_PROGRAM", "invalid kernel program: " + why, "this is a planner bug, please report it"); };
  if (p.nregs <= 0 || p.nregs > 4096) bad("register count out of range");
  std::vector<int> type_of(p.nregs, -1);
  const OpTable& t = op_table();
  for (size_t i = 0; i < p.code.size(); ++i) {
    const Instr& in = p.code[i];
    std::string at = " (instruction " + std::to_string(i) + ")";
    if (in.dst < 0 || in.dst >= p.nregs) bad("destination register out of range" + at);
    int arity = op_arity(in.op);
    if (arity < 0) bad("unknown op" + at);
    const int srcs[3] = {in.a, in.b, in.c};
    for (int k = 0; k < arity; ++k) {
      if (srcs[k] < 0 || srcs[k] >= p.nregs || type_of[srcs[k]] < 0) bad("operand register is not defined" + at);
      if (srcs[k] == in.dst) bad("an instruction may not overwrite its own operand" + at);
    }
    int ty = static_cast<int>(in.type);
    bool compare = in.op == Op::Eq || in.op == Op::Ne || in.op == Op::Lt || in.op == Op::Le || in.op == Op::Gt ||
                   in.op == Op::Ge || in.op == Op::Not || in.op == Op::IsNan;
    switch (in.op) {
      case Op::Load: if (in.a < 0) bad("load without an operand" + at); break;
      case Op::Const: break;
      case Op::Cast: if (type_of[in.a] != static_cast<int>(in.src_type)) bad("cast source type mismatch" + at); break;
      case Op::Where:
        if (type_of[in.a] != static_cast<int>(CType::I64) || type_of[in.b] != ty || type_of[in.c] != ty) bad("where operand types" + at);
        break;
      default:
        for (int k = 0; k < arity; ++k)
          if (type_of[srcs[k]] != ty) bad("operand type mismatch" + at);
        if (arity == 1 && !t.unary[static_cast<int>(in.op)][ty]) bad("op not defined for this type" + at);
        if (arity == 2 && !t.binary[static_cast<int>(in.op)][ty]) bad("op not defined for this type" + at);
    }
    type_of[in.dst] = compare ? static_cast<int>(CType::I64) : ty;
  }
  if (p.result < 0 || p.result >= p.nregs || type_of[p.result] != static_cast<int>(p.result_type)) bad("result register or type");
}

}  // namespace tessera
