/**
 * "Did you mean" on a misspelt name, by Python's own rule (edits cost 2, a change of case 1, within
 * (len + len + 3) / 3), for datasets,
 * numpy functions and array methods, table columns, methods and group-by keys, and bag methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../dist/src-main/engine/engine.js';
import { closestName, editDistance } from '../dist/src-main/lang/did-you-mean.js';
import { LocalBackend } from '../dist/src-main/run/local-backend.js';
import { runSpec } from '../dist/src-main/run/run-spec.js';
import { tempDir } from './helpers/engine.js';

describe('did you mean', () => {
  let engine: Engine;
  beforeAll(async () => { engine = await Engine.start({ workers: 1 }); });
  afterAll(async () => { await engine.close(); });

  it('measures edits as Python does, and suggests only near names', () => {
    expect(editDistance('kitten', 'sitting')).toBe(6); // three edits of cost 2
    expect(editDistance('Delay', 'delay')).toBe(1); // a change of case
    expect(editDistance('', 'abc')).toBe(6);
    expect(closestName('delya', ['delay'])).toBe('delay');
    expect(closestName('meen', ['max', 'mean', 'min'])).toBe('mean');
    expect(closestName('Delay', ['origin', 'delay'])).toBe('delay');
    expect(closestName('foo', ['bar', 'baz'])).toBeNull();
    expect(closestName('y', ['x'])).toBeNull(); // one letter for another: Python suggests nothing either
    expect(closestName('distance', ['dist'])).toBeNull(); // four edits of eight letters: too far
    expect(closestName('mean', ['mean'])).toBeNull(); // the name itself is no suggestion
  });

  it('ends the error of an unknown name with the nearest one, in arrays, tables and bags', async () => {
    const spec = (out: string) => ({ tessera: 1, datasets: { z: { arange: [10] }, b: { sequence: ['a', 'b'] }, t: { timeseries: { end: '2000-01-02' } } }, outputs: { o: out } });
    const error = async (out: string) => (await runSpec(new LocalBackend(engine), spec(out), { baseDir: tempDir(), outDir: tempDir() }).then(() => null, (e) => e)) as { code: string; message: string } | null;
    const cases: [string, string, string][] = [
      ['zz.mean()', 'UNKNOWN_NAME', "name 'zz' is not defined. Did you mean: 'z'?"],
      ['z.meen()', 'UNKNOWN_NAME', "array has no attribute 'meen'. Did you mean: 'mean'?"],
      ['np.sqrtt(z)', 'UNKNOWN_NAME', "np has no attribute 'sqrtt'. Did you mean: 'sqrt'?"],
      ['sqrtt(z)', 'UNKNOWN_NAME', "name 'sqrtt' is not defined. Did you mean: 'sqrt'?"],
      ['t.xx.mean()', 'NO_SUCH_COLUMN', "the table has no column or method 'xx'. Did you mean: 'x'?"],
      ['t.x.meen()', 'ATTRIBUTE_ERROR', "a Series has no method 'meen'. Did you mean: 'mean'?"],
      ["t.groupby('nam').x.sum()", 'KEY_ERROR', "no column 'nam' to group by. Did you mean: 'name'?"],
      ["t.groupby('name').x.summ()", 'ATTRIBUTE_ERROR', "a group-by has no method 'summ'. Did you mean: 'sum'?"],
      ['b.frequencies().topkk(3)', 'BAG_UNSUPPORTED', "'topkk' is not a bag method Tessera knows. Did you mean: 'topk'?"],
      ['qqq.mean()', 'UNKNOWN_NAME', "name 'qqq' is not defined"],
      ['np.pie', 'UNKNOWN_NAME', "np has no attribute 'pie'. Did you mean: 'pi'?"],
      ['b.splt().count()', 'BAG_UNSUPPORTED', "'splt' is not a bag method Tessera knows"], // str.split is not a bag method
    ];
    for (const [out, code, message] of cases) {
      const e = await error(out);
      expect({ out, code: e?.code, message: e?.message }).toEqual({ out, code, message });
    }
  });
});
