"""
The differential test's oracle: numpy (Debian's 1.24) in NEP 50 mode, plus a small, documented
emulation layer for the places where numpy 1.24-weak differs from numpy 2 (the behaviour Tessera
promises). Runs as one long-lived process: one JSON request per line on stdin, one JSON answer
per line on stdout.

Request:  {"jobs": [{"dir": str, "datasets": {name: recipe}, "outputs": {name: expr}}]}
Answer:   {"jobs": [{"error": null | {...}, "inputs": {name: repr}, "outputs": {name: result}}]}

A result is {"status": "ok", "dtype", "shape", "modes": {"ref"|"hi"|"rev": base64 of the
little-endian C-order bytes}, "exact_zero_sign": bool}, or {"status": "error", "type", "message"},
or {"status": "undefined", "why"} (the value is not defined by numpy: a float to int cast of nan,
inf or an out-of-range value).

Three evaluations of every expression:
  ref  numpy as it is (with the emulation below);
  hi   the float math functions, power, matmul and the float reductions computed in long double
       (x87 80-bit) and rounded to the result dtype: a nearly correctly rounded reference;
  rev  the sum-like reductions computed over the reduced axes reversed, and matmul's inner
       dimension reversed (another summation order, same precision).
The harness derives the float tolerance from their spread, and skips elements whose class
(nan, inf, sign of zero, an int or bool value) differs between them: those depend on rounding
or summation order and have no single right answer.

numpy 2 emulation (each item is a place where numpy 1.24 in 'weak' mode differs from numpy 2):
  1. Comparisons (< <= > >= == !=) of an integer array with a Python int outside its dtype's
     range: numpy 1.24-weak raises OverflowError; numpy 2 gives the mathematically right answer.
     Emulated by comparing as Python ints (object dtype).
  2. float16: numpy picks float16 for the math functions (sqrt, exp, ..., rint) of bool, int8 and
     uint8 and for round() of bool; Tessera picks float32 (a documented, deliberate difference).
     Emulated by casting those inputs to float32 first (values then are float32-accurate).
  3. floor and ceil of integer and bool arrays return the input unchanged, same dtype (numpy 2.1,
     numpy/numpy#26766); numpy 1.24 returns float16/32/64.
  4. clip() with a Python int bound beyond the integer array's range on its open side (a_min at or
     below the dtype's min, a_max at or above its max) drops that bound (numpy 2.1,
     numpy/numpy#26892); one beyond on the other side overflows; numpy 1.24-weak raises for both.
  6. == and != of arrays whose shapes do not broadcast: numpy 1.24 returns a scalar False/True
     with a DeprecationWarning, numpy 2 raises ValueError. Evaluated with the ufuncs (np.equal...).
  5. where(c, x, y) with Python scalars: numpy 2 treats them as weak (where(c, int8, 1) is int8);
     numpy 1.24 makes them int64/float64 arrays first. Emulated with np.result_type (weak-aware).
  7. A bool array (or numpy bool) with a Python int: numpy 2 computes as with an int64 array
     (an int outside int64 overflows); numpy 1.24-weak sometimes picks uint64 or object (it
     depends on what the process evaluated before). Emulated by making the bool operand int64
     first (comparisons then follow item 1).
  8. clip with a nan bound: numpy 2 propagates the nan (maximum/minimum/clip ufuncs); numpy 1.24
     reads it as no bound (a deprecated behaviour). Emulated with numpy 2's _clip.
  9. Comparisons of two Python scalars are Python's (a Python bool, which has no .round()).
 10. logical_and/or/xor with a Python int: numpy 2's promoter computes them in bool (the int is
     its truth value, never out of bounds); numpy 1.24 converts the int and may overflow.
 11. percentile/quantile: numpy 2's _quantile (a Python-number q keeps gamma a Python float, so
     a float32 array's percentile is float32; an integer q of quantile takes the element itself,
     in the array's dtype). Ported below with numpy's own operations; 1.24 made q an array.
 12. sort/argsort are compared with kind='stable' (Tessera's one sort, a result every kind allows);
     topk (dask's) is the stable sort's last k, reversed, or its first -k.
 13. histogram of float32 data over its own min and max: numpy 2's linspace computes the edges in
     float32 (NEP 50 keeps the float32 scalars' type); 1.24's in float64. Emulated: the edges by
     numpy 2's steps, then numpy's histogram over those edges. A range of Python ints is given as
     floats (numpy 2 compares unsigned data with -1, as item 1; 1.24 overflows).
 14. True division of an integer array by a Python int outside its dtype's range (or the reverse):
     numpy 2 divides in float64; numpy 1.24-weak picks another type (float32 for uint8). Emulated
     by dividing as float64.
 15. unique(return_inverse=True): numpy 2 gives the inverse the input's shape; 1.24 a flat one.
 16. A float array to the Python float power 0.5: numpy 2 takes sqrt (so (-0.0) ** 0.5 is -0.0),
     numpy 1.24's np.power gives pow's +0.0. Emulated with np.sqrt.
 17. np.fft of float32 or complex64 input: numpy 2 computes in single precision and returns
     complex64 (float32 from the irfft family); numpy 1.24 returns double. Emulated by rounding the
     double result (Tessera computes in double and rounds once, as this does). And rfft of a
     complex array: numpy 2 raises TypeError, numpy 1.24 drops the imaginary parts with a warning.
 18. A np.complex128 scalar beside a float32 array: numpy 2 keeps complex128; numpy 1.24's weak
     mode takes the scalar (a subclass of Python's complex) for a weak Python complex and gives
     complex64. Emulated by making such scalars 0-d arrays in the operators.
"""
import ast
import base64
import json
import operator
import sys
import traceback
import warnings

import numpy as np

np._set_promotion_state('weak')
warnings.simplefilter('ignore')

LD = np.longdouble
MODE = 'ref'
FLOATS = ('float16', 'float32', 'float64')


class Undefined(Exception):
    pass


def is_pyint(v):
    return isinstance(v, int) and not isinstance(v, (bool, np.bool_))


def arr(v):
    return np.asarray(v)


def is_np_bool(v):
    return isinstance(v, (np.ndarray, np.generic)) and v.dtype == np.bool_


def _bool_as_int64(a, b):
    """numpy 2: a bool operand with a Python int computes as an int64 one would (item 7)."""
    for x, y in ((a, b), (b, a)):
        if is_np_bool(x) and is_pyint(y):
            x64 = x.astype(np.int64)
            return (x64, b) if x is a else (a, x64)
    return a, b


def _strong(a, b):
    """numpy 2: a np.complex128 scalar keeps its dtype; numpy 1.24's weak mode takes it (a subclass
    of Python's complex) for a Python complex, so float32 beside it gave complex64 (item 18)."""
    return tuple(np.asarray(v) if isinstance(v, np.complex128) else v for v in (a, b))


def _binop(op, a, b):
    a, b = _strong(a, b)
    a, b = _bool_as_int64(a, b)
    if op is operator.truediv:  # item 14
        for x, y in ((a, b), (b, a)):
            if is_pyint(y) and isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in 'iu' and not (np.iinfo(x.dtype).min <= y <= np.iinfo(x.dtype).max):
                return op(arr(a).astype(np.float64) if x is a else float(a), float(b) if y is b else arr(b).astype(np.float64))
    return op(a, b)


# ---------------------------------------------------------------- emulation helpers

PY_CMP = {'<': operator.lt, '<=': operator.le, '>': operator.gt, '>=': operator.ge, '==': operator.eq, '!=': operator.ne}


def _cmp(op, a, b):
    # The ufuncs, not the operators: numpy 1.24's == and != on shapes that do not broadcast give a
    # scalar False/True (with a DeprecationWarning); numpy 2 raises, as the ufuncs do.
    if isinstance(a, (bool, int, float)) and isinstance(b, (bool, int, float)):
        return PY_CMP[op](a, b)  # item 9
    if (isinstance(a, (list, tuple)) and not isinstance(b, np.ndarray)) or (isinstance(b, (list, tuple)) and not isinstance(a, np.ndarray)):
        return PY_CMP[op](tuple(a) if isinstance(a, list) else a, tuple(b) if isinstance(b, list) else b)  # a tuple (gradient's) compares as Python's
    f = {'<': np.less, '<=': np.less_equal, '>': np.greater, '>=': np.greater_equal, '==': np.equal, '!=': np.not_equal}[op]
    a, b = _strong(a, b)
    a, b = _bool_as_int64(a, b)
    for x, y in ((a, b), (b, a)):
        if is_pyint(y) and isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in 'iu':
            info = np.iinfo(x.dtype)
            if not (info.min <= y <= info.max):  # numpy 2: the mathematically right answer
                ax = arr(x).astype(object)
                r = f(ax, b) if x is a else f(a, ax)
                return np.asarray(r, dtype=bool)
    return f(a, b)


F16_INPUTS = ('bool', 'int8', 'uint8')
# The float functions whose 'hi' mode is computed in long double: Tessera may be within 2 ulp of
# that (libm's, correctly rounded or nearly) where numpy's own loops are a few ulp off it.
MATH_FUNCTIONS = ('sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'log2', 'log10', 'exp2', 'expm1')
MATH2_FUNCTIONS = ('arctan2', 'hypot')


def _math(name):
    fn = getattr(np, name)

    def g(x, *a, **k):
        if a or k:
            return fn(x, *a, **k)  # let numpy raise on extra arguments
        x0 = x
        if isinstance(x, (np.ndarray, np.generic)) and str(x.dtype) in F16_INPUTS:
            x = x.astype(np.float32)
        r = fn(x)
        if MODE == 'hi' and str(arr(r).dtype) in ('float32', 'float64') and name in MATH_FUNCTIONS:
            r = fn(arr(x).astype(LD)).astype(arr(r).dtype)
        elif MODE == 'hi' and str(arr(r).dtype) in ('complex64', 'complex128') and name in ('exp', 'sqrt', 'log', 'log10', 'log2'):
            # Complex exp, sqrt and logs (Tessera composes them of real functions, each within an ulp):
            # against the C library's long double ones.
            r = fn(arr(x).astype(np.clongdouble)).astype(arr(r).dtype)
        return r
    return g


def _math2(name):
    fn = getattr(np, name)

    def g(x, y, *a, **k):
        if a or k:
            return fn(x, y, *a, **k)
        r = fn(x, y)
        if str(arr(r).dtype) == 'float16':  # as for one operand: float32 where numpy would compute float16
            x, y = (v.astype(np.float32) if isinstance(v, (np.ndarray, np.generic)) and str(v.dtype) in F16_INPUTS else v for v in (x, y))
            r = fn(x, y)
        if MODE == 'hi' and str(arr(r).dtype) in ('float32', 'float64'):
            r = fn(arr(x).astype(LD), arr(y).astype(LD)).astype(arr(r).dtype)
        return r
    return g


def _floorceil(name):
    fn = getattr(np, name)

    def g(x, *a, **k):
        if not a and not k and isinstance(x, (bool, int)):
            x = np.asarray(x)  # a Python int becomes an int64 (bool a bool) array, as numpy converts it
        if not a and not k and isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in 'iub':
            return x.copy()  # numpy 2.1: identity for integers and bools
        return fn(x, *a, **k)
    return g


def _rint(x, *a, **k):
    if not a and not k and isinstance(x, (np.ndarray, np.generic)) and str(x.dtype) in F16_INPUTS:
        x = x.astype(np.float32)
    return np.rint(x, *a, **k)


def _round(x, *a, **k):
    decimals = a[0] if a else k.get('decimals', 0)
    if isinstance(x, (np.ndarray, np.generic)) and str(x.dtype) == 'bool' and decimals == 0:
        x = x.astype(np.float32)  # numpy rounds bool to float16 (decimals=0 only: others raise)
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind in 'iu' and is_pyint(decimals) and decimals < 0:
        # Integers round through float64 and are cast back: a value rounded out of the dtype's
        # range has no defined integer (as with astype).
        f = np.round(x.astype(np.float64), decimals)
        info = np.iinfo(x.dtype)
        if f.size and not ((f >= float(info.min)) & (f < float(info.max + 1))).all():  # exact bounds
            raise Undefined(f'round({decimals}) of {x.dtype} leaves the dtype\'s range: the cast back is undefined')
    return np.round(x, *a, **k)


def _zero_d_axis(fn):
    """numpy 2 raises AxisError for an axis on a 0-d array (numpy 1.24 accepted 0 and -1)."""
    def g(x, *a, **k):
        axis = a[0] if a else k.get('axis')
        if axis is not None and arr(x).ndim == 0 and not isinstance(x, Namespace):
            raise np.AxisError(f'axis {axis} is out of bounds for array of dimension 0')
        return fn(x, *a, **k)
    return g


def _rechunk(x, chunks=None):
    if isinstance(chunks, (tuple, list)) and len(chunks) != arr(x).ndim:
        raise ValueError(f'chunks has {len(chunks)} entries for an array of {arr(x).ndim} dimensions')
    return x


def _clip(a, *args, **kw):
    """numpy 2.1's np.clip (items 4, 8): on np.asarray(a); a Python int bound beyond an integer
    array's range on its open side is dropped (a_min <= the dtype's min, a_max >= its max; one
    beyond on the other side overflows); then the ufuncs, a nan bound propagating, the three
    operands of clip promoted together with Python scalars weak."""
    bounds = list(args) + [None] * (2 - len(args))
    lo, hi = kw.pop('a_min', kw.pop('min', bounds[0])), kw.pop('a_max', kw.pop('max', bounds[1]))
    if kw or len(args) > 2:
        return np.clip(a, *args, **kw)  # let numpy raise on the rest
    x = a if isinstance(a, (np.ndarray, np.generic)) else np.asarray(a)
    # Python bool bounds are weak like ints (1.24 promotes them as a bool array would).
    lo, hi = (int(v) if isinstance(v, bool) and x.dtype.kind != 'b' else v for v in (lo, hi))
    if x.dtype.kind in 'iu':
        info = np.iinfo(x.dtype)
        if is_pyint(lo) and lo <= info.min:
            lo = None
        if is_pyint(hi) and hi >= info.max:
            hi = None
    if x.dtype.kind == 'f':  # a Python int bound of any size becomes the float (1.24 overflows)
        lo, hi = (float(v) if is_pyint(v) else v for v in (lo, hi))
    strong = [v for v in (lo, hi) if isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind != 'b']
    if x.dtype.kind == 'b' and (is_pyint(lo) or is_pyint(hi)) and not strong:
        x = x.astype(np.int64)  # item 7 (a numeric array bound decides instead: clip(b, u32, 5) is uint32)
    # NEP 50: the operands of each ufunc promote together, Python numbers weak; a Python int
    # then takes the result dtype and must fit it (a float dtype takes any int).
    def typed(operands):
        # NEP 50 by hand: the arrays decide, a Python float lifts bools and ints to float64, a
        # Python int lifts bools to int64 (result_type over all of them at once lets a Python
        # float beside a bool array win over a float32 array).
        arrays = [v for v in operands if isinstance(v, (np.ndarray, np.generic))]
        dt = np.result_type(*arrays) if arrays else np.result_type(*operands)
        if any(isinstance(v, float) for v in operands) and dt.kind in 'biu':
            dt = np.dtype(np.float64)
        elif any(is_pyint(v) for v in operands) and dt.kind == 'b':
            dt = np.dtype(np.int64)
        as_dt = lambda v: v if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and dt.kind != 'f') else np.asarray(float(v) if dt.kind == 'f' else v, dtype=dt)  # noqa: E731
        return dt, [as_dt(v) for v in operands]
    if lo is None and hi is None:
        return np.positive(x)
    if lo is None or hi is None:
        dt, (x, v) = typed([x, hi if lo is None else lo])
        return (np.minimum if lo is None else np.maximum)(x, v)
    dt, (x, lo, hi) = typed([x, lo, hi])
    return np.core.umath.clip(x.astype(dt) if isinstance(x, (np.ndarray, np.generic)) and x.dtype != dt else x, lo, hi)


def _where(*args, **kw):
    if len(args) == 3 and not kw:
        c, x, y = args
        x, y = _bool_as_int64(x, y)
        dt = np.result_type(x, y)  # weak Python scalars (numpy 2)
        for v in (x, y):
            if is_pyint(v) and dt.kind in 'iu':
                info = np.iinfo(dt)
                if not (info.min <= v <= info.max):
                    raise OverflowError(f'Python integer {v} out of bounds for {dt}')
        conv = lambda v: np.asarray(v, dtype=dt) if isinstance(v, (bool, int, float)) else v  # noqa: E731
        return np.where(c, conv(x), conv(y)).astype(dt)  # (1.24 would compute uint64 with 1 in float64)
    return np.where(*args, **kw)


def _astype(x, dtype, *a, **k):
    x = arr(x)
    dt = np.dtype(dtype)
    if x.dtype.kind == 'f' and dt.kind in 'iu' and x.size:
        info = np.iinfo(dt)
        ok = np.isfinite(x) & (np.trunc(x) >= info.min) & (np.trunc(x) <= info.max)
        if not ok.all():
            raise Undefined(f'astype({dt}) of {x[~ok].ravel()[0]}: float to integer casts of nan, inf or out-of-range values are undefined')
    return x.astype(dtype, *a, **k)


SUMLIKE = ('sum', 'prod', 'mean', 'var', 'std', 'nansum', 'nanprod', 'nanmean', 'nanvar', 'nanstd')
REDUCTIONS = SUMLIKE + ('min', 'max', 'amin', 'amax', 'argmin', 'argmax', 'any', 'all', 'count_nonzero',
                        'nanmin', 'nanmax', 'nanargmin', 'nanargmax')
# Functions that sum over elements (float results depend on the order): no exact sign of zero.
SCANS = ('cumsum', 'cumprod', 'nancumsum', 'nancumprod')
SUMMING = REDUCTIONS + SCANS + ('median', 'percentile', 'quantile', 'matmul', 'dot', 'tensordot', 'average', 'cov', 'corrcoef', 'allclose', 'gradient')
# unique keeps the first of -0.0 and 0.0 that numpy's sort (not a stable one) puts first: no exact sign either.
ZERO_EITHER_SIGN = SUMMING + ('unique',)


def _axes_of(x, axis):
    nd = arr(x).ndim
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (tuple, list)):
        return tuple(a % nd if nd else a for a in axis)
    return (axis % nd if nd else axis,)


def _reduce(name, fn):
    def g(*a, **k):
        r = fn(*a, **k)  # numpy's own call decides errors and dtypes
        if MODE == 'ref' or name not in SUMLIKE:
            return r
        x = arr(a[0] if a else k['a'])
        rest, kk = list(a[1:]), dict(k)
        kk.pop('a', None)
        out_dt = arr(r).dtype
        if out_dt.kind not in 'fc':
            return r
        if MODE == 'hi':
            # Integers and bools have no NaN: their nan-function is the plain one (in long double
            # the NaN path would run, with its other rule for dof <= 0).
            f = getattr(np, name[3:]) if name.startswith('nan') and x.dtype.kind != 'f' else fn
            r2 = f(x.astype(np.clongdouble if x.dtype.kind == 'c' else LD), *rest, **kk)
            return arr(r2).astype(out_dt)
        axis = rest[0] if rest else kk.get('axis')
        xf = np.flip(x, axis=_axes_of(x, axis)) if x.ndim else x
        return arr(fn(xf, *rest, **kk)).astype(out_dt)
    return g


def _matmul(a, b, *args, **kw):
    r = np.matmul(a, b, *args, **kw)
    ra = arr(r)
    if MODE == 'ref' or ra.dtype.kind != 'f' or args or kw:
        return r
    if MODE == 'hi':
        return np.matmul(arr(a).astype(LD), arr(b).astype(LD)).astype(ra.dtype)
    A, B = arr(a), arr(b)
    if A.ndim >= 1 and B.ndim >= 1:  # the inner dimension reversed: a's last axis, b's second-to-last (a vector's only)
        return np.matmul(np.flip(A, -1), np.flip(B, -2 if B.ndim >= 2 else 0)).astype(ra.dtype)
    return r


def _products(fn, summed):
    """dot/tensordot with the long-double ('hi') and reversed-sum ('rev') evaluations."""
    def g(a, b, *args, **kw):
        r = fn(a, b, *args, **kw)
        ra = arr(r)
        if MODE == 'ref' or ra.dtype.kind != 'f':
            return r
        A, B = arr(a), arr(b)
        if MODE == 'hi':
            return arr(fn(A.astype(LD), B.astype(LD), *args, **kw)).astype(ra.dtype)
        axes_a, axes_b = summed(A, B, *args, **kw)
        return arr(fn(np.flip(A, axes_a) if axes_a else A, np.flip(B, axes_b) if axes_b else B, *args, **kw)).astype(ra.dtype)
    return g


def _dot_axes(A, B):
    if A.ndim == 0 or B.ndim == 0:
        return (), ()
    return (A.ndim - 1,), (0 if B.ndim == 1 else B.ndim - 2,)


def _tensordot_axes(A, B, axes=2):
    if isinstance(axes, int):
        return tuple(range(A.ndim - axes, A.ndim)), tuple(range(axes))
    return tuple(axes[0]), tuple(axes[1])


def _power(a, b, *args, **kw):
    python = lambda v: isinstance(v, (bool, int, float, complex)) and not isinstance(v, np.generic)
    if python(a) and python(b) and not args and not kw:
        return a ** b  # Python's own power: a Python number (complex too: 2 ** 0.5j is weak)
    if isinstance(a, (np.ndarray, np.generic)) and a.dtype == np.bool_ and type(b) is int and b == 2 and not args and not kw:
        return np.square(a)  # the ** operator squares (int8 for bool); np.power(b, 2) would promote to int64
    a, b = _strong(a, b)
    if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == 'c' and not args and not kw:
        # numpy 2's ** of a complex array: a Python int 2 is square, -1 reciprocal, a float 0.5
        # sqrt; else the power loop (numpy 1.24's operator also shortcuts 0 and 1).
        if type(b) is int and b in (2, -1):
            return np.square(a) if b == 2 else np.reciprocal(a)
        if type(b) is float and b == 0.5:
            return G['sqrt'](a)
        return np.power(a, b)
    a, b = _bool_as_int64(a, b)
    if type(b) is float and b == 0.5 and isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == 'f' and not args and not kw:
        # numpy 2 (item 16): a float array to the power 0.5 is its sqrt, so (-0.0) ** 0.5 is -0.0;
        # numpy 1.24's np.power gives pow's +0.0 (its ** operator already took sqrt).
        return np.sqrt(a) if MODE != 'hi' else np.sqrt(arr(a).astype(LD)).astype(a.dtype)
    r = np.power(a, b, *args, **kw)
    ra = arr(r)
    if MODE != 'hi' or ra.dtype.kind != 'f' or args or kw:
        return r
    return np.power(arr(a).astype(LD) if isinstance(a, (np.ndarray, np.generic)) else a,
                    arr(b).astype(LD) if isinstance(b, (np.ndarray, np.generic)) else b).astype(ra.dtype)


def _isclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    """numpy 2's isclose: Python scalars stay weak, y made inexact, one formula (1.24 converts the
    scalars to arrays and splits finite from non-finite elements)."""
    x, y, atol, rtol = (v if isinstance(v, (int, float)) else np.asanyarray(v) for v in (a, b, atol, rtol))
    if getattr(y, 'dtype', None) is not None:
        y = np.asanyarray(y, dtype=np.result_type(y, 1.))
    elif isinstance(y, int):
        y = float(y)
    result = (np.less_equal(abs(x - y), atol + rtol * abs(y)) & np.isfinite(y)) | (x == y)
    if equal_nan:
        result |= np.isnan(x) & np.isnan(y)
    return result[()]


def _allclose(a, b, rtol=1.e-5, atol=1.e-8, equal_nan=False):
    return np.bool_(np.all(_isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def _average(a, axis=None, weights=None, returned=False, **kw):
    r = np.average(a, axis=axis, weights=weights, returned=returned, **kw)
    if MODE == 'ref' or arr(r).dtype.kind != 'f' or returned:
        return r
    A, W = arr(a), None if weights is None else arr(weights)
    if MODE == 'hi':
        r2 = np.average(A.astype(LD), axis=axis, weights=None if W is None else W.astype(LD), **kw)
    else:  # the same sum in reverse order: a (and weights of its shape) flipped along the axes
        axes = _axes_of(A, axis)
        Af = np.flip(A, axis=axes) if A.ndim else A
        Wf = W if W is None or not W.ndim else np.flip(W, axis=axes) if W.shape == A.shape else np.flip(W)
        r2 = np.average(Af, axis=axis, weights=Wf, **kw)
    return arr(r2).astype(arr(r).dtype)


def _cov_like(name):
    fn = getattr(np, name)

    def g(m, *a, **k):
        if k.get('rowvar') is False and arr(m).ndim == 2 and arr(m).shape[0] == 1 and not a:
            # numpy 2 transposes a 2-D m whenever rowvar is False (1.24 kept one row as it was).
            m, k = arr(m).T, {**k, 'rowvar': True}
        r = fn(m, *a, **k)
        if MODE == 'ref':
            return r
        M = arr(m)
        if MODE == 'hi':
            return arr(fn(M.astype(LD), *a, **k)).astype(arr(r).dtype)
        rowvar = k.get('rowvar', a[1] if len(a) > 1 else True)
        Mf = np.flip(M, axis=M.ndim - 1 if rowvar else 0) if M.ndim else M  # the observations reversed
        return arr(fn(Mf, *a, **k)).astype(arr(r).dtype)
    return g


def _cumulative(name):
    fn = getattr(np, name)
    total = {'cumsum': np.sum, 'cumprod': np.prod, 'nancumsum': np.nansum, 'nancumprod': np.nanprod}[name]
    add = np.add if name.endswith('sum') else np.multiply

    def g(a, axis=None, *rest, **kw):
        dtype = kw.get('dtype', rest[0] if rest else None)
        x0 = arr(a)
        if dtype is not None and np.dtype(dtype).kind in 'iu' and x0.dtype.kind == 'f' and x0.size:
            info = np.iinfo(np.dtype(dtype))
            ok = np.isfinite(x0) & (np.trunc(x0) >= info.min) & (np.trunc(x0) <= info.max)
            if not ok.all():
                raise Undefined(f'{name}(dtype={np.dtype(dtype)}) casts nan, inf or out-of-range floats: undefined')
        r = fn(a, axis, *rest, **kw)
        R = arr(r)
        if MODE == 'ref' or R.dtype.kind != 'f':
            return r
        x = arr(a)
        if MODE == 'hi':
            return arr(fn(x.astype(LD), axis, *rest, **kw)).astype(R.dtype)
        # Another order: blocks of 3 along the axis, each started from the total of those before.
        if axis is None:
            x, ax = x.ravel(), 0
        else:
            ax = axis % x.ndim
        outs, carry = [], None
        for start in range(0, x.shape[ax], 3):
            p = np.take(x, range(start, min(start + 3, x.shape[ax])), axis=ax)
            local = arr(fn(p, ax, *rest, **kw))
            outs.append(local if carry is None else add(carry, local))
            t = total(p, axis=ax, keepdims=True)
            carry = t if carry is None else add(carry, t)
        return (np.concatenate(outs, axis=ax) if outs else R).astype(R.dtype)
    return g


def _pad(array, pad_width, mode='constant', **kw):
    """numpy 2's pad assigns a Python constant into the array's dtype: an int must fit it (1.24
    wraps it), nan and inf have no integer."""
    x = arr(array)
    c = kw.get('constant_values', 0)
    if mode == 'constant' and x.dtype.kind in 'iu':
        if is_pyint(c) and not (np.iinfo(x.dtype).min <= c <= np.iinfo(x.dtype).max):
            raise OverflowError(f'Python integer {c} out of bounds for {x.dtype}')
        if isinstance(c, float) and not np.isfinite(c):
            raise ValueError('cannot convert float NaN to integer') if c != c else OverflowError('cannot convert float infinity to integer')
    return np.pad(array, pad_width, mode, **kw)


METHOD_OVERRIDES = {
    'astype': _astype, 'round': _round, 'clip': _clip,
    **{n: None for n in SUMLIKE},
}


def _sort(name):
    fn = getattr(np, name)

    def g(a, axis=-1, kind=None, order=None, *, stable=None):
        return fn(a, axis=axis, kind='stable')
    return g


def _topk(a, k, axis=-1, split_every=None):
    x = arr(a)
    if x.ndim == 0:
        raise np.AxisError('topk needs an array of at least one dimension')
    n = x.shape[axis]
    if k == 0 or abs(k) > n:
        raise ValueError(f'k={k} out of range')
    s = np.sort(x, axis=axis, kind='stable')
    if k < 0:
        return np.take(s, np.arange(-k), axis=axis)
    return np.flip(np.take(s, np.arange(n - k, n), axis=axis), axis=axis)


def _lerp(a, b, t):
    """numpy 2's _lerp (its out=... is 1.24's np.asarray)."""
    diff_b_a = np.subtract(b, a)
    lerp = np.asarray(np.add(a, diff_b_a * t))
    np.subtract(b, diff_b_a * (1 - t), out=lerp, where=t >= 0.5, casting='unsafe', dtype=lerp.dtype)
    return lerp[()] if lerp.ndim == 0 else lerp


def _moved_lines(a, axis):
    """numpy 2's _ureduce: the reduced axes merged into one (its swapaxes order), and that axis."""
    if axis is None:
        return a.ravel(), 0, tuple(range(a.ndim))
    axes = tuple(sorted(np.core.numeric.normalize_axis_tuple(axis, a.ndim)))
    if len(axes) == 1:
        return a, axes[0], axes
    keep = sorted(set(range(a.ndim)) - set(axes))
    for i, s in enumerate(keep):
        a = a.swapaxes(i, s)
    return a.reshape(a.shape[:len(keep)] + (-1,)), a.ndim - len(axes), axes


def _keepdims(r, nd, axes):
    return r[(Ellipsis,) + tuple(np.newaxis if i in axes else slice(None) for i in range(nd))]


def _quantile_v2(which):
    def g(a, q, axis=None, out=None, overwrite_input=False, method='linear', keepdims=False, *, weights=None, interpolation=None):
        a = np.asanyarray(a)
        weak_q = type(q) in (int, float)
        q = np.true_divide(q, 100) if which == 'percentile' else np.asanyarray(q)
        if not (np.all(q >= 0) and np.all(q <= 1)):
            raise ValueError('Percentiles must be in the range [0, 100]' if which == 'percentile' else 'Quantiles must be in the range [0, 1]')
        x, ax, axes = _moved_lines(a, axis)
        n = x.shape[ax]
        x = np.moveaxis(x, ax, 0)
        srt = np.sort(x, axis=0, kind='stable')  # numpy partitions: the same elements at the ranks read
        vi = np.asanyarray((n - 1) * q)
        if vi.dtype.kind in 'iu':
            result = np.take(srt, vi, axis=0)
        else:
            prev = np.floor(vi)
            nxt = prev + 1
            prev = np.where(vi >= n - 1, -1, prev)
            nxt = np.where(vi >= n - 1, -1, nxt)
            prev = np.where(vi < 0, 0, prev).astype(np.intp)
            nxt = np.where(vi < 0, 0, nxt).astype(np.intp)
            gamma = np.asanyarray(vi - prev, dtype=vi.dtype)
            gamma = float(gamma) if weak_q else gamma.reshape(vi.shape + (1,) * (srt.ndim - 1))
            result = _lerp(srt[prev], srt[nxt], gamma)
        if srt.dtype.kind == 'f' and np.any(np.isnan(srt[-1, ...])):
            if np.ndim(result) == 0:
                result = srt[-1]
            else:
                np.copyto(result, srt[-1, ...], where=np.isnan(srt[-1, ...]))
        return _keepdims(result, a.ndim, axes) if keepdims else result
    return g


def histogram_edges_v2(x, bins):
    """numpy 2's equal-bin edges over float32 data's own range (item 13)."""
    lo, hi = x.min(), x.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f'autodetected range of [{lo}, {hi}] is not finite')
    if lo == hi:
        lo, hi = lo - np.float32(0.5), hi + np.float32(0.5)
    delta = np.subtract(hi, lo, dtype=np.float32)
    y = np.arange(0, bins + 1, dtype=np.float32)
    step = delta / np.float32(bins)
    y = y / np.float32(bins) * delta if step == 0 else y * step
    y += lo
    y[-1] = hi
    return y


def _unique(ar, return_index=False, return_inverse=False, return_counts=False, **k):
    """numpy 2's unique (item 15): the inverse has the input's shape (1.24: flat)."""
    r = np.unique(ar, return_index, return_inverse, return_counts, **k)
    if not return_inverse:
        return r
    r = list(r)
    r[1 + bool(return_index)] = r[1 + bool(return_index)].reshape(np.shape(ar))
    return tuple(r)


def _histogram(a, bins=10, range=None, density=None, weights=None):
    x = np.asarray(a)
    if range is not None:  # item 1: numpy 2 compares uint data with range=(-1, ...) (1.24 overflows); as floats, the same answer
        range = tuple(float(v) for v in range)
    if x.dtype == np.float32 and range is None and isinstance(bins, int) and bins > 0 and x.size:
        return np.histogram(x, bins=histogram_edges_v2(x, bins), density=density, weights=weights)
    return np.histogram(a, bins=bins, range=range, density=density, weights=weights)


def _median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    r = np.median(a, axis=axis, keepdims=keepdims)
    if MODE != 'hi' or arr(r).dtype.kind != 'f':
        return r
    return arr(np.median(arr(a).astype(LD), axis=axis, keepdims=keepdims)).astype(arr(r).dtype)


def _meth(name, obj, *a, **k):
    if isinstance(obj, (list, tuple)):
        return getattr(obj, name)(*a, **k)  # a tuple has no array methods (gradient's, meshgrid's)
    if isinstance(obj, Namespace):
        return getattr(obj, name)(*a, **k)
    if name in REDUCTIONS:
        return _zero_d_axis(_reduce(name, lambda x, *aa, **kk: getattr(arr(x) if not isinstance(x, np.ndarray) else x, name)(*aa, **kk)))(obj, *a, **k)
    if name == 'rechunk':
        return _rechunk(obj, *a, **k)
    if name in ('cumsum', 'cumprod', 'dot', 'argsort', 'topk') and isinstance(obj, (np.ndarray, np.generic)):
        return G[name](obj, *a, **k)
    if name in ('astype', 'round', 'clip') and isinstance(obj, (np.ndarray, np.generic)):
        return METHOD_OVERRIDES[name](obj, *a, **k)
    return getattr(obj, name)(*a, **k)


FFT_ROOTS = ('fft', 'ifft', 'rfft', 'irfft', 'fft2', 'ifft2', 'rfft2', 'irfft2', 'fftn', 'ifftn', 'rfftn', 'irfftn')


class _FFT:
    """np.fft with numpy 2's single precision and its refusal of a complex rfft (item 17)."""
    def __getattr__(self, name):
        f = getattr(np.fft, name)
        if name not in FFT_ROOTS:
            return f

        def g(a, *args, **kw):
            x = np.asarray(a)
            if name.startswith('rfft') and x.dtype.kind == 'c':
                raise TypeError(f"ufunc '{name}' not supported for the input types")
            r = f(x, *args, **kw)
            if x.dtype in (np.float32, np.complex64):
                r = r.astype(np.float32 if name.startswith('irfft') else np.complex64)
            return r
        return g


# ---------------------------------------------------------------- the evaluation environment

G = {}
exec('from numpy import *', G)
G.update({
    'np': None, 'numpy': None, 'da': None,
    'round': _round, 'around': _round, 'rint': _rint,
    'rechunk': _rechunk,
    'abs': np.absolute, 'absolute': np.absolute,
    'sum': _reduce('sum', np.sum), 'prod': _reduce('prod', np.prod), 'mean': _reduce('mean', np.mean),
    'var': _reduce('var', np.var), 'std': _reduce('std', np.std),
    'min': np.amin, 'max': np.amax, 'amin': np.amin, 'amax': np.amax, 'any': np.any, 'all': np.all,
    **{n: _reduce(n, getattr(np, n)) for n in ('nansum', 'nanprod', 'nanmean', 'nanvar', 'nanstd')},
    **{n: _cumulative(n) for n in SCANS},
    'isclose': _isclose, 'allclose': _allclose, 'pad': _pad, 'average': _average, 'cov': _cov_like('cov'), 'corrcoef': _cov_like('corrcoef'),
    'argmin': np.argmin, 'argmax': np.argmax,
    'sort': _sort('sort'), 'argsort': _sort('argsort'), 'topk': _topk, 'median': _median,
    'histogram': _histogram, 'unique': _unique, 'percentile': _quantile_v2('percentile'), 'quantile': _quantile_v2('quantile'),
    # numpy 1.24 returns a Python int for count_nonzero(x) (no axis); Tessera an int64 array.
    'count_nonzero': lambda *a, **k: np.int64(np.count_nonzero(*a, **k)) if len(a) < 2 and k.get('axis') is None else np.count_nonzero(*a, **k),
    'clip': _clip, 'where': _where, 'matmul': _matmul, 'power': _power,
    'dot': _products(np.dot, _dot_axes), 'tensordot': _products(np.tensordot, _tensordot_axes),
    'floor': _floorceil('floor'), 'ceil': _floorceil('ceil'),
    'bool_': np.bool_, 'newaxis': None, 'fft': _FFT(),
    '_cmp': _cmp, '_meth': _meth, '_binop': _binop, 'operator': operator, '_matmul': _matmul, '_power': _power,
})
for _name in REDUCTIONS:
    G[_name] = _zero_d_axis(G[_name])


def _scalars_as_arrays(fn):
    """A numpy function given only Python scalars works on np.asarray of them (2**63 is a uint64);
    numpy 1.24's ufuncs convert some through a C long instead and overflow."""
    def g(*a, **k):
        if a and all(isinstance(x, (bool, int, float)) for x in a):
            a = tuple(np.asarray(x) for x in a)
            if any(x.dtype == object for x in a):
                raise Undefined('a Python int beyond 64 bits is an object array in numpy; Tessera has no object arrays (OVERFLOW_ERROR)')
        return fn(*a, **k)
    return g


for _name, _fn in list(G.items()):
    if isinstance(_fn, np.ufunc) or (callable(_fn) and _name in ('sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan', 'rint', 'floor', 'ceil', 'isnan', 'sign', 'where', 'clip', 'power')):
        G[_name] = _scalars_as_arrays(_fn)
for _n in MATH_FUNCTIONS:
    G[_n] = _scalars_as_arrays(_math(_n))
for _n in MATH2_FUNCTIONS:
    G[_n] = _scalars_as_arrays(_math2(_n))


def _bool_int_args(fn):
    """A two-operand numpy function given a bool operand and a Python int: item 7."""
    def g(*a, **k):
        if len(a) == 2 and not k:
            a = _bool_as_int64(*a)
        return fn(*a, **k)
    return g


def _logical(fn):
    """numpy 2's logical ufuncs compute in bool whatever the operands (their promoter), so a Python
    int is its truth value and never overflows (item 10)."""
    def g(*a, **k):
        if len(a) == 2 and not k and any(isinstance(v, (np.ndarray, np.generic)) for v in a):
            a = tuple(bool(v) if is_pyint(v) else v for v in a)
        return fn(*a, **k)
    return g


for _name, _fn in list(G.items()):
    if _name in ('logical_and', 'logical_or', 'logical_xor'):
        G[_name] = _logical(G[_name])
    elif isinstance(getattr(np, _name, None), np.ufunc) and getattr(np, _name).nin == 2 and _name not in ('less', 'less_equal', 'greater', 'greater_equal', 'equal', 'not_equal'):
        G[_name] = _bool_int_args(G[_name])


class Namespace:
    def __getattr__(self, name):
        if name in G and name not in ('np', 'numpy', 'da'):
            return G[name]
        if name in ('np', 'numpy', 'da'):
            return self
        return getattr(np, name)


G['np'] = G['numpy'] = G['da'] = Namespace()

BINOP_NAMES = {ast.Add: 'add', ast.Sub: 'sub', ast.Mult: 'mul', ast.Div: 'truediv', ast.FloorDiv: 'floordiv', ast.Mod: 'mod',
               ast.BitAnd: 'and_', ast.BitOr: 'or_', ast.BitXor: 'xor', ast.LShift: 'lshift', ast.RShift: 'rshift'}
CMP = {ast.Lt: '<', ast.LtE: '<=', ast.Gt: '>', ast.GtE: '>=', ast.Eq: '==', ast.NotEq: '!='}


class Rewrite(ast.NodeTransformer):
    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) != 1:
            return node
        return ast.Call(ast.Name('_cmp', ast.Load()), [ast.Constant(CMP[type(node.ops[0])]), node.left, node.comparators[0]], [])

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.MatMult):
            return ast.Call(ast.Name('_matmul', ast.Load()), [node.left, node.right], [])
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name('_power', ast.Load()), [node.left, node.right], [])
        op = ast.Attribute(ast.Name('operator', ast.Load()), BINOP_NAMES[type(node.op)], ast.Load())
        return ast.Call(ast.Name('_binop', ast.Load()), [op, node.left, node.right], [])

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):
            f = node.func
            return ast.Call(ast.Name('_meth', ast.Load()), [ast.Constant(f.attr), f.value, *node.args], node.keywords)
        return node


def has_reduction(tree):
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ''
            if name in ZERO_EITHER_SIGN:
                return True
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult):
            return True
    return False


def root_of(tree):
    n = tree.body
    if isinstance(n, ast.BinOp):
        return type(n.op).__name__
    if isinstance(n, ast.Compare):
        return type(n.ops[0]).__name__
    if isinstance(n, ast.UnaryOp):
        return type(n.op).__name__
    if isinstance(n, ast.Call):
        return n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, 'id', '?')
    if isinstance(n, ast.Subscript):
        return 'index'
    if isinstance(n, ast.Attribute):
        return n.attr
    return type(n).__name__


def compile_expr(src):
    tree = ast.parse(src, mode='eval')
    red = has_reduction(tree)
    root = root_of(tree)
    tree = ast.fix_missing_locations(Rewrite().visit(tree))
    return compile(tree, '<expr>', 'eval'), red, root


# ---------------------------------------------------------------- inputs

def pool_for(dtype, kind):
    dt = np.dtype(dtype)
    if dt.kind == 'b':
        return [False, True]
    if kind == 0:
        return [0, 1]
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        small = [0, 1, 2, 3, 5, 7, 10, 100, -1, -2, -3, -7, -100]
        if kind == 1:
            vals = small
        else:
            vals = small + [info.min, info.max, info.min + 1, info.max - 1, 127, 128, -128, -129, 255, 256,
                            32767, 32768, -32768, 65535, 2**31 - 1, -2**31, 2**32 - 1, 2**53 + 1, -(2**53) - 1]
        return [v for v in vals if info.min <= v <= info.max]
    fi = np.finfo(dt)
    small = [0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, 0.1, 10.0, -7.25, 100.5]
    if kind == 1:
        return small
    tiny = float(fi.smallest_subnormal) if hasattr(fi, 'smallest_subnormal') else float(fi.tiny) / 2**10
    return small + [-0.0, np.nan, np.inf, -np.inf, tiny, -tiny, float(fi.tiny), float(fi.max), -float(fi.max),
                    1e10, -1e10, 1e-5, np.pi, 710.0, -745.5, 88.7, 1e15 + 0.5, 4503599627370497.0, 1e300 if dt.itemsize == 8 else 1e30]


def make_input(rec):
    dtype, shape = rec['dtype'], tuple(rec['shape'])
    if np.dtype(dtype).kind == 'c':
        # Complex: each part drawn as a float dataset of the parts' dtype would be.
        part = 'float32' if dtype == 'complex64' else 'float64'
        re = make_input({**rec, 'dtype': part, 'order': 'C', 'byteorder': '<'})
        im = make_input({**rec, 'dtype': part, 'seed': rec['seed'] + 1, 'order': 'C', 'byteorder': '<'})
        a = (re.astype(np.complex128) + 1j * im.astype(np.complex128)).astype(dtype) if re.size else np.zeros(shape, dtype)
        # re + 1j * im turns an infinite part's partner into NaN: set the parts as drawn.
        a.real, a.imag = re, im
        if rec.get('order') == 'F' and a.ndim:
            a = np.asfortranarray(a)
        if rec.get('byteorder') == '>':
            a = a.astype(a.dtype.newbyteorder('>'))
        return a
    n = int(np.prod(shape)) if shape else 1
    rng = np.random.default_rng(rec['seed'])
    kind = rec['pool']
    if kind == 3 and np.dtype(dtype).kind == 'f':
        mix = pool_for(dtype, 2)
        vals = rng.normal(0, 10, n)
        pick = rng.random(n) < 0.3
        vals[pick] = np.array(mix, dtype=np.float64)[rng.integers(0, len(mix), int(pick.sum()))]
        a = vals.astype(dtype)
    elif kind == 3 and np.dtype(dtype).kind in 'iu':
        info = np.iinfo(dtype)
        a = rng.integers(max(info.min, -1000), min(info.max, 1000), n, endpoint=True).astype(dtype)
    else:
        pool = pool_for(dtype, min(kind, 2))
        a = np.array([pool[i] for i in rng.integers(0, len(pool), n)], dtype=object).astype(dtype) if n else np.zeros(0, dtype)
    a = a.reshape(shape)
    if rec.get('order') == 'F' and a.ndim:  # (asfortranarray would make 0-d arrays 1-d)
        a = np.asfortranarray(a)
    if rec.get('byteorder') == '>':
        a = a.astype(a.dtype.newbyteorder('>'))
    return a


def build_dataset(d, path):
    k = d['kind']
    if k == 'npy':
        a = make_input(d)
        np.save(path, a)
        return a.astype(a.dtype.newbyteorder('='), order='C')  # (ascontiguousarray would make 0-d arrays 1-d)
    spec = d['spec']
    dt = spec.get('dtype')
    if 'arange' in spec:
        return np.arange(*spec['arange'], dtype=dt)
    if 'zeros' in spec:
        return np.zeros(spec['zeros'], dtype=dt or 'float64')
    if 'ones' in spec:
        return np.ones(spec['ones'], dtype=dt or 'float64')
    if 'full' in spec:
        v = spec['value']
        return np.full(spec['full'], v, dtype=dt or (bool if isinstance(v, bool) else np.int64 if isinstance(v, int) else np.float64))
    raise ValueError(f'unknown dataset {d}')


def show(a):
    a = np.asarray(a)
    if a.size > 64:
        return f'<{a.dtype} array of shape {a.shape}>'
    return f'np.array({a.tolist()!r}, dtype={str(a.dtype)!r})'.replace('nan', 'np.nan').replace('inf', 'np.inf')


# ---------------------------------------------------------------- evaluation

def b64(a):
    a = np.ascontiguousarray(a)
    return base64.b64encode(a.astype(a.dtype.newbyteorder('<')).tobytes()).decode()


def evaluate(code, env):
    global MODE
    out = {}
    for mode in ('ref', 'hi', 'rev'):
        MODE = mode
        with np.errstate(all='ignore'):
            v = np.asarray(eval(code, G, dict(env)))
        if v.dtype == np.float16:
            v = v.astype(np.float32)
        out[mode] = v
    MODE = 'ref'
    return out


def run_job(job):
    import os
    res = {'error': None, 'inputs': {}, 'outputs': {}}
    env = {}
    try:
        for name, d in job['datasets'].items():
            env[name] = build_dataset(d, os.path.join(job['dir'], name + '.npy'))
            res['inputs'][name] = show(env[name])
    except Exception as e:  # noqa: BLE001
        res['error'] = {'type': type(e).__name__, 'message': str(e)}
        return res
    for name, src in job['outputs'].items():
        root = '?'
        try:
            code, red, root = compile_expr(src)
            modes = evaluate(code, env)
            ref = modes['ref']
            if ref.dtype.kind not in 'biufc':
                raise TypeError(f'result dtype {ref.dtype} is not supported')
            if root in FFT_ROOTS and not np.all(np.isfinite(ref)):
                # Which bins a nan or inf reaches, and whether as nan or inf, depends on the passes.
                raise Undefined('a nan or inf through an FFT spreads by its passes')
            res['outputs'][name] = {
                'status': 'ok', 'dtype': str(ref.dtype), 'shape': list(ref.shape),
                'modes': {m: b64(v.astype(ref.dtype)) if v.shape == ref.shape else b64(ref) for m, v in modes.items()},
                'exact_zero_sign': not red and root not in FFT_ROOTS, 'root': root,
            }
            if root in FFT_ROOTS and ref.size:
                # An FFT's error is a few ulps times log2(n) of the largest value (pocketfft's and
                # Tessera's passes round differently): numpy's own, against the exact transform.
                eps = np.finfo(ref.real.dtype).eps
                res['outputs'][name]['abs_tol'] = float(16 * eps * max(1.0, np.log2(ref.size)) * np.abs(ref).max())
        except Undefined as e:
            res['outputs'][name] = {'status': 'undefined', 'why': str(e), 'root': root}
        except ValueError as e:
            if any(m in str(e) for m in ('negative integer powers', 'All-NaN slice')) and any(isinstance(n, ast.Subscript) for n in ast.walk(ast.parse(src, mode='eval'))):
                # numpy computes every element and raises; Tessera (as dask) computes only the
                # elements an index selects, so which of them raise decides.
                res['outputs'][name] = {'status': 'undefined', 'why': 'a data-dependent error where an index may skip it', 'root': root}
            else:
                res['outputs'][name] = {'status': 'error', 'type': type(e).__name__, 'message': str(e)[:300], 'root': root}
        except ZeroDivisionError as e:
            if 'Weights sum to zero' in str(e) and any(isinstance(n, ast.Subscript) for n in ast.walk(ast.parse(src, mode='eval'))):
                res['outputs'][name] = {'status': 'undefined', 'why': 'a data-dependent error where an index may skip it', 'root': root}
            else:
                res['outputs'][name] = {'status': 'error', 'type': type(e).__name__, 'message': str(e)[:300], 'root': root}
        except Exception as e:  # noqa: BLE001
            res['outputs'][name] = {'status': 'error', 'type': type(e).__name__, 'message': str(e)[:300], 'root': root}
    return res


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            ans = {'jobs': [run_job(j) for j in req['jobs']]}
        except Exception:  # noqa: BLE001
            ans = {'fatal': traceback.format_exc()}
        sys.stdout.write(json.dumps(ans) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
