/**
 * Bag programs (map, filter, fold, foldby, groupby, frequencies, ... with the user's functions)
 * run in the worker threads, against Python (Debian's python3) doing the same over the whole
 * sequence: generated pipelines over generated integer sequences, at any partitioning and on 1
 * and 2 workers; text lines as dask.bag.read_text gives them, at several blocksizes and gzip;
 * and the errors a user meets (a throwing function with its item, partition and task, a missing
 * function before any task runs, a type Python would refuse, an empty reduction).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import type { TesseraError } from '../dist/src-main/engine/errors.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { type JobResult, runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir } from './helpers/engine.js';

const PYTHON = '/usr/bin/python3';

/** The user's functions, with Python's % (the twins in TWINS below). */
const MODULE = `
const mod = (a, b) => ((a % b) + b) % b;
export const double = (x) => 2 * x;
export const inc = (x) => x + 1;
export const neg = (x) => -x;
export const isEven = (x) => mod(x, 2) === 0;
export const mod3 = (x) => mod(x, 3);
export const add = (a, b) => a + b;
export const maxOf = (a, b) => Math.max(a, b);
export const pair = (x) => [mod(x, 3), x];
export const sumList = (xs) => xs.reduce((a, b) => a + b, 0);
export const evens = (xs) => xs.filter((x) => mod(x, 2) === 0);
export const asyncDouble = async (x) => 2 * x;
export const boom = (x) => { if (x === 7) throw new Error('seven is not allowed'); return x; };
export const addSecond = (acc, p) => acc + p[1];
export const lengths = (xs) => [xs.length];
export const isOver15 = (x) => x > 15;
export const concatLists = (ls) => ls.flat();
export const maxList = (xs) => Math.max(...xs);
export const join = (a, b) => a + b;
export const csvFields = (line) => line.trimEnd().split(',');
`;

const TWINS = `
import collections, functools, heapq, json, operator, statistics, sys
F = {'double': lambda x: 2 * x, 'inc': lambda x: x + 1, 'neg': lambda x: -x, 'isEven': lambda x: x % 2 == 0,
     'mod3': lambda x: x % 3, 'add': operator.add, 'maxOf': max, 'pair': lambda x: [x % 3, x], 'asyncDouble': lambda x: 2 * x}
def step(xs, s):
    op, fn = s.split('(')[0], s.split('(')[1].rstrip(')')
    if op == 'map': return [F[fn](x) for x in xs]
    if op == 'filter': return [x for x in xs if F[fn](x)]
    if op == 'remove': return [x for x in xs if not F[fn](x)]
    if op == 'map_partitions': return [x for x in xs if x % 2 == 0]
def first_seen(pairs, binop, initial):
    out = {}
    for k, x in pairs: out[k] = binop(out[k], x) if k in out else binop(initial, x)
    return [[k, v] for k, v in out.items()]
def terminal(xs, t):
    if t == '': return xs
    if t == '.count()': return len(xs)
    if t == '.sum()': return sum(xs)
    if t == '.min()': return min(xs)
    if t == '.max()': return max(xs)
    if t == '.mean()': return statistics.fmean(xs)
    if t == '.std()': return statistics.pstdev(xs)
    if t == '.var(ddof=1)': return statistics.variance(xs)
    if t == '.frequencies()': return [list(p) for p in collections.Counter(xs).most_common()]
    if t == '.map(mod3).frequencies()': return [list(p) for p in collections.Counter(x % 3 for x in xs).most_common()]
    if t == '.distinct()': return list(dict.fromkeys(xs))
    if t == '.topk(3)': return heapq.nlargest(3, xs)
    if t == '.topk(2, key=neg)': return heapq.nlargest(2, xs, key=lambda x: -x)
    if t == '.take(4, npartitions=-1)': return xs[:4]
    if t == '.fold(add, initial=0)': return sum(xs)
    if t == '.fold(maxOf)': return functools.reduce(max, xs)
    if t == '.foldby(mod3, add, 0)': return first_seen(((x % 3, x) for x in xs), operator.add, 0)
    if t == '.groupby(mod3)':
        g = {}
        for x in xs: g.setdefault(x % 3, []).append(x)
        return [[k, v] for k, v in g.items()]
    if t == '.all()': return all(xs)
    if t == '.any()': return any(xs)
    if t == '.map(mod3).frequencies().topk(2, key=1)': return [list(p) for p in heapq.nlargest(2, collections.Counter(x % 3 for x in xs).most_common(), key=operator.itemgetter(1))]
    if t == '.distinct().count()': return len(set(xs))
    if t == '.reduction(sumList, sumList)': return sum(xs)
    if t == '.map(pair).pluck(1).sum()': return sum(xs)
    if t == '.map(pair).foldby(0, addSecond, 0, add)': return first_seen(((x % 3, x) for x in xs), operator.add, 0)
    raise ValueError(t)
out = []
for case in json.load(sys.stdin):
    xs = case['items']
    for s in case['steps']: xs = step(xs, s)
    try: out.append({'value': terminal(xs, case['terminal'])})
    except (ValueError, TypeError, statistics.StatisticsError) as e: out.append({'error': type(e).__name__})
print(json.dumps(out))
`;

const STEPS = ['map(double)', 'map(inc)', 'map(neg)', 'filter(isEven)', 'remove(isEven)', 'map(asyncDouble)', 'map_partitions(evens)'];
const TERMINALS = ['', '.count()', '.sum()', '.min()', '.max()', '.mean()', '.std()', '.var(ddof=1)', '.frequencies()', '.map(mod3).frequencies()',
  '.distinct()', '.topk(3)', '.topk(2, key=neg)', '.take(4, npartitions=-1)', '.fold(add, initial=0)', '.fold(maxOf)', '.foldby(mod3, add, 0)',
  '.groupby(mod3)', '.all()', '.any()', '.map(mod3).frequencies().topk(2, key=1)', '.distinct().count()', '.reduction(sumList, sumList)',
  '.map(pair).pluck(1).sum()', '.map(pair).foldby(0, addSecond, 0, add)'];

interface Case { items: number[]; npartitions: number; steps: string[]; terminal: string; workers: 1 | 2 }

function valueOf(r: JobResult, name: string): unknown {
  const o = r.outputs.find((x) => x.name === name)!;
  return o.kind === 'list' ? o.values : 'value' in o ? o.value : undefined;
}

describe('bag programs', () => {
  let one: Engine;
  let two: Engine;
  const dir = tempDir('tessera-bag-programs-');
  beforeAll(async () => {
    [one, two] = await Promise.all([Engine.start({ workers: 1 }), Engine.start({ workers: 2 })]);
    writeFileSync(join(dir, 'fns.mjs'), MODULE);
  });
  afterAll(async () => { await Promise.all([one.close(), two.close()]); });

  async function run(engine: Engine, datasets: Record<string, unknown>, outputs: Record<string, string>, opts: { functions?: boolean; userCode?: boolean } = {}): Promise<JobResult> {
    const spec = validateSpec({ tessera: 1, ...(opts.functions === false ? {} : { functions: 'fns.mjs' }), datasets, outputs });
    return runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir, { userCode: opts.userCode ?? true }), { outDir: join(dir, 'out') });
  }

  it('generated pipelines equal Python over the whole sequence, at any partitioning and worker count', async () => {
    const cases: Case[] = fc.sample(fc.record({
      items: fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 50 }),
      npartitions: fc.integer({ min: 1, max: 7 }),
      steps: fc.array(fc.constantFrom(...STEPS), { maxLength: 3 }),
      terminal: fc.constantFrom(...TERMINALS),
      workers: fc.constantFrom(1 as const, 2 as const),
    }), { numRuns: 120, seed: 20261128 });
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', TWINS], { input: JSON.stringify(cases), encoding: 'utf8' })) as ({ value: unknown } | { error: string })[];
    for (const [i, c] of cases.entries()) {
      const chain = `xs${c.steps.map((s) => `.${s}`).join('')}${c.terminal}`;
      const where = `case ${i}: ${chain} over ${JSON.stringify(c.items)} in ${c.npartitions} partitions on ${c.workers} workers`;
      const got = await run(c.workers === 1 ? one : two, { xs: { sequence: c.items, npartitions: c.npartitions } }, { r: chain }).then((r) => ({ value: valueOf(r, 'r') }), (e: TesseraError) => ({ error: e.code }));
      const want = expected[i];
      if ('error' in want) {
        expect('error' in got ? got.error : got, where).toMatch(/^BAG_(EMPTY|TYPE_ERROR)$/);
      } else if (typeof want.value === 'number' && /mean|std|var/.test(c.terminal)) {
        // Welford's moments and Python's exact statistics agree to rounding, not to the bit.
        expect('value' in got, where).toBe(true);
        expect((got as { value: number }).value, where).toBeCloseTo(want.value, 9);
      } else {
        expect(got, where).toEqual(want);
      }
    }
  });

  it('text lines are dask.bag.read_text\'s (with their newline), the same at any blocksize, plain, gzip, bzip2 and zstd', async () => {
    const words = ['alpha', 'Beta', 'GAMMA', 'délta', 'ΣΟΦΙΑ', 'straße', '', '  padded  ', 'x,y', 'a,b,c'];
    const gen = fc.array(fc.tuple(fc.array(fc.constantFrom(...words), { maxLength: 6 }), fc.constantFrom('\n', '\r\n')), { minLength: 200, maxLength: 600 });
    const files = fc.sample(gen, { numRuns: 3, seed: 7 }).map((lines, k) => {
      const text = lines.map(([ws, nl]) => ws.join(' ') + nl).join('') + (k === 1 ? 'no newline at the end' : '');
      const path = join(dir, `text-${k}.txt`);
      writeFileSync(path, text);
      return path;
    });
    const gz = join(dir, 'text-0.txt.gz');
    writeFileSync(gz, gzipSync(readFileSync(files[0])));
    // Two streams (bzip2) and two frames (zstd) in one file, as cat a.bz2 b.bz2 makes: both read.
    const packed = (tool: string, ext: string) => {
      const path = join(dir, `text-01.txt.${ext}`);
      writeFileSync(path, Buffer.concat(files.slice(0, 2).map((f) => execFileSync(tool, ['-c', '-q', f]))));
      return path;
    };
    const bz2 = packed('bzip2', 'bz2');
    const zst = packed('zstd', 'zst');
    const outputs = {
      lines: 't.count()',
      chars: 't.map(len).sum()',
      nonblank: 't.str.strip().filter(len).count()',
      fields: "t.str.strip().str.lower().str.split(',').flatten().frequencies()",
      first: 't.str.rstrip().take(5, npartitions=-1)',
      distinct: 't.distinct().count()',
      parsed: 't.map(csvFields).pluck(0, default="").frequencies().topk(3, key=1)',
    };
    const oracle = `
import collections, heapq, json, operator, sys, gzip
lines = []
for f in sys.argv[1:]:
    data = gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()
    import io
    lines += [l.decode('utf-8') for l in io.BytesIO(data).readlines()]
fields = collections.Counter(w for l in lines for w in l.strip().lower().split(','))
parsed = collections.Counter(l.rstrip().split(',')[0] for l in lines)
print(json.dumps({'lines': len(lines), 'chars': sum(len(l) for l in lines), 'nonblank': sum(1 for l in lines if l.strip()),
  'fields': [list(p) for p in fields.most_common()], 'first': [l.rstrip() for l in lines[:5]], 'distinct': len(set(lines)),
  'parsed': [list(p) for p in heapq.nlargest(3, parsed.most_common(), key=operator.itemgetter(1))]}))`;
    for (const [path, expectFiles] of [[join(dir, 'text-*.txt'), files], [gz, [gz]], [bz2, files.slice(0, 2)], [zst, files.slice(0, 2)]] as const) {
      const want = JSON.parse(execFileSync(PYTHON, ['-c', oracle, ...expectFiles], { encoding: 'utf8' }));
      for (const blocksize of ['1KiB', '4KiB', '16MiB']) {
        for (const engine of [one, two]) {
          const r = await run(engine, { t: { text: path, blocksize } }, outputs);
          const got = Object.fromEntries(Object.keys(outputs).map((n) => [n, valueOf(r, n)]));
          expect(got, `${path} at ${blocksize} on ${engine.workers} workers`).toEqual(want);
        }
      }
    }
  });

  it('a truncated compressed file is a typed error naming it', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join('');
    writeFileSync(join(dir, 'whole.txt'), text);
    for (const [tool, ext, code] of [['gzip', 'gz', 'TEXT_BAD_GZIP'], ['bzip2', 'bz2', 'TEXT_BAD_BZ2'], ['zstd', 'zst', 'TEXT_BAD_ZSTD']]) {
      const full = execFileSync(tool, ['-c', '-q', join(dir, 'whole.txt')]);
      const path = join(dir, `cut.txt.${ext}`);
      writeFileSync(path, full.subarray(0, full.length - 20));
      for (const output of ['t.count()', 't.str.split().flatten().count()']) {
        const err = await run(two, { t: { text: path } }, { r: output }).catch((e) => e) as TesseraError;
        expect(err.code, `${ext} ${output}`).toBe(code);
        expect(err.message).toContain(path);
      }
    }
  });

  it('a throwing function fails its task with its message, the item, the partition and its stack; the next job runs', async () => {
    const err = await run(two, { xs: { range: 20, npartitions: 4 } }, { r: 'xs.map(boom).sum()' }).catch((e) => e) as TesseraError;
    expect(err.code).toBe('USER_FUNCTION_FAILED');
    expect(err.message).toBe(`boom (${join(dir, 'fns.mjs')}) threw on 7 (partition 1 (5 to 9)): seven is not allowed`);
    expect(err.task).toBe('bag-r:1');
    expect(err.userStack).toMatch(/fns\.mjs[^:]*:14:/);
    const after = await run(two, { xs: { range: 20, npartitions: 4 } }, { r: 'xs.filter(isEven).map(boom).sum()' });
    expect(valueOf(after, 'r')).toBe(90);
  });

  it('a missing function fails before any task runs; without a module, only builtins run (and run in a window\'s job)', async () => {
    let started = 0;
    const missing = await runBuiltJob(new LocalBackend(two), await buildJob(validateSpec({ tessera: 1, functions: 'fns.mjs', datasets: { xs: { range: 5 } }, outputs: { r: 'xs.map(nope).sum()' } }), dir, { userCode: true }),
      { outDir: join(dir, 'out'), onGraph: () => { started++; } }).catch((e) => e) as TesseraError;
    expect(missing.code).toBe('USER_FUNCTION_NOT_FOUND');
    expect(missing.message).toContain("no exported function 'nope'");
    expect(missing.hint).toContain('double');
    expect(started).toBe(0); // the job's graph never started
    const noModule = await run(two, { xs: { range: 5 } }, { r: 'xs.map(double).sum()' }, { functions: false }).catch((e) => e) as TesseraError;
    expect(noModule.code).toBe('USER_FUNCTION_NOT_FOUND');
    const builtins = await run(two, { s: { sequence: ['1', ' 2 ', '3\n', 'x'] } }, { r: 's.filter(len).count()', n: 's.str.strip().str.startswith("x").any()' }, { functions: false, userCode: false });
    expect(valueOf(builtins, 'r')).toBe(4);
    expect(valueOf(builtins, 'n')).toBe(true);
    const ints = await run(two, { s: { sequence: ['1', ' 2 ', '3\n'] } }, { r: 's.map(int).sum()', j: 's.map(json.loads).max()' }, { functions: false, userCode: false });
    expect(valueOf(ints, 'r')).toBe(6);
    expect(valueOf(ints, 'j')).toBe(3);
  });

  it('values Python would refuse are typed errors; empty reductions say so; a lambda is a syntax error at its place', async () => {
    const typeErr = await run(two, { s: { sequence: [1, 'a'] } }, { r: 's.str.lower()' }).catch((e) => e) as TesseraError;
    expect(typeErr.code).toBe('BAG_TYPE_ERROR');
    expect(typeErr.message).toContain('str.lower() needs strings, got int 1');
    const sumErr = await run(two, { s: { sequence: ['a'] } }, { r: 's.sum()' }).catch((e) => e) as TesseraError;
    expect(sumErr.code).toBe('BAG_TYPE_ERROR');
    const empty = await run(two, { s: { sequence: [1, 3] } }, { r: 's.filter(isEven).max()' }).catch((e) => e) as TesseraError;
    expect(empty.code).toBe('BAG_EMPTY');
    const lambda = await run(two, { s: { sequence: [1] } }, { r: 's.map(lambda x: x)' }).catch((e) => e) as TesseraError;
    expect(lambda.code).toBe('SYNTAX_ERROR');
    const after = await run(two, { s: { sequence: [1] } }, { r: 's.count().sum()' }).catch((e) => e) as TesseraError;
    expect(after.code).toBe('BAG_UNSUPPORTED');
    expect(after.position).toMatchObject({ output: 'r' });
  });

  it('follows dask where it is particular: the initial value of fold per partition only, reduction skipping empty partitions, take stopping early', async () => {
    const py = (code: string) => JSON.parse(execFileSync(PYTHON, ['-c', `import functools, operator, json\nprint(json.dumps(${code}))`], { encoding: 'utf8' }));
    for (const npartitions of [1, 3]) {
      const r = await run(two, { xs: { range: 4, npartitions }, s: { sequence: ['a', 'b', 'c'], npartitions } }, { f: 'xs.fold(add, initial=10)', g: 's.fold(join, initial="-")' });
      // dask: reduce(binop, partition, initial) per partition, then reduce(combine, partials).
      const parts = npartitions === 1 ? [[0, 1, 2, 3]] : [[0], [1], [2, 3]];
      expect(valueOf(r, 'f')).toBe(py(`functools.reduce(operator.add, [functools.reduce(operator.add, p, 10) for p in ${JSON.stringify(parts)}])`));
      expect(valueOf(r, 'g')).toBe(npartitions === 1 ? '-abc' : '-a-b-c');
    }
    const big = await run(two, { xs: { range: 20, npartitions: 4 } }, { r: 'xs.filter(isEven).filter(isOver15).reduction(lengths, concatLists)', m: 'xs.filter(isOver15).reduction(maxList, maxList)' });
    expect(valueOf(big, 'r')).toEqual([2]); // only the last partition has items: one partial, as dask's
    expect(valueOf(big, 'm')).toBe(19);
    const take = await run(two, { s: { sequence: ['1', '2', '3', 'oops'], npartitions: 1 } }, { r: 's.map(json.loads).take(2)' });
    expect(valueOf(take, 'r')).toEqual([1, 2]);
    const quirks = await run(two, { n: { sequence: ['nan', '0', '1'] }, s: { sequence: ['ab', 'x😀'] }, h: { sequence: [0.5, 0.5] } }, {
      t: 'n.map(float).filter(bool).count()', r: 's.str.replace("", "-")', h: 'h.sum()',
    });
    expect(valueOf(quirks, 't')).toBe(2); // nan is true, as in Python
    expect(valueOf(quirks, 'r')).toEqual(['-a-b-', '-x-😀-']);
    expect(quirks.outputs.find((o) => o.name === 'h')).toMatchObject({ kind: 'scalar', dtype: 'float64', value: 1 });
    const extra = await run(two, { s: { sequence: ['10'] } }, { r: 's.map(int, 2).sum()' }).catch((e) => e) as TesseraError;
    expect(extra.code).toBe('BAD_ARGUMENTS');
  });

  it('two datasets over one file at different blocksizes keep their own partitions', async () => {
    const file = join(dir, 'lines.txt');
    writeFileSync(file, Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join(''));
    const r = await run(two, { a: { text: file, blocksize: '4KiB' }, b: { text: file, blocksize: '16KiB' } }, { a: 'a.reduction(lengths, concatLists)', b: 'b.reduction(lengths, concatLists)' });
    const a = valueOf(r, 'a') as number[];
    const b = valueOf(r, 'b') as number[];
    expect([a.length, b.length]).toEqual([Math.ceil(readFileSync(file).length / 4096), Math.ceil(readFileSync(file).length / 16384)]);
    expect([a.reduce((x, y) => x + y), b.reduce((x, y) => x + y)]).toEqual([3000, 3000]);
  });

  it('take reads only its leading partitions; a long list goes to a JSON-lines file; outputs share their partition tasks', async () => {
    const r = await run(two, { xs: { range: 100_000, npartitions: 8 } }, {
      head: 'xs.take(3)', all: 'xs.map(double)', total: 'xs.map(double).sum()', f: 'xs.map(mod3).frequencies()', ft: 'xs.map(mod3).frequencies().topk(1, key=1)',
    });
    expect(valueOf(r, 'head')).toEqual([0, 1, 2]);
    const all = r.outputs.find((o) => o.name === 'all') as { count: number; path: string };
    expect(all.count).toBe(100_000);
    const lines = readFileSync(all.path, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(100_000);
    expect(lines[99_999]).toBe('199998');
    expect(valueOf(r, 'total')).toBe(9_999_900_000);
    expect(valueOf(r, 'f')).toEqual([[0, 33_334], [1, 33_333], [2, 33_333]]);
    expect(valueOf(r, 'ft')).toEqual([[0, 33_334]]);
    const layer = (name: string) => r.layers.find((l) => l.name === name);
    expect(layer('bag-head')!.tasks).toBe(1);
    expect(layer('bag-total')!.tasks).toBe(8);
    expect(layer('bag-f')!.tasks).toBe(8);
    expect(layer('bag-ft')).toBeUndefined(); // its partials are f's
    expect(r.stats.tasks).toBe((1 + 1) + 3 * (8 + 1) + 1); // a root over 8 partials is one task; ft's root reads f's partials
  });
});
