#include "program.h"

#include <cstring>

namespace tessera {

namespace {
struct OpName { const char* name; Op op; int arity; };
const OpName kOps[] = {
    {"load", Op::Load, 0},      {"const", Op::Const, 0},     {"neg", Op::Neg, 1},         {"abs", Op::Abs, 1},
    {"sqrt", Op::Sqrt, 1},      {"exp", Op::Exp, 1},         {"log", Op::Log, 1},         {"log1p", Op::Log1p, 1},
    {"sin", Op::Sin, 1},        {"cos", Op::Cos, 1},         {"tan", Op::Tan, 1},         {"floor", Op::Floor, 1},
    {"ceil", Op::Ceil, 1},      {"round", Op::Round, 1},     {"not", Op::Not, 1},         {"invert", Op::Invert, 1},
    {"isnan", Op::IsNan, 1},    {"sign", Op::Sign, 1},       {"cast", Op::Cast, 1},       {"add", Op::Add, 2},
    {"sub", Op::Sub, 2},        {"mul", Op::Mul, 2},         {"div", Op::Div, 2},         {"floordiv", Op::FloorDiv, 2},
    {"mod", Op::Mod, 2},        {"pow", Op::Pow, 2},         {"minimum", Op::Minimum, 2}, {"maximum", Op::Maximum, 2},
    {"eq", Op::Eq, 2},          {"ne", Op::Ne, 2},           {"lt", Op::Lt, 2},           {"le", Op::Le, 2},
    {"gt", Op::Gt, 2},          {"ge", Op::Ge, 2},           {"and", Op::And, 2},         {"or", Op::Or, 2},
    {"xor", Op::Xor, 2},        {"where", Op::Where, 3},     {"log2", Op::Log2, 1},       {"log10", Op::Log10, 1},
    {"exp2", Op::Exp2, 1},      {"expm1", Op::Expm1, 1},      {"atan2", Op::Atan2, 2},     {"hypot", Op::Hypot, 2},     {"check", Op::Check, 2},
};
}  // namespace

bool op_from_name(const std::string& s, Op* out) {
  for (const OpName& o : kOps)
    if (s == o.name) { *out = o.op; return true; }
  return false;
}

int op_arity(Op op) {
  for (const OpName& o : kOps)
    if (o.op == op) return o.arity;
  return -1;
}

}  // namespace tessera
