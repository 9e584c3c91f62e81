/**
 * Bags as tables, `records.to_dataframe()`, against pandas (Debian's python3-pandas: a DataFrame of
 * the same records, `pd.DataFrame(records)`): JSON lines with missing keys, nulls and Unicode in
 * several files and gzip, at several blocksizes and worker counts, through group-bys, filters and
 * heads; text parsed by a user function with `meta` (no inference pass); an aggregated bag's
 * items (`frequencies().to_dataframe(...)`) against collections.Counter; tuples with `columns`.
 * A value that does not fit its column, a meta that is not a schema, a reduction and an empty
 * first partition fail with typed errors, and the next job runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import type { TesseraError } from '../dist/src-main/engine/errors.js';
import { native } from '../dist/src-main/native/addon.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { type JobResult, runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { tempDir } from './helpers/engine.js';
import { type Expected, expectSameOutput, type JobOutput, pandasResults } from './helpers/frames.js';

const MODULE = `
export function parseLine(line) {
  const [name, age, score] = line.trim().split(',');
  return { name, age: Number(age), score: score === '' ? null : Number(score) };
}
export const adult = (r) => r.age >= 18;
`;

/** Outputs over `e.to_dataframe()`; pandas evaluates the same text with `df` for it. */
const TABLE_OUTPUTS: Record<string, string> = {
  sums: "e.to_dataframe().groupby('user').amount.sum()",
  means: "e.to_dataframe()[e.to_dataframe().ok].groupby('user').n.mean()",
  counts: "e.to_dataframe().groupby('user').n.count()",
  total: 'e.to_dataframe().amount.sum()',
  big: "e.to_dataframe()[e.to_dataframe().amount > 90][['user', 'amount']]",
  first: 'e.to_dataframe().head(7)',
  typed: "e.to_dataframe(meta={'user': 'string', 'amount': 'float64', 'n': 'int64'}).groupby('user').amount.max()",
  plucked: "e.filter(fast).to_dataframe().groupby('user').amount.min()",
};

describe('bags as tables (to_dataframe)', () => {
  let one: Engine;
  let two: Engine;
  const dir = tempDir('tessera-bag-table-');
  beforeAll(async () => {
    [one, two] = await Promise.all([Engine.start({ workers: 1 }), Engine.start({ workers: 2 })]);
    writeFileSync(join(dir, 'fns.mjs'), `${MODULE}\nexport const fast = (r) => r.amount > 20;\n`);
  });
  afterAll(async () => { await Promise.all([one.close(), two.close()]); });

  async function run(engine: Engine, datasets: Record<string, Record<string, unknown>>, outputs: Record<string, string>): Promise<JobResult> {
    const spec = validateSpec({ tessera: 1, functions: 'fns.mjs', datasets, outputs });
    return runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir, { userCode: true }), { outDir: join(dir, 'out') });
  }
  const output = (r: JobResult, name: string) => r.outputs.find((o) => o.name === name) as unknown as JobOutput;

  function writeEvents(): string[] {
    const users = ['ann', 'bob', 'cé', 'ΣΟΦΙΑ', 'd"q', '😀'];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return [0, 1, 2].map((k) => {
      const lines: string[] = [];
      for (let i = 0; i < 1500; i++) {
        const r: Record<string, unknown> = { user: users[Math.floor(rand() * users.length)], amount: Math.round(rand() * 10000) / 100, ok: rand() < 0.5 };
        if (i % 5) r.n = Math.floor(rand() * 10); // missing: null in the table, NaN in pandas
        if (i % 11 === 0) r.note = i % 22 ? 'x' : null;
        lines.push(JSON.stringify(r));
      }
      const path = join(dir, `events-${k}.jsonl`);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    });
  }

  it('equals pandas over JSON lines at any blocksize, plain and gzip, on 1 and 2 workers', async () => {
    const files = writeEvents();
    const gz = join(dir, 'events-0.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(files[0])));
    const setup = (paths: string[]) => `
import gzip
lines = []
for p in ${JSON.stringify(paths)}:
    lines += (gzip.open(p).read() if p.endswith('.gz') else open(p, 'rb').read()).decode().splitlines()
df = pd.DataFrame([json.loads(l) for l in lines if l.strip()])
`;
    const pandasText = (e: string) => e.replace(/e\.filter\(fast\)\.to_dataframe\(\)/g, 'df[df.amount > 20]').replace(/e\.to_dataframe\([^)]*\)/g, 'df');
    for (const [path, paths] of [[join(dir, 'events-*.jsonl'), files], [gz, [gz]]] as const) {
      const want = pandasResults(dir, setup(paths), ['df'], Object.fromEntries(Object.entries(TABLE_OUTPUTS).map(([n, e]) => [n, pandasText(e)]))) as Record<string, Expected>;
      for (const blocksize of ['8KiB', '16MiB']) {
        for (const engine of [one, two]) {
          const r = await run(engine, { e: { jsonl: path, blocksize } }, TABLE_OUTPUTS);
          for (const name of Object.keys(TABLE_OUTPUTS)) expectSameOutput(`${name} (${path} at ${blocksize}, ${engine.workers} workers)`, output(r, name), want[name], { rtol: 1e-9 });
          expect(r.layers.some((l) => l.kind === 'bag_table')).toBe(true);
        }
      }
    }
  });

  it('a user function parses text into records; with meta the table is planned at once, no inference pass', async () => {
    const path = join(dir, 'people.txt');
    const rows = Array.from({ length: 4000 }, (_, i) => `p${i % 37},${(i * 7) % 90},${i % 13 ? ((i * 31) % 1000) / 10 : ''}`);
    writeFileSync(path, `${rows.join('\n')}\n`);
    const outputs = {
      ages: "t.map(parseLine).filter(adult).to_dataframe(meta={'name': 'string', 'age': 'int64', 'score': 'float64'}).groupby('name').age.sum()",
      scores: "t.map(parseLine).to_dataframe(meta=[('name', 'string'), ('age', 'int64'), ('score', 'float64')]).score.mean()",
    };
    const r = await run(two, { t: { text: path, blocksize: '10KiB' } }, outputs);
    expect(r.layers.some((l) => l.kind === 'bag_partition'), 'no pass over the bag before the table').toBe(false);
    const want = pandasResults(dir, `df = pd.read_csv(${JSON.stringify(path)}, header=None, names=['name', 'age', 'score'])\n`, ['df'],
      { ages: "df[df.age >= 18].groupby('name').age.sum()", scores: 'df.score.mean()' });
    expectSameOutput('ages', output(r, 'ages'), want.ages);
    expectSameOutput('scores', output(r, 'scores'), want.scores, { rtol: 1e-12 });
  });

  it("an aggregated bag's items are the table: frequencies against Counter; tuples take their names from columns", async () => {
    const path = join(dir, 'words.txt');
    writeFileSync(path, 'the cat and the hat\nThe dog and THE cat\nsat on the mat\n'.repeat(200));
    const r = await run(two, {
      t: { text: path, blocksize: '1KiB' },
      s: { sequence: [[3, 'c', true], [1, 'a', false], [2, 'b', true], [5, 'e', null]], npartitions: 3 },
    }, {
      words: "t.str.lower().str.split().flatten().frequencies().to_dataframe(columns=['word', 'n'])",
      common: "t.str.lower().str.split().flatten().frequencies().to_dataframe(columns=['word', 'n'])[t.str.lower().str.split().flatten().frequencies().to_dataframe(columns=['word', 'n']).n > 100]",
      pairs: "s.to_dataframe(columns=['k', 'v', 'f']).sort_values('k')",
      unnamed: 's.to_dataframe().head(2)',
    });
    const counter = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
      `import collections, json, sys; print(json.dumps(collections.Counter(open(sys.argv[1]).read().lower().split()).most_common()))`, path], { encoding: 'utf8' })) as [string, number][];
    const words = output(r, 'words') as { columns: string[]; rows: unknown[][] };
    expect(words.columns).toEqual(['word', 'n']);
    expect(words.rows).toEqual(counter);
    expect((output(r, 'common') as { rows: unknown[][] }).rows).toEqual(counter.filter(([, n]) => n > 100));
    const pairs = output(r, 'pairs') as { columns: string[]; rows: unknown[][]; dtypes: string[] };
    expect(pairs.columns).toEqual(['k', 'v', 'f']);
    expect(pairs.dtypes).toEqual(['int64', 'string', 'bool']);
    expect(pairs.rows).toEqual([[1, 'a', false], [2, 'b', true], [3, 'c', true], [5, 'e', null]]);
    expect((output(r, 'unnamed') as { columns: string[] }).columns).toEqual(['0', '1', '2']);
  });

  it('fails with typed errors that say what to do, and the next job runs', async () => {
    const path = join(dir, 'drift.jsonl');
    // Integers in the first partition (the inference sample), then a fraction in a later one.
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ k: `k${i % 3}`, x: i === 2500 ? 2.5 : i }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const fail = async (datasets: Record<string, Record<string, unknown>>, out: string) => (await run(two, datasets, { r: out }).catch((e) => e)) as TesseraError;

    const drift = await fail({ e: { jsonl: path, blocksize: '16KiB' } }, "e.to_dataframe().groupby('k').x.sum()");
    expect(drift.code).toBe('BAG_TABLE_TYPE');
    expect(drift.message).toMatch(/column 'x' is int64 \(inferred from its first \d+ items\), but item \d+ of partition \d+: .*drift\.jsonl bytes \d+-\d+ holds 2\.5/);
    expect(drift.hint).toContain("meta={'x': 'float64'");
    const fixed = await run(two, { e: { jsonl: path, blocksize: '16KiB' } }, { r: "e.to_dataframe(meta={'k': 'string', 'x': 'float64'}).x.sum()" });
    expect((fixed.outputs[0] as { value: number }).value).toBe(lines.reduce((s, _l, i) => s + (i === 2500 ? 2.5 : i), 0));

    const src = "e.to_dataframe(meta={'k': 'text'}).x.sum()";
    const badMeta = await fail({ e: { jsonl: path } }, src);
    expect(badMeta.code).toBe('BAD_ARGUMENTS');
    expect(badMeta.message).toContain("dtype 'text'");
    expect(src.slice(badMeta.position!.start, badMeta.position!.end)).toBe("{'k': 'text'}");

    const unknownColumn = "e.to_dataframe().nope.sum()";
    const missing = await fail({ e: { jsonl: path } }, unknownColumn);
    expect(missing.message).toContain('nope');
    if (missing.position) expect(unknownColumn.slice(missing.position.start, missing.position.end)).toContain('nope');

    const scalar = await fail({ e: { jsonl: path } }, 'e.count().to_dataframe().x.sum()');
    expect(scalar.code).toBe('BAG_UNSUPPORTED');
    const empty = await fail({ e: { jsonl: path } }, "e.filter(adult).to_dataframe().groupby('k').x.sum()");
    expect(empty.code).toBe('BAG_TABLE_META');
    expect(empty.hint).toContain('meta=');

    const after = await run(two, { e: { jsonl: path } }, { r: "e.to_dataframe(columns=['k']).k.count()" }); // x, which does not fit, is not a column
    expect((after.outputs[0] as { value: number }).value).toBe(3000);
  });

  it('infers from the items the steps made, in the worker: Dates, NaN, BigInts, Maps; nulls first; big and mixed numbers', async () => {
    writeFileSync(join(dir, 'values.mjs'), `
export const dated = (r) => ({ t: new Date(Date.UTC(2024, 0, r.i + 1)), v: r.i % 3 ? r.i : NaN, id: 2n ** 53n + BigInt(r.i) });
export const asMap = (r) => new Map([['k', r.i], ['odd', r.i % 2 === 1]]);
`);
    const path = join(dir, 'values.jsonl');
    // x: null in the first 1000 records (the sample), numbers after; w: whole numbers past 2^53; b: booleans and numbers.
    const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ i, x: i < 1000 ? null : i, w: i === 3 ? 1e300 : 2 ** 60 + i * 4096, b: i % 2 ? true : 1 }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const spec = (outputs: Record<string, string>) => validateSpec({ tessera: 1, functions: 'values.mjs', datasets: { e: { jsonl: path } }, outputs });
    const r = await runBuiltJob(new LocalBackend(two), await buildJob(spec({
      x: 'e.to_dataframe().x.max()', w: 'e.to_dataframe().w.max()', b: "e.to_dataframe()[['b']].head(2)",
      dated: 'e.map(dated).to_dataframe().head(2)', nan: 'e.map(dated).to_dataframe().v.count()', maps: "e.map(asMap).to_dataframe().groupby('odd').k.sum()",
      values: 'e.to_dataframe().i.values.sum()',
    }), dir, { userCode: true }), { outDir: join(dir, 'out') });
    const get = (n: string) => r.outputs.find((o) => o.name === n) as unknown as { value?: unknown; rows?: unknown[][]; dtypes?: string[] };
    expect(get('x').value).toBe(1499); // float64 (all null in the sample), not the text '999'
    expect(get('w').value).toBe(1e300); // float64: 1e300 is no int64
    expect(get('b')).toMatchObject({ dtypes: ['string'], rows: [['1'], ['True']] }); // mixed: each value's text, Python's spelling
    expect(get('dated')).toMatchObject({ dtypes: ['timestamp', 'float64', 'int64'], rows: [['2024-01-01T00:00:00', null, 9007199254740992], ['2024-01-02T00:00:00', 1, '9007199254740993']] }); // BigInts exact
    expect(get('nan').value).toBe(1000); // NaN is a missing float, as pandas counts it
    expect(get('maps').rows).toEqual([[false, lines.reduce((s, _l, i) => s + (i % 2 ? 0 : i), 0)], [true, lines.reduce((s, _l, i) => s + (i % 2 ? i : 0), 0)]]);
    expect(get('values').value).toBe(1500 * 1499 / 2); // .values of a bag's table whose columns are inferred
  });

  it('a reduction, shapes that differ, and two datasets reading one file two ways are told apart', async () => {
    const fail = async (datasets: Record<string, Record<string, unknown>>, outputs: Record<string, string>) => (await run(two, datasets, outputs).catch((e) => e)) as TesseraError;
    const path = join(dir, 'shapes.jsonl');
    writeFileSync(path, '{"a": 1, "b": 2}\n5\n[7, 8]\n');
    const src = "e.pluck('a').sum().to_dataframe()";
    const reduction = await fail({ e: { jsonl: path } }, { r: src });
    expect(reduction.code).toBe('BAG_UNSUPPORTED');
    expect(reduction.position).toMatchObject({ start: 0, end: src.length, output: 'r' });
    const shapes = await fail({ e: { jsonl: path } }, { r: 'e.to_dataframe().a.sum()' });
    expect(shapes.code).toBe('BAG_TABLE_TYPE');
    expect(shapes.message).toContain('item 1 is a single value, not a record');
    const both = await fail({ e: { jsonl: path } }, { r: "e.to_dataframe(meta={'a': 'int64'}, columns=['a'])" });
    expect(both.code).toBe('BAD_ARGUMENTS');

    const bad = join(dir, 'bad-line.jsonl');
    writeFileSync(bad, '{"a": 1}\nnot json\n{"a": 2}\n');
    for (const order of [['skip', 'strict'], ['strict', 'skip']]) {
      const outputs = Object.fromEntries(order.map((o) => [o, `len(${o === 'skip' ? 's' : 'r'}.to_dataframe(meta={'a': 'int64'}))`]));
      const err = await fail({ r: { jsonl: bad }, s: { jsonl: bad, errors: 'skip' } }, outputs);
      expect(err.code, order.join(' then ')).toBe('JSONL_INVALID');
    }
    const skipped = await run(two, { r: { jsonl: bad }, s: { jsonl: bad, errors: 'skip' } }, { skip: "len(s.to_dataframe(meta={'a': 'int64'}))" });
    expect((skipped.outputs[0] as { value: number }).value).toBe(2);
  });

  it('putTable checks what it is given: a code outside its dictionary is BAD_TABLE and nothing is stored', () => {
    const before = native().storeStats().chunks;
    const column = { name: 's', dtype: 'string' as const, data: new Int32Array([0, 2]), valid: null, dictOffsets: new BigUint64Array([0n, 1n]), dictBytes: new Uint8Array([97]) };
    expect(() => native().putTable(0, { nrows: 2, columns: [column] })).toThrow(/BAD_TABLE|outside its dictionary/);
    expect(() => native().putTable(0, { nrows: 3, columns: [column] })).toThrow(/8 bytes, not 12/);
    expect(native().storeStats().chunks).toBe(before);
    const id = native().putTable(0, { nrows: 2, columns: [{ ...column, data: new Int32Array([0, 0]) }] });
    expect(native().readTable(id)).toMatchObject({ nrows: 2, columns: [{ name: 's', dtype: 'string', values: ['a', 'a'] }] });
    native().release(id);
  });
});
