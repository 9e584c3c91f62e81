/**
 * The elementwise functions: their numpy type rules and how each compiles to kernel instructions.
 * This is the one registry of elementwise kernels that the expression layer, the optimizer and
 * the program compiler all read.
 */
import type { CTypeName } from '../../native/addon.js';
import { ctypeOf, type DType, floatFor, isFloat, isInteger, itemsize, promote, type TypeOf } from './dtype.js';
import { TesseraError } from '../../engine/errors.js';

export interface UfuncTypes {
  out: DType;       // result dtype
  compute: DType;   // operands are converted to this dtype before the op
}

export interface Ufunc {
  name: string;
  arity: number;
  types(args: TypeOf[]): UfuncTypes;
}

/** What the compiler needs to emit instructions: registers with their compute types. */
export interface Emitter {
  op(name: string, type: CTypeName, args: number[]): number;
  constant(type: CTypeName, value: number): number;
}

const typeError = (msg: string, hint: string) => new TesseraError('DTYPE_ERROR', msg, hint);

/** The errors native Check raises (elementwise.h failed_check), by the internal ufunc that raises each. */
const CHECKS: Record<string, number> = { check_all_nan_slice: 1, check_zero_weights: 2, check_empty_selection: 3, check_range_not_finite: 4 };

// numpy has no bool loop for these: bool operands take the first integer loop, int8.
const NO_BOOL_LOOP = new Set(['power', 'floor_divide', 'remainder']);

function arith(name: string): Ufunc {
  return {
    name, arity: 2,
    types(args) {
      let t = promote(args);
      if (t === 'bool' && name === 'subtract')
        throw typeError('numpy boolean subtract, the `-` operator, is not supported', "use the bitwise_xor, the `^` operator, or astype('int64') first");
      if (t === 'bool' && NO_BOOL_LOOP.has(name)) t = 'int8';
      return { out: t, compute: t };
    },
  };
}

/** logical_and/or/xor: each operand is true where it is non-zero (NaN is true); the result is bool. */
function logical(name: string): Ufunc {
  return { name, arity: 2, types: (args) => ({ out: 'bool', compute: promote(args) }) };
}

/** true_divide has float loops only: integers and bool divide in float64, floats keep their type. */
function trueDivide(): Ufunc {
  return { name: 'true_divide', arity: 2, types: (args) => { const t = promote(args); const out: DType = isFloat(t) ? t : 'float64'; return { out, compute: out }; } };
}

function math(name: string): Ufunc {
  return { name, arity: 1, types: (args) => { const t = floatFor(promote(args)); return { out: t, compute: t }; } };
}

/**
 * A binary float function (arctan2, hypot). numpy takes the first float loop that each array
 * operand casts to safely, so arrays become floats one by one (int16 with uint16 is float32, not
 * float64 by way of their int32 promotion); with a Python scalar, the weak promotion decides.
 */
function math2(name: string): Ufunc {
  return {
    name, arity: 2,
    types: (args) => {
      const strong = args.every((a) => a.weak === null);
      const t = floatFor(promote(strong ? args.map((a) => ({ dtype: floatFor(a.dtype), weak: null })) : args));
      return { out: t, compute: t };
    },
  };
}

function compare(name: string): Ufunc {
  return { name, arity: 2, types: (args) => ({ out: 'bool', compute: promote(args) }) };
}

function keep(name: string, allowBool = true): Ufunc {
  return {
    name, arity: 1,
    types(args) {
      const t = args[0].dtype;
      if (!allowBool && t === 'bool') throw typeError(`${name} is not defined for bool arrays`, "use logical_not (~) or astype('int64') first");
      return { out: t, compute: t };
    },
  };
}

function bitwise(name: string): Ufunc {
  return {
    name, arity: 2,
    types(args) {
      const t = promote(args);
      if (isFloat(t)) throw typeError(`${name} (${name === 'bitwise_and' ? '&' : name === 'bitwise_or' ? '|' : '^'}) needs integer or bool operands, not ${t}`, 'compare first, e.g. (x > 0) & (y < 1)');
      return { out: t, compute: t };
    },
  };
}

export const UFUNCS: Record<string, Ufunc> = Object.fromEntries(
  [
    arith('add'), arith('subtract'), arith('multiply'), arith('floor_divide'), arith('remainder'), arith('power'),
    arith('minimum'), arith('maximum'),
    trueDivide(), logical('logical_and'), logical('logical_or'), logical('logical_xor'),
    math('sqrt'), math('exp'), math('log'), math('log1p'), math('sin'), math('cos'), math('tan'),
    math('log2'), math('log10'), math('exp2'), math('expm1'), math2('arctan2'), math2('hypot'),
    compare('equal'), compare('not_equal'), compare('less'), compare('less_equal'), compare('greater'), compare('greater_equal'),
    keep('negative', false), keep('absolute'), keep('floor'), keep('ceil'), math('rint'), keep('sign', false),
    bitwise('bitwise_and'), bitwise('bitwise_or'), bitwise('bitwise_xor'),
    {
      name: 'invert', arity: 1,
      types: (args: TypeOf[]) => {
        const t = args[0].dtype;
        if (isFloat(t)) throw typeError(`~ needs integer or bool operands, not ${t}`, 'use logical_not(x != 0) for floats');
        return { out: t, compute: t };
      },
    },
    { name: 'logical_not', arity: 1, types: (args: TypeOf[]) => ({ out: 'bool' as DType, compute: args[0].dtype }) },
    { name: 'isnan', arity: 1, types: (args: TypeOf[]) => ({ out: 'bool' as DType, compute: floatFor(args[0].dtype) }) },
    // Internal: 0 where the bool operand is false, numpy's data-dependent error where it is true.
    ...Object.keys(CHECKS).map((name) => ({ name, arity: 1, types: () => ({ out: 'int64' as DType, compute: 'bool' as DType }) })),
    {
      name: 'where', arity: 3,
      types: (args: TypeOf[]) => { const t = promote(args.slice(1)); return { out: t, compute: t }; },
    },
  ].map((u) => [u.name, u]),
);

/** astype(dtype) is a cast: one ufunc per target dtype, made on demand. */
export function castUfunc(to: DType): Ufunc {
  // To bool: compare with zero in the input's own type (0.5 is True, not truncated to 0).
  return { name: `astype_${to}`, arity: 1, types: (args) => ({ out: to, compute: to === 'bool' ? args[0].dtype : to }) };
}

export function getUfunc(name: string): Ufunc {
  if (name.startsWith('astype_')) return castUfunc(name.slice(7) as DType);
  const u = UFUNCS[name];
  if (!u) throw new TesseraError('UNKNOWN_FUNCTION', `unknown function ${name}`, 'see the list of supported functions in the README');
  return u;
}

const NATIVE_BINARY: Record<string, string> = {
  add: 'add', subtract: 'sub', multiply: 'mul', true_divide: 'div', floor_divide: 'floordiv', remainder: 'mod',
  power: 'pow', minimum: 'minimum', maximum: 'maximum', equal: 'eq', not_equal: 'ne', less: 'lt', less_equal: 'le',
  greater: 'gt', greater_equal: 'ge', bitwise_and: 'and', bitwise_or: 'or', bitwise_xor: 'xor', arctan2: 'atan2', hypot: 'hypot',
};
const NATIVE_UNARY: Record<string, string> = {
  negative: 'neg', absolute: 'abs', sqrt: 'sqrt', exp: 'exp', log: 'log', log1p: 'log1p', sin: 'sin', cos: 'cos',
  tan: 'tan', floor: 'floor', ceil: 'ceil', rint: 'round', sign: 'sign', logical_not: 'not', isnan: 'isnan',
  log2: 'log2', log10: 'log10', exp2: 'exp2', expm1: 'expm1',
};
// Ops whose narrow-integer result may overflow: the 64-bit value is wrapped back to the dtype's
// width, so later comparisons and divisions see what numpy sees.
const MAY_OVERFLOW = new Set(['add', 'subtract', 'multiply', 'power', 'negative', 'absolute', 'floor_divide', 'invert']);

/**
 * Emits the instructions of one ufunc. `args` are registers already converted to the compute
 * type's ctype, except where's condition (int64 0/1). Returns the result register, in ctypeOf(out).
 */
export function emitUfunc(u: Ufunc, types: UfuncTypes, args: number[], e: Emitter): number {
  const ct = ctypeOf(types.compute);
  const boolOps = types.compute === 'bool';
  let r: number;
  if (u.name.startsWith('astype_')) {
    r = args[0];
    if (types.out === 'bool') r = e.op('ne', ct, [r, e.constant(ct, 0)]);
  } else if (u.name === 'where') {
    r = e.op('where', ct, args);
  } else if (boolOps && (u.name === 'add' || u.name === 'maximum' || u.name === 'bitwise_or')) {
    r = e.op('or', 'i64', args);            // numpy: bool + bool is logical or
  } else if (boolOps && (u.name === 'multiply' || u.name === 'minimum' || u.name === 'bitwise_and')) {
    r = e.op('and', 'i64', args);
  } else if (boolOps && u.name === 'invert') {
    r = e.op('not', 'i64', args);
  } else if (u.name === 'logical_and' || u.name === 'logical_or' || u.name === 'logical_xor') {
    const truth = args.map((a) => e.op('ne', ct, [a, e.constant(ct, 0)]));
    r = e.op(u.name === 'logical_and' ? 'and' : u.name === 'logical_or' ? 'or' : 'xor', 'i64', truth);
  } else if (u.name === 'invert') {
    r = e.op('invert', ct, args);
  } else if (CHECKS[u.name]) {
    r = e.op('check', 'i64', [args[0], e.constant('i64', CHECKS[u.name])]);
  } else if (NATIVE_BINARY[u.name]) {
    r = e.op(NATIVE_BINARY[u.name], ct, args);
  } else if (NATIVE_UNARY[u.name]) {
    r = e.op(NATIVE_UNARY[u.name], ct, args);
  } else {
    throw new TesseraError('UNKNOWN_FUNCTION', `no kernel for ${u.name}`, 'this is a bug, please report it');
  }
  if (isInteger(types.out) && itemsize(types.out) < 8 && (MAY_OVERFLOW.has(u.name) || u.name.startsWith('astype_'))) {
    r = wrapNarrow(r, types.out, e);
  }
  return r;
}

/** Wraps a 64-bit integer register to the width of a narrow dtype (two's complement). */
export function wrapNarrow(r: number, d: DType, e: Emitter): number {
  const bits = itemsize(d) * 8;
  const mask = 2 ** bits - 1;
  if (d.startsWith('uint')) return e.op('and', 'u64', [r, e.constant('u64', mask)]);
  const sign = 2 ** (bits - 1);
  const low = e.op('and', 'i64', [r, e.constant('i64', mask)]);
  const flipped = e.op('xor', 'i64', [low, e.constant('i64', sign)]);
  return e.op('sub', 'i64', [flipped, e.constant('i64', sign)]);
}
