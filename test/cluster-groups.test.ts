/** Which Tessera tasks go to a cluster together (cluster/task-groups.ts): a task with the source tasks only it reads; outputs and shared chunks stay apart. */
import { describe, expect, it } from 'vitest';
import { groupTasks } from '../dist/src-main/cluster/task-groups.js';
import { jobText, parseJob } from '../dist/src-main/cluster/portable-job.js';

function graph(tasks: [key: string, deps: string[]][]) {
  const index = new Map(tasks.map(([k], i) => [k, i]));
  return { tasks: tasks.map(([key, deps]) => ({ key, deps })), depIndex: tasks.map(([, deps]) => deps.map((d) => index.get(d) ?? -1)) };
}

describe('task groups for a cluster', () => {
  it('puts a combine and the partials only it reads in one group, the root reading the combines', () => {
    const g = graph([['p:0', []], ['p:1', []], ['p:2', []], ['p:3', []], ['c:0', ['p:0', 'p:1']], ['c:1', ['p:2', 'p:3']], ['r:', ['c:0', 'c:1']]]);
    expect(groupTasks(g as never, new Set(['r:']))).toEqual([
      { key: 'c:0', members: [0, 1, 4], inputs: [] },
      { key: 'c:1', members: [2, 3, 5], inputs: [] },
      { key: 'r:', members: [6], inputs: ['c:0', 'c:1'] },
    ]);
  });

  it('keeps apart a source read twice, a task that reads a chunk, and an output', () => {
    // s is read by a and b; m reads t (not a source); o is an output read by q.
    const g = graph([['s', []], ['a', ['s']], ['b', ['s']], ['t', []], ['m', ['t']], ['x', ['m']], ['o', []], ['q', ['o']]]);
    const groups = groupTasks(g as never, new Set(['o', 'q', 'a', 'b', 'x']));
    expect(groups.map((x) => x.key)).toEqual(['s', 'a', 'b', 'm', 'x', 'o', 'q']);
    expect(groups.find((x) => x.key === 'm')).toEqual({ key: 'm', members: [3, 4], inputs: [] });
    expect(groups.find((x) => x.key === 'x')).toEqual({ key: 'x', members: [5], inputs: ['m'] });
    expect(groups.find((x) => x.key === 'a')!.inputs).toEqual(['s']);
    expect(groups.find((x) => x.key === 'q')!.inputs).toEqual(['o']);
  });
});

describe('a job as the cluster gets it', () => {
  it('keeps bigints, and a user\'s values shaped like the bigint tag or with "$" keys, what they were', () => {
    const spec = { kind: 'x', literal: 2n ** 63n - 1n, arg: { $bigint: '7' }, odd: { $$x: 1, y: [{ $bigint: 'seven' }, -5n] } };
    const job = { id: 'j', tasks: [{ key: 'k', layer: 'l', deps: [], spec }], programs: {}, writers: {}, groups: [], outputs: [] };
    const back = parseJob(jobText(job as never)).tasks[0].spec as unknown as typeof spec;
    expect(back).toEqual(spec);
    expect(typeof back.literal).toBe('bigint');
    expect(typeof back.arg).toBe('object');
  });
});
