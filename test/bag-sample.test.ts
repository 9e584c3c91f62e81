/**
 * The window's word-count sample (service/samples.ts, examples/words.json): the same job in both
 * places, runs from the CLI with Python's answer (Counter, heapq.nlargest over str.split()), and
 * runs through the window's job service, which may not run user code (builtins only need none).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { SAMPLES } from '../dist/src-main/service/samples.js';
import { tessera } from './helpers/cli.js';
import { tempDir } from './helpers/engine.js';
import { runInService } from './helpers/service.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'words.json');

describe('the word-count sample', () => {
  const sample = SAMPLES.find((s) => s.name === 'words')!;
  const dir = tempDir('tessera-words-');
  let engine: Engine | undefined;
  afterAll(async () => { await engine?.close(); });

  it('is the job of examples/words.json and gives Python\'s counts from the command line', () => {
    expect(JSON.parse(readFileSync(EXAMPLE, 'utf8'))).toEqual(sample.spec);
    const r = tessera(['run', EXAMPLE, '--json'], dir);
    expect(r.status, r.stderr).toBe(0);
    const { outputs } = JSON.parse(r.stdout);
    const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import collections, heapq, json, sys
lines = json.load(open(sys.argv[1]))['datasets']['lines']['sequence']
words = [w for l in lines for w in l.split()]
lower = [w for l in lines for w in l.lower().split()]
print(json.dumps({'top': [list(p) for p in collections.Counter(lower).most_common(10)], 'words': len(words), 'distinct': len(set(lower)), 'longest': heapq.nlargest(3, words, key=len)}))`, EXAMPLE], { encoding: 'utf8' }));
    expect(outputs.top).toEqual({ kind: 'list', values: py.top, count: 10 });
    expect(outputs.words.value).toBe(py.words);
    expect(outputs.distinct.value).toBe(py.distinct);
    expect(outputs.longest.values).toEqual(py.longest);
  });

  it('runs through the window\'s job service', async () => {
    engine = await Engine.start({ workers: 2 });
    const outputs = await runInService(engine, sample.spec, dir);
    expect(outputs.map((o) => o.name)).toEqual(['top', 'words', 'distinct', 'longest']);
    expect(outputs.find((o) => o.name === 'top')).toMatchObject({ kind: 'list', count: 10 });
    expect((outputs.find((o) => o.name === 'top') as { values: [string, number][] }).values[0]).toEqual(['that', 13]);
  });
});
