/**
 * The native CSV reader: sniffCsv (dialect, header, names, dtypes), csvRowStarts (exact partition
 * boundaries), read_csv tasks run through the engine on worker threads into table chunks, and
 * readTable. The oracle is pandas.read_csv (Debian's python3-pandas) on the same files with the
 * same options; a property-based test checks random tables split at random byte offsets against
 * the values they were written from.
 */
import fc from 'fast-check';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishGraph } from '../dist/src-main/engine/finish-graph.js';
import { closeFiles, executeTask } from '../dist/src-main/engine/executor.js';
import type { Engine } from '../dist/src-main/engine/engine.js';
import { native, type SniffCsvOptions, type SniffCsvResult, type TableColumnValues } from '../dist/src-main/native/addon.js';
import type { ReadCsvSpec } from '../dist/src-main/collections/dataframe/kinds/index.js';
import '../dist/src-main/collections/dataframe/kinds/index.js';
import { tempDir, useEngine } from './helpers/engine.js';
import { type PandasColumn, type PandasRead, pandasReadCsv, tableDtypeOf } from './helpers/pandas.js';
import { rng } from './helpers/rng.js';

const n = native();
const dir = tempDir('tessera-csv-');
const engine = useEngine();

type Cell = string | number | boolean | null;
interface Column { name: string; dtype: string; values: Cell[] }

/** A table column in the oracle's form: floats as numbers ('inf'/'-inf' strings, NaN and null as
 * null), int64 and timestamps as decimal strings, bools as booleans, strings as they are. */
function cells(c: TableColumnValues): Cell[] {
  const out: Cell[] = [];
  for (let r = 0; r < c.values.length; r++) {
    if (c.valid && !c.valid[r]) { out.push(null); continue; }
    const v = c.values[r];
    if (c.dtype === 'float64') {
      const x = v as number;
      out.push(Number.isNaN(x) ? null : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x);
    } else if (c.dtype === 'int64' || c.dtype === 'timestamp') out.push(String(v));
    else if (c.dtype === 'bool') out.push(v === 1);
    else out.push(v as string);
  }
  return out;
}

/** pandas' column in the same form. */
function pandasCells(c: PandasColumn): Cell[] {
  return c.values.map((v) => (c.dtype === 'float64' && typeof v === 'string' && v !== 'inf' && v !== '-inf' ? Number(v) : v));
}

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Partition bounds: the row starts of the targets, deduplicated, then the file's end. */
function boundsOf(path: string, s: SniffCsvResult, targets: number[]): number[] {
  const starts = n.csvRowStarts(path, s, targets);
  return [...new Set([s.dataOffset, ...starts, s.fileSize])].sort((a, b) => a - b);
}

function specs(path: string, s: SniffCsvResult, bounds: number[], usecols?: string[]): ReadCsvSpec[] {
  const columns = s.columns.map((c, index) => ({ ...c, index })).filter((c) => !usecols || usecols.includes(c.name));
  if (usecols) columns.sort((a, b) => usecols.indexOf(a.name) - usecols.indexOf(b.name));
  return bounds.slice(0, -1).map((start, i) => ({
    kind: 'read_csv', path, start, end: bounds[i + 1], sep: s.sep, quote: s.quote, nfields: s.columns.length, columns, naValues: s.naValues,
    estBytes: 64 * (bounds[i + 1] - start) + 4096,
  }));
}

/** The partitions' tables concatenated, column by column. */
function concat(tables: { nrows: number; columns: TableColumnValues[] }[]): Column[] {
  return tables[0].columns.map((c, k) => ({ name: c.name, dtype: c.dtype, values: tables.flatMap((t) => cells(t.columns[k])) }));
}

/** Runs one read_csv task per partition through the engine (two worker threads); the tables. */
async function readThroughEngine(e: Engine, path: string, s: SniffCsvResult, bounds: number[], usecols?: string[]) {
  const tasks = specs(path, s, bounds, usecols).map((spec, i) => ({ key: `read_csv:${i}`, layer: 'read_csv', index: [i], deps: [], priority: 0, estBytes: spec.estBytes, spec }));
  const graph = finishGraph(tasks, [{ name: 'read_csv', label: 'read_csv', kind: 'read_csv', tasks: tasks.length, deps: [], indexShape: [] }]);
  const st = statSync(path, { bigint: true });
  const owner = e.newJob();
  try {
    const run = await e.run(graph, { owner, keep: new Set(tasks.map((t) => t.key)), files: new Map([[path, { size: Number(st.size), mtimeNs: st.mtimeNs.toString() }]]) });
    expect(run.records.every((r) => r.kind === 'read_csv')).toBe(true);
    return tasks.map((t) => {
      const id = run.chunks.get(t.key)!;
      expect(n.chunkLayout(id)).toBe('table');
      return n.readTable(id);
    });
  } finally {
    e.freeJob(owner);
  }
}

/** Runs every partition on this thread (executeTask); the tables. Chunks are released, and the
 * file is unmapped after (as the engine does at the end of a job: tests rewrite files). */
function readHere(path: string, s: SniffCsvResult, bounds: number[], usecols?: string[]) {
  try {
    return specs(path, s, bounds, usecols).map((spec) => {
      const r = executeTask(spec, [], 4242);
      try {
        return n.readTable(r.chunk);
      } finally {
        n.release(r.chunk);
      }
    });
  } finally {
    closeFiles();
  }
}

/** The error a call throws (code and message), or null. */
function errorOf(f: () => unknown): { code: string; message: string; hint: string } | null {
  try {
    f();
    return null;
  } catch (e) {
    return e as { code: string; message: string; hint: string };
  }
}

// ---------------------------------------------------------------------------------------------
// A generated file with every kind of field, and where its rows and quoted line breaks are.


const FLOATS = ['1e5', '-2.5E-3', '0.1', '1.7976931348623157e308', '5e-324', '-0.0', 'inf', '-inf', 'Infinity', '-Infinity', '123456789.123456789',
  '.5', '5.', '2.2250738585072014e-308', '0.30000000000000004', '1e-320', '9007199254740993', '1.00000000000000011102230246251565404236316680908203125',
  'NaN', '', 'nan', '3', '-17', '+4.25', '1E+21'];
const STRINGS = ['plain', 'with,comma', 'with\ttab', 'with;semi', 'with|pipe', 'with "quotes"', '"quoted start', 'multi\nline', 'crlf\r\ninside', 'cr\ronly',
  'ünïcödé', '中文字符', '😀 emoji', ' leading space', 'trailing ', 'NA', '', 'x'.repeat(300), 'a"b', '#N/A'];
const TIMES = ['2021-03-04', '2021-03-04 05:06:07', '2021-03-04T05:06:07.123456789', '1970-01-01T00:00:00', '1999-12-31 23:59:59.5', '2262-04-11 23:47:16',
  '1677-09-22', '2000-02-29T12:00', ''];

interface Generated { text: Buffer; rowStarts: number[]; quotedBreaks: number[]; crlfs: number[] }

/** A CSV with a header and `rows` rows; `eol` ends each row. Records each row's byte offset. */
function generate(rows: number, sep: string, eol: string, seed: number): Generated {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const quoteIfNeeded = (s: string, force = false) => (force || /[",\t;|\r\n]/.test(s) || s.startsWith('"') || /^[ \t]*$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['id', 'x', 'k', 'flag', 'name', 'when', 'cat', 'empty', '', 'id'].map((h) => quoteIfNeeded(h)).join(sep);
  const parts: Buffer[] = [Buffer.from(header + eol)];
  let at = parts[0].length;
  const rowStarts: number[] = [];
  const quotedBreaks: number[] = [];
  const crlfs: number[] = [];
  for (let i = 0; i < rows; i++) {
    const id = String(i * 7919 - 50000);
    const x = r() < 0.5 ? pick(FLOATS) : String((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
    const k = r() < 0.2 ? '' : String(Math.floor(r() * 1e6) - 5e5);
    const flag = pick(['True', 'False', 'true', 'false', 'TRUE', 'FALSE']);
    const name = quoteIfNeeded(pick(STRINGS), r() < 0.1);
    const fields = [id, x, k, flag, name, pick(TIMES), pick(['a', 'b', 'c']), '', String(i % 3), String(-i)];
    const line = Buffer.from(fields.join(sep) + eol);
    rowStarts.push(at);
    const text = line.toString('latin1');
    for (let j = 0; j < line.length; j++) {
      if (line[j] === 10 && j < line.length - 1) quotedBreaks.push(at + j);
      if (line[j] === 13 && line[j + 1] === 10) crlfs.push(at + j + 1);
    }
    void text;
    parts.push(line);
    at += line.length;
  }
  return { text: Buffer.concat(parts), rowStarts, quotedBreaks, crlfs };
}

/** Awkward partition targets: every `step` bytes, inside quoted line breaks, right at row starts,
 * between the \r and \n of a CRLF, and the file's ends. */
function awkwardTargets(g: Generated, step: number): number[] {
  const t: number[] = [0, 1, g.text.length - 1, g.text.length, g.text.length + 10];
  for (let o = 0; o < g.text.length; o += step) t.push(o);
  t.push(...g.quotedBreaks.slice(0, 40), ...g.quotedBreaks.slice(0, 40).map((o) => o + 1));
  t.push(...g.rowStarts.filter((_, i) => i % 17 === 0));
  t.push(...g.crlfs.filter((_, i) => i % 13 === 0));
  return t;
}

/** The first row start at or after t, from the generator's own record. */
function expectedRowStart(g: Generated, dataOffset: number, t: number): number {
  if (t <= dataOffset) return dataOffset;
  return g.rowStarts.find((s) => s >= t) ?? g.text.length;
}

describe('sniffCsv', () => {
  it('infers names and dtypes as pandas does', () => {
    const path = write('kinds.csv', 'i,f,ina,b,s,allna,,i\n1,1.5,1,True,x,,a,1\n-2,1e5,,false,"y,z",NA,b,2\n+3,-inf,4,TRUE,z,,c,3\n');
    const s = n.sniffCsv(path);
    expect(s).toMatchObject({ sep: ',', quote: '"', header: true, dataOffset: 21, sampleRows: 3, fileSize: readFileSync(path).length });
    const [p] = pandasReadCsv([{ path, sep: ',', quote: '"', naValues: s.naValues }]);
    expect(s.columns.map((c) => c.name)).toEqual(p.map((c) => c.name));
    expect(s.columns.map((c) => c.name)).toEqual(['i', 'f', 'ina', 'b', 's', 'allna', 'Unnamed: 6', 'i.1']);
    expect(s.columns.map((c) => c.dtype)).toEqual(p.map((c) => tableDtypeOf(c.dtype)));
    expect(s.columns.map((c) => c.dtype)).toEqual(['int64', 'float64', 'float64', 'bool', 'string', 'float64', 'string', 'int64']);
  });

  it('detects the separator among , tab ; | and reads no-header files as pandas names them', () => {
    for (const sep of [',', '\t', ';', '|']) {
      const path = write(`sep-${sep.charCodeAt(0)}.csv`, ['a', 'b', 'c'].join(sep) + '\n' + ['1', '"x,y;z|w\tv"', '2.5'].join(sep) + '\n' + ['2', 'q', '3'].join(sep) + '\n');
      const s = n.sniffCsv(path);
      expect(s.sep, JSON.stringify(sep)).toBe(sep);
      expect(s.columns.map((c) => c.dtype)).toEqual(['int64', 'string', 'float64']);
    }
    const path = write('noheader.csv', '1,2\n3,4\n');
    const s = n.sniffCsv(path, { header: false });
    expect(s.dataOffset).toBe(0);
    expect(s.columns).toEqual([{ name: '0', dtype: 'int64' }, { name: '1', dtype: 'int64' }]);
    expect(s.sampleRows).toBe(2);
  });

  it('applies dtype overrides and parse_dates, and refuses unknown ones', () => {
    const path = write('over.csv', 'a,b,t,c\n1,2,2021-01-01,x\n');
    const s = n.sniffCsv(path, { dtype: { a: 'float64', b: 'str', nope: 'int64' }, parseDates: ['t'] });
    expect(s.columns.map((c) => c.dtype)).toEqual(['float64', 'string', 'timestamp', 'string']);
    expect(errorOf(() => n.sniffCsv(path, { dtype: { a: 'complex128' } }))?.code).toBe('CSV_BAD_OPTION');
    expect(errorOf(() => n.sniffCsv(path, { parseDates: ['zz'] }))?.code).toBe('CSV_UNKNOWN_COLUMN');
    expect(errorOf(() => n.sniffCsv(path, { sep: '::' }))?.code).toBe('CSV_BAD_OPTION');
  });

  it('an empty file is EMPTY_FILE; a header alone is a table of no rows; a BOM is skipped', () => {
    expect(errorOf(() => n.sniffCsv(write('empty.csv', '')))?.code).toBe('EMPTY_FILE');
    expect(errorOf(() => n.sniffCsv(write('blank.csv', '\n  \r\n\n')))?.code).toBe('EMPTY_FILE');
    const h = n.sniffCsv(write('header.csv', 'a,b\n'));
    expect(h).toMatchObject({ dataOffset: 4, sampleRows: 0, columns: [{ name: 'a', dtype: 'string' }, { name: 'b', dtype: 'string' }] });
    const [empty] = readHere(join(dir, 'header.csv'), h, [h.dataOffset, h.fileSize, h.fileSize]);
    expect(empty).toEqual({ nrows: 0, columns: [{ name: 'a', dtype: 'string', values: [], valid: null }, { name: 'b', dtype: 'string', values: [], valid: null }] });
    const bom = n.sniffCsv(write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n1,2\n')])));
    expect(bom.columns.map((c) => c.name)).toEqual(['a', 'b']);
    const nb = n.sniffCsv(join(dir, 'bom.csv'), { header: false });
    expect(nb.dataOffset).toBe(3);
  });

  it('looks past a sample that ends inside the first data row', () => {
    const long = 'x'.repeat(5000);
    const s = n.sniffCsv(write('longrow.csv', `a,b\n1,"${long}"\n2,y\n`), { sampleBytes: 100 });
    expect(s.sampleRows).toBeGreaterThanOrEqual(1);
    expect(s.columns.map((c) => c.dtype)).toEqual(['int64', 'string']);
  });
});

describe('csvRowStarts', () => {
  it('finds the first row start at or after every byte offset, quoted line breaks and CRLF included', () => {
    for (const [sep, eol, seed] of [[',', '\n', 1], ['\t', '\r\n', 2], [';', '\r', 3]] as const) {
      const g = generate(300, sep, eol, seed);
      const path = write(`starts-${seed}.csv`, g.text);
      const s = n.sniffCsv(path);
      expect(s.sep).toBe(sep);
      const targets = Array.from({ length: g.text.length + 3 }, (_, i) => i);
      const got = n.csvRowStarts(path, s, targets);
      const want = targets.map((t) => expectedRowStart(g, s.dataOffset, t));
      const wrong = targets.filter((t, i) => got[i] !== want[i]);
      expect(wrong.slice(0, 5).map((t) => ({ t, got: got[t], want: want[t] }))).toEqual([]);
    }
  });

  it('answers targets in any order, and a file without quotes or newlines', () => {
    const path = write('oneline.csv', 'a,b');
    expect(n.csvRowStarts(path, { sep: ',', quote: '"', dataOffset: 0 }, [3, 1, 0, 2])).toEqual([3, 3, 0, 3]);
    const path2 = write('rows.csv', 'a\n1\n2\n3\n');
    expect(n.csvRowStarts(path2, { sep: ',', quote: '', dataOffset: 2 }, [7, 5, 0, 3, 100])).toEqual([8, 6, 2, 4, 8]);
    expect(errorOf(() => n.csvRowStarts(path2, { sep: ',', quote: '"', dataOffset: 100 }, [0]))?.code).toBe('BAD_ARGUMENT');
  });
});

describe('read_csv through the engine equals pandas.read_csv', () => {
  const cases = [
    { name: 'comma-lf', sep: ',', eol: '\n', rows: 1500, step: 997 },
    { name: 'tsv-crlf', sep: '\t', eol: '\r\n', rows: 1200, step: 1499 },
    { name: 'semicolon-cr', sep: ';', eol: '\r', rows: 400, step: 333 },
  ];
  for (const c of cases) {
    it(`${c.name}: every column, split at awkward byte offsets, on two worker threads`, async () => {
      const g = generate(c.rows, c.sep, c.eol, c.rows);
      const path = write(`${c.name}.csv`, g.text);
      const s = n.sniffCsv(path, { parseDates: ['when'] });
      expect(s.sep).toBe(c.sep);
      const bounds = boundsOf(path, s, awkwardTargets(g, c.step));
      expect(bounds.length).toBeGreaterThan(50);
      const tables = await readThroughEngine(engine(), path, s, bounds);
      expect(tables.reduce((a, t) => a + t.nrows, 0)).toBe(c.rows);
      const ours = concat(tables);
      const [theirs] = pandasReadCsv([{ path, sep: c.sep, quote: '"', naValues: s.naValues, parseDates: ['when'] }]);
      expect(ours.map((col) => col.name)).toEqual(theirs.map((col) => col.name));
      expect(ours.map((col) => col.dtype)).toEqual(theirs.map((col) => tableDtypeOf(col.dtype)));
      for (let k = 0; k < ours.length; k++) expect(ours[k].values, ours[k].name).toEqual(pandasCells(theirs[k]));
    });
  }

  it('parses only the columns asked for (usecols), in their order, with the same values', async () => {
    const g = generate(500, ',', '\n', 77);
    const path = write('usecols.csv', g.text);
    const s = n.sniffCsv(path, { parseDates: ['when'] });
    const usecols = ['name', 'x', 'when'];
    const ours = concat(await readThroughEngine(engine(), path, s, boundsOf(path, s, awkwardTargets(g, 2011)), usecols));
    const [theirs] = pandasReadCsv([{ path, sep: ',', quote: '"', naValues: s.naValues, parseDates: ['when'], usecols }]);
    expect(ours.map((col) => col.name)).toEqual(usecols);
    for (const col of ours) expect(col.values, col.name).toEqual(pandasCells(theirs.find((t) => t.name === col.name)!));
  });

  it('reads numbers with spaces and signs, explicit dtypes and extra missing values as pandas does', () => {
    const path = write('extra.csv', 'a,b,c,d\n 1 ,+2.5, -999 ,x\n2,  3e2,7,NA\n-999,-1,-999,n/a\n4,5,6,\n');
    const s = n.sniffCsv(path, { naValues: ['-999'], dtype: { d: 'string' } });
    expect(s.columns.map((c) => c.dtype)).toEqual(['float64', 'float64', 'float64', 'string']);
    const ours = concat(readHere(path, s, boundsOf(path, s, [0, 18, 30])));
    const [theirs] = pandasReadCsv([{ path, sep: ',', quote: '"', naValues: s.naValues, dtype: { d: 'str' } }]);
    for (let k = 0; k < ours.length; k++) expect(ours[k].values, ours[k].name).toEqual(pandasCells(theirs[k]));
    // With int64 given, -999 is a missing value and the rest are integers.
    const si = n.sniffCsv(path, { naValues: ['-999'], dtype: { a: 'int64' } });
    const a = readHere(path, si, boundsOf(path, si, [0]))[0].columns[0];
    expect(cells(a)).toEqual(['1', '2', null, '4']);
  });

  it('reads ISO 8601 timestamps with offsets, fractions and Z to UTC nanoseconds as pandas does', () => {
    for (const [k, zone] of [['plus', '+05:30'], ['minus', '-0800'], ['z', 'Z']] as const) {
      const rows = ['2021-03-04T05:06:07', '1999-12-31 23:59:59.123456789', '2000-02-29T00:00:00.5', '1970-01-01T00:00:00', '2024-10-27 01:30:00']
        .map((t, i) => `${i},${t}${zone}`);
      const path = write(`tz-${k}.csv`, `i,t\n${rows.join('\n')}\n5,\n`);
      const s = n.sniffCsv(path, { parseDates: ['t'] });
      const ours = concat(readHere(path, s, boundsOf(path, s, [0, 40])));
      const [theirs] = pandasReadCsv([{ path, sep: ',', quote: '"', naValues: s.naValues, parseDates: ['t'] }]);
      expect(theirs[1].dtype, zone).toMatch(/^datetime64\[ns/);
      expect(ours[1].values, zone).toEqual(pandasCells(theirs[1]));
    }
  });

  it('reads with a single-quote quote or no quoting, as pandas does', () => {
    const path = write('quotes.csv', "a;b\n'x;y';\"q\"\n'it''s';'\n2;'\n");
    const single = n.sniffCsv(path, { quote: "'" });
    expect(single.sep).toBe(';');
    const ours = concat(readHere(path, single, boundsOf(path, single, [0, 9])));
    const [theirs] = pandasReadCsv([{ path, sep: ';', quote: "'", naValues: single.naValues }]);
    for (let k = 0; k < ours.length; k++) expect(ours[k].values).toEqual(pandasCells(theirs[k]));
    const path2 = write('noquote.csv', 'a,b\n"x,"y\n"z,w"\n');
    const none = n.sniffCsv(path2, { quote: '' });
    expect(none.quote).toBe('');
    const ours2 = concat(readHere(path2, none, boundsOf(path2, none, [0, 6])));
    const [theirs2] = pandasReadCsv([{ path: path2, sep: ',', quote: '', naValues: none.naValues }]);
    expect(ours2.map((c) => c.values)).toEqual(theirs2.map(pandasCells));
    expect(ours2[0].values).toEqual(['"x', '"z']);
  });

  it('a table chunk is refused by array readers, kept by copy, and counted for its owner', () => {
    const path = write('small.csv', 'a,b\n1,x\n2,y\n');
    const s = n.sniffCsv(path);
    const [spec] = specs(path, s, [s.dataOffset, s.fileSize]);
    const before = n.storeStats().chunks;
    const r = executeTask(spec, [], 9301);
    expect(n.storeStats().owners['9301'].currentBytes).toBe(r.bytesOut);
    expect(r.bytesIn).toBe(s.fileSize - s.dataOffset);
    expect(errorOf(() => n.readChunk(r.chunk))?.code).toBe('NOT_DENSE');
    expect(errorOf(() => n.getBytes(r.chunk))?.code).toBe('NOT_BYTES');
    const copy = n.putChunk({ dtype: 'uint8', shape: [1], data: new Uint8Array(1), owner: 9301 });
    expect(errorOf(() => n.readTable(copy))?.code).toBe('NOT_TABLE');
    const out = new Float64Array(3);
    n.runEncoded(Float64Array.of(1, 8, 9301), Float64Array.of(r.chunk), new Float64Array(0), out);
    expect(n.chunkLayout(out[0])).toBe('table');
    expect(n.readTable(out[0])).toEqual(n.readTable(r.chunk));
    expect(n.releaseOwner(9301)).toBe(3);
    n.forgetOwner(9301);
    expect(n.storeStats().chunks).toBe(before);
  });
});

describe('malformed input: typed errors with the file, the line and the column', () => {
  /** Runs every partition of a file on this thread; its first error. `sniffText`: a clean file to
   * sniff instead (the sniffer would meet the error in its sample). Checks nothing was published. */
  function failure(name: string, text: string | Buffer, targets: number[], opts: SniffCsvOptions = {}, sniffText?: string) {
    const path = write(name, text);
    const s = { ...n.sniffCsv(sniffText ? write(`${name}.sniff`, sniffText) : path, opts), fileSize: statSync(path).size };
    const before = n.storeStats().chunks;
    const err = errorOf(() => readHere(path, s, boundsOf(path, s, targets)));
    expect(n.storeStats().chunks).toBe(before); // nothing partial is published
    return err!;
  }

  it('a row with too many or too few fields is CSV_RAGGED_ROW, at its line', () => {
    const more = failure('ragged-more.csv', 'a,b\n1,2\n3,4\n5,6,7\n8,9\n', [0, 10], {}, 'a,b\n1,2\n');
    expect(more.code).toBe('CSV_RAGGED_ROW');
    expect(more.message).toMatch(/ragged-more\.csv, line 4 \(byte 12\): the row has 3 fields, the header 2 \(the first extra one is field 3\)/);
    const fewer = failure('ragged-fewer.csv', 'a,b,c\n1,2,3\n"multi\nline",5,6\n7,8\n', [0, 14], {}, 'a,b,c\nx,2,3\n');
    expect(fewer.code).toBe('CSV_RAGGED_ROW');
    expect(fewer.message).toMatch(/line 5 .*the row has 2 fields, the header 3 \(field 3 onwards is missing\)/);
  });

  it('a quote that never closes is CSV_UNTERMINATED_QUOTE, at the line it opens on', () => {
    const e = failure('unterminated.csv', 'a,b\n1,x\n2,"never\nclosed\n3,4\n', [0, 9], {}, 'a,b\n1,x\n');
    expect(e.code).toBe('CSV_UNTERMINATED_QUOTE');
    expect(e.message).toMatch(/unterminated\.csv, line 3 \(byte 10\), column 'b': a quoted field is never closed/);
  });

  it('text in a numeric, bool or timestamp column is CSV_BAD_VALUE naming value, column, line and dtype', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i % 2 ? 'True' : 'False'},2020-01-0${1 + (i % 9)}`);
    const sample = `a,b,t\n${rows.join('\n')}\n`;
    const bad = (row: string) => `a,b,t\n${rows.join('\n')}\n${row}\n`;
    const cases: [string, RegExp][] = [
      ['abc,True,2020-01-01', /line 32 \(byte \d+\), column 'a': "abc" is not a valid int64/],
      ['1,maybe,2020-01-01', /line 32 \(byte \d+\), column 'b': "maybe" is not a valid bool/],
      ['1,True,2020-13-01', /line 32 \(byte \d+\), column 't': "2020-13-01" is not a valid timestamp/],
      ['1.5,True,2020-01-01', /column 'a': "1.5" is not a valid int64/],
      ['99999999999999999999,True,2020-01-01', /"99999999999999999999" is not a valid int64/],
    ];
    for (const [row, message] of cases) {
      const e = failure('bad-value.csv', bad(row), [0, 200, 400], { parseDates: ['t'] }, sample);
      expect(e.code, row).toBe('CSV_BAD_VALUE');
      expect(e.message, row).toMatch(message);
      expect(e.hint).toMatch(/string dtype/);
    }
  });

  it('invalid UTF-8 in a string column is CSV_INVALID_UTF8; in a skipped column it is not read', () => {
    const text = Buffer.concat([Buffer.from('a,s\n1,ok\n2,"multi\nline"\n3,'), Buffer.from([0x63, 0xff, 0x64]), Buffer.from('\n')]);
    const e = failure('utf8.csv', text, [0]);
    expect(e.code).toBe('CSV_INVALID_UTF8');
    expect(e.message).toMatch(/utf8\.csv, line 5 \(byte 26\), column 's': the text is not valid UTF-8/);
    const path = join(dir, 'utf8.csv');
    const s = n.sniffCsv(path);
    expect(concat(readHere(path, s, [s.dataOffset, s.fileSize], ['a']))[0].values).toEqual(['1', '2', '3']);
  });

  it('counts lines past a megabyte, with a \\r\\n astride the counter\'s 1 MiB blocks', () => {
    // 'a\r\n', '777\r\n', then '7\r\n' rows: the \r of row 349522 is the file's byte 2^20 - 1.
    const rows = 349522 + 10;
    const text = `a\r\n777\r\n${'7\r\n'.repeat(rows)}x\r\n`;
    expect(text[2 ** 20 - 1]).toBe('\r');
    const e = failure('long.csv', text, [0, 2 ** 20], {});
    expect(e.code).toBe('CSV_BAD_VALUE');
    expect(e.message).toContain(`long.csv, line ${rows + 3} (byte ${text.length - 3}), column 'a': "x" is not a valid int64`);
  });

  it('an error crosses from a worker thread with its code and line', async () => {
    const g = generate(200, ',', '\n', 5);
    const path = write('late-error.csv', Buffer.concat([g.text, Buffer.from('oops,1,2,True,x,2020-01-01,a,,0,1\n')]));
    const s = { ...n.sniffCsv(write('late-error-clean.csv', g.text), { parseDates: ['when'] }), fileSize: statSync(path).size };
    const err = await readThroughEngine(engine(), path, s, boundsOf(path, s, awkwardTargets(g, 3001))).catch((e) => e);
    expect(err.code).toBe('CSV_BAD_VALUE');
    expect(err.message).toMatch(new RegExp(`late-error\\.csv, line ${g.text.toString().split(/\r\n|\r|\n/).length} .*column 'id': "oops"`));
  });

  it('a file changed after planning is INPUT_CHANGED', async () => {
    const g = generate(50, ',', '\n', 6);
    const path = write('changed.csv', g.text);
    const s = n.sniffCsv(path, { parseDates: ['when'] });
    const bounds = boundsOf(path, s, [0, 1000]);
    const st = statSync(path, { bigint: true });
    appendFileSync(path, '1,2,3,True,x,2020-01-01,a,,0,1\n');
    const tasks = specs(path, s, bounds).map((spec, i) => ({ key: `r:${i}`, layer: 'r', index: [i], deps: [], priority: 0, estBytes: spec.estBytes, spec }));
    const graph = finishGraph(tasks, [{ name: 'r', label: 'r', kind: 'read_csv', tasks: tasks.length, deps: [], indexShape: [] }]);
    const owner = engine().newJob();
    const err = await engine().run(graph, { owner, keep: new Set(), files: new Map([[path, { size: Number(st.size), mtimeNs: st.mtimeNs.toString() }]]) }).catch((e) => e);
    engine().freeJob(owner);
    expect(err.code).toBe('INPUT_CHANGED');
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a random table written as CSV, split at random byte offsets, reads back exactly.

type Dt = 'int64' | 'float64' | 'bool' | 'string' | 'timestamp';
const NA_WRITTEN = ['', 'NA', 'null', 'NaN', 'N/A'];
const STRING_UNITS = [',', '\t', ';', '|', '"', "'", '\n', '\r', ' ', 'a', 'b', 'Z', '0', '1', '.', '-', 'é', '中', '😀', 'NA'];

const arbCell = (dt: Dt) => {
  const value = {
    int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ text: (v >= 0n && v % 3n === 0n ? '+' : '') + String(v), want: String(v) as Cell })),
    float64: fc.double({ noNaN: true }).map((x) => ({ text: Object.is(x, -0) ? '-0.0' : x === Infinity ? 'inf' : x === -Infinity ? '-Infinity' : String(x), want: (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : x) as Cell })),
    bool: fc.constantFrom('True', 'False', 'true', 'false', 'TRUE', 'FALSE').map((b) => ({ text: b, want: (b.toLowerCase() === 'true') as Cell })),
    string: fc.string({ unit: fc.constantFrom(...STRING_UNITS), maxLength: 12 }).map((s) => ({ text: s, want: (NA_WRITTEN.includes(s) || s === 'NaN' ? null : s) as Cell })),
    timestamp: fc.bigInt({ min: -9_000_000_000_000_000_000n, max: 9_000_000_000_000_000_000n }).chain((ns) =>
      fc.constantFrom('T', ' ').map((t) => {
        const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
        const sub = ns - ms * 1_000_000n;
        const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
        return { text: `${iso.slice(0, 10)}${t}${iso.slice(11, 23)}${String(sub).padStart(6, '0')}Z`, want: String(ns) as Cell };
      })),
  }[dt];
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...NA_WRITTEN).map((na) => ({ text: na, want: null as Cell })) }, { weight: 6, arbitrary: value });
};

const arbTable = fc.record({
  dtypes: fc.array(fc.constantFrom<Dt>('int64', 'float64', 'bool', 'string', 'timestamp'), { minLength: 1, maxLength: 5 }),
  sep: fc.constantFrom(',', '\t', ';', '|'),
  eol: fc.constantFrom('\n', '\r\n'),
  nrows: fc.integer({ min: 0, max: 40 }),
  seed: fc.integer(),
  quoteAll: fc.boolean(),
}).chain((t) => fc.record({
  t: fc.constant(t),
  rows: fc.array(fc.tuple(...t.dtypes.map(arbCell)), { minLength: t.nrows, maxLength: t.nrows }),
  targets: fc.array(fc.nat(4000), { maxLength: 12 }),
}));

describe('property: random tables at random partition boundaries', () => {
  it('read back exactly what was written, with exact row starts', () => {
    let file = 0;
    fc.assert(fc.property(arbTable, ({ t, rows, targets }) => {
      const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const needs = (s: string) => t.quoteAll || s.includes(t.sep) || /["\r\n]/.test(s) || /^[ \t]*$/.test(s);
      const lines = [t.dtypes.map((_, k) => `c${k}`).join(t.sep)];
      for (const row of rows) lines.push(row.map((c, k) => (t.dtypes[k] === 'string' && needs(c.text) && c.text !== '' ? quote(c.text) : c.text)).join(t.sep));
      // A row that is all empty fields in a one-column table would be a blank line: pandas skips it.
      const text = lines.join(t.eol) + t.eol;
      const path = write(`prop-${file++ % 4}.csv`, text);
      const dtype = Object.fromEntries(t.dtypes.map((d, k) => [`c${k}`, d]));
      const s = n.sniffCsv(path, { dtype, sep: t.sep });
      const bounds = boundsOf(path, s, targets.map((x) => x % (text.length + 2)));
      const tables = readHere(path, s, bounds);
      const blankRow = (row: { text: string }[]) => t.dtypes.length === 1 && row[0].text === '';
      const kept = rows.filter((r) => !blankRow(r));
      const got = tables.length ? concat(tables) : t.dtypes.map((d, k) => ({ name: `c${k}`, dtype: d, values: [] as Cell[] }));
      expect(got.map((c) => c.dtype)).toEqual(t.dtypes);
      for (let k = 0; k < t.dtypes.length; k++) expect(got[k].values).toEqual(kept.map((r) => r[k].want));
    }), { numRuns: 150 });
  });
});
