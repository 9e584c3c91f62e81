/**
 * np.fft (ADR 0038): fft, ifft, rfft, irfft and their 2-D and N-D forms, fftfreq, rfftfreq,
 * fftshift and ifftshift, with numpy 2's arguments (n or s, axis or axes, norm) and dtypes
 * (float32 and complex64 inputs give complex64; every other input complex128 or float64).
 *
 * A 1-D transform along an axis, as dask.array does it: the axis is moved last and made one chunk
 * (each task then transforms whole lines; the other axes keep their chunks), the fft task runs per
 * chunk (native/kernels/fft.h), and the axis is moved back. An N-D transform is 1-D transforms over
 * its axes in turn (numpy's order: the real one, rfftn's, is the last axis).
 */
import { TesseraError } from '../../engine/errors.js';
import { arange } from './creation.js';
import { elementwise, normalizeAxes, rechunk, scalar, transpose, concatenate } from './build.js';
import { fromReal, logicalShape } from './complex.js';
import type { ExprContext, FftNode, Node } from './expr.js';
import { pad, roll } from './shape-functions.js';

export type FftNorm = 'backward' | 'ortho' | 'forward';
/** A value and whether it is complex pairs (complex.ts). */
export interface Spectral { node: Node; complex: boolean }

type Fn = FftNode['fn'];

/** Every output multiplied by this (numpy's norm: the backward transform divides by n by default). */
function scaleFor(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  return (norm === 'forward') !== inverse ? 1 / n : 1;
}

export function checkNorm(norm: string | null): FftNorm {
  if (norm === null || norm === 'backward' || norm === 'ortho' || norm === 'forward') return norm ?? 'backward';
  throw new TesseraError('VALUE_ERROR', `Invalid norm value ${norm}; should be "backward","ortho" or "forward".`, 'leave norm out, or give one of those');
}

/** The float dtype a real input is transformed in: float32 stays, anything else float64. */
function floatOf(x: Node): 'float32' | 'float64' {
  return x.dtype === 'float32' ? 'float32' : 'float64';
}

/** The longest transform here: a line of 2^27 complex values (2 GiB), with its plan's workspace. */
const MAX_LENGTH = 2 ** 27;

/** One 1-D transform of `x` along logical axis `axis` (normalised), the axis made `n` long (cropped or zero-padded). */
function along(ctx: ExprContext, x: Spectral, fn0: Fn, axis: number, n: number, norm: FftNorm): Spectral {
  if (!Number.isInteger(n) || n < 1) throw new TesseraError('VALUE_ERROR', `Invalid number of FFT data points (${n}) specified.`, 'give n of 1 or more');
  if (n > MAX_LENGTH) throw new TesseraError('UNSUPPORTED', `a transform of ${n} points is longer than this engine computes (${MAX_LENGTH})`, 'transform shorter lines');
  let input = x.node;
  // A real line's whole spectrum straight from its values (no pairs made of it first); c2r reads pairs.
  const fn: Fn = x.complex ? fn0 : fn0 === 'c2c' ? 'r2c_full' : fn0 === 'c2c_inverse' ? 'r2c_full_inverse' : fn0;
  if (!x.complex && fn === 'c2r') input = fromReal(ctx, input, floatOf(input));
  else if (!x.complex && input.dtype !== floatOf(input)) input = elementwise(ctx, `astype_${floatOf(input)}`, [input]);
  const complexIn = fn === 'c2c' || fn === 'c2c_inverse' || fn === 'c2r';
  const nd = input.shape.length - (complexIn ? 1 : 0);
  const order = [...[...Array(nd).keys()].filter((d) => d !== axis), axis];
  let moved = order.every((d, i) => d === i) ? input : transpose(ctx, input, complexIn ? [...order, nd] : order);
  // A longer transform zero-pads the line here, so a task never makes more than its input holds
  // (c2r reads n/2 + 1 values).
  const need = fn === 'c2r' ? Math.floor(n / 2) + 1 : n;
  const have = moved.shape[nd - 1];
  if (need > have) moved = pad(ctx, moved, moved.shape.map((_, d): [number, number] => [0, d === nd - 1 ? need - have : 0]), 'constant', scalar(ctx, 0, 'int'));
  // The transformed axis (and the pairs) one chunk; the other axes keep theirs.
  const grid = moved.grid.map((g, d) => (d >= nd - 1 ? [moved.shape[d]] : g));
  const whole = grid.every((g, d) => g.length === moved.grid[d].length) ? moved : rechunk(ctx, moved, grid);
  const nOut = fn === 'r2c' ? Math.floor(n / 2) + 1 : n;
  const complexOut = fn !== 'c2r';
  const shape = [...whole.shape.slice(0, nd - 1), nOut, ...(complexOut ? [2] : [])];
  const outGrid = [...whole.grid.slice(0, nd - 1), [nOut], ...(complexOut ? [[2]] : [])];
  const scale = scaleFor(norm, n, fn === 'c2c_inverse' || fn === 'c2r' || fn === 'r2c_full_inverse');
  const node = ctx.intern<FftNode>({ op: 'fft', fn, n, scale, input: whole, shape, dtype: whole.dtype, weak: null, grid: outGrid }, [fn, n, scale]);
  // Back where the axis was.
  const back = order.map((_, d) => order.indexOf(d));
  const restored = order.every((d, i) => d === i) ? node : transpose(ctx, node, complexOut ? [...back, nd] : back);
  return { node: restored, complex: complexOut };
}

/** The length a 1-D transform's axis has in its input. */
function lengthOf(x: Spectral, axis: number): number {
  return (x.complex ? logicalShape(x.node) : x.node.shape)[axis];
}

function ndimOf(x: Spectral): number {
  return x.complex ? x.node.shape.length - 1 : x.node.shape.length;
}

/** fft, ifft, rfft, irfft: n (null: the axis's length, irfft's 2 * (m - 1)), axis. */
export function fft1(ctx: ExprContext, name: 'fft' | 'ifft' | 'rfft' | 'irfft', x: Spectral, n: number | null, axis: number, norm: FftNorm): Spectral {
  if (name === 'rfft' && x.complex) throw new TesseraError('TYPE_ERROR', 'rfft takes a real array', 'take .real first, or use fft');
  const nd = ndimOf(x);
  if (nd === 0) throw new TesseraError('AXIS_ERROR', `axis ${axis} is out of bounds for array of dimension 0`, 'give an array of one dimension or more');
  const ax = normalizeAxes(axis, nd)[0];
  const m = lengthOf(x, ax);
  const len = n ?? (name === 'irfft' ? 2 * (m - 1) : m);
  const fn: Fn = name === 'fft' ? 'c2c' : name === 'ifft' ? 'c2c_inverse' : name === 'rfft' ? 'r2c' : 'c2r';
  return along(ctx, x, fn, ax, len, norm);
}

/**
 * fftn/ifftn/rfftn/irfftn (fft2 and kin: axes (-2, -1)): `s` the lengths per axis (null: as the
 * input, the last of irfftn 2 * (m - 1)), `axes` (null: the last len(s) axes, or all).
 */
export function fftn(ctx: ExprContext, name: 'fftn' | 'ifftn' | 'rfftn' | 'irfftn', x: Spectral, s: (number | null)[] | null, axes0: number[] | null, norm: FftNorm): Spectral {
  if (name === 'rfftn' && x.complex) throw new TesseraError('TYPE_ERROR', 'rfftn takes a real array', 'take .real first, or use fftn');
  const nd = ndimOf(x);
  // In the order given (the real transform is the last axis named), each normalised.
  const axes = (axes0 ?? (s === null ? [...Array(nd).keys()] : [...Array(s.length).keys()].map((i) => i - s.length))).map((a) => normalizeAxes(a, nd)[0]);
  if (s !== null && s.length !== axes.length) throw new TesseraError('VALUE_ERROR', 'Shape and axes have different lengths.', 'give one length in s per axis');
  if (!axes.length) return x; // numpy: no axes, nothing transformed
  if (new Set(axes).size !== axes.length && (name === 'rfftn' || name === 'irfftn')) throw new TesseraError('VALUE_ERROR', 'repeated axes are not supported for real transforms here', 'give each axis once');
  const last = axes.length - 1;
  // An s of -1 (or None) is the axis's own length (irfftn's last: 2 (m - 1) for None, m for -1), as numpy 2.
  const lengths = axes.map((ax, i) => (s !== null && s[i] !== null && s[i] !== -1 ? s[i] : name === 'irfftn' && i === last && (s === null || s[i] === null) ? 2 * (lengthOf(x, ax) - 1) : lengthOf(x, ax)));
  let v = x;
  if (name === 'rfftn') {
    v = along(ctx, v, 'r2c', axes[last], lengths[last], norm);
    for (let i = last - 1; i >= 0; i--) v = along(ctx, v, 'c2c', axes[i], lengths[i], norm);
    return v;
  }
  if (name === 'irfftn') {
    for (let i = 0; i < last; i++) v = along(ctx, v, 'c2c_inverse', axes[i], lengths[i], norm);
    return along(ctx, v, 'c2r', axes[last], lengths[last], norm);
  }
  // numpy transforms the axes last to first.
  for (let i = last; i >= 0; i--) v = along(ctx, v, name === 'fftn' ? 'c2c' : 'c2c_inverse', axes[i], lengths[i], norm);
  return v;
}

/** fftfreq(n, d) and rfftfreq(n, d): numpy's integers times 1 / (n * d), float64. */
export function fftfreq(ctx: ExprContext, name: 'fftfreq' | 'rfftfreq', n: number, d: number): Node {
  if (!Number.isInteger(n) || n < 1) throw new TesseraError('VALUE_ERROR', `n should be an integer greater than 0, got ${n}`, '');
  if (d === 0) throw new TesseraError('ZERO_DIVISION', 'float division by zero', 'give a sample spacing d other than 0');
  const val = scalar(ctx, 1 / (n * d), 'float');
  if (name === 'rfftfreq') return elementwise(ctx, 'multiply', [arange(ctx, 0, Math.floor(n / 2) + 1, 1, 'int64'), val]);
  const N = Math.floor((n - 1) / 2) + 1;
  const ints = concatenate(ctx, [arange(ctx, 0, N, 1, 'int64'), ...(n - N > 0 ? [arange(ctx, -Math.floor(n / 2), 0, 1, 'int64')] : [])], 0);
  return elementwise(ctx, 'multiply', [ints, val]);
}

/** fftshift / ifftshift: a roll by half of each axis (all, or `axes`), forward or back. */
export function fftshift(ctx: ExprContext, name: 'fftshift' | 'ifftshift', x: Spectral, axes0: number | number[] | null): Spectral {
  const shape = x.complex ? logicalShape(x.node) : x.node.shape;
  // Each axis in its place (a repeated axis rolls twice, as numpy's roll).
  const axes = axes0 === null ? [...shape.keys()] : (Array.isArray(axes0) ? axes0 : [axes0]).map((a) => normalizeAxes(a, shape.length)[0]);
  const shifts = axes.map((a) => (name === 'fftshift' ? 1 : -1) * Math.floor(shape[a] / 2));
  return { node: roll(ctx, x.node, shifts, axes), complex: x.complex };
}
