/**
 * The CSV reader's column-wise path (native/csv/plain_block.cc): a block whose quotes only wrap
 * whole simple fields ("Oslo") and whose rows all have every field is split at the delimiters one
 * SIMD pass finds (OpTable::csv_delimiters, at every level this CPU has), and a filter's columns
 * are parsed first so strings are looked up only for the rows kept. Random tables, some with
 * fields quoted, some with what sends a block back to the row-by-row parse (a quoted field
 * holding a separator, a blank line, a stray \r, a bad value, invalid
 * UTF-8 in a string column, which fails the read even in a row the filter drops, and in a column
 * not read, which does not), are read with and without a random filter term at every level;
 * the rows must be the ones written (those the term keeps), and an error the same at every level.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeFiles, executeTask } from '../dist/src-main/engine/executor.js';
import { native, type TableColumnValues } from '../dist/src-main/native/addon.js';
import type { ReadCsvSpec } from '../dist/src-main/collections/dataframe/kinds/index.js';
import type { TaskTerm } from '../dist/src-main/collections/dataframe/read-terms.js';
import '../dist/src-main/collections/dataframe/kinds/index.js';
import { tempDir } from './helpers/engine.js';

const n = native();
const levels = n.simdLevels().split(',');
const initial = n.simdLevel();
afterAll(() => n.setSimdLevel(initial));
const dir = tempDir('tessera-csv-plain-');

type Dt = 'int64' | 'float64' | 'bool' | 'string';
/** A cell as written, and what it reads as: a number (int64 as bigint), a bool, a string or null. */
interface Cell { text: string; want: bigint | number | boolean | string | null }

const WORDS = ['a', 'b', 'zz', 'NA', '', 'é', 'Ωmega', 'x y', '-', '0', 'null'];
const arbCell = (dt: Dt): fc.Arbitrary<Cell> => ({
  // Short ones most (up to 8 digits take one word), a sign sometimes, leading zeros, and any int64.
  int64: fc.oneof(
    fc.tuple(fc.integer({ min: -99_999_999, max: 99_999_999 }), fc.constantFrom('', '+', '0')).map(([v, pre]) => ({ text: v < 0 ? String(v) : `${pre}${v}`, want: BigInt(v) })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ({ text: String(v), want: v }))),
  float64: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -500, max: 500 }).map((x) => x / 4))
    .map((x) => ({ text: Object.is(x, -0) ? '-0.0' : String(x), want: x })),
  bool: fc.constantFrom('True', 'False', 'true', 'FALSE').map((b) => ({ text: b, want: b.toLowerCase() === 'true' })),
  string: fc.constantFrom(...WORDS).map((s) => ({ text: s, want: ['', 'NA', 'null'].includes(s) ? null : s })),
}[dt]);
const arbMaybeNull = (dt: Dt) => fc.oneof({ weight: 1, arbitrary: fc.constant<Cell>({ text: '', want: null }) }, { weight: 5, arbitrary: arbCell(dt) });

/** What is done to one row so the block holding it cannot take the column-wise path. */
type Flaw = 'none' | 'quoted' | 'blank-line' | 'lone-cr' | 'bad-value' | 'bad-utf8' | 'bad-utf8-unread';

const arbCase = fc.record({
  dtypes: fc.array(fc.constantFrom<Dt>('int64', 'float64', 'bool', 'string'), { minLength: 2, maxLength: 5 }),
  sep: fc.constantFrom(',', '\t', ';', '|'),
  eol: fc.constantFrom('\n', '\r\n'),
  lastEol: fc.boolean(),
  // Some fields written "quoted", as many writers do: still plain (the quotes wrap whole fields).
  quoteSome: fc.boolean(),
  nrows: fc.integer({ min: 1, max: 300 }),
  flaw: fc.constantFrom<Flaw>('none', 'none', 'none', 'quoted', 'blank-line', 'lone-cr', 'bad-value', 'bad-utf8', 'bad-utf8-unread'),
  flawAt: fc.nat(),
  term: fc.option(fc.record({ column: fc.nat(), op: fc.constantFrom<TaskTerm['op']>('>', '<=', '==', 'notna'), pick: fc.nat() }), { nil: undefined }),
}).chain((t) => fc.record({
  t: fc.constant(t),
  rows: fc.array(fc.tuple(...t.dtypes.map(arbMaybeNull)), { minLength: t.nrows, maxLength: t.nrows }),
}));

/** pandas' comparison of a cell with a term's literal (a null fails every term). */
function passes(c: Cell, dt: Dt, op: TaskTerm['op'], literal: Cell['want']): boolean {
  if (c.want === null) return false;
  if (op === 'notna') return true;
  const a = c.want, b = literal as typeof a;
  const cmp = dt === 'string' ? Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) : dt === 'bool' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0;
  return op === '>' ? cmp > 0 : op === '<=' ? cmp <= 0 : cmp === 0;
}

function literalText(dt: Dt, v: Cell['want']): string {
  return dt === 'bool' ? (v ? '1' : '0') : String(v);
}

function values(c: TableColumnValues): Cell['want'][] {
  return Array.from({ length: c.values.length }, (_, r) => {
    if (c.valid && !c.valid[r]) return null;
    const v = c.values[r];
    return c.dtype === 'bool' ? v === 1 : v;
  });
}

/** Every partition of the file (blocks of 1 MiB: one here) read at the current level; the tables or the error. */
function read(path: string, spec: ReadCsvSpec) {
  try {
    const r = executeTask(spec, [], 4242);
    try {
      return { table: n.readTable(r.chunk) };
    } finally {
      n.release(r.chunk);
    }
  } catch (e) {
    return { error: e as { code: string; message: string } };
  } finally {
    closeFiles();
  }
}

describe('the column-wise parse of plain blocks', () => {
  it('reads what was written, keeps what a pushed term keeps, and fails alike at every SIMD level', () => {
    let file = 0;
    fc.assert(fc.property(arbCase, ({ t, rows }) => {
      const names = t.dtypes.map((_, k) => `c${k}`);
      const lines = rows.map((r, i) => r.map((c, k) => (t.quoteSome && (i + k) % 3 === 0 ? `"${c.text}"` : c.text)).join(t.sep));
      const at = t.flawAt % rows.length;
      let error: string | null = null;
      // The first column is the one left unread when the flaw is invalid UTF-8 there.
      const read0 = t.flaw !== 'bad-utf8-unread';
      if (t.flaw === 'quoted') {
        const k = t.dtypes.indexOf('string');
        if (k >= 0) {
          lines[at] = rows[at].map((c, j) => (j === k ? `"${c.text}${t.sep}"` : c.text)).join(t.sep);
          rows[at][k] = { text: '', want: `${rows[at][k].text}${t.sep}` };
        }
      } else if (t.flaw === 'blank-line') lines.splice(at, 0, '');
      else if (t.flaw === 'lone-cr') lines[at] = `${lines[at]}\r`; // a line end pandas reads too: the row is unchanged
      else if (t.flaw === 'bad-value') {
        const k = t.dtypes.findIndex((d) => d !== 'string');
        if (k >= 0) {
          const bad = ['oops', '-', '+', '1-', '+-1', '--', '1x'][t.flawAt % 7];
          lines[at] = rows[at].map((c, j) => (j === k ? bad : c.text)).join(t.sep);
          error = `CSV_BAD_VALUE line ${at + 2} c${k}`;
        }
      } else if (t.flaw === 'bad-utf8') {
        const k = t.dtypes.indexOf('string');
        if (k >= 0) {
          lines[at] = rows[at].map((c, j) => (j === k ? `x\u0001` : c.text)).join(t.sep);
          error = `CSV_INVALID_UTF8 line ${at + 2} c${k}`;
        }
      } else if (t.flaw === 'bad-utf8-unread') lines[at] = ['\u0001'].concat(rows[at].slice(1).map((c) => c.text)).join(t.sep);
      // \u0001 (in no word) stands for a byte that is not UTF-8.
      const bytes = Buffer.from(`${names.join(t.sep)}${t.eol}${lines.join(t.eol)}${t.lastEol ? t.eol : ''}`, 'utf8').map((b) => (b === 1 ? 0xff : b));
      const path = join(dir, `plain-${file++ % 4}.csv`);
      writeFileSync(path, bytes);

      const columns = t.dtypes.map((dtype, index) => ({ name: names[index], dtype, index })).filter((c) => read0 || c.index > 0);
      let where: TaskTerm[] | undefined;
      let keep = (_r: Cell[]) => true;
      if (t.term) {
        const col = columns[t.term.column % columns.length];
        const dt = col.dtype;
        const literal = rows[t.term.pick % rows.length][col.index].want ?? arbLiteral(dt);
        where = [{ column: columns.indexOf(col), op: t.term.op, ...(t.term.op === 'notna' ? {} : { literal: literalText(dt, literal) }) }];
        keep = (r) => passes(r[col.index], dt, t.term!.op, literal);
      }
      const spec: ReadCsvSpec = {
        kind: 'read_csv', path, start: Buffer.byteLength(names.join(t.sep)) + t.eol.length, end: bytes.length, sep: t.sep, quote: '"',
        nfields: t.dtypes.length, columns, naValues: ['', 'NA', 'null'], ...(where ? { where } : {}), estBytes: 64 * bytes.length + 4096,
      };
      const results = levels.map((level) => { n.setSimdLevel(level); return read(path, spec); });
      n.setSimdLevel(initial);
      for (const [i, r] of results.entries()) {
        if (error) {
          const [code, , line, column] = error.split(' ');
          expect(r.error?.code, levels[i]).toBe(code);
          expect(r.error?.message, levels[i]).toContain(`line ${line}`);
          expect(r.error?.message, levels[i]).toContain(column);
          expect(r.error?.message).toBe(results[0].error?.message);
          continue;
        }
        expect(r.error, levels[i]).toBeUndefined();
        const kept = rows.filter(keep);
        for (const [k, c] of columns.entries()) expect(values(r.table!.columns[k]), `${levels[i]} ${c.name}`).toEqual(kept.map((row) => row[c.index].want));
      }
    }), { numRuns: 120 });
  });

  it('reads a quoted field that holds a separator and a line break whole, though the delimiters still count out', () => {
    // Split at every delimiter, '"a,' + '\n' + 'b"' would pass for two rows of two fields each.
    const path = join(dir, 'aligned.csv');
    const text = 'x,y\n"a,\nb",c\n"d",e\n';
    writeFileSync(path, text);
    const columns = [{ name: 'x', dtype: 'string' as const, index: 0 }, { name: 'y', dtype: 'string' as const, index: 1 }];
    const spec: ReadCsvSpec = { kind: 'read_csv', path, start: 4, end: Buffer.byteLength(text), sep: ',', quote: '"', nfields: 2, columns, naValues: [''], estBytes: 1 << 20 };
    for (const level of levels) {
      n.setSimdLevel(level);
      const { table } = read(path, spec);
      expect(table!.columns.map(values), level).toEqual([['a,\nb', 'd'], ['c', 'e']]);
    }
    n.setSimdLevel(initial);
  });

  it('reads integers of every short shape, and refuses near-integers, at every level', () => {
    const good = ['0', '7', '-0', '+5', '007', '-1234567', '12345678', '-12345678', '123456789', '+0000001'];
    const bad = ['-', '+', '1-', '+-1', '--', '1x', '- 1', '1.', '0x1', '١'];
    const columns = [{ name: 'i', dtype: 'int64' as const, index: 0 }, { name: 'x', dtype: 'int64' as const, index: 1 }];
    const spec = (path: string, end: number): ReadCsvSpec => ({
      kind: 'read_csv', path, start: 4, end, sep: ',', quote: '"', nfields: 2, columns, naValues: [''], estBytes: 1 << 20,
    });
    // 40 rows: every field of column x a good shape, then one bad text in row 20 (line 22).
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${good[i % good.length]}`);
    const path = join(dir, 'ints.csv');
    writeFileSync(path, `i,x\n${rows.join('\n')}\n`);
    for (const level of levels) {
      n.setSimdLevel(level);
      const { table } = read(path, spec(path, Buffer.byteLength(`i,x\n${rows.join('\n')}\n`)));
      expect(values(table!.columns[1]), level).toEqual(rows.map((_, i) => BigInt(good[i % good.length])));
      for (const b of bad) {
        const text = `i,x\n${rows.map((r, i) => (i === 20 ? `20,${b}` : r)).join('\n')}\n`;
        const p = join(dir, 'bad-int.csv');
        writeFileSync(p, text);
        const { error } = read(p, spec(p, Buffer.byteLength(text)));
        expect(error?.code, `${level} '${b}'`).toBe('CSV_BAD_VALUE');
        expect(error?.message, `${level} '${b}'`).toContain('line 22');
      }
    }
    n.setSimdLevel(initial);
  });

  it('reads a 4 MB file of many blocks, some with quotes, with a filter the same at every level', () => {
    const lines = ['id,x,city,flag'];
    // Quotes in the first block (it goes row by row), none after.
    // Later blocks bring new dictionary entries ('Oslo3', ...), so a string term meets them late.
    const city = (i: number) => { const c = ['Oslo', 'Åre', 'Lima', ''][i % 4]; return c && i >= 50_000 ? `${c}${Math.floor(i / 10_000)}` : c; };
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${(i % 97) / 4},${i < 20_000 && i % 1000 === 1 ? `"${city(i)}"` : city(i)},${i % 3 ? 'True' : 'False'}`);
    const path = join(dir, 'big.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const columns = [{ name: 'id', dtype: 'int64' as const, index: 0 }, { name: 'city', dtype: 'string' as const, index: 2 }, { name: 'x', dtype: 'float64' as const, index: 1 }];
    const spec: ReadCsvSpec = {
      kind: 'read_csv', path, start: lines[0].length + 1, end: Buffer.byteLength(lines.join('\n')) + 1, sep: ',', quote: '"', nfields: 4, columns,
      naValues: [''], where: [{ column: 2, op: '>', literal: '20' }], estBytes: 64 << 20,
    };
    for (const level of levels) {
      n.setSimdLevel(level);
      const { table } = read(path, spec);
      const ids = Array.from({ length: 200_000 }, (_, i) => i).filter((i) => (i % 97) / 4 > 20);
      expect(table!.nrows, level).toBe(ids.length);
      expect(Array.from(table!.columns[0].values as BigInt64Array, Number), level).toEqual(ids);
      expect(values(table!.columns[1]), level).toEqual(ids.map((i) => city(i) || null));
      // A string term, decided once per dictionary entry as blocks add entries.
      const byCity = read(path, { ...spec, where: [{ column: 1, op: '>', literal: 'Oslo7' }] }).table!;
      const cityIds = Array.from({ length: 200_000 }, (_, i) => i).filter((i) => city(i) !== '' && Buffer.compare(Buffer.from(city(i)), Buffer.from('Oslo7')) > 0);
      expect(Array.from(byCity.columns[0].values as BigInt64Array, Number), level).toEqual(cityIds);
    }
    n.setSimdLevel(initial);
  });
});

function arbLiteral(dt: Dt): Cell['want'] {
  return { int64: 0n, float64: 0.5, bool: true, string: 'm' }[dt];
}
