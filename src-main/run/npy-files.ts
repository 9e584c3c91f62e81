/**
 * A folder or glob of .npy files as one array (dask's `da.stack` / `da.concatenate` over
 * `da.from_array` of each file): `{"npy": "frames/*.npy", "stack": 0}` stacks them along a new
 * axis, `"concatenate": 0` joins them along an existing one. The files are read in name order
 * (as `sorted(glob(...))` gives them), must share one dtype (and one shape, or all but the
 * concatenation axis), and each is one chunk unless the dataset's `chunks` say otherwise (then the
 * joined array is rechunked to them).
 */
import { statSync } from 'node:fs';
import { concatenate, rechunk, stack } from '../collections/array/build.js';
import { normalizeChunks, type ChunksSpec } from '../collections/array/chunks.js';
import { npyArray } from '../collections/array/creation.js';
import { complexSource } from '../collections/array/complex-sources.js';
import { complexDtype, itemsize } from '../collections/array/dtype.js';
import type { ExprContext, Node } from '../collections/array/expr.js';
import { readNpyInfo } from '../collections/array/files.js';
import { TesseraError } from '../engine/errors.js';
import { inputFiles } from '../engine/input-paths.js';

const NPY_FILES = { folderFiles: /\.npy$/i, what: '.npy files', folderHint: 'a folder is read as its .npy files' };

/** Whether a path names several files (a pattern with * or ?, or a folder): a dataset must then say how to join them. */
export function namesSeveral(path: string): 'pattern' | 'folder' | null {
  if (/[*?]/.test(path)) return 'pattern';
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ? 'folder' : null;
}

/** Whether a dataset joins several .npy files (it names how: "stack" or "concatenate"). */
export function isNpyJoin(d: Record<string, unknown>): boolean {
  return 'npy' in d && ('stack' in d || 'concatenate' in d);
}

/**
 * The joined array of the files `path` names (a folder, a glob or one file), each checked readable.
 * `d` is the dataset: its "stack" or "concatenate" axis and its "chunks".
 */
export async function npyJoin(ctx: ExprContext, path: string, d: Record<string, unknown>, readable?: (path: string) => Promise<void>): Promise<Node> {
  if ('stack' in d && 'concatenate' in d) throw new TesseraError('BAD_SPEC', 'a dataset may "stack" its .npy files or "concatenate" them, not both', 'keep one of the two keys');
  const how = 'stack' in d ? 'stack' : 'concatenate';
  const axis = d[how];
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new TesseraError('BAD_SPEC', `"${how}" must be an axis (an integer), not ${JSON.stringify(axis)}`, `for example "${how}": 0`);
  const files = await inputFiles(path, NPY_FILES);
  for (const f of files) await readable?.(f);
  const infos = await Promise.all(files.map((f) => readNpyInfo(f)));
  const first = infos[0];
  for (const info of infos) {
    if (info.dtype !== first.dtype || info.complex !== first.complex) {
      throw new TesseraError('BAD_DATASET', `${info.path} holds ${dtypeOf(info)}, but ${first.path} holds ${dtypeOf(first)}`, 'the files of one array must share their dtype: convert the odd ones, or name them apart');
    }
    const differs = info.shape.length !== first.shape.length || info.shape.some((n, k) => n !== first.shape[k] && !(how === 'concatenate' && k === normalizedAxis(axis, first.shape.length)));
    if (differs) {
      throw new TesseraError('SHAPE_MISMATCH', `${info.path} has shape (${info.shape.join(', ')}), but ${first.path} has (${first.shape.join(', ')})`,
        how === 'stack' ? 'stacked files must all have one shape' : `concatenated files may differ only along axis ${axis}`);
    }
  }
  // Each file one chunk: the whole file.
  const parts = infos.map((info) => npyArray(ctx, info, info.shape.map(() => -1)));
  const chunks = d.chunks as ChunksSpec | undefined;
  if (first.complex) {
    // Complex pairs: the axis counts the values' axes (a negative one from the end of those), the pair axis stays last.
    const nd = first.shape.length + (how === 'stack' ? 1 : 0);
    const at = axis < 0 && axis >= -nd ? axis + nd : axis;
    if (at < 0 || at >= nd) throw new TesseraError('AXIS_ERROR', `axis ${axis} is out of bounds for the ${nd}-dimensional joined array`, `give an axis from ${-nd} to ${nd - 1}`);
    const joined = how === 'stack' ? stack(ctx, parts, at) : concatenate(ctx, parts, at);
    const values = joined.shape.slice(0, -1);
    return complexSource(chunks === undefined ? joined : rechunk(ctx, joined, [...normalizeChunks(chunks, values, 2 * itemsize(joined.dtype)), [2]]));
  }
  const joined = how === 'stack' ? stack(ctx, parts, axis) : concatenate(ctx, parts, axis);
  return chunks === undefined ? joined : rechunk(ctx, joined, normalizeChunks(chunks, joined.shape, itemsize(joined.dtype)));
}

/** A file's dtype as numpy names it. */
function dtypeOf(info: { dtype: string; complex: boolean }): string {
  return info.complex ? complexDtype(info.dtype) : info.dtype;
}

/** The axis as an index (concatenate's, for the shape check; concatenate() itself refuses one out of range). */
function normalizedAxis(axis: number, nd: number): number {
  return axis < 0 ? axis + nd : axis;
}
