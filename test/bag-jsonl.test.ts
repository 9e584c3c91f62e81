/**
 * JSON-lines bags against Python (Debian's python3: json.loads per line, collections.Counter):
 * `pluck(...).frequencies()` and its top k, counts and distinct counts run natively in simdjson;
 * other chains parse records in the worker threads and run as programs. Generated records (Unicode
 * and escaped strings, 1 and 1.0, nested objects, lists, missing keys, blank and CRLF lines) in
 * several files and gzip, at several blocksizes and worker counts; malformed lines fail naming the
 * file and line, or are skipped when the dataset says so.
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

const MODULE = `
export const hasTags = (r) => Array.isArray(r.tags) && r.tags.length > 0;
export const userLength = (r) => [...r.user].length;
`;

const ORACLE = `
import collections, gzip, heapq, json, operator, sys
skip = sys.argv[1] == 'skip'
records = []
for f in sys.argv[2:]:
    data = gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()
    for line in data.split(b'\\n'):
        if not line.strip(): continue
        try: records.append(json.loads(line))
        except ValueError:
            if not skip: raise
most = lambda it, k=None: [list(p) for p in collections.Counter(it).most_common(k)]
print(json.dumps({
  'users': most(r['user'] for r in records),
  'top': most((r['user'] for r in records), 5),
  'values': most(r.get('value') for r in records),
  'x': most(r.get('nested', {}).get('x') for r in records),
  'n': len(records),
  'distinct': len(set(r['user'] for r in records)),
  'tagged': most(r['user'] for r in records if r.get('tags')),
  'lengths': sum(len(r['user']) for r in records),
  'firstTag': most((r.get('tags') or [None])[0] for r in records),
}))`;

const OUTPUTS = {
  users: "e.pluck('user').frequencies()",
  top: "e.pluck('user').frequencies().topk(5, key=1)",
  values: "e.pluck('value', default=None).frequencies()",
  x: "e.pluck('nested').pluck('x').frequencies()",
  n: 'e.count()',
  distinct: "e.pluck('user').distinct().count()",
  tagged: "e.filter(hasTags).pluck('user').frequencies()",
  lengths: 'e.map(userLength).sum()',
  firstTag: "e.pluck('tags', default=[None]).pluck(0, default=None).frequencies()",
};

function valueOf(r: JobResult, name: string): unknown {
  const o = r.outputs.find((x) => x.name === name)!;
  return o.kind === 'list' ? o.values : 'value' in o ? o.value : undefined;
}

describe('JSON-lines bags', () => {
  let one: Engine;
  let two: Engine;
  const dir = tempDir('tessera-jsonl-');
  beforeAll(async () => {
    [one, two] = await Promise.all([Engine.start({ workers: 1 }), Engine.start({ workers: 2 })]);
    writeFileSync(join(dir, 'fns.mjs'), MODULE);
  });
  afterAll(async () => { await Promise.all([one.close(), two.close()]); });

  async function run(engine: Engine, dataset: Record<string, unknown>, outputs: Record<string, string>): Promise<JobResult> {
    const spec = validateSpec({ tessera: 1, functions: 'fns.mjs', datasets: { e: dataset }, outputs });
    return runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir, { userCode: true }), { outDir: join(dir, 'out') });
  }

  const record = fc.record({
    id: fc.integer(),
    user: fc.constantFrom('ann', 'bob', 'cé', 'ΣΟΦΙΑ', 'd"q', 'e\\\\f', 'tab\t', '😀', 'x'),
    value: fc.option(fc.constantFrom(1, 2.5, -3, 0, 'one', null), { nil: undefined }), // not true: Python's Counter counts True as 1
    nested: fc.record({ x: fc.constantFrom(0, 1, 2, 'two') }),
    tags: fc.option(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }), { nil: undefined }),
  }, { requiredKeys: ['id', 'user', 'nested'] });

  it('equals Python over generated records at any blocksize, plain and gzip, natively and as programs, on 1 and 2 workers', async () => {
    const files = fc.sample(fc.array(fc.tuple(record, fc.constantFrom('\n', '\r\n', '\n\n')), { minLength: 50, maxLength: 400 }), { numRuns: 3, seed: 11 }).map((rows, k) => {
      // JSON.stringify writes 1.0 as 1: write some as 1.0, as Python's json.dumps would.
      const text = rows.map(([r, nl]) => JSON.stringify(r).replace(/"value":1(?=[,}])/, k === 0 ? '"value":1.0' : '"value":1') + nl).join('');
      const path = join(dir, `events-${k}.jsonl`);
      writeFileSync(path, text);
      return path;
    });
    const gz = join(dir, 'events-0.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(files[0])));
    for (const [path, expectFiles] of [[join(dir, 'events-*.jsonl'), files], [gz, [gz]]] as const) {
      const want = JSON.parse(execFileSync(PYTHON, ['-c', ORACLE, 'raise', ...expectFiles], { encoding: 'utf8' }));
      for (const blocksize of ['1KiB', '64KiB', '16MiB']) {
        for (const engine of [one, two]) {
          const r = await run(engine, { jsonl: path, blocksize }, OUTPUTS);
          const got = Object.fromEntries(Object.keys(OUTPUTS).map((n) => [n, valueOf(r, n)]));
          expect(got, `${path} at ${blocksize} on ${engine.workers} workers`).toEqual(want);
          const kinds = new Set(r.layers.map((l) => l.kind));
          expect(kinds.has('jsonl_count') && kinds.has('bag_partition')).toBe(true); // both paths ran
        }
      }
    }
  });

  it('is Python where JSON is particular: duplicate keys, string indices, big numbers, a default for the last key, raise and skip apart', async () => {
    const path = join(dir, 'particular.jsonl');
    writeFileSync(path, ['{"user": "x", "user": "y", "s": "😀ab", "n": 1e18, "a": {"b": 1}}', '{"user": "z", "s": "hé", "n": 1000000000000000000, "a": {}}', 'not json', ''].join('\n'));
    const r = await run(two, { jsonl: path, errors: 'skip' }, {
      users: "e.pluck('user').frequencies()", first: "e.pluck('s').pluck(0).frequencies()", last: "e.pluck('s').pluck(-1).frequencies()",
      n: "e.pluck('n').frequencies()", b: "e.pluck('a').pluck('b', default=None).frequencies()",
      firstProgram: "e.pluck('s').map(len).sum()",
    });
    expect(valueOf(r, 'users')).toEqual([['y', 1], ['z', 1]]);
    expect(valueOf(r, 'first')).toEqual([['😀', 1], ['h', 1]]);
    expect(valueOf(r, 'last')).toEqual([['b', 1], ['é', 1]]);
    expect(valueOf(r, 'n')).toEqual([[1e18, 2]]);
    expect(valueOf(r, 'b')).toEqual([[1, 1], [null, 1]]);
    expect(valueOf(r, 'firstProgram')).toBe(5);
    const missing = await run(two, { jsonl: path, errors: 'skip' }, { r: "e.pluck('nope').pluck('b', default=None).frequencies()" }).catch((e) => e) as TesseraError;
    expect(missing.message).toContain("the record has no ['nope']");
    // One dataset raises, the other skips: they do not share their partition tasks.
    const both = await run(two, { jsonl: path, errors: 'skip' }, { r: "e.pluck('user').count()" });
    expect(valueOf(both, 'r')).toBe(2);
    const spec = validateSpec({ tessera: 1, datasets: { a: { jsonl: path }, b: { jsonl: path, errors: 'skip' } }, outputs: { a: "a.pluck('user').count()", b: "b.pluck('user').count()" } });
    const err = await runBuiltJob(new LocalBackend(two), await buildJob(spec, dir), { outDir: join(dir, 'out') }).catch((e) => e) as TesseraError;
    expect(err.code).toBe('JSONL_INVALID');
  });

  it('a malformed line fails naming the file and line, natively and in a program; "errors": "skip" leaves it out', async () => {
    const path = join(dir, 'bad.jsonl');
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ user: `u${i % 7}`, i }));
    lines[2400] = '{"user": "u1", "i": tru}';
    lines[2600] = '{"user": "u2"';
    writeFileSync(path, `${lines.join('\n')}\n`);
    for (const output of ["e.pluck('user').frequencies()", "e.map(userLength).sum()"]) {
      const err = await run(two, { jsonl: path, blocksize: '8KiB' }, { r: output }).catch((e) => e) as TesseraError;
      expect(err.code, output).toBe('JSONL_INVALID');
      expect(err.message, output).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line (2401|2601): not valid JSON`)); // whichever partition fails first
      expect(err.hint).toContain('"errors": "skip"');
    }
    const want = JSON.parse(execFileSync(PYTHON, ['-c', ORACLE, 'skip', path], { encoding: 'utf8' }));
    const r = await run(two, { jsonl: path, blocksize: '8KiB', errors: 'skip' }, { users: OUTPUTS.users, n: OUTPUTS.n, lengths: OUTPUTS.lengths });
    expect(valueOf(r, 'users')).toEqual(want.users);
    expect(valueOf(r, 'n')).toBe(2998);
    expect(valueOf(r, 'lengths')).toBe(want.lengths);
    const missing = await run(two, { jsonl: path, errors: 'skip' }, { r: "e.pluck('nope').frequencies()" }).catch((e) => e) as TesseraError;
    expect(missing.code).toBe('BAG_TYPE_ERROR');
    expect(missing.message).toContain("line 1: pluck: the record has no ['nope']");
  });
});
